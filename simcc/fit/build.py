"""Turn a calls table into a scenario (MODEL.md §6) for the average chosen day.

:func:`fit_log` estimates every number with :mod:`simcc.fit.estimate` and
:mod:`simcc.fit.staffing` and returns a :class:`Fit`: the scenario dict,
comment lines saying where each number came from, and the fits themselves
(:func:`fit_scenario` returns just the first two).
:func:`dump_yaml_with_comments` writes scenario and comments as one readable
YAML file. :func:`observed_metrics` gives the log's own abandonment rate, ASA
and service level per day, for comparison with simulated ones.

The scenario's clock starts at the first half hour with calls (time 0 = that
clock time, written in the comments), and its horizon ends with the last half
hour with calls. The general pool ``agents`` serves every call type that has
no pool of its own (``agents_IN`` for the bank's internet desk), and takes a
dedicated type's calls too when the log shows it did (overflow routing, see
:mod:`simcc.fit.overflow`); the log has no transfers, wrap-up or escalations,
so those keep their defaults.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from simcc.fit.estimate import (
    HALF_HOUR,
    HandleTimeFit,
    PatienceFit,
    arrival_rates,
    fit_handle_times,
    fit_patience,
    offered,
    on_days,
    priority_share,
    select_days,
)
from simcc.fit.logs import NO_SERVER
from simcc.fit.overflow import OverflowFit, calibrate_after, credit, general_share, route
from simcc.fit.staffing import (
    GENERAL_POOL,
    PoolPlan,
    StaffingMethod,
    infer_pools,
    infer_staffing,
)

__all__ = [
    "Fit",
    "dump_yaml_with_comments",
    "fit_log",
    "fit_scenario",
    "observed_metrics",
    "observed_metrics_table",
]

PRIORITY_LEVEL = 2
QUARTER_HOUR = 900.0

DaysArg = str | Sequence[str] | Sequence[dt.date]


# --------------------------------------------------------------------------- scenario


@dataclass
class Fit:
    """A fitted scenario, the comments that explain it and the estimates behind it.

    ``start`` is the clock time (seconds since midnight) of the scenario's
    time 0 and ``horizon`` its length, so the scenario covers the clock times
    :attr:`span`. ``handle`` holds the handle-time fit per call type and
    ``handle_choice`` which lognormal was written (``mle`` or ``moments``);
    ``patience`` the patience fits by group (``all``, ``standard``,
    ``priority`` and each call type) and ``patience_used`` which group each
    scenario key uses; ``staffing`` the unrounded mean agents per staffing
    interval of each pool, over the span; ``overflow`` the overflow step
    fitted for each call type that has one.
    """

    scenario: dict[str, Any]
    comments: list[str]
    days: list[dt.date]
    start: float
    horizon: float
    type_map: dict[str, str | None]
    handle: dict[str, HandleTimeFit]
    handle_choice: dict[str, str]
    patience: dict[str, PatienceFit | None]
    patience_used: dict[str, str]
    pools: PoolPlan
    staffing: dict[str, pd.Series]
    overflow: dict[str, OverflowFit] = field(default_factory=dict)

    @property
    def span(self) -> tuple[float, float]:
        """Clock times (seconds since midnight) from the scenario's time 0 to its horizon."""
        return self.start, self.start + self.horizon

    def to_yaml(self, width: int = 100) -> str:
        """The scenario as YAML under its comments (see :func:`dump_yaml_with_comments`)."""
        return dump_yaml_with_comments(self.scenario, self.comments, width)

    def report(self) -> list[str]:
        """A short account of the fit: pools, staffing, handle times, patience."""
        out = [f"days: {len(self.days)} ({', '.join(f'{d:%y%m%d}' for d in self.days)})"]
        out.append(f"clock {_clock(self.start)}–{_clock(self.start + self.horizon)}")
        for pool in self.pools.pools:
            mean = self.staffing[pool]
            extra = [t for t, target in self.pools.routed.items() if target == pool]
            types = ", ".join(self.pools.types_of(pool))
            if extra:
                types += f" (and {', '.join(extra)} by overflow)"
            out.append(
                f"pool {pool}: {types}; agents available "
                f"{mean.mean():.1f} on average (max {mean.max():.1f})"
            )
        out.append("handle time (lognormal; KS distance, MLE mean vs sample mean):")
        for t, fit in self.handle.items():
            out.append(
                f"  {t}: n={fit.n}, sample mean {fit.sample_mean:.0f} s cv {fit.sample_cv:.2f}; "
                f"MLE mean {fit.mean:.0f} s ({fit.mean_rel_error:+.0%}), KS {fit.ks:.3f}; "
                f"uses {self.handle_choice[t]}"
            )
        out.append("patience (censored; exponential kept when it follows Kaplan–Meier):")
        for label, patience in self.patience.items():
            out.append("  " + _patience_line(label, patience))
        used = ", ".join(f"{key} ← {label}" for key, label in self.patience_used.items())
        out.append(f"  used: {used}")
        for o in self.overflow.values():
            out.append(
                f"overflow {o.call_type} → {o.pool} after {_duration(o.after)}: "
                f"{o.observed_share:.1%} of its calls taken by {o.pool} in the log, "
                f"{o.simulated_share:.1%} simulated"
            )
        return out


