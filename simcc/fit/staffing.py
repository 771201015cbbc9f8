"""Who was on duty: pools of agents and their availability, inferred from a call log.

An ACD log says which agent served which call, not who was logged in. Two
questions are answered here from the ``server`` column alone.

**Which pools?** (:func:`infer_pools`) An agent is *dedicated* to a call type
when at least ``dedicated_share`` of its calls on the chosen days are of that
type. A call type gets a pool of its own when its dedicated agents served
most (``min_coverage``) of its calls — in the Anonymous Bank log the internet
help desk, agents ``Z2…``, who take nothing but ``IN`` calls and 55–100 % of
them depending on the day. Every other agent and call type goes to the
general pool ``agents``. The calls of a dedicated type that other agents
took in the log (*overflow*) are counted; the scenario builder gives the type
overflow routing to the general pool when they are many enough.

**How many agents, when?** (:func:`infer_staffing`) Three estimators of the
number of agents on duty per interval, averaged over the chosen days:

``available`` (the default)
    An agent counts while serving a call of the pool's types (whichever pool
    the agent belongs to: the work, and so the capacity, is the pool's), and
    a pool agent counts while idle between two calls less than ``max_gap``
    apart (a longer gap is a break or the end of a shift: 20 min in a busy
    pool, longer in a quiet one, see :func:`~simcc.fit.breaks.break_threshold` and
    :mod:`simcc.fit.breaks`) — but only
    while none of the pool's callers was waiting. The
    argument is *work conservation*: an agent free to take calls does not
    leave a caller in the queue, so idle time while callers waited was time
    the agent was not available (after-call work, a short break, other
    tasks). It is the capacity the callers actually saw. Bias: idle agents
    before the first and after the last call of a session are missed
    (under); an agent on a break shorter than ``max_gap`` while nobody waited
    is counted (over, but harmless: nobody was waiting).
``sessions``
    The same without the queue test: every gap shorter than ``max_gap``
    counts as on duty. Over-counts whenever agents are busy with something
    else while callers wait.
``distinct``
    The distinct agents with any service overlapping the interval (the first
    method of :mod:`simcc.fit`). An agent who takes one call in a half hour
    counts for all of it: in the bank's log it doubles the capacity.

The results are means (fractions of an agent); the scenario builder rounds
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.breaks import (
    TAIL,
    BreakRule,
    break_threshold,
    quiet_gaps,
    settle,
    work_rate,
)
from simcc.fit.estimate import HALF_HOUR, infer_agents, on_days
from simcc.fit.logs import DAY, NO_SERVER
from simcc.fit.options import (
    MIN_BREAK,
    BreakThreshold,
    FitOptions,
    SessionEdges,
    StaffingMethod,
)
from simcc.fit.timeline import GRID, coverage, services_of
from simcc.fit.writing import fmt_duration

WRAP_VALUES = 100
"""Quantiles of the pick-up delays a ``wrap_up="pickup_spread"`` wrap-up is drawn from."""

__all__ = [
    "GENERAL_POOL",
    "PoolPlan",
    "StaffingMethod",
    "all_pickup_delays",
    "available_agents",
    "infer_pools",
    "infer_staffing",
    "pickup_delay",
    "pickup_delays",
    "pool_staffing",
    "staffing_notes",
    "wrap_ups",
]

GENERAL_POOL = "agents"


# --------------------------------------------------------------------------- pools


@dataclass
class PoolPlan:
    """Pools of agents: which call types each takes and which agents are in it.

    ``pool_of`` maps each call type to its pool; ``agents`` each pool to its
    agent names; ``overflow`` gives, for a call type with its own pool, the
    share of its served calls that agents of other pools took, and
    ``overflow_calls`` how many; ``general_calls`` how many of them agents of
    the general pool took, of ``type_calls`` with a named agent. ``routed``
    names the call types the scenario gives overflow routing to (set by the
    scenario builder).
    """

    pool_of: dict[str, str]
    agents: dict[str, list[str]]
    overflow: dict[str, float] = field(default_factory=dict)
    overflow_calls: dict[str, int] = field(default_factory=dict)
    general_calls: dict[str, int] = field(default_factory=dict)
    type_calls: dict[str, int] = field(default_factory=dict)
    routed: dict[str, str] = field(default_factory=dict)
    """Call types given overflow routing in the scenario, and the pool they overflow to."""
    skills: dict[str, list[str]] = field(default_factory=dict)
    """Pools split from the general pool by the call types their agents take, and those
    types (set by :func:`~simcc.fit.skills.split_by_skills`; empty without)."""

    @property
    def pools(self) -> list[str]:
        """Pool names, the general pool first."""
        names = list(dict.fromkeys([*self.pool_of.values(), *self.skills]))
        return sorted(names, key=lambda p: (p != GENERAL_POOL, p))

    def types_of(self, pool: str) -> list[str]:
        """Call types served by ``pool``."""
        if pool in self.skills:
            return list(self.skills[pool])
        return [t for t, p in self.pool_of.items() if p == pool]

    def home(self, pool: str) -> str:
        """The pool ``pool`` was split from by skills (the general pool), or itself."""
        return GENERAL_POOL if pool in self.skills else pool

    def family(self, pool: str) -> list[str]:
        """``pool`` and the pools split from it by skills."""
        return [p for p in self.pools if self.home(p) == pool]

    def describe(self) -> list[str]:
        """One line per pool: its call types and number of agents."""
        out = []
        for pool in self.pools:
            line = f"{pool}: call types {', '.join(self.types_of(pool))}; "
            line += f"{len(self.agents.get(pool, []))} named agents"
            shares = [
                f"{t} {self.overflow[t]:.0%}" for t in self.types_of(pool) if t in self.overflow
            ]
            if shares:
                line += f" (calls taken by other pools' agents: {', '.join(shares)})"
            out.append(line)
        return out


def infer_pools(
    calls: pd.DataFrame,
    by: str = "type",
    *,
    dedicated_share: float = 0.9,
    min_coverage: float = 0.5,
    min_calls: int = 3,
) -> PoolPlan:
    """Split agents into a general pool and pools dedicated to one call type.

    ``calls`` are the chosen days' calls, ``by`` the column with the call
    type. Whether a call type gets its own pool is decided on agents with at
    least ``min_calls`` calls (too little evidence otherwise), and on at least
    ``min_calls`` served calls of the type; once it has one, every agent with
    ``dedicated_share`` of its calls of that type joins it, however few its
    calls. ``overflow`` and ``overflow_calls`` count the type's calls taken by
    agents outside its pool, ``general_calls`` those taken by general agents.
    """
    served = calls[(calls["outcome"] == "AGENT") & (calls["server"] != NO_SERVER)]
    table = pd.crosstab(served["server"], served[by])
    types = [str(t) for t in pd.unique(calls[by])]
    pool_of = {t: GENERAL_POOL for t in types}
    member = {str(a): GENERAL_POOL for a in table.index}
    overflow: dict[str, float] = {}
    overflow_calls: dict[str, int] = {}
    if not table.empty:
        totals = table.sum(axis=1)
        top = table.idxmax(axis=1)
        share = table.max(axis=1) / totals
        dedicated = (share >= dedicated_share) & (totals >= min_calls)
        for t in table.columns:
            mine = dedicated & (top == t)
            done = int(table.loc[mine, t].sum())
            total = int(table[t].sum())
            if total >= min_calls and mine.any() and done >= min_coverage * total:
                pool = f"{GENERAL_POOL}_{t}"
                pool_of[str(t)] = pool
                members = (share >= dedicated_share) & (top == t)  # few calls or not
                for agent in table.index[members]:
                    member[str(agent)] = pool
                done = int(table.loc[members, t].sum())
                overflow[str(t)] = 1 - done / total
                overflow_calls[str(t)] = total - done
    if all(p != GENERAL_POOL for p in pool_of.values()):
        member = {a: pool_of[str(top[a])] for a in member}  # no general pool left
    agents: dict[str, list[str]] = {p: [] for p in dict.fromkeys(pool_of.values())}
    for agent, pool in member.items():
        if pool in agents:
            agents[pool].append(agent)
    general = table.index.isin(agents.get(GENERAL_POOL, []))
    general_calls = {t: int(table.loc[general, t].sum()) for t in overflow}
    type_calls = {t: int(table[t].sum()) for t in overflow}
    return PoolPlan(
        pool_of=pool_of,
        agents=agents,
        overflow=overflow,
        overflow_calls=overflow_calls,
        general_calls=general_calls,
        type_calls=type_calls,
    )


# --------------------------------------------------------------------------- staffing


def available_agents(
    day_calls: pd.DataFrame,
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    max_gap: float = 900.0,
    when_waiting: bool = False,
    credit: tuple[str, str] | None = None,
    pickup: float = 0.0,
    answered_only: bool = False,
    edge: float = 0.0,
    away_first: bool = False,
    breaks: BreakRule | None = None,
) -> np.ndarray:
    """Agents of one pool available at each second of one day (and the night after it).

    ``day_calls`` are one day's calls, ``agents`` the pool's agents and
    ``types`` the call types it serves. An agent counts while serving a call
    of those types, whoever it belongs to (the work is the pool's, even when
    an agent of another pool did it), and a pool agent counts while idle
    between two of its calls less than ``max_gap`` apart — except while a
    caller of those types was waiting, unless ``when_waiting`` (the
    ``sessions`` estimator). With ``credit = (column, pool)`` the pool's work
    is instead the services whose ``column`` names ``pool`` (with overflow
    routing, a call taken by an agent of the overflow pool is that pool's
    work). How idle time counts (``pickup``, ``answered_only``, ``edge``):
    see :func:`_idle`. With ``away_first``, an idle stretch (a gap, or the
    edge before a session's first call) counts only from the last second in
    it when one of those callers waited: the agent's time away comes first.
    ``breaks`` (default: every gap over ``max_gap``) says which gaps are breaks
    (:mod:`simcc.fit.breaks`).
    """
    rule = BreakRule(max_gap) if breaks is None else breaks
    named = day_calls[day_calls["server"] != NO_SERVER]
    mine = named[by].isin(list(types)) if credit is None else named[credit[0]] == credit[1]
    work = services_of(named[mine], None)
    busy = coverage(work["ser_start"].to_numpy(dtype=float), work["ser_exit"].to_numpy(dtype=float))
    services = services_of(named, agents)
    if when_waiting:  # (the sessions estimator: no queue test)
        wrap, idle = _idle(services, rule, pickup, answered_only, edge)
        return busy + wrap + idle
    queued = day_calls[day_calls["queued"] & day_calls[by].isin(list(types))]
    arrival = queued["arrival"].to_numpy(dtype=float)
    waiting = coverage(arrival, arrival + queued["wait"].to_numpy(dtype=float))
    last_wait = _last_wait(waiting) if away_first else None
    wrap, idle = _idle(services, rule, pickup, answered_only, edge, last_wait)
    return busy + wrap + idle * (waiting == 0)


def _last_wait(waiting: np.ndarray) -> np.ndarray:
    """Per second of the grid, the last second up to it when a caller waited (−1: none yet)."""
    seconds = np.where(waiting > 0, np.arange(len(waiting)), -1)
    return np.maximum.accumulate(seconds)


def _idle(
    services: pd.DataFrame,
    breaks: BreakRule,
    pickup: float,
    answered_only: bool,
    edge: float,
    last_wait: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per second, the agents in wrap-up and the agents idle on duty (before the queue test).

    ``services`` are the pool agents' calls, sorted by agent and start.
    Wrap-up: the first ``pickup`` seconds after each call (up to the next
    one), which the scenario gives every call (:func:`pickup_delay`); it
    counts whether callers waited or not. Idle: the rest of each gap between
    two calls that is not a break (``breaks``); with ``answered_only``, only a gap
    that ends with a call the agent took at once (its caller did not queue,
    or was already waiting when the gap began) — a gap that ends with a
    caller who arrived during it and had to wait shows the agent was away
    when that caller came. Session edges: ``edge`` seconds before the first
    call of a session (the day's first, or after a break) when the agent took
    it at once, and after its last call (at most half the break each side).
    With ``last_wait`` (:func:`_last_wait`), a gap and the edge before a
    session count only after the last second in them when a caller waited.
    """
    by_agent = services.groupby("server")
    start = services["ser_start"].to_numpy(dtype=float)
    end = services["ser_exit"].to_numpy(dtype=float)
    following = by_agent["ser_start"].shift(-1).to_numpy(dtype=float)
    wrapped = np.maximum(end, np.fmin(end + pickup, following))  # NaN following: end + pickup
    gap = following - end
    brk = breaks.is_break(end, following)  # NaN following: the day's last call
    in_session = np.isfinite(following) & (gap > 0) & ~brk & (following > wrapped)
    if answered_only:
        at_once = by_agent["queued"].shift(-1).to_numpy(dtype=object) == False  # noqa: E712
        in_session &= at_once | (by_agent["arrival"].shift(-1).to_numpy(dtype=float) <= end)
    idle = coverage(_after_waits(wrapped[in_session], following[in_session], last_wait),
                   following[in_session])  # fmt: skip
    if edge > 0:
        previous = by_agent["ser_exit"].shift(1).to_numpy(dtype=float)
        before = start - previous
        first = breaks.is_break(previous, start) & ~services["queued"].to_numpy(dtype=bool)
        edge_from = start[first] - np.fmin(edge, before[first] / 2)
        idle += coverage(_after_waits(edge_from, start[first], last_wait), start[first])
        idle += coverage(wrapped[brk], wrapped[brk] + np.fmin(edge, gap[brk] / 2))
    return coverage(end, wrapped), idle


def _after_waits(begin: np.ndarray, end: np.ndarray, last_wait: np.ndarray | None) -> np.ndarray:
    """Where each idle stretch [begin, end) starts to count: after the last second in it
    when a caller waited (``last_wait`` from :func:`_last_wait`; None: at ``begin``)."""
    if last_wait is None or len(begin) == 0:
        return begin
    last = np.clip(np.floor(end).astype(int) - 1, 0, len(last_wait) - 1)
    return np.minimum(np.maximum(begin, last_wait[last] + 1.0), end)


def pickup_delays(day_calls: pd.DataFrame, agents: Sequence[str]) -> np.ndarray:
    """One day's pick-up delays of ``agents`` (seconds): from the end of a call to the start
    of the next, when that next caller was already waiting as the call ended.

    The agent could have taken the caller at once and took it a few seconds
    later: after-call work the log does not record (5 s median in the bank's
    log, in both pools).
    """
    services = services_of(day_calls[day_calls["server"] != NO_SERVER], agents)
    previous = services.groupby("server")["ser_exit"].shift(1).to_numpy(dtype=float)
    start = services["ser_start"].to_numpy(dtype=float)
    # (not `&=`: under pandas 3 a column's to_numpy is a read-only view)
    waiting = services["queued"].to_numpy(dtype=bool) & (
        services["arrival"].to_numpy(dtype=float) < previous
    )
    return (start - previous)[waiting & (start >= previous)]


def pickup_delay(
    calls: pd.DataFrame, days: Sequence[dt.date], agents: Sequence[str], statistic: str = "median"
) -> float:
    """The median (``statistic="mean"``: the mean) pick-up delay (:func:`pickup_delays`) of
    ``agents`` over ``days`` (0 if none)."""
    delays = all_pickup_delays(calls, days, agents)
    if not len(delays):
        return 0.0
    return float(np.mean(delays) if statistic == "mean" else np.median(delays))


def all_pickup_delays(
    calls: pd.DataFrame, days: Sequence[dt.date], agents: Sequence[str]
) -> np.ndarray:
    """The pick-up delays (:func:`pickup_delays`) of ``agents`` on every one of ``days``."""
    return np.concatenate(
        [pickup_delays(on_days(calls, [day]), agents) for day in days] or [np.zeros(0)]
    )


def wrap_ups(
    typed: pd.DataFrame, chosen: Sequence[dt.date], plan: PoolPlan, opts: FitOptions
) -> tuple[dict[str, float], dict[str, Any]]:
    """Each pool's wrap-up counted as on duty after each call — its agents' median pick-up
    delay (``wrap_up="pickup"``), their mean (``pickup_mean``; ``pickup_spread``: the mean
    of the values written), else 0 —
    and the scenario's ``wrap_up`` of the pools that have one (``pickup_spread``: an
    empirical distribution of 100 quantiles of the delays)."""
    if opts.wrap_up == "none":
        return {pool: 0.0 for pool in plan.pools}, {}
    statistic = "median" if opts.wrap_up == "pickup" else "mean"
    seconds = {
        pool: pickup_delay(typed, chosen, plan.agents.get(pool, []), statistic)
        for pool in plan.pools
    }
    blocks: dict[str, Any] = {p: fmt_duration(s) for p, s in seconds.items() if s > 0}
    if opts.wrap_up == "pickup_spread":
        for pool in blocks:
            delays = all_pickup_delays(typed, chosen, plan.agents.get(pool, []))
            levels = (np.arange(WRAP_VALUES) + 0.5) / WRAP_VALUES
            values = np.quantile(delays, levels)
            written = [round(float(v), 1) for v in values]
            blocks[pool] = {"dist": "empirical", "values": written}
            seconds[pool] = float(np.mean(written))  # what the scenario's agents take, on average
    return seconds, blocks


def infer_staffing(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    interval: float = HALF_HOUR,
    method: StaffingMethod = "available",
    max_gap: float | None = None,
    min_break: float = MIN_BREAK,
    breaks: BreakThreshold = "day",
    credit: tuple[str, str] | None = None,
    pickup: float = 0.0,
    answered_only: bool = False,
    edges: SessionEdges = "none",
    away_first: bool = False,
) -> pd.Series:
    """Mean agents of one pool on duty per ``interval`` of the day, over ``days``.

    ``agents`` are the pool's agents and ``types`` the call types whose
    waiting callers the pool serves. An idle gap longer than ``max_gap`` is a
    break (default: :func:`~simcc.fit.breaks.break_threshold`, at least ``min_break``; with
    ``breaks="rate"`` and no ``max_gap``, a threshold that follows the pool's
    calls per agent through the day, :mod:`simcc.fit.breaks`). The
    index is the interval start in seconds since midnight (a day's intervals,
    or more when services run past midnight); values are means over the days,
    in agents (not rounded).
    The threshold used is in ``series.attrs["max_gap"]`` (with the rate rule,
    its :class:`~simcc.fit.breaks.BreakRule` in ``series.attrs["breaks"]``).
    ``credit`` says
    whose work a service is; ``pickup``, ``answered_only``, ``edges``
    (``both``: the pool's mean quiet gap, :func:`~simcc.fit.breaks.idle_gaps` that are not
    breaks, at each session edge) and ``away_first`` how idle time
    counts (see :func:`available_agents`).
    """
    if not days:
        raise ValueError("no days to average over")
    if method == "distinct":
        return _distinct(calls[calls["server"].isin(list(agents))], days, interval)
    step = round(interval)
    if step <= 0 or int(DAY) % step:
        raise ValueError(f"the staffing interval must divide a day, got {interval:g} s")
    follow = breaks == "rate" and max_gap is None
    if max_gap is None:
        max_gap = break_threshold(calls, days, agents, types, by=by, floor=min_break)
    count = _Count(calls, days, agents, types, by, method, credit, pickup, answered_only,
                   edges == "both", away_first)  # fmt: skip
    rule = BreakRule(max_gap)
    per_second = count.mean(rule)
    if follow:
        per_second, rule = _follow_rate(count, per_second, step, min_break)
    means = per_second.reshape(-1, step).mean(axis=1)
    last = max(int(DAY) // step, int(np.nonzero(means)[0].max()) + 1 if means.any() else 0)
    series = pd.Series(means[:last], index=np.arange(last) * float(step))
    series.index.name = "start"
    series.attrs["max_gap"] = max_gap
    if follow:
        series.attrs["breaks"] = rule
    return series


def _follow_rate(
    count: _Count, per_second: np.ndarray, step: int, floor: float
) -> tuple[np.ndarray, BreakRule]:
    """The count settled with a break threshold that follows the pool's calls per agent on
    duty (:func:`~simcc.fit.breaks.settle`), from the ``day`` rule's ``per_second``."""
    chosen = on_days(count.calls, count.days)
    if count.credit is None:
        mine = chosen[count.by].isin(list(count.types))
    else:
        mine = chosen[count.credit[0]] == count.credit[1]
    rate = work_rate(chosen, len(count.days), mine, GRID)
    return settle(count.mean, per_second, rate, step, floor)


@dataclass
class _Count:
    """:func:`available_agents` of one pool averaged over the days, for a given break rule."""

    calls: pd.DataFrame
    days: Sequence[dt.date]
    agents: Sequence[str]
    types: Sequence[str]
    by: str
    method: StaffingMethod
    credit: tuple[str, str] | None
    pickup: float
    answered_only: bool
    edges: bool
    away_first: bool

    def mean(self, rule: BreakRule) -> np.ndarray:
        """Agents per second of the grid, mean over the days."""
        edge = 0.0
        if self.edges:  # the mean wait for a call: quiet gaps that are not breaks
            begin, end = quiet_gaps(self.calls, self.days, self.agents, self.types, self.by)
            waits = ~rule.is_break(begin, end)
            edge = float((end - begin)[waits].mean()) if waits.any() else 0.0
        total = np.zeros(GRID)
        for day in self.days:
            total += available_agents(
                on_days(self.calls, [day]),
                self.agents,
                self.types,
                by=self.by,
                when_waiting=self.method == "sessions",
                credit=self.credit,
                pickup=self.pickup,
                answered_only=self.answered_only,
                edge=edge,
                away_first=self.away_first,
                breaks=rule,
            )
        return total / len(self.days)


def pool_staffing(
    typed: pd.DataFrame,
    days: Sequence[dt.date],
    plan: PoolPlan,
    pool: str,
    opts: FitOptions,
    pickup: float,
    span: tuple[float, float],
) -> pd.Series:
    """Mean agents of ``pool`` per staffing interval over the scenario's ``span`` (its start
    clock time and length), counted as ``opts`` say from the fit's ``typed`` calls (call
    type ``ctype``, whose work ``credit``)."""
    step = opts.staffing_interval
    mean = infer_staffing(
        typed,
        days,
        plan.agents.get(pool, []),
        plan.types_of(pool),
        by="ctype",
        interval=step,
        method=opts.staffing_method,
        max_gap=opts.max_gap,
        min_break=opts.min_break,
        breaks=opts.break_threshold,
        credit=("credit", pool),
        pickup=pickup,
        answered_only=opts.answered_gaps,
        away_first=opts.away_first,
        edges=opts.session_edges,
    )
    grid = span[0] + np.arange(round(span[1] / step)) * step
    out = mean.reindex(grid, fill_value=0.0)
    out.attrs = dict(mean.attrs)
    return out


def _distinct(calls: pd.DataFrame, days: Sequence[dt.date], interval: float) -> pd.Series:
    """:func:`~simcc.fit.estimate.infer_agents` as unrounded means."""
    return infer_agents(calls, days, interval, rounded=False)


def staffing_notes(
    plan: PoolPlan,
    staffing: dict[str, pd.Series],
    counts: dict[str, list[int]],
    opts: FitOptions,
    wrap_up: dict[str, float],
    rounded: dict[str, np.ndarray] | None = None,
) -> list[str]:
    """Explain the pools and how their agents were counted (``rounded``: each pool's
    agents rounded before the raise to 1, default its means rounded)."""
    method, max_gap = opts.staffing_method, opts.max_gap
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
        )
        + (
            " A call taken by an agent of a skill pool (below) that takes its type is that "
            "skill pool's work."
            if plan.skills
            else ""
        ),
        *(f"  {line}" for line in plan.describe()),
    ]
    gap = "a break threshold" if max_gap is None else fmt_duration(max_gap)
    if method == "available":
        out += _available_notes(opts, gap)
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
        plain = np.rint(mean.to_numpy()) if rounded is None else rounded[pool]
        raised = int(np.sum(plain < np.asarray(counts[pool])))
        line = f"  {pool}: {mean.mean():.2f} agents on average, {min(counts[pool])}–"
        line += f"{max(counts[pool])} per interval"
        if "breaks" in mean.attrs:
            low, high = mean.attrs["breaks"].extremes(mean.index[mean.to_numpy() > 0])
            line += f"; break threshold {low / 60:.0f}–{high / 60:.0f} min through the day"
        elif "max_gap" in mean.attrs:
            line += f"; break threshold {mean.attrs['max_gap'] / 60:.0f} min"
        if wrap_up[pool] > 0:
            line += f"; wrap-up {fmt_duration(wrap_up[pool])}"
        if raised:
            line += f"; {raised} interval(s) with calls but under half an agent raised to 1"
        out.append(line + ".")
    return out


