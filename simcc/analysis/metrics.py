"""The metrics of MODEL.md §4, computed from a replication's records.

Every metric is counted over contacts that *arrive* in the measurement window
``[warmup, horizon)``; time-based ones (occupancy, cost) over the same window
of the clock.  Rates are fractions in [0, 1]; a metric whose denominator is
zero is ``NaN`` (e.g. ``repeat_escalation_rate`` when nothing was escalated).
Every ratio metric (a rate, a mean per contact, a cost per contact) is
defined with its numerator and denominator, which :func:`measure` also
returns: the *totals* a ratio-of-totals estimator over replications needs
(:func:`simcc.analysis.stats.ratio_estimate`).  docs/metrics.md gives each
metric's exact definition and the choices MODEL.md leaves open.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np

from simcc.analysis import escalation
from simcc.analysis.sessions import busy_shares
from simcc.model.records import ACTIVITIES, CHANNELS, OUTCOMES

NAN = math.nan
_O = {name: i for i, name in enumerate(OUTCOMES)}
_A = {name: i for i, name in enumerate(ACTIVITIES)}
TRANSFER_ACTIVITIES = (_A["consult_wait"], _A["consult"], _A["conference"])

HEADLINE = (
    "arrived",
    "offered",
    "abandoned",
    "abandonment_rate",
    "abandonment_queue_rate",
    "abandonment_hold_rate",
    "abandonment_transfer_rate",
    "fcr",
    "first_touch_resolution",
    "escalation_rate",
    "repeat_escalation_rate",
    "recontact_rate",
    "service_level",
    "escalation_sla_rate",
    "sla_compliance",
    "asa",
    "mean_hold_time",
    "customer_effort",
    "cost_per_contact",
    "cost_per_resolved_case",
    *escalation.NAMES,
    "containment_rate",
    "virtual_hold_rate",
)
"""Metric names of MODEL.md §4 and §10 that do not depend on the pools, in table order."""

POOL_METRICS = ("aht", "occupancy", "transfer_time_share")
"""Per-pool metric prefixes; the full name is ``<prefix>_<pool>``."""

TARGET_METRICS = ("resolution_sla_rate",)
"""Per-pool metric prefixes of the pools with an ``sla.resolution`` target only (the others
have no such metric); the full name is ``<prefix>_<pool>``."""

EXTRA = (
    "answered",
    "unfinished",
    "callback_unreached_rate",
    "mean_transfer_wait",
    "overflow_rate",
)
"""Counts and rates beyond MODEL.md §4 that planners ask for."""


@dataclass(frozen=True)
class Window:
    """What the metrics need to know of the scenario."""

    warmup: float
    horizon: float
    pools: tuple[str, ...]
    cost_per_hour: tuple[float, ...]
    threshold: float
    short_abandon: float
    resolution_target: tuple[float, ...] = ()
    penalty: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # (threshold, short_abandon) of each channel by code, when a channel has its own
    # answer SLA (sla.answer_by_channel); None: every contact is measured by `threshold`
    by_channel: tuple[tuple[float, float], ...] | None = None
    concurrency: tuple[int, ...] = ()  # sessions per agent of each pool (chat pools > 1)

    @classmethod
    def of(cls, scenario: object) -> Window:
        s = scenario
        return cls(
            warmup=s.warmup,  # type: ignore[attr-defined]
            horizon=s.horizon,  # type: ignore[attr-defined]
            pools=tuple(s.pools),  # type: ignore[attr-defined]
            cost_per_hour=tuple(p.cost_per_hour for p in s.pools.values()),  # type: ignore[attr-defined]
            threshold=s.sla.answer.threshold,  # type: ignore[attr-defined]
            short_abandon=s.sla.answer.short_abandon,  # type: ignore[attr-defined]
            resolution_target=tuple(
                s.sla.resolution.get(p, NAN)  # type: ignore[attr-defined]
                for p in s.pools  # type: ignore[attr-defined]
            ),
            penalty=(
                s.sla.penalty.answer,  # type: ignore[attr-defined]
                s.sla.penalty.escalation,  # type: ignore[attr-defined]
                s.sla.penalty.resolution,  # type: ignore[attr-defined]
            ),
            by_channel=answer_by_channel(s.sla),  # type: ignore[attr-defined]
            concurrency=tuple(p.concurrency for p in s.pools.values()),  # type: ignore[attr-defined]
        )


def answer_by_channel(sla: object) -> tuple[tuple[float, float], ...] | None:
    """Each channel's (threshold, short_abandon), in code order, if any channel has its own."""
    if not sla.answer_by_channel:  # type: ignore[attr-defined]
        return None
    answers = [sla.answer_of(channel) for channel in CHANNELS]  # type: ignore[attr-defined]
    return tuple((a.threshold, a.short_abandon) for a in answers)