def fit_scenario(
    calls: pd.DataFrame, days: DaysArg, **options: Any
) -> tuple[dict[str, Any], list[str]]:
    """The scenario dict and its comments; see :func:`fit_log` for the options."""
    fit = fit_log(calls, days, **options)
    return fit.scenario, fit.comments


def fit_log(
    calls: pd.DataFrame,
    days: DaysArg,
    *,
    name: str | None = None,
    source: str | None = None,
    interval: float = HALF_HOUR,
    staffing_interval: float = QUARTER_HOUR,
    staffing_method: StaffingMethod = "available",
    max_gap: float | None = None,
    pools: Literal["auto", "one"] = "auto",
    min_type_share: float = 0.02,
    rare_types: Literal["merge", "drop"] = "merge",
    min_peak_share: float = 0.05,
    handle_time_method: Literal["auto", "mle", "moments"] = "moments",
    max_mean_error: float = 0.10,
    patience_by: Literal["segment", "call_type"] = "segment",
    patience_tolerance: float = 0.02,
    sla_threshold: float = 20.0,
    replications: int = 10,
    overflow: Literal["auto", "off"] = "auto",
    min_overflow_share: float = 0.05,
    min_overflow_calls: int = 10,
    overflow_replications: int = 5,
    seed: int = 1,
) -> Fit:
    """A scenario for the average of ``days``, the comments that explain it, and the fits.

    ``days`` is a :func:`~simcc.fit.estimate.select_days` spec or a list of
    dates. Call types with under ``min_type_share`` of the offered calls are
    merged into the most frequent type (or dropped). The day runs from the
    first to the last ``interval`` whose total arrival rate reaches
    ``min_peak_share`` of the peak.

    Pools (``auto``): a call type whose calls nearly all go to agents who take
    nothing else gets its own pool (:func:`~simcc.fit.staffing.infer_pools`);
    ``one`` puts every agent in one pool. Agents per ``staffing_interval`` by
    ``staffing_method`` (:func:`~simcc.fit.staffing.infer_staffing`), rounded,
    at least one where the pool's calls arrive.

    Handle times are lognormal with the sample's mean and cv (``moments``,
    which keeps the offered load exact), or the maximum-likelihood fit
    (``mle``), or (``auto``) the MLE unless its mean misses the sample mean by
    more than ``max_mean_error``. Patience is fitted per segment (standard /
    priority, kept apart when they differ) or, with
    ``patience_by="call_type"``, per call type (``call_types.<name>.patience``).

    Overflow (``auto``): a call type with its own pool whose calls general
    agents took often enough (``min_overflow_share`` of them and at least
    ``min_overflow_calls``) gets ``overflow`` routing to the general pool,
    with the general agents' own handle time for it and an ``after``
    calibrated by simulation (``overflow_replications``, ``seed``; see
    :mod:`simcc.fit.overflow`). ``off`` routes every call to its own pool.
    """
    chosen = _resolve_days(calls, days)
    mine = on_days(calls, chosen)
    comments = _header_comments(chosen, source)
    asking = mine[offered(mine)].copy()
    type_map, notes = _call_type_map(asking, min_type_share, rare_types)
    comments += notes
    typed = mine.assign(ctype=mine["type"].map(type_map))
    typed = typed[typed["ctype"].notna()]
    asking = typed[offered(typed)]

    rates = arrival_rates(asking, chosen, interval, by="ctype")
    first, last = _span(rates.sum(axis=1).to_numpy(), min_peak_share)
    start, horizon = first * interval, (last - first + 1) * interval
    comments += _span_comments(asking, start, horizon, interval, min_peak_share, len(mine))
    types = [str(t) for t in rates.columns]
    type_rates = {t: rates[t].to_numpy()[first : last + 1] for t in types}

    plan = _pool_plan(typed, pools)
    if overflow == "auto":
        route(plan, min_share=min_overflow_share, min_calls=min_overflow_calls)
    elif overflow != "off":
        raise ValueError(f"overflow must be 'auto' or 'off', not {overflow!r}")
    typed = typed.assign(credit=credit(typed, plan))
    staffing = {
        pool: _staffing_mean(
            typed, chosen, plan, pool, staffing_interval, staffing_method, max_gap, start, horizon
        )
        for pool in plan.pools
    }
    counts = {
        pool: _agent_counts(staffing[pool], _pool_rates(plan, pool, type_rates), interval)
        for pool in plan.pools
    }
    comments += _staffing_comments(plan, staffing, counts, staffing_method, max_gap)

    fits = fit_handle_times(typed[typed["credit"] == typed["ctype"].map(plan.pool_of)], by="ctype")
    handle, choice, handle_notes = _handle_times(fits, handle_time_method, max_mean_error)
    comments += handle_notes
    for t in types:
        if t not in handle:
            handle[t] = _pooled_handle_time(typed, handle_time_method, max_mean_error)
            choice[t] = "the fit of all call types"
            comments.append(f"  {t}: under 2 served calls; uses the fit of all call types.")

    call_types = {
        t: {"arrivals": _arrivals(type_rates[t], interval), "path": [plan.pool_of[t]]}
        for t in types
    }
    scenario: dict[str, Any] = {
        "name": name or _default_name(chosen),
        "horizon": _duration(horizon),
        "warmup": 0,
        "replications": replications,
        "call_types": call_types,
    }
    queued = asking[asking["queued"]]
    patience = _patience(queued, asking, types, patience_by, patience_tolerance)
    scenario.update(patience.blocks(call_types))
    comments += patience.comments
    scenario["pools"] = {
        pool: _pool(plan.types_of(pool), counts[pool], handle, staffing_interval)
        for pool in plan.pools
    }
    overflow_fits: dict[str, OverflowFit] = {}
    for t, target in plan.routed.items():
        comments += _add_overflow(
            scenario, typed, t, target, handle[t], handle_time_method, max_mean_error
        )
    for t, target in plan.routed.items():
        found = _fit_overflow(scenario, plan, t, target, overflow_replications, seed)
        overflow_fits[t] = found
        comments.append(_overflow_comment(found, overflow_replications, seed))
    scenario["transfer"] = {"policy": "cold"}
    scenario["sla"] = {"answer": {"threshold": _duration(sla_threshold)}}
    comments += [
        "pools: wrap-up (after-call work) is not in the log, so it is left at 0; the time agents "
        "took between calls while callers waited is out of the available agents instead.",
        "transfer.policy cold: the log records no transfers; "
        f"sla.answer.threshold {_duration(sla_threshold)}; replications {replications}.",
    ]
    return Fit(
        scenario=scenario,
        comments=comments,
        days=chosen,
        start=start,
        horizon=horizon,
        type_map=type_map,
        handle=fits,
        handle_choice=choice,
        patience=patience.fits,
        patience_used=patience.used,
        pools=plan,
        staffing=staffing,
        overflow=overflow_fits,
    )


