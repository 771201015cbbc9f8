"""Turn a calls table into a scenario (MODEL.md §6) for the average chosen day.

:func:`fit_log` estimates every number with :mod:`simcc.fit.estimate`,
:mod:`simcc.fit.staffing`, :mod:`simcc.fit.patience` and
:mod:`simcc.fit.overflow`, as its :class:`~simcc.fit.options.FitOptions`
say, and returns a :class:`Fit`: the scenario dict, comment lines saying
where each number came from, and the fits themselves (:func:`fit_scenario`
returns just the first two). :mod:`simcc.fit.writing` turns scenario and
comments into one readable YAML file; :mod:`simcc.fit.observed` gives the
log's own metrics per day.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.estimate import (
    DaysArg,
    HandleTimeFit,
    PatienceFit,
    arrival_rates,
    estimable,
    fit_handle_times,
    offered,
    on_days,
    outlier_lines,
    resolve_days,
)
from simcc.fit.hours import split_by_hour
from simcc.fit.logs import MAX_DURATION, NO_SERVER, UnfittableLog
from simcc.fit.observed import observed_metrics, observed_metrics_table
from simcc.fit.options import FitOptions
from simcc.fit.overflow import OverflowFit, calibrate_after, credit, general_share, route
from simcc.fit.patience import patience_blocks, patience_line
from simcc.fit.skills import round_together, skill_routing, split_by_skills
from simcc.fit.staffing import (
    GENERAL_POOL,
    PoolPlan,
    infer_pools,
    pool_staffing,
    staffing_notes,
    wrap_ups,
)
from simcc.fit.volume import VolumeFit, fit_volume
from simcc.fit.writing import dump_yaml_with_comments, fmt_clock, fmt_duration, fmt_rate

__all__ = [
    "Fit",
    "FitOptions",
    "dump_yaml_with_comments",
    "fit_log",
    "fit_scenario",
    "observed_metrics",
    "observed_metrics_table",
]

HandleBlock = dict[str, object]


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
    fitted for each call type that has one; ``wrap_up`` each pool's wrap-up
    (its agents' median pick-up delay, seconds; 0 without); ``options`` what the fit was
    asked to do; ``outliers`` the file lines of the chosen days' calls left
    out of every estimate (flagged ``implausible_duration`` by the loader).
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
    wrap_up: dict[str, float] = field(default_factory=dict)
    options: FitOptions = field(default_factory=FitOptions)
    outliers: list[int] = field(default_factory=list)
    volume: VolumeFit | None = None  # day-to-day volume, when several days were fitted

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
        out.append(f"clock {fmt_clock(self.start)}–{fmt_clock(self.start + self.horizon)}")
        if self.outliers:
            out.append(_outlier_note(self.outliers))
        for pool in self.pools.pools:
            mean = self.staffing[pool]
            extra = [t for t, target in self.pools.routed.items() if target == pool]
            types = ", ".join(self.pools.types_of(pool))
            if extra:
                types += f" (and {', '.join(extra)} by overflow)"
            wrap = self.wrap_up.get(pool, 0.0)
            out.append(
                f"pool {pool}: {types}; agents available "
                f"{mean.mean():.1f} on average (max {mean.max():.1f})"
                + (
                    f"; wrap-up {fmt_duration(wrap)} (its agents' "
                    f"{'median' if self.options.wrap_up == 'pickup' else 'mean'} pick-up delay)"
                    if wrap
                    else ""
                )
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
            out.append("  " + patience_line(label, patience, self.options))
        used = ", ".join(f"{key} ← {label}" for key, label in self.patience_used.items())
        out.append(f"  used: {used}")
        if self.volume is not None:
            out.append(self.volume.comment())
        for o in self.overflow.values():
            out.append(
                f"overflow {o.call_type} → {o.pool} after {fmt_duration(o.after)}: "
                f"{o.observed_share:.1%} of its calls taken by {o.pool} in the log, "
                f"{o.simulated_share:.1%} simulated"
            )
        return out


def fit_scenario(
    calls: pd.DataFrame,
    days: DaysArg,
    options: FitOptions | None = None,
    *,
    name: str | None = None,
    source: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The scenario dict and its comments; see :func:`fit_log`."""
    fit = fit_log(calls, days, options, name=name, source=source)
    return fit.scenario, fit.comments


@dataclass
class _Day:
    """The fitted day's span and arrival rates: ``start`` clock time, ``horizon``, per type."""

    start: float
    horizon: float
    rates: dict[str, np.ndarray]

    @property
    def types(self) -> list[str]:
        return list(self.rates)


