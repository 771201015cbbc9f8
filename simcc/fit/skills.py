"""Skill pools: the general pool's agents split by the call types each takes in the log.

The general pool lets every one of its agents take every one of its call
types. In the bank's log some do not: on weeks 1–2 of October one agent
took only NE calls (151 of them), and several took hundreds of PS calls and
no NW or no NE. Such an agent is capacity for some callers only.

**Who takes what** (:func:`skill_sets`). An agent does *not* take a call
type X when it took fewer than :data:`MAX_RATIO` (a tenth) of the X calls
its work would give it at the pool's mix — its calls of the pool's types
times the pool's share of X — and that expectation is at least
:data:`MIN_EXPECTED` calls (fewer cannot tell "never" from "not today": with
5 expected, none by chance has probability e⁻⁵ < 1 %). Every other agent,
and every agent with too few calls to tell, takes all of the pool's types.

**The scenario** (:func:`split_by_skills`, :func:`skill_routing`). The
scenario's agent groups (MODEL.md §9, ``pools.<p>.groups``) differ in
proficiency only — a group has agents, handle and resolve factors and a
cost, no skills — so each skill set other than the full one becomes a pool
of its own, ``agents_<TYPES>`` (sorted, e.g. ``agents_NE_PS``), with those types as
its ``skills``; the agents who take everything stay in ``agents``. A call
type keeps ``agents`` as its entry pool and waits at once in every pool that
takes it: ``overflow: [{pool: agents_NE_PS, after: 0s}, …]``, which makes
the caller wait in each of those queues and be answered by the first of
their agents to be free (docs/scenario.md, *overflow*); an idle agent of the
entry pool answers first. Each such pool's agents on duty are counted by
:func:`~simcc.fit.staffing.infer_staffing` as any pool's: its own agents,
its work (the calls of its types they took) and its callers (those of its
types); the pools split from one are rounded together
(:func:`round_together`), so that the split does not add agents by rounding
each small pool on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.logs import NO_SERVER
from simcc.fit.staffing import GENERAL_POOL, PoolPlan

__all__ = [
    "MAX_RATIO",
    "MIN_EXPECTED",
    "round_together",
    "skill_routing",
    "skill_sets",
    "split_by_skills",
]

MIN_EXPECTED = 5.0
"""Calls of a type an agent's work must lead one to expect before taking none says it never does."""
MAX_RATIO = 0.1
"""An agent takes a type unless it took under this share of the calls of it one would expect."""


def skill_sets(
    calls: pd.DataFrame, agents: Sequence[str], types: Sequence[str], by: str = "ctype"
) -> dict[str, tuple[str, ...]]:
    """The call types each of ``agents`` takes, of the pool's ``types`` (see the module).

    ``calls`` are the chosen days' calls, ``by`` the column with the call
    type. Agents without a served call of ``types`` are left out (they take
    them all).
    """
    served = calls[
        (calls["outcome"] == "AGENT")
        & (calls["server"] != NO_SERVER)
        & calls["server"].isin(list(agents))
        & calls[by].isin(list(types))
    ]
    table = pd.crosstab(served["server"], served[by]).reindex(columns=list(types), fill_value=0)
    if table.empty:
        return {}
    counts = table.to_numpy(dtype=float)
    mix = counts.sum(axis=0) / counts.sum()
    expected = np.outer(counts.sum(axis=1), mix)
    lacks = (expected >= MIN_EXPECTED) & (counts < MAX_RATIO * expected)
    out: dict[str, tuple[str, ...]] = {}
    for agent, row in zip(table.index, lacks, strict=True):
        taken = tuple(t for t, no in zip(types, row, strict=True) if not no)
        out[str(agent)] = taken or tuple(types)
    return out


def split_by_skills(plan: PoolPlan, calls: pd.DataFrame, by: str = "ctype") -> dict[str, list[str]]:
    """Move the general agents who do not take every general type into pools by skill set.

    Sets and returns ``plan.skills`` (pool → its call types); ``plan.agents``
    gets the new pools' agents. Nothing is split when no general agent would
    be left to take every type (the general pool is the entry of its types).
    """
    general = plan.agents.get(GENERAL_POOL, [])
    types = plan.types_of(GENERAL_POOL)
    if len(types) < 2:
        return plan.skills
    sets = skill_sets(calls, general, types, by)
    partial = {a: s for a, s in sets.items() if len(s) < len(types)}
    if not partial or len(partial) == len(general):
        return plan.skills
    for agent in sorted(partial):
        taken = sorted(partial[agent])  # one name per skill set, whatever the day's type order
        pool = "_".join([GENERAL_POOL, *taken])
        plan.skills.setdefault(pool, list(taken))
        plan.agents.setdefault(pool, []).append(agent)
        plan.agents[GENERAL_POOL].remove(agent)
    return plan.skills


def skill_routing(scenario: dict[str, Any], plan: PoolPlan) -> list[str]:
    """Let each skill pool answer its call types' callers from their arrival; the notes.

    ``scenario`` is the fitted scenario dict, its pools already written
    (changed in place).
    """
    if not plan.skills:
        return []
    for pool, types in plan.skills.items():
        for t in types:
            steps = scenario["call_types"][t].setdefault("overflow", [])
            steps.append({"pool": pool, "after": "0s"})
    pools = "; ".join(
        f"{pool} ({', '.join(plan.agents[pool])}): {', '.join(types)}"
        for pool, types in plan.skills.items()
    )
    return [
        f"skill pools: general agents who took under {MAX_RATIO:.0%} of the calls of a type "
        f"that their work would give them at the pool's mix (when that is at least "
        f"{MIN_EXPECTED:g} calls) do not take it, and are pooled by the types they take: "
        f"{pools}. Each call type enters {GENERAL_POOL!r} (the agents who take every type) "
        "and waits at once in every skill pool that takes it (overflow after 0s); the first "
        "free agent of any of them answers.",
    ]


def round_together(means: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Whole agents per interval for pools split from one, keeping the rounded total.

    ``means`` are the pools' mean agents per interval (same length). In each
    interval the pools get the floors of their means, and the total's rounding
    (``np.rint`` of the sum) hands the remaining agents to the largest
    remainders. One pool is its means rounded.
    """
    if len(means) == 1:
        return [np.rint(means[0])]
    table = np.vstack(means)
    floors = np.floor(table)
    left = np.rint(table.sum(axis=0)) - floors.sum(axis=0)
    order = np.argsort(-(table - floors), axis=0, kind="stable")  # largest remainder first
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(len(means))[:, None], axis=0)
    return list(floors + (ranks < left[None, :]))