def _add_overflow(
    scenario: dict[str, Any],
    typed: pd.DataFrame,
    call_type: str,
    target: str,
    own_handle: dict[str, object],
    method: str,
    max_mean_error: float,
) -> list[str]:
    """Let ``target`` take ``call_type``, with its agents' own handle time (``after``: later)."""
    taken = typed[(typed["ctype"] == call_type) & (typed["credit"] == target)]
    fits = fit_handle_times(taken, by="ctype")
    pool = scenario["pools"][target]
    pool["skills"] = [*pool["skills"], call_type]
    if call_type in fits and fits[call_type].n >= 2:
        block, _, notes = _handle_times(fits, method, max_mean_error)
        pool["handle_time"][call_type] = block[call_type]
        note = notes[1].strip()
    else:
        pool["handle_time"][call_type] = own_handle
        note = f"{call_type}: under 2 served calls; uses {call_type}'s own pool's handle time."
    scenario["call_types"][call_type]["overflow"] = {"pool": target, "after": "0s"}
    return [
        f"call_types.{call_type}.overflow: agents of {target!r} took {call_type} calls (below); "
        f"pools.{target}.handle_time.{call_type} is fitted on those calls alone: {note}"
    ]


def _fit_overflow(
    scenario: dict[str, Any],
    plan: PoolPlan,
    call_type: str,
    target: str,
    replications: int,
    seed: int,
) -> OverflowFit:
    """Calibrate ``call_types.<call_type>.overflow.after`` and write it into the scenario."""
    observed = general_share(plan, call_type)
    after, simulated, tried = calibrate_after(
        scenario, call_type, target, observed, replications=replications, seed=seed
    )
    scenario["call_types"][call_type]["overflow"] = {"pool": target, "after": _duration(after)}
    return OverflowFit(
        call_type=call_type,
        pool=target,
        after=after,
        observed_share=observed,
        simulated_share=simulated,
        calls=plan.general_calls[call_type],
        tried=tried,
    )