def fit_log(
    calls: pd.DataFrame,
    days: DaysArg,
    options: FitOptions | None = None,
    *,
    name: str | None = None,
    source: str | None = None,
) -> Fit:
    """A scenario for the average of ``days``, the comments that explain it, and the fits.

    ``days`` is a :func:`~simcc.fit.estimate.select_days` spec or a list of
    dates; ``options`` (default ``FitOptions()``) says how each number is
    estimated; ``name`` is the scenario's name (default: the days) and
    ``source`` the log's name for the comments.
    """
    opts = options or FitOptions()
    chosen = resolve_days(calls, days)
    mine = on_days(calls, chosen)
    outliers = outlier_lines(mine)
    mine = estimable(mine)
    comments = _header_comments(chosen, source)
    if outliers:
        comments.append(_outlier_note(outliers))
    typed, type_map, notes = _typed_calls(mine, opts)
    comments += notes
    asking = typed[offered(typed)]
    day, notes = _day(asking, chosen, opts, len(mine))
    comments += notes
    plan = _pool_plan(typed, opts)
    typed = typed.assign(credit=credit(typed, plan))
    wrap_up, wrap_blocks = wrap_ups(typed, chosen, plan, opts)
    staffing, counts, notes = _staffing(typed, chosen, plan, day, opts, wrap_up)
    comments += notes
    fits, handle, choice, notes = _handle(typed, plan, day.types, opts)
    comments += notes
    scenario = _skeleton(name or _default_name(chosen), day, plan, opts)
    volume = fit_volume(asking, chosen, day.start, day.horizon)
    if volume is not None:  # MODEL.md §8's uncertain volume, from the days' counts
        scenario["arrivals"] = {"volume_cv": round(volume.cv, 3)}
        comments.append(volume.comment())
    patience = patience_blocks(asking[asking["queued"]], asking, day.types, opts, plan.pool_of)
    scenario.update(patience.blocks(scenario["call_types"]))
    comments += patience.comments
    scenario["pools"] = {
        pool: _pool(plan.types_of(pool), counts[pool], handle, opts.staffing_interval)
        | ({"wrap_up": wrap_blocks[pool]} if pool in wrap_blocks else {})
        for pool in plan.pools
    }
    comments += skill_routing(scenario, plan)
    if opts.handle_time_interval is not None:
        comments += split_by_hour(scenario, typed, plan, fits, day.start, opts.handle_time_interval)
    overflow_fits, notes = _overflows(scenario, typed, plan, handle, opts)
    comments += notes
    comments += _finish(scenario, opts)
    return Fit(
        scenario=scenario,
        comments=comments,
        days=chosen,
        start=day.start,
        horizon=day.horizon,
        type_map=type_map,
        handle=fits,
        handle_choice=choice,
        patience=patience.fits,
        patience_used=patience.used,
        pools=plan,
        staffing=staffing,
        overflow=overflow_fits,
        wrap_up=wrap_up,
        options=opts,
        outliers=outliers,
        volume=volume,
    )


def _outlier_note(lines: list[int], shown: int = 10) -> str:
    """Which calls were left out of every estimate."""
    more = " …" if len(lines) > shown else ""
    return (
        f"left out of every estimate: {len(lines)} call(s) whose wait or service is over "
        f"{MAX_DURATION / 3600:g} hours (flagged implausible_duration), lines "
        f"{', '.join(map(str, lines[:shown]))}{more}."
    )


def _skeleton(name: str, day: _Day, plan: PoolPlan, opts: FitOptions) -> dict[str, Any]:
    """The scenario's name, horizon, replications and call types (arrivals and path)."""
    return {
        "name": name,
        "horizon": fmt_duration(day.horizon),
        "warmup": 0,
        "replications": opts.replications,
        "call_types": {
            t: {"arrivals": _arrivals(day.rates[t], opts.interval), "path": [plan.pool_of[t]]}
            for t in day.types
        },
    }


def _typed_calls(
    mine: pd.DataFrame, opts: FitOptions
) -> tuple[pd.DataFrame, dict[str, str | None], list[str]]:
    """The chosen days' calls with their scenario call type (``ctype``; dropped types out)."""
    type_map, notes = _call_type_map(mine[offered(mine)], opts.min_type_share, opts.rare_types)
    typed = mine.assign(ctype=mine["type"].map(type_map))
    return typed[typed["ctype"].notna()], type_map, notes


def _day(
    asking: pd.DataFrame, chosen: list[dt.date], opts: FitOptions, n_rows: int
) -> tuple[_Day, list[str]]:
    """The day's span (busy intervals) and each type's arrival rates over it."""
    interval = opts.interval
    rates = arrival_rates(asking, chosen, interval, by="ctype")
    first, last = _span(rates.sum(axis=1).to_numpy(), opts.min_peak_share)
    start, horizon = first * interval, (last - first + 1) * interval
    notes = _span_comments(asking, start, horizon, interval, opts.min_peak_share, n_rows)
    type_rates = {str(t): rates[t].to_numpy()[first : last + 1] for t in rates.columns}
    return _Day(start, horizon, type_rates), notes


