"""The cross-checks: references between blocks that pydantic cannot check field by field.

A path names pools that exist and take the call type; overflow goes to other
pools; per-call-type tables name known call types; intervals divide the
horizon; segment shares sum to 1; rules name known call types, segments and
pools.  :func:`problems` returns each problem as ``yaml.path: message``;
the loader puts the file and line in front.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Protocol

from simcc.scenario.channels import channel_problems
from simcc.scenario.demand import CallType, Customers, Escalation, Segment, Volume
from simcc.scenario.errors import did_you_mean
from simcc.scenario.limits import MAX_INTERVALS
from simcc.scenario.policies import POLICIES
from simcc.scenario.pools import Pool
from simcc.scenario.sla import Sla
from simcc.scenario.transfer import Rule, Transfer
from simcc.units import duration_text


class ScenarioFields(Protocol):
    """What the cross-checks read of a :class:`~simcc.scenario.Scenario` (which calls them)."""

    horizon: float
    warmup: float
    call_types: dict[str, CallType]
    segments: dict[str, Segment]
    pools: dict[str, Pool]
    transfer: Transfer
    sla: Sla
    arrivals: Volume
    customers: Customers
    escalation: Escalation

    def takes(self, pool: str, call_type: str) -> bool: ...


def problems(scenario: ScenarioFields) -> list[str]:
    """Cross-references pydantic cannot check field by field, as ``path: message``."""
    problems: list[str] = []
    if scenario.warmup >= scenario.horizon:
        problems.append(
            f"warmup: {duration_text(scenario.warmup)} must be shorter than the horizon "
            f"({duration_text(scenario.horizon)})"
        )
    for kind in ("call_types", "segments", "pools"):
        for name in getattr(scenario, kind):
            if "." in name or not name.strip():
                problems.append(
                    f"{kind}: the name {name!r} cannot be used: names must be non-empty "
                    "and contain no '.' (dots separate the parts of a YAML path)"
                )
            hidden = [ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf")]
            if hidden:
                problems.append(
                    f"{kind}: the name {name!r} cannot be used: it holds the control "
                    f"character U+{ord(hidden[0]):04X}; names are printed in tables and "
                    "terminals, so they must be visible text"
                )
    for name, ct in scenario.call_types.items():
        problems += _path_problems(scenario, name, ct)
        problems += _need_problems(scenario, name, ct)
        problems += _overflow_problems(scenario, name, ct)
        if ct.arrivals.interval is not None:
            problems += _interval_problems(
                scenario, f"call_types.{name}.arrivals.interval", ct.arrivals.interval
            )
    problems += _front_door_problems(scenario)
    total = sum(s.share for s in scenario.segments.values())
    if abs(total - 1.0) > 1e-6:
        shares = ", ".join(f"{k} {s.share:g}" for k, s in scenario.segments.items())
        problems.append(f"segments: shares must sum to 1, got {total:g} ({shares})")
    for name, pool in scenario.pools.items():
        problems += _pool_problems(scenario, name, pool)
    problems += _transfer_problems(scenario)
    problems += _trigger_problems(scenario)
    problems += channel_problems(scenario)
    return problems


def _front_door_problems(scenario: ScenarioFields) -> list[str]:
    """MODEL.md §8 before the queue: a finite door time; an uncertain volume needs rates."""
    problems: list[str] = []
    for name, ct in scenario.call_types.items():
        door = ct.front_door
        if door is not None and math.isinf(door.time.mean):
            problems.append(
                f"call_types.{name}.front_door.time: must be a finite duration, got inf"
            )
        if scenario.arrivals.volume_cv > 0 and ct.arrivals.times is not None:
            problems.append(
                f"call_types.{name}.arrivals.times: a replayed trace has a known volume, so "
                f"arrivals.volume_cv ({scenario.arrivals.volume_cv:g}) cannot scale it; give "
                "this call type a rate, or set arrivals.volume_cv to 0"
            )
    return problems


def _trigger_problems(scenario: ScenarioFields) -> list[str]:
    """The pools the triggers send contacts to must exist."""
    pools = set(scenario.pools)
    targets = (
        ("customers.complaint.to", scenario.customers.complaint),
        ("escalation.repeat_contact.to", scenario.escalation.repeat_contact),
        ("escalation.case_age.to", scenario.escalation.case_age),
    )
    return [
        f"{where}: unknown pool {block.to!r}"
        + did_you_mean(block.to, pools)
        + f" (pools: {', '.join(sorted(pools))})"
        for where, block in targets
        if block is not None and block.to is not None and block.to not in pools
    ]


def _path_problems(
    scenario: ScenarioFields,
    name: str,
    ct: CallType,
    path: list[str] | None = None,
    where: str = "",
) -> list[str]:
    """Unknown pools, loops and pools that would refuse the call type on its path
    (or on ``path``, a need's, at YAML path ``where``)."""
    problems: list[str] = []
    pools = set(scenario.pools)
    if path is not None:
        ct = ct.model_copy(update={"path": path})
    where = where or f"call_types.{name}.path"
    for step in ct.path:
        if step not in pools:
            problems.append(
                f"{where}: unknown pool {step!r}"
                + did_you_mean(step, pools)
                + f" (pools: {', '.join(sorted(pools))})"
            )
    seen = [p for i, p in enumerate(ct.path) if p in ct.path[:i]]
    if seen:
        problems.append(
            f"{where}: pool {seen[0]!r} appears twice — an escalation path may not loop "
            f"back (got {' → '.join(ct.path)})"
        )
    refusing = [p for p in dict.fromkeys(ct.path) if p in pools and not scenario.takes(p, name)]
    if refusing and refusing[0] == ct.path[0]:
        takers = [p for p in scenario.pools if scenario.takes(p, name)]
        problems.append(
            f"call_types.{name}: no pool can take it — its entry pool {ct.path[0]!r} "
            f"lists skills {scenario.pools[ct.path[0]].skills} without {name!r}"
            + (f" (pools that take it: {', '.join(takers)})" if takers else "")
        )
        refusing = refusing[1:]
    for pool in refusing:
        problems.append(
            f"{where}: pool {pool!r} is on the path but its skills "
            f"{scenario.pools[pool].skills} do not include {name!r}"
        )
    return problems


def _need_problems(scenario: ScenarioFields, name: str, ct: CallType) -> list[str]:
    """A call type's needs: shares summing to 1, paths as good as the call type's,
    ``resolve`` naming pools of the need's path."""
    if not ct.needs:
        return []
    problems: list[str] = []
    where = f"call_types.{name}.needs"
    total = sum(n.share for n in ct.needs.values())
    if abs(total - 1.0) > 1e-6:
        shares = ", ".join(f"{k} {n.share:g}" for k, n in ct.needs.items())
        problems.append(f"{where}: shares must sum to 1, got {total:g} ({shares})")
    for need_name, need in ct.needs.items():
        if need.path is not None:
            problems += _path_problems(scenario, name, ct, need.path, f"{where}.{need_name}.path")
        path = need.path or ct.path
        for pool in need.resolve:
            if pool not in path:
                problems.append(
                    f"{where}.{need_name}.resolve.{pool}: {pool!r} is not on the need's path "
                    f"({' → '.join(path)})"
                )
    return problems


def _overflow_problems(scenario: ScenarioFields, name: str, ct: CallType) -> list[str]:
    """Overflow pools must exist, take the call type and not be on its path."""
    problems: list[str] = []
    pools = set(scenario.pools)
    seen: set[str] = set()
    for i, step in enumerate(ct.overflow):
        where = f"call_types.{name}.overflow.{i}.pool"
        if step.pool not in pools:
            problems.append(
                f"{where}: unknown pool {step.pool!r}"
                + did_you_mean(step.pool, pools)
                + f" (pools: {', '.join(sorted(pools))})"
            )
        elif step.pool in ct.path:
            problems.append(
                f"{where}: {step.pool!r} is on the call type's path "
                f"({' → '.join(ct.path)}); an overflow pool answers in place of the "
                "entry pool, so it must be another pool"
            )
        elif step.pool in seen:
            problems.append(f"{where}: {step.pool!r} is already an overflow pool")
        elif not scenario.takes(step.pool, name):
            problems.append(
                f"{where}: pool {step.pool!r} lists skills {scenario.pools[step.pool].skills} "
                f"without {name!r}"
            )
        seen.add(step.pool)
    return problems


def _interval_problems(scenario: ScenarioFields, where: str, interval: float) -> list[str]:
    """An interval must divide the horizon into a sensible number of pieces."""
    if scenario.horizon / interval > MAX_INTERVALS:
        return [
            f"{where}: {duration_text(interval)} gives more than {MAX_INTERVALS:,} "
            f"intervals over the horizon ({duration_text(scenario.horizon)})"
        ]
    if not _divides(interval, scenario.horizon):
        return [
            f"{where}: {duration_text(interval)} does not divide the horizon "
            f"({duration_text(scenario.horizon)}); use an interval such as "
            f"{_divisor_hint(interval, scenario.horizon)}"
        ]
    return []


def _pool_problems(scenario: ScenarioFields, name: str, pool: Pool) -> list[str]:
    """Per-pool cross-references: call types named, handle times, fallbacks, shifts."""
    problems: list[str] = []
    pools = set(scenario.pools)
    for table in ("handle_time", "wrap_up", "resolve"):
        for key in getattr(pool, table):
            if key != "*" and key not in scenario.call_types:
                problems.append(
                    f"pools.{name}.{table}.{key}: unknown call type"
                    + did_you_mean(key, scenario.call_types)
                    + f" (call types: {', '.join(scenario.call_types)})"
                )
    for table in ("handle_time", "wrap_up"):
        for key, dist in getattr(pool, table).items():
            if math.isinf(dist.mean):
                path = f"pools.{name}.{table}" + ("" if key == "*" else f".{key}")
                problems.append(f"{path}: must be a finite duration, got inf")
    for skill in pool.skills or []:
        if skill not in scenario.call_types:
            problems.append(
                f"pools.{name}.skills: unknown call type {skill!r}"
                + did_you_mean(skill, scenario.call_types)
            )
    for ct_name, ct in scenario.call_types.items():
        overflow = any(step.pool == name for step in ct.overflow)
        on_path = any(name in path for path in ct.paths())
        if (on_path or overflow) and pool.for_type(pool.handle_time, ct_name) is None:
            problems.append(
                f"pools.{name}.handle_time: no handle time for call type {ct_name!r}"
                + (f" (it is an overflow pool of {ct_name!r})" if overflow else "")
                + " (give one distribution for all, or one per call type)"
            )
    if pool.when_unstaffed not in (None, "queue", "callback") and (
        pool.when_unstaffed not in pools or pool.when_unstaffed == name
    ):
        problems.append(
            f"pools.{name}.when_unstaffed: expected 'queue', 'callback' or another "
            f"pool, got {pool.when_unstaffed!r}"
        )
    served = {
        ct_name: ct
        for ct_name, ct in scenario.call_types.items()
        if name in ct.path or any(step.pool == name for step in ct.overflow)
    }
    problems += pool.problems(name, served)
    if pool.agents.interval is not None:
        problems += _interval_problems(
            scenario, f"pools.{name}.agents.interval", pool.agents.interval
        )
    return problems


def _transfer_problems(scenario: ScenarioFields) -> list[str]:
    """Finite policy step times, known names in SLA targets and rules."""
    problems: list[str] = []
    pools = set(scenario.pools)
    for policy in POLICIES:
        block = getattr(scenario.transfer, policy)
        for key in _STEP_TIMES:
            dist = getattr(block, key, None)
            if dist is not None and math.isinf(dist.mean):
                problems.append(f"transfer.{policy}.{key}: must be a finite duration, got inf")
    for kind in ("escalation", "resolution"):
        for pool_name in getattr(scenario.sla, kind):
            if pool_name not in pools:
                problems.append(
                    f"sla.{kind}.{pool_name}: unknown pool" + did_you_mean(pool_name, pools)
                )
    for i, rule in enumerate(scenario.transfer.rules):
        problems += _rule_problems(scenario, i, rule)
    return problems


def _rule_problems(scenario: ScenarioFields, i: int, rule: Rule) -> list[str]:
    """Names in a rule's condition that the scenario does not define."""
    problems: list[str] = []
    where = f"transfer.rules.{i}.when"
    known = (
        ("call_type", rule.when.call_type, scenario.call_types),
        ("segment", rule.when.segment, scenario.segments),
        ("target_pool", rule.when.target_pool, scenario.pools),
    )
    for key, names, choices in known:
        for value in names or []:
            if value not in choices:
                problems.append(f"{where}.{key}: unknown {value!r}" + did_you_mean(value, choices))
    return problems


_STEP_TIMES = ("transfer_time", "rediscovery_time", "consult_time", "conference_time", "dial_time")


def _divisor_hint(interval: float, horizon: float) -> str:
    """An interval near ``interval`` that divides ``horizon``."""
    return duration_text(horizon / max(1, round(horizon / interval)))


def _divides(interval: float, horizon: float) -> bool:
    ratio = horizon / interval
    return abs(ratio - round(ratio)) < 1e-9 * max(1.0, ratio)
