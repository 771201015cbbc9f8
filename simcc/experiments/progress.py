"""The progress bar of experiments: :func:`simcc.progress.progress_bar` (written there, so
that ``simcc run`` can draw it without loading :mod:`simcc.experiments`)."""

from simcc.progress import RateColumn, progress_bar

__all__ = ["RateColumn", "progress_bar"]