def _staffing(
    typed: pd.DataFrame,
    chosen: list[dt.date],
    plan: PoolPlan,
    day: _Day,
    opts: FitOptions,
    wrap_up: dict[str, float],
) -> tuple[dict[str, pd.Series], dict[str, list[int]], list[str]]:
    """Each pool's mean agents per staffing interval, the rounded counts, and the notes."""
    staffing = {
        pool: pool_staffing(
            typed, chosen, plan, pool, opts, wrap_up[pool], (day.start, day.horizon)
        )
        for pool in plan.pools
    }
    rounded: dict[str, np.ndarray] = {}
    for pool in plan.pools:
        if plan.home(pool) == pool:  # with the pools split from it by skills: one total
            family = plan.family(pool)
            together = round_together([staffing[p].to_numpy() for p in family])
            rounded |= zip(family, together, strict=True)
    counts: dict[str, list[int]] = {}
    for pool in sorted(plan.pools, key=lambda p: p not in plan.skills):  # skill pools first
        entering = {
            t: day.rates[t] for t, p in plan.pool_of.items() if p == pool and t in day.rates
        }
        takers = {
            t: [counts[p] for p in plan.family(pool) if t in plan.skills.get(p, ())]
            for t in entering
        }
        counts[pool] = _agent_counts(staffing[pool], entering, opts.interval, takers, rounded[pool])
    counts = {pool: counts[pool] for pool in plan.pools}
    notes = staffing_notes(plan, staffing, counts, opts, wrap_up, rounded)
    return staffing, counts, notes


def _handle(
    typed: pd.DataFrame, plan: PoolPlan, types: list[str], opts: FitOptions
) -> tuple[dict[str, HandleTimeFit], dict[str, HandleBlock], dict[str, str], list[str]]:
    """Handle-time fits (each type's pool's own work), blocks, choices and notes."""
    own_work = typed[typed["credit"].map(plan.home) == typed["ctype"].map(plan.pool_of)]
    fits = fit_handle_times(own_work, by="ctype")
    handle, choice, notes = _handle_times(fits, opts.handle_time_method, opts.max_mean_error)
    for t in types:
        if t not in handle:
            handle[t] = _pooled_handle_time(typed, opts.handle_time_method, opts.max_mean_error)
            choice[t] = "the fit of all call types"
            notes.append(f"  {t}: under 2 served calls; uses the fit of all call types.")
    return fits, handle, choice, notes


def _overflows(
    scenario: dict[str, Any],
    typed: pd.DataFrame,
    plan: PoolPlan,
    handle: dict[str, HandleBlock],
    opts: FitOptions,
) -> tuple[dict[str, OverflowFit], list[str]]:
    """Overflow routing for each routed call type, its ``after`` calibrated; and the notes."""
    notes: list[str] = []
    for t, target in plan.routed.items():
        notes += _add_overflow(
            scenario, typed, t, target, handle[t], opts.handle_time_method, opts.max_mean_error
        )
    fits: dict[str, OverflowFit] = {}
    for t, target in plan.routed.items():
        fits[t] = _fit_overflow(scenario, plan, t, target, opts.overflow_replications, opts.seed)
        notes.append(_overflow_comment(fits[t], opts.overflow_replications, opts.seed))
    return fits, notes


def _finish(scenario: dict[str, Any], opts: FitOptions) -> list[str]:
    """Transfer policy and SLA threshold (not in the log), and the notes on them."""
    threshold = fmt_duration(opts.sla_threshold)
    scenario["transfer"] = {"policy": "cold"}
    scenario["sla"] = {"answer": {"threshold": threshold}}
    statistic = {
        "pickup": "the median pick-up delay",
        "pickup_mean": "the mean pick-up delay",
        "pickup_spread": "drawn from 100 quantiles of the pick-up delays (their mean counts as "
        "on duty after each call)",
    }
    wrap = (
        f"pools.*.wrap_up: {statistic[opts.wrap_up]} of the pool's agents (from the end of a "
        "call to the next, when that caller was already waiting); longer idle time while "
        "callers waited is out of the available agents."
        if opts.wrap_up != "none"
        else "pools: wrap-up (after-call work) is not in the log, so it is left at 0; the time "
        "agents took between calls while callers waited is out of the available agents instead."
    )
    return [
        wrap,
        "transfer.policy cold: the log records no transfers; "
        f"sla.answer.threshold {threshold}; replications {opts.replications}.",
    ]