def _overflow_comment(o: OverflowFit, replications: int, seed: int) -> str:
    tried = ", ".join(f"{_duration(a)} {share:.0%}" for a, share in o.tried.items())
    return (
        f"call_types.{o.call_type}.overflow.after {_duration(o.after)}: agents of {o.pool!r} "
        f"took {o.calls} {o.call_type} calls ({o.observed_share:.1%} of those with a named "
        f"agent). The log does not say when the ACD offered them, so 'after' is the value "
        f"whose simulated share ({o.simulated_share:.1%}; {replications} replications, "
        f"seed {seed}) is closest. Tried: {tried}."
    )


def _pool_plan(typed: pd.DataFrame, pools: str) -> PoolPlan:
    """The pools: inferred from who served what (``auto``) or one for all (``one``)."""
    if pools == "auto":
        return infer_pools(typed, by="ctype")
    if pools != "one":
        raise ValueError(f"pools must be 'auto' or 'one', not {pools!r}")
    types = [str(t) for t in pd.unique(typed["ctype"])]
    agents = sorted(str(a) for a in pd.unique(typed["server"]) if a != NO_SERVER)
    return PoolPlan(pool_of={t: GENERAL_POOL for t in types}, agents={GENERAL_POOL: agents})


def _staffing_mean(
    typed: pd.DataFrame,
    days: list[dt.date],
    plan: PoolPlan,
    pool: str,
    step: float,
    method: StaffingMethod,
    max_gap: float | None,
    start: float,
    horizon: float,
) -> pd.Series:
    """Mean agents of ``pool`` per staffing interval over the scenario's span."""
    mean = infer_staffing(
        typed,
        days,
        plan.agents.get(pool, []),
        plan.types_of(pool),
        by="ctype",
        interval=step,
        method=method,
        max_gap=max_gap,
        credit=("credit", pool),
    )
    grid = start + np.arange(round(horizon / step)) * step
    out = mean.reindex(grid, fill_value=0.0)
    out.attrs = dict(mean.attrs)
    return out


def _pool_rates(plan: PoolPlan, pool: str, type_rates: dict[str, np.ndarray]) -> np.ndarray:
    """Total arrival rate per arrival interval of the call types ``pool`` serves."""
    return np.sum([type_rates[t] for t in plan.types_of(pool) if t in type_rates], axis=0)


def _arrivals(rates: np.ndarray, interval: float) -> dict[str, Any]:
    """A piecewise-constant arrivals block."""
    return {"interval": _duration(interval), "rates": [_rate(r) for r in rates]}


def _pool(
    types: list[str], counts: list[int], handle: dict[str, dict[str, object]], interval: float
) -> dict[str, Any]:
    """A pool serving ``types`` with a staffing plan per ``interval``."""
    return {
        "tier": 1,
        "agents": {"interval": _duration(interval), "counts": counts},
        "skills": types,
        "handle_time": {t: handle[t] for t in types},
    }


def _resolve_days(calls: pd.DataFrame, days: DaysArg) -> list[dt.date]:
    """Dates from a day spec or a list of dates; ValueError when none has calls."""
    if isinstance(days, str) or all(isinstance(d, str) for d in days):
        chosen = select_days(calls, days)  # type: ignore[arg-type]
    else:
        present = set(calls["date"])
        chosen = sorted(d for d in days if d in present)  # type: ignore[misc]
    if not chosen:
        raise ValueError(f"no calls on the chosen days {days!r}")
    return chosen


def _default_name(days: list[dt.date]) -> str:
    """A name saying which days were averaged."""
    if len(days) == 1:
        return f"Fitted day {days[0]:%Y-%m-%d}"
    return f"Fitted average of {len(days)} days, {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}"