_NO_HANDOFFS: dict[str, np.ndarray] = {
    name: np.zeros(
        0,
        dtype=np.int64 if name in ("contact_id", "leg", "reason", "to_pool", "outcome") else float,
    )
    for name in ("contact_id", "leg", "reason", "to_pool", "outcome", "handoff", "engaged")
}


def metric_names(pools: tuple[str, ...] | list[str], targeted: Collection[str] = ()) -> list[str]:
    """Every metric name for a centre with these pools, in table order; ``targeted``: the
    pools with an ``sla.resolution`` target (:data:`TARGET_METRICS`)."""
    names = list(HEADLINE)
    for prefix in POOL_METRICS:
        names += [f"{prefix}_{pool}" for pool in pools]
    for prefix in TARGET_METRICS:
        names += [f"{prefix}_{pool}" for pool in pools if pool in targeted]
    return names + list(EXTRA)


def scenario_metric_names(scenario: object) -> list[str]:
    """Every metric name of a scenario, in table order."""
    return metric_names(
        list(scenario.pools),  # type: ignore[attr-defined]
        scenario.sla.resolution,  # type: ignore[attr-defined]
    )


def grouped_name(metric: str, by: str, group: str) -> str:
    """The name of a metric over one group's contacts, as a table column:
    ``service_level[channel=voice]``."""
    return f"{metric}[{by}={group}]"


def split_grouped(name: str) -> tuple[str, str | None, str | None]:
    """``(metric, by, group)`` of a :func:`grouped_name` (``by`` and ``group`` None for a
    plain metric name)."""
    if not name.endswith("]") or "[" not in name:
        return name, None, None
    metric, _, inner = name[:-1].partition("[")
    by, _, group = inner.partition("=")
    return metric, by, group


def flat_groups(groups: dict[str, dict[str, dict[str, float]]]) -> dict[str, float]:
    """``{by: {group: {metric: value}}}`` as one row: ``{grouped_name: value}``."""
    return {
        grouped_name(metric, by, group): value
        for by, named in groups.items()
        for group, metrics in named.items()
        for metric, value in metrics.items()
    }


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else NAN


Totals = dict[str, tuple[float, float]]
"""Each ratio metric's ``(numerator, denominator)`` in one replication."""


def flat_totals(totals: Totals) -> dict[str, float]:
    """``{name: (num, den)}`` as ``{"name.num": num, "name.den": den}`` (a table's columns)."""
    return {
        f"{name}.{part}": value
        for name, pair in totals.items()
        for part, value in zip(("num", "den"), pair, strict=True)
    }


class _Ratios:
    """Defines a ratio metric once: its value, and its numerator and denominator kept."""

    def __init__(self, out: dict[str, float]) -> None:
        self.out = out
        self.totals: Totals = {}

    def ratio(self, name: str, num: float, den: float) -> None:
        self.out[name] = _ratio(num, den)
        self.totals[name] = (float(num), float(den))

    def mean(self, name: str, values: np.ndarray, shift: float = 0.0) -> None:
        """``shift + mean(values)`` (NaN when empty): a ratio of ``Σ(shift + v)`` to ``len``."""
        self.out[name] = float(shift + values.mean()) if len(values) else NAN
        self.totals[name] = (float(values.sum() + shift * len(values)), float(len(values)))


def compute(
    contacts: dict[str, np.ndarray],
    agents: dict[str, np.ndarray],
    staffing: dict[str, np.ndarray],
    window: Window,
    handoffs: dict[str, np.ndarray] | None = None,
) -> dict[str, float]:
    """All metrics of one replication from its record arrays (codes, not names)."""
    return measure(contacts, agents, staffing, window, handoffs)[0]


def count_distinct(ids: np.ndarray[Any, Any]) -> int:
    """How many distinct values an array of contact or case numbers (integers ≥ 0) holds:
    ``len(np.unique(ids))`` without sorting or hashing them."""
    if not len(ids):
        return 0
    seen = np.zeros(int(ids.max()) + 1, dtype=bool)
    seen[ids] = True
    return int(np.count_nonzero(seen))