def _add_overflow(
    scenario: dict[str, Any],
    typed: pd.DataFrame,
    call_type: str,
    target: str,
    own_handle: HandleBlock,
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
    scenario["call_types"][call_type]["overflow"] = {"pool": target, "after": fmt_duration(after)}
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
    tried = ", ".join(f"{fmt_duration(a)} {share:.0%}" for a, share in o.tried.items())
    return (
        f"call_types.{o.call_type}.overflow.after {fmt_duration(o.after)}: agents of {o.pool!r} "
        f"took {o.calls} {o.call_type} calls ({o.observed_share:.1%} of those with a named "
        f"agent). The log does not say when the ACD offered them, so 'after' is the value "
        f"whose simulated share ({o.simulated_share:.1%}; {replications} replications, "
        f"seed {seed}) is closest. Tried: {tried}."
    )


def _pool_plan(typed: pd.DataFrame, opts: FitOptions) -> PoolPlan:
    """The pools: inferred from who served what (``auto``) or one for all (``one``), and
    (``overflow="auto"``) which call types overflow to the general pool."""
    if opts.pools == "auto":
        plan = infer_pools(typed, by="ctype")
    else:
        types = [str(t) for t in pd.unique(typed["ctype"])]
        agents = sorted(str(a) for a in pd.unique(typed["server"]) if a != NO_SERVER)
        plan = PoolPlan(pool_of={t: GENERAL_POOL for t in types}, agents={GENERAL_POOL: agents})
    if opts.overflow == "auto":
        route(plan, min_share=opts.min_overflow_share, min_calls=opts.min_overflow_calls)
    if opts.skill_pools:
        split_by_skills(plan, typed)
    return plan


def _arrivals(rates: np.ndarray, interval: float) -> dict[str, Any]:
    """A piecewise-constant arrivals block."""
    return {"interval": fmt_duration(interval), "rates": [fmt_rate(r) for r in rates]}


def _pool(
    types: list[str], counts: list[int], handle: dict[str, dict[str, object]], interval: float
) -> dict[str, Any]:
    """A pool serving ``types`` with a staffing plan per ``interval``."""
    return {
        "tier": 1,
        "agents": {"interval": fmt_duration(interval), "counts": counts},
        "skills": types,
        "handle_time": {t: handle[t] for t in types},
    }


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
        raise UnfittableLog("no arrivals on the chosen days")
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
        f"Time 0 of the scenario is {fmt_clock(start)} on the clock (start offset "
        f"{fmt_duration(start)} = {start:.0f} s): add it to scenario times to get clock times.",
        f"horizon {fmt_duration(horizon)}: from {fmt_clock(start)} to "
        f"{fmt_clock(start + horizon)}, the "
        f"first to the last {fmt_duration(interval)} interval whose mean arrival rate reaches "
        f"{min_peak_share:.0%} of the peak; {outside} of {offered_count} offered calls "
        "fall outside and are left out.",
        f"  ({left} more calls on these days did not ask for an agent or were of a dropped type.)",
        f"arrivals: offered calls per {fmt_duration(interval)} by arrival (= leaving the "
        "voice-response unit), per type, mean over the days (a day without calls counts as 0), "
        "in calls per hour; Poisson within each interval.",
    ]


def _agent_counts(
    mean: pd.Series,
    type_rates: Mapping[str, np.ndarray],
    interval: float,
    takers: Mapping[str, Sequence[list[int]]] | None = None,
    rounded: np.ndarray | None = None,
) -> list[int]:
    """Rounded agents per staffing interval (``rounded``, default the means rounded); at
    least 1 where calls of a type entering the pool arrive (``type_rates``, per arrival
    interval) and no other pool that takes that type (``takers``: per type, the skill
    pools' counts) has an agent."""
    counts = (np.rint(mean.to_numpy()) if rounded is None else np.asarray(rounded)).astype(int)
    step = float(mean.index[1] - mean.index[0]) if len(mean) > 1 else interval
    per_arrival_slot = max(round(interval / step), 1)
    calls_due = np.zeros(len(counts), dtype=bool)
    for t, rates in type_rates.items():
        uncovered = np.repeat(np.asarray(rates) > 0, per_arrival_slot)[: len(counts)]
        for other in (takers or {}).get(t, ()):
            uncovered &= np.asarray(other) < 1
        calls_due |= uncovered
    return [int(c) for c in np.where(calls_due & (counts < 1), 1, counts)]


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
        raise UnfittableLog("no served calls with a service time on the chosen days")
    block, _, _ = _handle_times(pooled, method, max_mean_error)
    return block["all"]
