"""The work a scenario brings to each pool, from mean rates and mean times.

One estimate, written once, for the three places that need it before any
simulation: the load check (:mod:`simcc.checks`), the Erlang start of a
staffing search (:mod:`simcc.experiments.staffing`) and of a search per
interval (:mod:`simcc.experiments.interval_staffing`).

A call type's arrivals follow its escalation path, or each need's path for
the need's share (MODEL.md §7). At each pool a share ``resolve`` ends there
and the rest goes on to the next pool; a self-service redirect goes nowhere.
A pool's busy time per contact is its handle time and wrap-up plus the
transfer steps its agents do: the sender's transfer line, consult or dialling
for the contacts it sends on, the receiver's consult, conference or
rediscovery, and the policy's factor on the receiving agent's handle time
(an e-mail's work factor; ``transfer.context``'s briefing factors on its
handle time and resolution, those of ``cold`` under ``rules``). After a front
door that lost the context, the first agent hears the story again
(``transfer.cold.rediscovery_time``).

A pool with agent groups (MODEL.md §9) works as its groups do when all their
agents are busy, the case a staffing is for: a group of ``n`` agents with
handle factor ``f`` then serves ``n / f`` contacts for every ``n`` agents at
factor 1, so the pool's handle time is scaled by ``Σ n / Σ (n / f)`` and its
resolution is the mean of ``min(1, resolve × resolve_factor)`` over the
contacts the groups serve. ``n`` is a group's mean count over its intervals.
(Exact when the busy time is all handle time; wrap-up and transfer steps,
which the factors do not scale, make it an approximation.)

Re-contacts, misroutes, abandonment, overflow and the shorter handling of an
early escalation (``escalate_after``, a need's ``detect_after``) are left out:
the estimate errs on the side of a lighter load for re-contacts and a heavier
one for abandonment and early escalation (the load check adds overflow itself).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from simcc.scenario.document import Scenario
from simcc.scenario.pools import Pool
from simcc.scenario.transfer import Context

__all__ = ["Path", "PoolWork", "Stage", "StepTimes", "flows", "mean_of", "paths", "pool_work"]


@dataclass(frozen=True)
class Stage:
    """One pool on a path: what each contact costs its agents, and what goes on."""

    pool: str
    busy: float
    """Mean busy seconds of the pool's agents per contact reaching it."""
    escalated: float
    """Share of the pool's contacts sent on to the next pool of the path (0 at the last)."""


@dataclass(frozen=True)
class Path:
    """The pools a share of a call type's arrivals goes through, in order."""

    share: float
    """Share of the call type's offered arrivals on this path (a need's share, or 1)."""
    stages: tuple[Stage, ...]


def paths(scenario: Scenario) -> dict[str, list[Path]]:
    """Per call type: its path, or one path per need, with each pool's busy time.

    A path stops after the first pool when the policy sends nobody on
    (self-service) or nothing is left to escalate.
    """
    steps = StepTimes.of(scenario)
    out: dict[str, list[Path]] = {}
    for ct_name, ct in scenario.call_types.items():
        door = ct.front_door
        lost = door is not None and door.context == "lost"
        retell = mean_of(scenario.transfer.cold.rediscovery_time) if lost else 0.0
        if not ct.needs:
            out[ct_name] = [Path(1.0, _stages(scenario, steps, ct_name, ct.path, {}, retell))]
            continue
        out[ct_name] = [
            Path(
                need.share,
                _stages(scenario, steps, ct_name, need.path or ct.path, need.resolve, retell),
            )
            for need in ct.needs.values()
        ]
    return out


def flows(scenario: Scenario) -> dict[str, list[tuple[str, float, float]]]:
    """Per call type: (pool, contacts per second reaching it, their mean busy seconds)
    along each of its :func:`paths`, at the mean arrival rate over the horizon."""
    out: dict[str, list[tuple[str, float, float]]] = {}
    for ct_name, ct_paths in paths(scenario).items():
        ct = scenario.call_types[ct_name]
        rate = ct.arrivals.mean_rate(scenario.horizon) * ct.offered_share
        out[ct_name] = []
        for path in ct_paths:
            flow = rate * path.share
            for stage in path.stages:
                out[ct_name].append((stage.pool, flow, stage.busy))
                flow *= stage.escalated
                if flow <= 0:
                    break
    return out


@dataclass(frozen=True)
class PoolWork:
    """What one pool is offered: contacts per second, Erlangs, and the call types."""

    arrivals: float
    """Contacts per second reaching the pool."""
    offered: float
    """Erlangs: contacts per second × their mean busy seconds."""
    call_types: tuple[str, ...]
    """Call types whose contacts reach the pool, in file order."""

    @property
    def busy(self) -> float:
        """Mean busy seconds per contact reaching the pool (0 when none do)."""
        return self.offered / self.arrivals if self.arrivals else 0.0