def _header_comments(days: list[dt.date], source: str | None) -> list[str]:
    """Where the data came from and which days were averaged."""
    names = sorted({d.strftime("%a") for d in days}, key=_day_order)
    out = [f"Fitted by simcc.fit from {source or 'a call log'}."]
    out.append(
        f"Average day of {len(days)} day(s): {', '.join(f'{d:%y%m%d}' for d in days)} "
        f"({', '.join(names)})."
    )
    kinds = {n if n in ("Fri", "Sat") else "Sun–Thu" for n in names}
    if len(kinds) > 1:
        out.append(
            f"WARNING: the days mix {' / '.join(sorted(kinds))}, whose opening hours differ "
            "(Sun–Thu full days, Friday closes at 14:00, Saturday opens in the evening): "
            "the average day blends them."
        )
    return out


def _day_order(day_name: str) -> int:
    """Sort key for weekday abbreviations starting with Sunday (the bank's week)."""
    return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].index(day_name)


def _call_type_map(
    asking: pd.DataFrame, min_share: float, rare: str
) -> tuple[dict[str, str | None], list[str]]:
    """Log type → scenario call type (None = dropped), with notes on rare types."""
    counts = {str(t): int(n) for t, n in asking["type"].value_counts().items()}
    total = sum(counts.values())
    main = next(iter(counts))
    mapping: dict[str, str | None] = {}
    notes = [
        "call_types: one per log type; offered calls (queued or served; callers who hung up "
        "without queueing left at the voice-response unit and are not counted): "
        + ", ".join(f"{t} {n} ({n / total:.1%})" for t, n in counts.items())
        + "."
    ]
    for t, n in counts.items():
        if n >= min_share * total:
            mapping[t] = t
        elif rare == "merge":
            mapping[t] = main
            notes.append(f"  {t}: under {min_share:.0%} of calls, merged into {main}.")
        else:
            mapping[t] = None
            notes.append(f"  {t}: under {min_share:.0%} of calls, dropped ({n} calls).")
    return mapping, notes


def _span(total: np.ndarray, min_peak_share: float) -> tuple[int, int]:
    """First and last interval whose total rate reaches ``min_peak_share`` of the peak."""
    busy = np.nonzero(total >= min_peak_share * total.max())[0]
    if total.max() <= 0 or len(busy) == 0:
        raise ValueError("no arrivals on the chosen days")
    return int(busy[0]), int(busy[-1])


def _span_comments(
    asking: pd.DataFrame,
    start: float,
    horizon: float,
    interval: float,
    min_peak_share: float,
    n_rows: int,
) -> list[str]:
    """Explain the day's span, the start offset and what fell outside."""
    outside = int(((asking["arrival"] < start) | (asking["arrival"] >= start + horizon)).sum())
    offered_count = len(asking)
    left = n_rows - offered_count
    return [
        f"Time 0 of the scenario is {_clock(start)} on the clock (start offset "
        f"{_duration(start)} = {start:.0f} s): add it to scenario times to get clock times.",
        f"horizon {_duration(horizon)}: from {_clock(start)} to {_clock(start + horizon)}, the "
        f"first to the last {_duration(interval)} interval whose mean arrival rate reaches "
        f"{min_peak_share:.0%} of the peak; {outside} of {offered_count} offered calls "
        "fall outside and are left out.",
        f"  ({left} more calls on these days did not ask for an agent or were of a dropped type.)",
        f"arrivals: offered calls per {_duration(interval)} by arrival (= leaving the "
        "voice-response unit), per type, mean over the days (a day without calls counts as 0), "
        "in calls per hour; Poisson within each interval.",
    ]


def _agent_counts(mean: pd.Series, rates: np.ndarray, interval: float) -> list[int]:
    """Rounded agents per staffing interval; at least 1 where the pool's calls arrive."""
    counts = np.rint(mean.to_numpy()).astype(int)
    step = float(mean.index[1] - mean.index[0]) if len(mean) > 1 else interval
    per_arrival_slot = max(round(interval / step), 1)
    calls_due = np.repeat(np.asarray(rates) > 0, per_arrival_slot)[: len(counts)]
    return [int(c) for c in np.where(calls_due & (counts < 1), 1, counts)]


