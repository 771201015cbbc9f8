"""What the console tables say beside the numbers: the currency of costs, and the footnotes.

A scenario's optional ``currency`` labels every cost (``Cost per contact (EUR)``);
without one, costs are plain numbers in the unit of the pools' ``cost_per_hour``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from simcc.analysis import format as fmt


def label(metric: str, currency: str | None) -> str:
    """The metric's label, with the currency after a cost: ``Cost per contact (EUR)``."""
    return with_currency(metric, fmt.label(metric), currency)


def with_currency(metric: str, text: str, currency: str | None) -> str:
    """``text`` with ``(currency)`` after it when ``metric`` is a cost and a currency is set."""
    if currency and fmt.kind(metric) == "money":
        return f"{text} ({currency})"
    return text


def footnotes(metrics: Iterable[str], *more: str) -> list[str]:
    """The notes under a table of these metrics, as lines of at most 80 columns: answered
    and abandoned side by side (:data:`~simcc.analysis.format.ANSWERED_NOTE`), then
    ``more`` (e.g. :data:`~simcc.analysis.format.CLIPPED_NOTE`)."""
    notes = [fmt.ANSWERED_NOTE] if {"answered", "abandoned"} <= set(metrics) else []
    notes += more
    wrap = textwrap.TextWrapper(80, subsequent_indent="      ", break_on_hyphens=False)
    return [wrap.fill(f"note: {note}") for note in notes]
