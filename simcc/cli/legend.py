"""What the console tables say beside the numbers: the currency of costs, and the footnotes.

A scenario's optional ``currency`` labels every cost (``Cost per contact (EUR)``);
without one, costs are plain numbers in the unit of the pools' ``cost_per_hour``.
"""

from __future__ import annotations

from collections.abc import Iterable

from simcc.analysis import format as fmt

ANSWERED_NOTE = (
    "answered counts every contact an agent picked up, including those later lost on hold "
    "or in a later queue, so answered + abandoned can exceed offered"
)
"""The footnote of a table showing answered and abandoned contacts."""


def label(metric: str, currency: str | None) -> str:
    """The metric's label, with the currency after a cost: ``Cost per contact (EUR)``."""
    return with_currency(metric, fmt.label(metric), currency)


def with_currency(metric: str, text: str, currency: str | None) -> str:
    """``text`` with ``(currency)`` after it when ``metric`` is a cost and a currency is set."""
    if currency and fmt.kind(metric) == "money":
        return f"{text} ({currency})"
    return text


def footnotes(metrics: Iterable[str]) -> list[str]:
    """The footnotes a table of these metrics needs (answered and abandoned side by side)."""
    shown = set(metrics)
    return [ANSWERED_NOTE] if {"answered", "abandoned"} <= shown else []
