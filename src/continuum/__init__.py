"""Continuum: one child, one record, every agency."""

__version__ = "0.1.0"