@dataclass(frozen=True)
class _Measured:
    """The contacts one replication's metrics count, and the masks over them that several
    metrics share.

    A contact counts when it arrives in the window ``[warmup, horizon)``; of
    those, the agent metrics count the *offered* ones (``m``): MODEL.md §8's
    front door settled the others (``door``) before any agent queue.
    """

    contacts: dict[str, np.ndarray]
    arrived: np.ndarray | slice  # every contact arrived in the window, a slice when all did
    m: np.ndarray | slice  # the offered ones among them; a view (no copy) when all are
    door: np.ndarray  # arrived in the window and settled by the front door
    n_door: int
    offered: int
    outcome: np.ndarray
    wait: np.ndarray
    answered: np.ndarray
    escalated: np.ndarray
    first: np.ndarray  # a case's first contact
    resolved: np.ndarray
    truly: np.ndarray  # resolved, and not falsely

    def column(self, name: str) -> np.ndarray:
        """A contacts column over the offered contacts."""
        return self.contacts[name][self.m]

    def outcomes(self, name: str) -> np.ndarray:
        return self.outcome == _O[name]


def _measured(contacts: dict[str, np.ndarray], window: Window) -> _Measured:
    arrival = contacts["arrival"]
    arrived_window = (arrival >= window.warmup) & (arrival < window.horizon)
    door = arrived_window & (contacts["outcome"] == _O["self_served"])
    n_door = int(door.sum())
    in_window = arrived_window & ~door if n_door else arrived_window
    m: np.ndarray | slice = slice(None) if in_window.all() else in_window
    outcome = contacts["outcome"][m]
    resolved = outcome == _O["resolved"]
    return _Measured(
        contacts=contacts,
        arrived=slice(None) if arrived_window.all() else arrived_window,
        m=m,
        door=door,
        n_door=n_door,
        offered=int(in_window.sum()),
        outcome=outcome,
        wait=contacts["wait"][m],
        answered=~np.isnan(contacts["answer"][m]),
        escalated=contacts["escalations"][m] >= 1,
        first=contacts["attempt"][m] == 1,
        resolved=resolved,
        truly=resolved & ~contacts["false_resolution"][m],
    )


def measure(
    contacts: dict[str, np.ndarray],
    agents: dict[str, np.ndarray],
    staffing: dict[str, np.ndarray],
    window: Window,
    handoffs: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, float], Totals]:
    """All metrics of one replication, and the numerator and denominator of each ratio."""
    if handoffs is None:
        handoffs = _NO_HANDOFFS
    c = _measured(contacts, window)
    r = _Ratios({})
    resolution, breaches = _customer_metrics(r, c, handoffs, window)
    staffed = staffed_seconds(staffing, window)
    _cost_metrics(r, c, staffed, window)
    measured_agents, shares = _pool_metrics(r, c, agents, staffed, window)
    for i, (met, applied) in resolution.by_pool(window.resolution_target).items():
        r.ratio(f"resolution_sla_rate_{window.pools[i]}", met, applied)
    escalation.escalation_metrics(
        r,
        contacts,
        c.arrived,
        handoffs,
        agents,
        shares,
        measured_agents,
        window.cost_per_hour,
        window.penalty,
        breaches,
        resolution,
    )
    r.ratio("containment_rate", c.n_door, c.offered + c.n_door)
    held = contacts.get("virtual_hold")  # (absent from tables made before MODEL.md §8)
    r.ratio("virtual_hold_rate", 0 if held is None else held[c.m].sum(), c.offered)
    r.out = _in_table_order(r.out, window)
    r.out["answered"] = float(c.answered.sum())
    r.out["unfinished"] = float(c.outcomes("unfinished").sum())
    _extra_metrics(r, c)
    return r.out, r.totals