def _staffing_comments(
    plan: PoolPlan,
    staffing: dict[str, pd.Series],
    counts: dict[str, list[int]],
    method: str,
    max_gap: float | None,
) -> list[str]:
    """Explain the pools and how their agents were counted."""
    out = [
        "pools: agents who took at least 90% of their calls from one call type are dedicated "
        "to it; a call type whose dedicated agents took at least half of its calls gets its own "
        "pool, the rest share the pool 'agents'. Every call of a type goes to its pool; a "
        "service is counted as work of the pool of its call type, whoever took it"
        + (
            " — but a call of a type with overflow routing (below) taken by an agent of the "
            "overflow pool is that pool's work."
            if plan.routed
            else "."
        ),
        *(f"  {line}" for line in plan.describe()),
    ]
    gap = "a break threshold" if max_gap is None else _duration(max_gap)
    if method == "available":
        out += [
            "pools.*.agents: not in the log. Per second, an agent counts while serving a call, "
            f"and while idle between two of its calls less than {gap} apart — but not while "
            "any of the pool's callers was waiting (an agent free to take calls does not leave "
            "callers in the queue: that idle time was after-call work, a break or other tasks). "
            "Mean over the days per interval, rounded; at least 1 where calls arrive.",
            "  Break threshold: the 95% quantile of the exponential with the median of the "
            "pool's idle gaps while nobody waited, at least 15m (a quiet pool's agents wait "
            "long for each call).",
            "  Bias: idle time before the first and after the last call of a session is missed "
            "(under); idle time in a short break while nobody waited counts (over, harmless).",
        ]
    elif method == "sessions":
        out.append(
            "pools.*.agents: agents serving a call or idle between two calls less than "
            f"{gap} apart, mean over the days, rounded (over-counts agents busy with other work "
            "while callers waited)."
        )
    else:
        out.append(
            "pools.*.agents: distinct agents with a service overlapping each interval, mean "
            "over the days, rounded (an agent with one call counts for the whole interval)."
        )
    for pool, mean in staffing.items():
        raised = int(np.sum(np.rint(mean.to_numpy()) < np.asarray(counts[pool])))
        line = f"  {pool}: {mean.mean():.2f} agents on average, {min(counts[pool])}–"
        line += f"{max(counts[pool])} per interval"
        if "max_gap" in mean.attrs:
            line += f"; break threshold {mean.attrs['max_gap'] / 60:.0f} min"
        if raised:
            line += f"; {raised} interval(s) with calls but under half an agent raised to 1"
        out.append(line + ".")
    return out


def _handle_times(
    fits: dict[str, HandleTimeFit], method: str, max_mean_error: float
) -> tuple[dict[str, dict[str, object]], dict[str, str], list[str]]:
    """Handle-time blocks per call type, which lognormal each uses, and a note per fit."""
    blocks: dict[str, dict[str, object]] = {}
    choice: dict[str, str] = {}
    notes = [
        "handle_time: lognormal, on served calls with service > 0 and a named agent. "
        + (
            "It has the sample's mean and cv, which keeps the offered load exact; "
            if method == "moments"
            else ""
        )
        + "MLE = maximum-likelihood lognormal, KS its Kolmogorov–Smirnov distance to the data, "
        "err = MLE mean / sample mean − 1 (short services skew the log scale).",
    ]
    for t, fit in fits.items():
        use = method
        if method == "auto":
            use = "moments" if abs(fit.mean_rel_error) > max_mean_error else "mle"
        blocks[t] = fit.as_dist(use)
        choice[t] = "sample mean and cv" if use == "moments" else "MLE"
        notes.append(
            f"  {t}: n={fit.n}, sample mean {fit.sample_mean:.1f} s cv {fit.sample_cv:.2f}; "
            f"MLE mean {fit.mean:.1f} s cv {fit.cv:.2f}, KS {fit.ks:.3f}, "
            f"err {fit.mean_rel_error:+.1%}; uses {choice[t]}."
        )
    return blocks, choice, notes


def _pooled_handle_time(
    served: pd.DataFrame, method: str, max_mean_error: float
) -> dict[str, object]:
    """The handle-time block fitted to all call types together."""
    pooled = fit_handle_times(served.assign(all="all"), by="all")
    if not pooled:
        raise ValueError("no served calls with a service time on the chosen days")
    block, _, _ = _handle_times(pooled, method, max_mean_error)
    return block["all"]


# --------------------------------------------------------------------------- patience


