"""Geometry for the journey charts. Templates draw the SVG (so every label is auto-escaped)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from continuum.outcomes.selectors import Journey

# Colour-blind-safe palette (Okabe-Ito, extended), one per area.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#8c510a", "#5e3c99", "#b2182b", "#4d9221", "#2166ac"]  # fmt: skip
DASHES = ["", "6 3", "2 2", "8 3 2 3"]


@dataclass
class RadarSpoke:
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    value: int | None
    point_x: float | None
    point_y: float | None


@dataclass
class Radar:
    size: int
    centre: float
    rings: list[str]  # polygon points of each grid ring
    spokes: list[RadarSpoke]
    polygon: str  # the family's scores


def radar(journey: Journey, reading_index: int = -1, size: int = 480) -> Radar | None:
    if not journey.readings:
        return None
    inst = journey.instrument
    span = inst.scale_max - inst.scale_min
    centre, radius = size / 2, size / 2 - 110
    n = len(journey.areas)

    def at(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return (centre + radius * fraction * math.cos(angle),
                centre + radius * fraction * math.sin(angle))  # fmt: skip

    rings = []
    for step in range(1, 6):
        ring = [at(i, step / 5) for i in range(n)]
        rings.append(" ".join(f"{x:.1f},{y:.1f}" for x, y in ring))
    spokes, points = [], []
    for i, aj in enumerate(journey.areas):
        x, y = at(i, 1)
        lx, ly = at(i, 1.12)
        value = aj.values[reading_index]
        px = py = None
        if value is not None:
            px, py = at(i, (value - inst.scale_min) / span if span else 0)
            points.append(f"{px:.1f},{py:.1f}")
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        spokes.append(RadarSpoke(aj.area.label, x, y, lx, ly, anchor, value, px, py))
    return Radar(size=size, centre=centre, rings=rings, spokes=spokes, polygon=" ".join(points))


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    points: str
    dots: list[tuple[float, float, int]]


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    lines: list[Line]


def lines(journey: Journey, width: int = 640, height: int = 320) -> LineChart | None:
    if len(journey.readings) < 2:
        return None
    inst = journey.instrument
    left, top, right, bottom = 40, 16, 16, 40
    pw, ph = width - left - right, height - top - bottom
    count = len(journey.readings)

    def x_at(i: int) -> float:
        return left + pw * i / (count - 1)

    def y_at(v: int) -> float:
        return top + ph * (1 - (v - inst.scale_min) / (inst.scale_max - inst.scale_min))

    y_ticks = [(y_at(v), v) for v in range(inst.scale_min, inst.scale_max + 1)]
    x_ticks = [(x_at(i), r.taken_on.strftime("%-d %b %Y")) for i, r in enumerate(journey.readings)]
    out = []
    for k, aj in enumerate(journey.areas):
        dots = [(x_at(i), y_at(v), v) for i, v in enumerate(aj.values) if v is not None]
        out.append(
            Line(
                label=aj.area.label,
                colour=PALETTE[k % len(PALETTE)],
                dash=DASHES[(k // len(PALETTE) + k) % len(DASHES)],
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y, _v in dots),
                dots=dots,
            )
        )
    return LineChart(width, height, left, top, pw, ph, y_ticks, x_ticks, out)
