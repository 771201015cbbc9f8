"""Metrics by agent group (MODEL.md §9): occupancy, handle time and resolution rate.

For a pool with ``groups``, each group ``g`` of pool ``p`` gets
``occupancy_<p>.<g>``, ``aht_<p>.<g>`` and ``resolution_rate_<p>.<g>``, counted
as the pool metrics are (docs/metrics.md): over contacts that arrive in the
measurement window, occupancy over the window of the clock.  An agent's group
is its number modulo the pool's number of groups
(:class:`simcc.model.pool.AgentGroup`).  A centre without groups has none of
these metrics.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simcc.model.records import ACTIVITIES, OUTCOMES
from simcc.scenario import POLICIES

if TYPE_CHECKING:
    from simcc.scenario import Scenario, Staffing

NAN = math.nan
GROUP_METRICS = ("occupancy", "aht", "resolution_rate")
"""Per-group metric prefixes; the full name is ``<prefix>_<pool>.<group>``."""

_HANDLE = ACTIVITIES.index("handle")
_RESOLVED = OUTCOMES.index("resolved")
_SELF_SERVICE = 1 + POLICIES.index("self_service")  # policy codes: "" first


def group_metric_names(scenario: Scenario) -> list[str]:
    """The group metric names of a centre, by prefix, then pool, then group."""
    return [
        f"{prefix}_{pool}.{group}"
        for prefix in GROUP_METRICS
        for pool, spec in scenario.pools.items()
        for group in spec.groups or ()
    ]


def compute_groups(
    contacts: dict[str, np.ndarray],
    agents: dict[str, np.ndarray],
    scenario: Scenario,
) -> dict[str, float]:
    """Every group metric of one replication from its record arrays (codes, not names).

    - ``occupancy``: the group's busy seconds clipped to the window, over its
      *scheduled* agent-seconds in the window (its shift plan: the staffing
      table is the pool's, so an agent staying to finish a contact is busy
      but not counted present; the ratio may pass 1 by that overtime).
    - ``aht``: Σ of the group's agent intervals for measured contacts over
      the distinct measured contacts they are for, as ``aht_<pool>``.
    - ``resolution_rate``: of the group's handlings (``handle`` intervals) of
      measured contacts, the share that resolved the contact: the contact's
      last handling, the contact resolved, and not by self-service.
    """
    warmup, horizon = scenario.warmup, scenario.horizon
    arrival = contacts["arrival"]
    ids = contacts["contact_id"]
    measured = np.zeros(int(ids.max()) + 1 if len(ids) else 1, dtype=bool)
    measured[ids[(arrival >= warmup) & (arrival < horizon)]] = True
    resolved_by_agent = np.zeros_like(measured)
    ended_resolved = (contacts["outcome"] == _RESOLVED) & (contacts["policy"] != _SELF_SERVICE)
    resolved_by_agent[ids[ended_resolved]] = True
    contact = agents["contact_id"]
    is_measured = measured[contact]
    handle = agents["activity"] == _HANDLE
    last = _last_handling(contact, agents["end"], handle)
    lo = np.clip(agents["start"], warmup, horizon)
    hi = np.clip(agents["end"], warmup, horizon)
    out: dict[str, float] = {}
    for p, (pool, spec) in enumerate(scenario.pools.items()):
        if not spec.groups:
            continue
        n = len(spec.groups)
        in_pool = agents["pool"] == p
        for g, (group, block) in enumerate(spec.groups.items()):
            mine = in_pool & (agents["agent"] % n == g)
            name = f"{pool}.{group}"
            scheduled = scheduled_seconds(block.agents, warmup, horizon)
            busy = float((hi - lo)[mine].sum())
            out[f"occupancy_{name}"] = busy / scheduled if scheduled else NAN
            served = mine & is_measured
            total = float((agents["end"] - agents["start"])[served].sum())
            handled = len(np.unique(contact[served]))
            out[f"aht_{name}"] = total / handled if handled else NAN
            handlings = served & handle
            resolving = handlings & last & resolved_by_agent[contact]
            count = int(handlings.sum())
            out[f"resolution_rate_{name}"] = int(resolving.sum()) / count if count else NAN
    return {name: out[name] for name in group_metric_names(scenario)}


def _last_handling(contact: np.ndarray, end: np.ndarray, handle: np.ndarray) -> np.ndarray:
    """Whether each agent interval is its contact's last ``handle`` interval."""
    last = np.zeros(len(contact), dtype=bool)
    rows = np.flatnonzero(handle)
    if len(rows):
        order = rows[np.lexsort((end[rows], contact[rows]))]
        keep = np.append(contact[order][1:] != contact[order][:-1], True)
        last[order[keep]] = True
    return last


def scheduled_seconds(plan: Staffing, warmup: float, horizon: float) -> float:
    """Agent-seconds a shift plan schedules in ``[warmup, horizon)``."""
    if len(plan.counts) == 1 or plan.interval is None:
        return plan.counts[0] * (horizon - warmup)
    total, i, interval = 0.0, 0, plan.interval
    while i * interval < horizon:
        count = (
            plan.counts[i % len(plan.counts)]
            if plan.repeat
            else plan.counts[min(i, len(plan.counts) - 1)]
        )
        start, end = max(i * interval, warmup), min((i + 1) * interval, horizon)
        if end > start:
            total += count * (end - start)
        i += 1
    return total
