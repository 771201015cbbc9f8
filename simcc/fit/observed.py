"""The log's own metrics per day, named as in MODEL.md §4, to set beside simulated ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from simcc.fit.estimate import DaysArg, estimable, offered, on_days, resolve_days

__all__ = ["counted_calls", "observed_metrics", "observed_metrics_table", "parse_day"]


def counted_calls(
    calls: pd.DataFrame, days: Iterable[dt.date], span: tuple[float, float]
) -> pd.DataFrame:
    """The calls the log's metrics count: offered (:func:`~simcc.fit.estimate.offered`),
    on ``days``, arriving within ``span`` (seconds since midnight, ``[from, to)``), the
    loader's outliers (:func:`~simcc.fit.estimate.estimable`) left out."""
    mine = estimable(on_days(calls, days))
    mine = mine[(mine["arrival"] >= span[0]) & (mine["arrival"] < span[1])]
    return mine[offered(mine)]


def observed_metrics(
    calls: pd.DataFrame,
    day: dt.date | str,
    *,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
    span: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The log's own metrics for one day, named as in MODEL.md §4.

    ``offered`` = calls that asked for an agent: queued, or served at once
    (callers who hung up without queueing left at the voice-response unit and
    are counted apart as ``left_before_queue``). ``abandoned`` = offered calls
    that hung up (HANG). ``abandonment_rate`` = abandoned / offered. ``asa`` =
    mean wait of answered calls, unqueued ones counting 0. ``service_level`` =
    answered with wait ≤ ``threshold`` / (offered − abandoned with wait ≤
    ``short_abandon``; none when it is 0). ``span`` = (from, to) seconds since
    midnight keeps only calls arriving in [from, to). The loader's outliers
    (:func:`~simcc.fit.estimate.estimable`) are left out.
    """
    when = parse_day(day)
    mine = estimable(calls[calls["date"] == when])
    if span is not None:
        mine = mine[(mine["arrival"] >= span[0]) & (mine["arrival"] < span[1])]
    asked = mine[offered(mine)]
    answered = asked[asked["outcome"] == "AGENT"]
    abandoned = asked[asked["outcome"] == "HANG"]
    short = int((abandoned["wait"] <= short_abandon).sum()) if short_abandon > 0 else 0
    base = len(asked) - short
    waits = answered["wait"].where(answered["queued"], 0.0)
    return {
        "date": when,
        "offered": len(asked),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "left_before_queue": len(mine) - len(asked),
        "abandonment_rate": len(abandoned) / len(asked) if len(asked) else float("nan"),
        "asa": float(waits.mean()) if len(answered) else float("nan"),
        "service_level": float((waits <= threshold).sum() / base) if base else float("nan"),
    }


def observed_metrics_table(calls: pd.DataFrame, days: DaysArg, **kwargs: Any) -> pd.DataFrame:
    """:func:`observed_metrics` for each chosen day, one row per day."""
    rows = [observed_metrics(calls, d, **kwargs) for d in resolve_days(calls, days)]
    return pd.DataFrame(rows).set_index("date")


def parse_day(day: dt.date | str) -> dt.date:
    """A date, or ``YYMMDD`` / ``YYYY-MM-DD`` text."""
    if isinstance(day, dt.date):
        return day
    for fmt in ("%y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"cannot read day {day!r}: use YYMMDD or YYYY-MM-DD")
