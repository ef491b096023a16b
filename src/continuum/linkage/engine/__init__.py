"""Continuum identity-resolution engine (pure Python; no Django).

Public API:

* :func:`layout.read_extract` — read person-extract v1 CSV/XLSX.
* :func:`model.prepare_frame`, :func:`model.train`, :func:`model.predict`,
  :class:`model.TrainedModel` (``save``/``load``/``params``), :class:`model.LinkageConfig`.
* :func:`batch.link_records`, :func:`batch.link_files` — train, score, cluster.
* :func:`realtime.score_pair`, :func:`realtime.blocking_keys` — real-time scoring.
* :func:`cli.main` — ``continuum link``.
"""

from .batch import LinkResult, link_files, link_records
from .layout import ExtractResult, RowError, read_extract
from .model import LinkageConfig, TrainedModel, predict, prepare_frame, train
from .realtime import blocking_keys, score_pair

__all__ = [
    "ExtractResult",
    "LinkResult",
    "LinkageConfig",
    "RowError",
    "TrainedModel",
    "blocking_keys",
    "link_files",
    "link_records",
    "predict",
    "prepare_frame",
    "read_extract",
    "score_pair",
    "train",
]
