"""Prediction models for cascades: SEISMIC (``seismic``) and Hawkes processes (``hawkes``)."""

__all__ = [
]