def pool_work(scenario: Scenario) -> dict[str, PoolWork]:
    """Per pool, the sum of its :func:`flows`."""
    rate = dict.fromkeys(scenario.pools, 0.0)
    work = dict.fromkeys(scenario.pools, 0.0)
    types: dict[str, list[str]] = {name: [] for name in scenario.pools}
    for ct_name, ct_flows in flows(scenario).items():
        for pool, per_second, busy in ct_flows:
            rate[pool] += per_second
            work[pool] += per_second * busy
            if per_second > 0 and ct_name not in types[pool]:
                types[pool].append(ct_name)
    return {p: PoolWork(rate[p], work[p], tuple(types[p])) for p in scenario.pools}


def _stages(
    scenario: Scenario,
    steps: StepTimes,
    ct_name: str,
    path: list[str],
    resolves: dict[str, float],
    retell: float,
) -> tuple[Stage, ...]:
    """The stages of one path; ``retell``: the first agent's retelling after a front door
    that lost the context."""
    stages: list[Stage] = []
    for i, pool_name in enumerate(path):
        pool = scenario.pools[pool_name]
        handle, by_groups = _group_factors(pool)
        resolve = by_groups(
            resolves.get(pool_name, _value(pool.for_type(pool.resolve, ct_name), 1.0))
        )
        if i > 0 and steps.briefing is not None:  # the briefing acts on the receiving agent
            handle *= steps.briefing.handle_factor
            resolve = min(1.0, resolve * steps.briefing.resolve_factor)
        escalated = 0.0 if i == len(path) - 1 else 1.0 - resolve
        busy = mean_of(pool.for_type(pool.wrap_up, ct_name)) + escalated * steps.sender
        handle_time = handle * mean_of(pool.for_type(pool.handle_time, ct_name))
        if i == 0:
            busy += handle_time + retell
        else:
            busy += steps.receiver + steps.handle_factor * handle_time
        stages.append(Stage(pool_name, busy, escalated))
        if not steps.reaches or escalated <= 0:
            break
    return tuple(stages)


def _group_factors(pool: Pool) -> tuple[float, Callable[[float], float]]:
    """The pool's handle-time factor and resolution as its groups work when all are busy."""
    if pool.groups is None:
        return 1.0, _same
    groups = list(pool.groups.values())
    agents = [g.agents.mean_count for g in groups]
    if sum(agents) <= 0:
        agents = [1.0] * len(groups)
    served = [n / g.handle_factor for n, g in zip(agents, groups, strict=True)]
    total = sum(served)

    def resolve(probability: float) -> float:
        shares = zip(served, groups, strict=True)
        return sum(s * min(1.0, probability * g.resolve_factor) for s, g in shares) / total

    return sum(agents) / total, resolve


def _same(probability: float) -> float:
    return probability


@dataclass(frozen=True)
class StepTimes:
    """Mean busy seconds a hand-off adds to the sending and the receiving agent."""

    sender: float
    receiver: float
    handle_factor: float
    """The policy's factor on the receiving agent's handle time (an e-mail's work factor)."""
    reaches: bool
    """Whether an escalated contact reaches the next pool at all (not self-service)."""
    briefing: Context | None = None
    """``transfer.context`` of the policy: its factors on the receiving agent."""

    @classmethod
    def of(cls, scenario: Scenario) -> StepTimes:
        t = scenario.transfer
        times = cls._times(scenario)
        by = "cold" if t.policy == "rules" else t.policy
        return replace(times, briefing=t.context.get(by))

    @classmethod
    def _times(cls, scenario: Scenario) -> StepTimes:
        t = scenario.transfer
        cold_rediscovery = mean_of(t.cold.rediscovery_time)
        if t.policy == "warm":
            both = mean_of(t.warm.consult_time) + mean_of(t.warm.conference_time)
            return cls(both, both, 1.0, True)
        if t.policy == "conference":
            consult = mean_of(t.conference.consult_time)
            return cls(consult, consult, 0.0, True)
        if t.policy == "callback":
            c = t.callback
            rediscovery = mean_of(c.rediscovery_time) if c.rediscovery_time else cold_rediscovery
            receiver = mean_of(c.dial_time) + rediscovery * c.context_factor
            return cls(mean_of(c.transfer_time), receiver, 1.0, True)
        if t.policy == "email":
            e = t.email
            rediscovery = mean_of(e.rediscovery_time) if e.rediscovery_time else cold_rediscovery
            receiver = rediscovery * e.context_factor
            return cls(mean_of(e.transfer_time), receiver, e.work_factor, True)
        if t.policy == "self_service":
            return cls(mean_of(t.self_service.transfer_time), 0.0, 0.0, False)
        return cls(mean_of(t.cold.transfer_time), cold_rediscovery, 1.0, True)  # cold, rules


def mean_of(dist: object) -> float:
    """Mean of a distribution, 0 when there is none (or it is infinite)."""
    mean = getattr(dist, "mean", None)
    return float(mean) if mean is not None and not math.isinf(mean) else 0.0


def _value(value: float | None, default: float) -> float:
    return default if value is None else float(value)