class _Patience:
    """The scenario's patience blocks, the fits behind them and the notes that explain them."""

    def __init__(self) -> None:
        self.customers: dict[str, Any] = {}
        self.segments: dict[str, dict[str, Any]] = {}
        self.per_type: dict[str, Any] = {}
        self.comments: list[str] = []
        self.fits: dict[str, PatienceFit | None] = {}
        self.used: dict[str, str] = {}

    def blocks(self, call_types: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """``segments`` and ``customers`` blocks; per-type patience goes into ``call_types``."""
        for t, dist in self.per_type.items():
            call_types[t]["patience"] = dist
        out: dict[str, Any] = {}
        if self.segments:
            out["segments"] = self.segments
        out["customers"] = self.customers
        return out


def _patience(
    queued: pd.DataFrame,
    asking: pd.DataFrame,
    types: list[str],
    by: str,
    tolerance: float,
) -> _Patience:
    """Fit patience (pooled, per segment, per type) and decide what goes where."""
    out = _Patience()
    out.comments += [
        "customers.patience: queued callers; an abandoner's wait is its patience, a served "
        "caller's wait a lower bound (right-censored). Exponential MLE θ = abandonments / total "
        f"waiting time, kept when within {tolerance:.0%} (or 3 SE) of the Kaplan–Meier survival "
        "at its 5 %, 10 %, … quantiles; else an empirical distribution of 100 values read off "
        "the KM curve (exponential tail past the wait that 50 callers reached).",
    ]
    is_vip = queued["priority"] == PRIORITY_LEVEL
    out.fits["all"] = _fit(queued, tolerance)
    out.fits["standard"] = _fit(queued[~is_vip], tolerance)
    out.fits["priority"] = _fit(queued[is_vip], tolerance)
    for t in types:
        out.fits[t] = _fit(queued[queued["ctype"] == t], tolerance)
    out.comments.append(_describe("all queued callers", out.fits["all"]))
    for label, key in (("standard (priority 0/1)", "standard"), ("priority (2)", "priority")):
        if out.fits[key] is not None:
            out.comments.append(_describe(label, out.fits[key]))
    share = priority_share(asking, PRIORITY_LEVEL)
    if share > 0:
        out.segments = {
            "standard": {"share": round(1 - share, 4)},
            "priority": {"share": round(share, 4), "priority": 0},
        }
        out.comments += [
            f"segments: priority customers (log priority 2) are {share:.1%} of the queued calls. "
            "The log records the priority only for calls that queued (a call answered at once "
            "shows priority 0); whether a call queues does not depend on its priority, so the "
            "queued mix is the mix of all calls.",
            "  The bank gives priority callers 1.5 min of credit in the queue; here they go "
            "first (priority 0). Segments are drawn for every call type alike, although "
            "prospects (NW) and internet callers (IN) are never identified as priority.",
        ]
    if by == "call_type":
        out.customers["patience"] = _dist(out.fits["all"])
        out.used["customers.patience"] = "all"
        for t in types:
            out.per_type[t] = _dist(out.fits[t])
            out.used[f"call_types.{t}.patience"] = t
            out.comments.append(_describe(f"call type {t}", out.fits[t]))
        out.comments.append(
            "call_types.*.patience: per-type patience (simcc's addition to MODEL.md §6; a "
            "segment's own patience would override it)."
        )
    elif share > 0 and _differ(out.fits["standard"], out.fits["priority"]):
        out.customers["patience"] = _dist(out.fits["standard"])
        out.segments["priority"]["patience"] = _dist(out.fits["priority"])
        out.used = {"customers.patience": "standard", "segments.priority.patience": "priority"}
        out.comments.append(
            "  Segments differ (θ more than 3 SE and 10 % apart): standard patience in "
            "customers, priority patience in segments.priority."
        )
    else:
        out.customers["patience"] = _dist(out.fits["all"])
        out.used = {"customers.patience": "all"}
        out.comments.append("  Segments do not differ: one patience for all (pooled fit).")
    if by != "call_type":
        out.comments += [
            "  Per call type (for information; §6 has no per-type patience):",
            *(_describe(f"  {t}", out.fits[t]) for t in types),
        ]
    return out


def _fit(queued: pd.DataFrame, tolerance: float) -> PatienceFit | None:
    """Patience fit of a group of queued calls (None when the group is empty)."""
    if len(queued) == 0:
        return None
    return fit_patience(queued["wait"], queued["outcome"] == "HANG", tolerance=tolerance)


def _differ(a: PatienceFit | None, b: PatienceFit | None) -> bool:
    """Whether two exponential rates differ by over 3 SE and over 10 %."""
    if a is None or b is None:
        return False
    gap = abs(a.theta - b.theta)
    return gap > 3 * np.hypot(a.theta_se, b.theta_se) and gap > 0.1 * max(a.theta, b.theta)


def _dist(fit: PatienceFit | None) -> dict[str, object] | str:
    """The patience block of a fit; ``inf`` when nobody queued."""
    return "inf" if fit is None else fit.as_dist()


def _describe(label: str, fit: PatienceFit | None) -> str:
    """One comment line with a patience fit's numbers and the choice made."""
    if fit is None:
        return f"  {label}: nobody queued; patience inf."
    if fit.theta == 0:
        return f"  {label}: {fit.n_queued} queued, no abandonment; patience inf."
    choice = "exponential" if fit.exponential_ok else "empirical (KM)"
    median = _km_median(fit)
    return (
        f"  {label}: {fit.n_queued} queued, {fit.n_abandoned} abandoned; exponential mean "
        f"{fit.mean:.0f} s (±{fit.theta_se / fit.theta:.0%}); KM median {median}; worst gap "
        f"{fit.max_gap:.3f} (allowed {fit.gap_allowed:.3f}) → {choice}."
    )


def _patience_line(label: str, fit: PatienceFit | None) -> str:
    """A short line for the command's report: the group, its estimate and the choice."""
    if fit is None:
        return f"{label}: nobody queued"
    if fit.theta == 0:
        return f"{label}: {fit.n_queued} queued, no abandonment → inf"
    choice = "exponential" if fit.exponential_ok else "empirical (Kaplan–Meier)"
    return (
        f"{label}: {fit.n_queued} queued, {fit.n_abandoned} abandoned; exponential mean "
        f"{fit.mean:.0f} s ±{fit.theta_se / fit.theta:.0%}; gap to KM {fit.max_gap:.3f} "
        f"(allowed {fit.gap_allowed:.3f}) → {choice}"
    )


def _km_median(fit: PatienceFit) -> str:
    """The KM median patience, or 'not reached'."""
    if fit.km is None:
        return "n/a"
    q = fit.km.quantile(0.5)
    return "not reached" if np.isnan(q) or q > fit.reliable_until else f"{q:.0f} s"


# --------------------------------------------------------------------------- formatting


def _duration(seconds: float) -> str:
    """Seconds as the scenario's duration string: ``17h``, ``30m``, ``45s``."""
    s = round(float(seconds), 3)
    if s and s % 3600 == 0:
        return f"{int(s // 3600)}h"
    if s and s % 60 == 0:
        return f"{int(s // 60)}m"
    return f"{s:g}s"


def _rate(per_hour: float) -> str:
    """A rate as ``"12.5/h"``."""
    return f"{round(float(per_hour), 2):g}/h"


def _clock(seconds: float) -> str:
    """Seconds since midnight as ``HH:MM``."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _ScenarioDumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaf mappings and lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_leaf(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = all(_is_leaf(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=all(map(_is_scalar, data))
    )


_ScenarioDumper.add_representer(dict, _represent_dict)
_ScenarioDumper.add_representer(list, _represent_list)


def dump_yaml_with_comments(
    scenario: dict[str, Any], comments: Sequence[str], width: int = 100
) -> str:
    """The scenario as YAML under a ``#`` comment header.

    Each comment becomes one or more ``#`` lines (long ones are wrapped, keeping
    their indent); ``yaml.safe_load`` of the result gives ``scenario`` back.
    """
    header = "".join(f"# {line}\n" for text in comments for line in _wrap(text, width - 2))
    body = yaml.dump(
        scenario,
        Dumper=_ScenarioDumper,
        sort_keys=False,
        allow_unicode=True,
        width=width,
    )
    return header + ("\n" if header else "") + body


def _wrap(text: str, width: int) -> list[str]:
    """Wrap one comment to ``width``, continuation lines indented 2 more than the first."""
    indent = " " * (len(text) - len(text.lstrip()))
    lines = textwrap.wrap(
        text.strip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )
    return lines or [""]


# --------------------------------------------------------------------------- observed


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
    midnight keeps only calls arriving in [from, to).
    """
    when = _parse_day(day)
    mine = calls[calls["date"] == when]
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
    rows = [observed_metrics(calls, d, **kwargs) for d in _resolve_days(calls, days)]
    return pd.DataFrame(rows).set_index("date")


def _parse_day(day: dt.date | str) -> dt.date:
    """A date, or ``YYMMDD`` / ``YYYY-MM-DD`` text."""
    if isinstance(day, dt.date):
        return day
    for fmt in ("%y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"cannot read day {day!r}: use YYMMDD or YYYY-MM-DD")
