"""Metrics per pool and per interval of the day, from a replication's records.

A planner staffs by the half hour, so the day's metrics are also wanted per
interval: the service level of the contacts that reached a pool's queue in
08:30–09:00, the agents scheduled then, the agents busy then.

What reaches a pool's queue in an interval:

- at a call type's **entry pool**, the contacts that *arrive* in the interval
  (their wait runs from arrival to the first answer, by that pool or an
  overflow pool; abandoning in that queue is ``abandoned_queue``; a short
  abandon is one within ``sla.answer.short_abandon``, left out of the service
  level's denominator as in the day's metric);
- at a pool reached by a **hand-off**, the transfer legs whose hand-off
  starts in the interval (their wait runs from the hand-off until a B agent
  engages; hanging up on hold or in B's queue before a B agent engages is an
  abandonment — a customer lost on hold after B engaged, during the consult,
  was answered; a leg redirected to another pool because B had nobody on duty
  is left out).

Per pool and interval :func:`interval_counts` adds these up; :func:`rates`
turns the counts of one replication into ``service_level`` (answered within
``sla.answer.threshold`` over offered minus short abandons),
``abandonment_rate``, ``asa`` (mean wait of the answered), ``scheduled`` and
``present`` agents (time-averaged over the interval) and ``busy`` agents
(busy agent-seconds over the interval's length), and ``occupancy`` (busy
over present).  :func:`interval_table` gives each one's mean and Student-t
confidence interval over replications (a replication where nothing reached
the queue in an interval has no rate there and is left out of that cell).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simcc.analysis.metrics import answer_by_channel
from simcc.analysis.sessions import busy_spans
from simcc.analysis.stats import estimate
from simcc.records import CHANNELS, LEG_OUTCOMES, OUTCOMES

_O = {name: i for i, name in enumerate(OUTCOMES)}
_L = {name: i for i, name in enumerate(LEG_OUTCOMES)}

COUNTS = (
    "offered",
    "answered",
    "within",
    "short",
    "abandoned",
    "wait",
    "busy",
    "scheduled_s",
    "present_s",
)
"""What :func:`interval_counts` adds up per pool and interval (``wait``, ``busy``,
``scheduled_s`` and ``present_s`` are seconds, agent-seconds for the last three)."""

INTERVAL_METRICS = (
    "service_level",
    "abandonment_rate",
    "asa",
    "scheduled",
    "present",
    "busy",
    "occupancy",
)
"""The per-interval metrics, in table order."""


@dataclass(frozen=True)
class Grid:
    """The day cut into intervals, and what the interval metrics need of the scenario."""

    interval: float
    horizon: float
    pools: tuple[str, ...]
    threshold: float
    short_abandon: float
    concurrency: tuple[int, ...] = ()  # sessions per agent of each pool (chat pools > 1)
    # each channel's (threshold, short_abandon) when a channel has its own answer SLA
    by_channel: tuple[tuple[float, float], ...] | None = None

    @property
    def n(self) -> int:
        """Number of intervals (the last one may be cut short by the horizon)."""
        return max(1, math.ceil(self.horizon / self.interval - 1e-9))

    @property
    def edges(self) -> np.ndarray:
        """Interval boundaries, ``n + 1`` of them, from 0 to the horizon."""
        return np.minimum(np.arange(self.n + 1) * self.interval, self.horizon)

    @classmethod
    def of(cls, scenario: object, interval: float) -> Grid:
        s = scenario
        return cls(
            interval=interval,
            horizon=s.horizon,  # type: ignore[attr-defined]
            pools=tuple(s.pools),  # type: ignore[attr-defined]
            threshold=s.sla.answer.threshold,  # type: ignore[attr-defined]
            short_abandon=s.sla.answer.short_abandon,  # type: ignore[attr-defined]
            concurrency=tuple(p.concurrency for p in s.pools.values()),  # type: ignore[attr-defined]
            by_channel=answer_by_channel(s.sla),  # type: ignore[attr-defined]
        )


def _add(out: np.ndarray, pool: np.ndarray, k: np.ndarray, weights: np.ndarray) -> None:
    np.add.at(out, (pool, k), weights)


def interval_counts(
    contacts: Mapping[str, np.ndarray],
    legs: Mapping[str, np.ndarray],
    agents: Mapping[str, np.ndarray],
    staffing: Mapping[str, np.ndarray],
    grid: Grid,
) -> dict[str, np.ndarray]:
    """One replication's counts per pool × interval (arrays shaped ``(pools, intervals)``)."""
    shape = (len(grid.pools), grid.n)
    out = {name: np.zeros(shape) for name in COUNTS}

    # the entry queues: contacts by arrival (a front door's self-served never queued)
    arrival = contacts["arrival"]
    mine = arrival < grid.horizon
    if "queued" in contacts:
        mine &= ~np.isnan(contacts["queued"])
    pool = contacts["entry_pool"][mine]
    k = (arrival[mine] // grid.interval).astype(int)
    wait = contacts["wait"][mine]
    outcome = contacts["outcome"][mine]
    answered = ~np.isnan(contacts["answer"][mine])
    ab = outcome == _O["abandoned_queue"]
    threshold: float | np.ndarray = grid.threshold
    short_abandon: float | np.ndarray = grid.short_abandon
    if grid.by_channel is not None and "channel" in contacts:  # each by its channel's SLA
        limits = np.asarray(grid.by_channel)[contacts["channel"][mine]]
        threshold, short_abandon = limits[:, 0], limits[:, 1]
    short = ab & (wait > 0) & (wait <= short_abandon)
    _queue(out, pool, k, answered, ab, short, np.where(answered, wait, 0.0), threshold)

    # the queues after a hand-off: legs by hand-off time
    handoff = legs["handoff"]
    mine = (handoff < grid.horizon) & (legs["outcome"] != _L["redirected"])
    pool = legs["to_pool"][mine]
    k = (handoff[mine] // grid.interval).astype(int)
    engaged = legs["engaged"][mine]
    answered = ~np.isnan(engaged)
    leg_outcome = legs["outcome"][mine]
    lost = (leg_outcome == _L["abandoned_hold"]) | (leg_outcome == _L["abandoned_transfer_queue"])
    ab = lost & ~answered  # lost on hold after B engaged was answered by B
    lag = np.where(answered, engaged - handoff[mine], 0.0)
    _queue(out, pool, k, answered, ab, np.zeros_like(ab), lag, grid.threshold)

    edges = grid.edges
    if any(k > 1 for k in grid.concurrency):  # a chat agent is busy once, however many chats
        agents = busy_spans(dict(agents), grid.concurrency)
    for i in range(len(grid.pools)):
        a = agents["pool"] == i
        out["busy"][i] = np.diff(_busy_until(agents["start"][a], agents["end"][a], edges))
        s = staffing["pool"] == i
        for column, name in (("scheduled", "scheduled_s"), ("present", "present_s")):
            out[name][i] = np.diff(_step_integral(staffing["time"][s], staffing[column][s], edges))
    return out


def _queue(
    out: dict[str, np.ndarray],
    pool: np.ndarray,
    k: np.ndarray,
    answered: np.ndarray,
    abandoned: np.ndarray,
    short: np.ndarray,
    wait: np.ndarray,
    threshold: float | np.ndarray,
) -> None:
    one = np.ones(len(k))
    _add(out["offered"], pool, k, one)
    _add(out["answered"], pool, k, answered.astype(float))
    _add(out["within"], pool, k, (answered & (wait <= threshold)).astype(float))
    _add(out["short"], pool, k, short.astype(float))
    _add(out["abandoned"], pool, k, abandoned.astype(float))
    _add(out["wait"], pool, k, wait)


def _busy_until(start: np.ndarray, end: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Busy seconds of these intervals before each of ``times``."""
    duration = end - start
    return np.array([np.clip(t - start, 0.0, duration).sum() for t in times])


def _step_integral(time: np.ndarray, value: np.ndarray, times: np.ndarray) -> np.ndarray:
    """∫₀ᵗ of a step function that is ``value[j]`` from ``time[j]`` on, at each of ``times``."""
    if len(time) == 0:
        return np.zeros(len(times))
    order = np.argsort(time, kind="stable")
    t, v = time[order], value[order].astype(float)
    cumulative = np.concatenate(([0.0], np.cumsum(v[:-1] * np.diff(t))))
    j = np.searchsorted(t, times, side="right") - 1
    before = j < 0
    j = np.maximum(j, 0)
    result = cumulative[j] + v[j] * (times - t[j])
    return np.where(before, 0.0, result)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def rates(counts: Mapping[str, np.ndarray], grid: Grid) -> dict[str, np.ndarray]:
    """The interval metrics of one replication from its counts."""
    length = np.diff(grid.edges)[None, :]
    return {
        "service_level": _ratio(counts["within"], counts["offered"] - counts["short"]),
        "abandonment_rate": _ratio(counts["abandoned"], counts["offered"]),
        "asa": _ratio(counts["wait"], counts["answered"]),
        "scheduled": counts["scheduled_s"] / length,
        "present": counts["present_s"] / length,
        "busy": counts["busy"] / length,
        "occupancy": _ratio(counts["busy"], counts["present_s"]),
    }


def replication_rates(result: object, grid: Grid) -> dict[str, np.ndarray]:
    """The interval metrics of one :class:`simcc.runner.Result`."""
    rec = result.recorder  # type: ignore[attr-defined]
    counts = interval_counts(
        rec.contact_arrays(), rec.handoff_arrays(), rec.agent_arrays(), rec.staffing_arrays(), grid
    )
    return rates(counts, grid)


def interval_table(
    replications: Sequence[Mapping[str, np.ndarray]], grid: Grid, level: float = 0.95
) -> pd.DataFrame:
    """Per pool × interval: each interval metric's mean and CI over the replications.

    Columns ``pool``, ``interval`` (0, 1, …), ``start`` and ``end`` (seconds), then
    ``<metric>``, ``<metric>_ci_low``, ``<metric>_ci_high`` for each of
    :data:`INTERVAL_METRICS`, and ``n`` (replications).
    """
    edges = grid.edges
    rows = []
    for i, pool in enumerate(grid.pools):
        for k in range(grid.n):
            row: dict[str, object] = {
                "pool": pool,
                "interval": k,
                "start": float(edges[k]),
                "end": float(edges[k + 1]),
            }
            for metric in INTERVAL_METRICS:
                e = estimate([r[metric][i, k] for r in replications], level)
                row[metric] = e.mean
                row |= {f"{metric}_ci_low": e.ci_low, f"{metric}_ci_high": e.ci_high}
            row["n"] = len(replications)
            rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- from record tables


def _codes(column: pd.Series, names: Sequence[str]) -> np.ndarray:
    """Integer codes of a name column (categorical or text) in the order of ``names``."""
    return np.asarray(pd.Categorical(column.astype(str), categories=list(names)).codes)


def plan_staffing(scenario: object) -> pd.DataFrame:
    """The scenario's shift plan as staffing changes (``present`` is the plan too)."""
    rows = []
    pools = scenario.pools  # type: ignore[attr-defined]
    horizon = float(scenario.horizon)  # type: ignore[attr-defined]
    for pool, spec in pools.items():
        counts, interval = spec.agents.counts, spec.agents.interval
        if interval is None or len(counts) == 1:
            rows.append((pool, 0.0, counts[0]))
            continue
        k, t = 0, 0.0
        while t < horizon:
            j = k % len(counts) if spec.agents.repeat else min(k, len(counts) - 1)
            rows.append((pool, t, counts[j]))
            k, t = k + 1, (k + 1) * interval
    frame = pd.DataFrame(rows, columns=["pool", "time", "scheduled"])
    return frame.assign(present=frame["scheduled"])


def records_interval_table(
    records: Mapping[str, pd.DataFrame], scenario: object, interval: float, level: float = 0.95
) -> pd.DataFrame:
    """:func:`interval_table` from record tables (``contacts``, ``transfers``, ``agents`` and,
    if there, ``staffing``; a ``replication`` column splits replications), as
    ``Replications.records`` holds them.  Without a staffing table the scenario's
    plan gives the scheduled (and present) agents."""
    grid = Grid.of(scenario, interval)
    staffing = records.get("staffing")
    if staffing is None:
        staffing = plan_staffing(scenario)
    tables = {name: records[name] for name in ("contacts", "transfers", "agents")} | {
        "staffing": staffing
    }
    reps = sorted(
        set().union(*(set(t["replication"]) for t in tables.values() if "replication" in t))
    ) or [None]
    out = []
    for rep in reps:
        part = {
            name: t[t["replication"] == rep] if rep is not None and "replication" in t else t
            for name, t in tables.items()
        }
        out.append(rates(_arrays(part, grid), grid))
    return interval_table(out, grid, level)


def _arrays(tables: Mapping[str, pd.DataFrame], grid: Grid) -> dict[str, np.ndarray]:
    c, legs, a, s = (tables[n] for n in ("contacts", "transfers", "agents", "staffing"))
    return interval_counts(
        {
            "arrival": c["arrival"].to_numpy(float),
            "entry_pool": _codes(c["entry_pool"], grid.pools),
            "answer": c["answer"].to_numpy(float),
            "wait": c["wait"].to_numpy(float),
            "outcome": _codes(c["outcome"], OUTCOMES),
        }
        | ({"channel": _codes(c["channel"], CHANNELS)} if "channel" in c else {}),
        {
            "handoff": legs["handoff"].to_numpy(float),
            "to_pool": _codes(legs["to_pool"], grid.pools),
            "engaged": legs["engaged"].to_numpy(float),
            "outcome": _codes(legs["outcome"], LEG_OUTCOMES),
        },
        {
            "pool": _codes(a["pool"], grid.pools),
            "agent": a["agent"].to_numpy(),
            "start": a["start"].to_numpy(float),
            "end": a["end"].to_numpy(float),
        },
        {
            "pool": _codes(s["pool"], grid.pools),
            "time": s["time"].to_numpy(float),
            "scheduled": s["scheduled"].to_numpy(float),
            "present": s["present"].to_numpy(float),
        },
        grid,
    )
