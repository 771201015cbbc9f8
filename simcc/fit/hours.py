"""Handle time by hour of the day: one call type per hour, as the scenario allows.

In the bank's log a call lasts longer at the busy hours than at the quiet
ones, whatever its type: general-pool calls of type PS that arrive at 09:00
and 15:00 last 1.16–1.18 times the day's PS mean, those of the evening
0.84–0.97 (21 weekdays of October 1999). One handle time per call type and
pool gives the busy hours too little load, and so too little waiting exactly
when callers wait.

The scenario (MODEL.md §6) has one handle-time distribution per call type and
pool, not one per interval. A call type per hour carries it: call type ``PS``
becomes ``PS_0900``, ``PS_1000`` … , each with ``PS``'s arrival rates in its
hour and none outside (the superposition is the same piecewise-Poisson
process), its path and patience, and in each pool the type's lognormal with
the same cv and the mean times the hour's *factor*. A pool's factor for an
hour is the ratio of sums over the pool's own work that arrived in that hour,
Σ service / Σ the mean of the call's type, shrunk towards 1 by its noise
(empirical Bayes: an hour's ratio r with standard error se becomes
1 + (r − 1)·τ² / (τ² + se²), τ² the spread of the hours' ratios beyond their
noise; with one day's calls an hour's se is about 0.1). An hour with fewer
than ``min_calls`` such calls keeps 1, and a pool whose hours differ no more
than their noise (τ² = 0) is not split. The shrunk factors are then scaled
by one constant so that the day's load (each call's factor times its type's
mean, summed) stays the sample's, as with one handle time per type:
shrinking alone lowered the offered load by 2–3 % on the bank's days. Call
types with overflow routing are not split (their handle time in the overflow
pool is fitted apart). With skill pools (:mod:`simcc.fit.skills`) a pool's
factors are fitted on its own and its skill pools' work, and every pool that
takes a type takes its hourly types.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.estimate import HandleTimeFit, handled
from simcc.fit.staffing import PoolPlan
from simcc.fit.writing import fmt_clock
from simcc.units import parse_duration

__all__ = ["hour_factors", "hour_type", "split_by_hour"]

ZERO_RATE = "0/h"


def hour_factors(
    work: pd.DataFrame,
    means: Mapping[str, float],
    start: float,
    horizon: float,
    band: float,
    *,
    min_calls: int = 20,
) -> list[float]:
    """One pool's handle-time factor per ``band`` of the day from ``start`` (see the module).

    ``work`` are the pool's own calls, with the scenario's call type in
    ``ctype``; ``means`` the mean handle time of each call type; a band with
    fewer than ``min_calls`` served calls keeps 1 before the scaling that
    keeps the day's load, and every band keeps 1 when the bands' ratios spread
    no more than their noise.
    """
    bands = int(np.ceil(horizon / band - 1e-9))
    served = handled(work)
    served = served[served["ctype"].isin(list(means))]
    frame = pd.DataFrame(
        {
            "band": ((served["arrival"] - start) // band).astype(int),
            "service": served["service"].astype(float),
            "expected": served["ctype"].map(means).astype(float),
        }
    )
    frame = frame[(frame["band"] >= 0) & (frame["band"] < bands)]
    bands_of = frame.groupby("band")
    raw: dict[int, tuple[float, float]] = {}
    for b, group in bands_of:
        total = float(group["expected"].sum())
        if len(group) >= min_calls and total > 0:
            ratio = float(group["service"].sum()) / total
            residual = group["service"] - ratio * group["expected"]
            raw[int(str(b))] = (ratio, float(np.sqrt((residual**2).sum())) / total)
    out = [1.0] * bands
    if len(raw) < 2:
        return out
    ratios = np.array([r for r, _ in raw.values()])
    noise = np.array([se**2 for _, se in raw.values()])
    spread = max(0.0, float(ratios.var(ddof=1) - noise.mean()))
    if spread == 0:
        return out
    for b, (ratio, se) in raw.items():
        out[b] = 1.0 + (ratio - 1.0) * spread / (spread + se**2)
    # one constant for every hour keeps the day's load the sample's, as without the split
    work_by_band = bands_of["expected"].sum().reindex(range(bands), fill_value=0.0)
    weights = work_by_band.to_numpy(dtype=float)
    scale = weights.sum() / float(np.dot(weights, out))
    return [float(f * scale) for f in out]


def split_by_hour(
    scenario: dict[str, Any],
    typed: pd.DataFrame,
    plan: PoolPlan,
    fits: Mapping[str, HandleTimeFit],
    start: float,
    band: float,
    *,
    min_calls: int = 20,
) -> list[str]:
    """Split each pool's call types into one call type per ``band`` (in place); the notes.

    ``typed`` are the chosen days' calls with their scenario type (``ctype``)
    and the pool whose work each is (``credit``); ``fits`` the handle-time
    fits per call type; ``start`` the clock time of the scenario's time 0.
    """
    horizon = parse_duration(scenario["horizon"])
    notes: list[str] = []
    for pool in [p for p in plan.pools if plan.home(p) == p]:
        types = [t for t in plan.types_of(pool) if t in scenario["call_types"]]
        types = [t for t in types if t not in plan.routed and t in fits]
        means = {t: fits[t].sample_mean for t in types}
        # the pool's own work, and its skill pools' (hour_factors keeps the calls of ``types``)
        own = typed[typed["credit"].map(plan.home) == pool]
        factors = hour_factors(own, means, start, horizon, band, min_calls=min_calls)
        if not types or all(f == 1.0 for f in factors):
            continue
        for t in types:
            serving = [p for p in plan.family(pool) if t in plan.types_of(p)]
            _split_type(scenario, serving, t, factors, start, band)
        shown = ", ".join(
            f"{fmt_clock(start + b * band)} {f:.2f}" for b, f in enumerate(factors) if f != 1.0
        )
        notes.append(
            f"handle time by hour: pools.{pool}'s call types {', '.join(types)} are split into "
            f"one call type per hour (TYPE_HHMM, arrivals only in that hour), whose handle-time "
            f"mean is the type's times the hour's factor (Σ service / Σ type means of the "
            f"pool's calls that arrived in it, shrunk towards 1 by its noise, 1 under "
            f"{min_calls} calls; then all scaled to keep the day's offered load): {shown}."
        )
    return notes


def hour_type(call_type: str, start: float, band: float, index: int) -> str:
    """The name of ``call_type``'s call type for band ``index`` from ``start``: ``PS_0900``."""
    return f"{call_type}_{fmt_clock(start + index * band).replace(':', '')}"