def _customer_metrics(
    r: _Ratios, c: _Measured, handoffs: dict[str, np.ndarray], window: Window
) -> tuple[escalation.ResolutionSla, tuple[float, float]]:
    """The customers' side of MODEL.md §4: abandonment, resolution, service level, SLAs,
    waits and effort.  Returns the resolution SLA of each contact and the answer and
    escalation SLA breaches, which the escalation metrics price."""
    ab_queue, ab_hold = c.outcomes("abandoned_queue"), c.outcomes("abandoned_hold")
    ab_transfer = c.outcomes("abandoned_transfer_queue")
    abandoned = int(ab_queue.sum() + ab_hold.sum() + ab_transfer.sum())
    r.out |= {"arrived": float(c.offered + c.n_door), "offered": float(c.offered)}
    r.out["abandoned"] = float(abandoned)
    threshold: float | np.ndarray = window.threshold
    short_abandon: float | np.ndarray = window.short_abandon
    if window.by_channel is not None:  # each contact against its own channel's answer SLA
        limits = np.asarray(window.by_channel)[c.column("channel")]
        threshold, short_abandon = limits[:, 0], limits[:, 1]
    within = c.answered & (c.wait <= threshold)
    # short abandons waited a little, then hung up; a busy signal (queue full, wait 0)
    # is not one: the centre refused the call, so it stays in the denominator
    short = ab_queue & (c.wait > 0) & (c.wait <= short_abandon)
    sla_legs, sla_met = c.column("sla_legs"), c.column("sla_legs_met")
    with_sla = sla_legs > 0
    resolution = escalation.resolution_sla(c.contacts, c.m, handoffs, window.resolution_target)
    # every SLA that applied: each escalation target, and the resolution target if one applied
    all_met = (sla_met == sla_legs) & (~resolution.applies | resolution.met)
    attempt, escalations = c.column("attempt"), c.column("escalations")
    offered = c.offered
    r.ratio("abandonment_rate", abandoned, offered)
    r.ratio("abandonment_queue_rate", ab_queue.sum(), offered)
    r.ratio("abandonment_hold_rate", ab_hold.sum(), offered)
    r.ratio("abandonment_transfer_rate", ab_transfer.sum(), offered)
    # a self-served case is truly resolved at its first contact when that one was self-served
    door_first = int((c.door & (c.contacts["attempt"] == 1)).sum())
    r.ratio("fcr", (c.truly & c.first).sum() + door_first, c.first.sum() + door_first)
    r.ratio("first_touch_resolution", (c.resolved & ~c.escalated).sum(), offered)
    r.ratio("escalation_rate", (c.escalated & c.answered).sum(), c.answered.sum())
    r.ratio("repeat_escalation_rate", (escalations >= 2).sum(), c.escalated.sum())
    r.ratio("recontact_rate", (attempt > 1).sum(), offered)
    r.ratio("service_level", within.sum(), offered - short.sum())
    r.ratio("escalation_sla_rate", (with_sla & (sla_met == sla_legs)).sum(), with_sla.sum())
    r.ratio("sla_compliance", (within & all_met).sum(), offered)
    r.mean("asa", c.wait[c.answered])
    r.mean("mean_hold_time", c.column("hold_time")[c.escalated])
    r.mean("customer_effort", c.column("rediscoveries")[c.answered], shift=1.0)
    breaches = (float(offered - short.sum() - within.sum()), float((sla_legs - sla_met).sum()))
    return resolution, breaches


def _cost_metrics(r: _Ratios, c: _Measured, staffed: np.ndarray, window: Window) -> None:
    """The staffed cost per offered contact and per truly resolved case."""
    cost = sum(staffed[i] / 3600.0 * window.cost_per_hour[i] for i in range(len(window.pools)))
    cases = c.column("case_id")[c.truly]
    if c.n_door:  # the cases the front door settled are truly resolved cases too
        cases = np.concatenate([cases, c.contacts["case_id"][c.door]])
    r.ratio("cost_per_contact", cost, c.offered)
    r.ratio("cost_per_resolved_case", cost, count_distinct(cases))


def _pool_metrics(
    r: _Ratios,
    c: _Measured,
    agents: dict[str, np.ndarray],
    staffed: np.ndarray,
    window: Window,
) -> tuple[np.ndarray, np.ndarray]:
    """Each pool's handle time, transfer time share and occupancy.  Returns which agent
    rows work on a measured contact, and each row's agent time."""
    ids = c.contacts["contact_id"]
    measured_flag = np.zeros(int(ids.max()) + 1 if len(ids) else 1, dtype=bool)
    measured_flag[ids[c.m]] = True
    measured_agents = measured_flag[agents["contact_id"]]
    busy_window = busy_seconds_in_window(agents, window)
    # each mask and column over all the agent rows once; the loop only selects a pool's rows
    agent_pool, agent_contact = agents["pool"], agents["contact_id"]
    lengths = agents["end"] - agents["start"]
    shares = lengths  # each row's agent time: overlapping chat sessions count it once
    if any(k > 1 for k in window.concurrency):
        shares = busy_shares(agents, window.concurrency, lengths)
    transfers = np.isin(agents["activity"], TRANSFER_ACTIVITIES)
    for i, pool in enumerate(window.pools):
        mine = measured_agents & (agent_pool == i)
        durations = lengths[mine]
        total = durations.sum()
        handled = count_distinct(agent_contact[mine])
        transfer = transfers[mine]
        r.ratio(f"aht_{pool}", total, handled)
        r.ratio(f"transfer_time_share_{pool}", durations[transfer].sum(), total)
        r.ratio(f"occupancy_{pool}", busy_window[i], staffed[i])
    return measured_agents, shares


