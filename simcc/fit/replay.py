"""Replaying a fitted day's own arrivals: the like-for-like check of one day.

A fitted scenario draws each call type's arrivals as Poisson with one rate per
half hour (``FitOptions.interval``). The day the rates were fitted on had its
own arrivals, burstier or smoother than that Poisson, and its waiting follows
them. A *replay* keeps every other number of the fit — the agents on duty,
the handle times, the patience, the routing — and gives each call type the
log's own arrival times that day instead: ``arrivals: {times: [...]}``
(MODEL.md §6; arrivals at exactly those times), in seconds from the
scenario's time 0 (the fit's ``start``). The difference between a day's
fitted check and its replayed one is the arrival model's part of the day's
error; what the replay still misses is the service side's.

The calls replayed are those the observed metrics count
(:func:`~simcc.fit.observed.counted_calls`): offered (queued, or served), the
loader's outliers left out, arrived within the fit's span. Each
goes to its scenario call type (rare log types merged as the fit merges
them; with a handle time per hour, :mod:`simcc.fit.hours`, the call type of
its hour). Only the arrival times are replayed: a replayed caller draws its
segment, patience and handle time as any caller of its call type does,
whether the log's caller was served or hung up.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal, get_args

import pandas as pd

from simcc.fit.hours import hour_type
from simcc.fit.observed import counted_calls

if TYPE_CHECKING:
    from simcc.fit.build import Fit

__all__ = ["ARRIVALS", "Arrivals", "replay_scenario", "replayed_times"]

Arrivals = Literal["fitted", "replay"]
"""How a check's callers arrive: as the fit's Poisson rates, or at the log's own times."""
ARRIVALS: tuple[str, ...] = get_args(Arrivals)


def replayed_times(fit: Fit, calls: pd.DataFrame) -> dict[str, list[float]]:
    """The log's arrival times (seconds from the scenario's time 0) per scenario call type.

    ``fit`` must be of one day (a replay is of a day). Every call type of the
    scenario has a list, possibly empty; ValueError when a call's type is not
    in the scenario.
    """
    if len(fit.days) != 1:
        raise ValueError(
            f"a replay is of one day's arrivals; this fit averages {len(fit.days)} days"
        )
    start = fit.span[0]
    mine = counted_calls(calls, fit.days, fit.span)
    ctype = mine["type"].map(fit.type_map)
    mine = mine.assign(ctype=ctype)[ctype.notna()]
    types = fit.scenario["call_types"]
    band = fit.options.handle_time_interval
    times: dict[str, list[float]] = {name: [] for name in types}
    for base, arrival in zip(mine["ctype"], mine["arrival"], strict=True):
        name = str(base)
        if name not in types and band is not None:  # split into one call type per hour
            name = hour_type(name, start, band, int((arrival - start) // band))
        if name not in types:
            raise ValueError(f"call type {base!r} at {arrival:.0f} s is not in the scenario")
        times[name].append(float(arrival - start))
    return {name: sorted(ts) for name, ts in times.items()}


def replay_scenario(fit: Fit, calls: pd.DataFrame) -> dict[str, Any]:
    """``fit``'s scenario with each call type's arrivals replaced by the log's own times."""
    scenario = copy.deepcopy(fit.scenario)
    for name, times in replayed_times(fit, calls).items():
        scenario["call_types"][name]["arrivals"] = {"times": times}
    return scenario