def _split_type(
    scenario: dict[str, Any],
    pools: Sequence[str],
    call_type: str,
    factors: Sequence[float],
    start: float,
    band: float,
) -> None:
    """Replace ``call_type`` by one call type per band with arrivals in it, in ``pools``
    (its pool and the skill pools that take it)."""
    spec = scenario["call_types"].pop(call_type)
    arrivals = spec["arrivals"]
    rates: list[str] = arrivals["rates"]
    per_band = round(band / parse_duration(arrivals["interval"]))
    handles = {pool: scenario["pools"][pool]["handle_time"].pop(call_type) for pool in pools}
    for pool in pools:
        scenario["pools"][pool]["skills"].remove(call_type)
    for b, factor in enumerate(factors):
        mine = [r if i // per_band == b else ZERO_RATE for i, r in enumerate(rates)]
        if all(r == ZERO_RATE for r in mine):
            continue
        name = hour_type(call_type, start, band, b)
        scenario["call_types"][name] = copy.deepcopy(spec) | {
            "arrivals": {"interval": arrivals["interval"], "rates": mine}
        }
        for pool, handle in handles.items():
            block = dict(handle)
            block["mean"] = round(float(handle["mean"]) * float(factor), 1)
            scenario["pools"][pool]["handle_time"][name] = block
            scenario["pools"][pool]["skills"].append(name)