def _in_table_order(out: dict[str, float], window: Window) -> dict[str, float]:
    """The documented order: headline, then per pool by prefix, then per targeted pool."""
    ordered = {name: out[name] for name in HEADLINE}
    for prefix in POOL_METRICS:
        for pool in window.pools:
            ordered[f"{prefix}_{pool}"] = out[f"{prefix}_{pool}"]
    for prefix in TARGET_METRICS:
        ordered |= {n: out[n] for pool in window.pools if (n := f"{prefix}_{pool}") in out}
    return ordered


def _extra_metrics(r: _Ratios, c: _Measured) -> None:
    """:data:`EXTRA`'s rates and means, after the counts."""
    r.ratio("callback_unreached_rate", c.outcomes("callback_unreached").sum(), c.offered)
    r.mean("mean_transfer_wait", c.column("transfer_wait")[c.escalated])
    elsewhere = c.answered & (c.column("answer_pool") != c.column("entry_pool"))
    r.ratio("overflow_rate", elsewhere.sum(), c.answered.sum())


GROUPS = ("call_type", "segment", "need", "channel")
"""What metrics may be asked by (MODEL.md §10): each is a column of the contacts table."""


def by_group(
    contacts: dict[str, np.ndarray],
    agents: dict[str, np.ndarray],
    staffing: dict[str, np.ndarray],
    window: Window,
    handoffs: dict[str, np.ndarray],
    by: str,
    names: tuple[str, ...],
) -> dict[str, dict[str, float]]:
    """Every metric over each group's contacts (the same definitions), by group name.

    ``by`` is one of :data:`GROUPS`; ``names`` the names its codes index.  A
    case keeps its call type, segment and need, so a group holds whole cases.
    Time-based metrics (occupancy, staffed cost) keep the whole centre's
    staffed time: a group's ``cost_per_contact`` is the centre's cost over the
    group's contacts, which only the busy-time costs of §10 split fairly.
    Groups with no contact are left out.
    """
    if by not in GROUPS:
        raise ValueError(f"metrics by {by!r}: expected one of {', '.join(GROUPS)}")
    out: dict[str, dict[str, float]] = {}
    codes = contacts[by]
    for code, name in enumerate(names):
        mine = codes == code
        if not mine.any():
            continue
        ids = contacts["contact_id"][mine]
        theirs = np.isin(agents["contact_id"], ids)
        handed = np.isin(handoffs["contact_id"], ids)
        out[name or "(none)"] = compute(
            {k: v[mine] for k, v in contacts.items()},
            {k: v[theirs] for k, v in agents.items()},
            staffing,
            window,
            {k: v[handed] for k, v in handoffs.items()},
        )
    return out


def staffed_seconds(staffing: dict[str, np.ndarray], window: Window) -> np.ndarray:
    """Agent-seconds present per pool within the window (overtime to finish a contact included)."""
    out = np.zeros(len(window.pools))
    pool, time, present = staffing["pool"], staffing["time"], staffing["present"]
    for i in range(len(window.pools)):
        mine = pool == i
        t = time[mine]
        n = present[mine].astype(float)
        if len(t) == 0:
            continue
        ends = np.append(t[1:], np.inf)
        lo = np.clip(t, window.warmup, window.horizon)
        hi = np.clip(ends, window.warmup, window.horizon)
        out[i] = float(np.sum(n * (hi - lo)))
    return out


def busy_seconds_in_window(agents: dict[str, np.ndarray], window: Window) -> np.ndarray:
    """Agent busy seconds per pool, clipped to the window; a chat agent is busy while it
    holds at least one session (its overlapping sessions count once)."""
    lo = np.clip(agents["start"], window.warmup, window.horizon)
    hi = np.clip(agents["end"], window.warmup, window.horizon)
    seconds = hi - lo
    if any(k > 1 for k in window.concurrency):
        seconds = busy_shares(dict(agents, start=lo, end=hi), window.concurrency, seconds)
    return np.bincount(agents["pool"], weights=seconds, minlength=len(window.pools))