def _available_notes(opts: FitOptions, gap: str) -> list[str]:
    """How the ``available`` estimator counted agents, for the fitted file's comments."""
    return [
        "pools.*.agents: not in the log. Per second, an agent counts while serving a call, "
        f"and while idle between two of its calls less than {gap} apart — but not while "
        "any of the pool's callers was waiting (an agent free to take calls does not leave "
        "callers in the queue: that idle time was after-call work, a break or other tasks)"
        + ("; the wrap-up after each call counts. " if opts.wrap_up != "none" else ". ")
        + "Mean over the days per interval, rounded; at least 1 where calls arrive.",
        f"  Break threshold: the {1 - TAIL:.0%} quantile of "
        + (
            "an agent's wait for its next call at the "
            "pool's calls per agent on duty, half hour by half hour from the gap's start, at least "
            if opts.break_threshold == "rate"
            else "the exponential with the median of "
            "the pool's idle gaps while nobody waited, at least "
        )
        + f"{fmt_duration(opts.min_break)} (a quiet pool's agents wait long for each call).",
        *(
            [
                "  Only a gap that ends with a call the agent took at once counts (one that "
                "ends with a caller who came during it and waited shows the agent was away)."
            ]
            if opts.answered_gaps
            else []
        ),
        *(
            [
                "  An agent's time away comes first: a gap counts only after the last moment "
                "in it when one of the pool's callers waited."
            ]
            if opts.away_first
            else []
        ),
        (
            "  Session edges: the pool's mean idle gap while nobody waited counts before a "
            "session's first call (taken at once) and after its last. Bias: a short break "
            "while nobody waited counts (over, harmless)."
            if opts.session_edges == "both"
            else "  Bias: idle time before the first and after the last call of a session is "
            "missed (under); idle time in a short break while nobody waited counts (over, "
            "harmless)."
        ),
    ]
