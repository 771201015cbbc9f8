"""Which waiting contact a freed agent takes, and the pool a scenario block describes.

``contact_selection: priority_fcfs`` is the :class:`~simcc.model.pool.Pool`'s own
queue order; :class:`WeightedWait` is ``longest_weighted_wait`` (MODEL.md §9).
:func:`build_pool` makes the pool of a block — plain, with agent groups
(:mod:`simcc.model.agent_groups`), with weighted waits, or both — and
:func:`start_shift_plans` starts its shift plan, or each group's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import simpy

from simcc.model.agent_groups import AgentGroup, GroupedPool, GroupStaffing
from simcc.model.pool import (
    _ANSWERED,
    GONE,
    SERVED,
    WAITING,
    Pool,
    Progress,
    staffing_process,
)
from simcc.model.records import Recorder
from simcc.model.scheduling import Environment
from simcc.model.sessions import ChatPool

if TYPE_CHECKING:
    from simcc.scenario import Pool as PoolBlock


class WeightedWait(Pool):
    """A freed agent takes the waiting contact with the longest weighted wait.

    The score of a waiting entry is ``weight × (now − time it joined this
    queue)``, the weight its call type's (``weights``, 1 when not given);
    priority and ``transfer_priority`` play no part.  Ties go to the entry that
    joined first.  The queue is scanned at each pick (a pool serving several
    call types has few waiting contacts to compare).
    """

    weights: list[float]  # by call type index

    def _dispatch(self, agent: int, last: bool = False) -> None:
        queue = self._queue
        now = self.env.now
        weights = self.weights
        while queue:
            queue[:] = [item for item in queue if item[4].state == WAITING]
            if not queue:
                break
            best, best_score, best_seq = 0, -math.inf, 0
            for i, (_p, _r, joined, seq, entry) in enumerate(queue):
                score = weights[entry.owner.call_type] * (now - joined)
                if score > best_score or (score == best_score and seq < best_seq):
                    best, best_score, best_seq = i, score, seq
            entry = queue[best][4]
            queue[best] = queue[-1]
            queue.pop()
            self._leave(entry, SERVED)
            if entry.deadline <= now:
                entry.state = GONE
                entry.settle(entry.expires)
                continue
            self.busy += 1
            self.recent_starts.append(now)
            entry.settle(_ANSWERED, agent)
            return
        self.idle.append(agent)


class GroupedWeightedWait(WeightedWait, GroupedPool):
    """Agent groups, and the longest weighted wait picks the contact."""


class ChatWeightedWait(WeightedWait, ChatPool):
    """Chat sessions, and the longest weighted wait picks the contact."""


def build_pool(
    env: Environment,
    index: int,
    name: str,
    spec: PoolBlock,
    recorder: Recorder,
    mean_handle: float,
    draw: Callable[[], float] | None = None,
) -> Pool:
    """The pool a scenario block describes: plain, with agent groups or chat sessions
    (:mod:`simcc.model.sessions`), with weighted waits.

    ``draw`` is the pool's uniform stream for ``agent_selection: random``.
    """
    weighted = spec.contact_selection == "longest_weighted_wait"
    if spec.concurrency > 1:  # a chat pool (the cross-checks refuse groups beside it)
        pool: Pool = (ChatWeightedWait if weighted else ChatPool)(
            env, index, name, spec.tier, spec.agents.counts[0], recorder, mean_handle,
            spec.concurrency, spec.concurrency_factor,
        )  # fmt: skip
    elif spec.groups is None:
        pool = (WeightedWait if weighted else Pool)(
            env, index, name, spec.tier, spec.agents.counts[0], recorder, mean_handle
        )
    else:
        groups = [
            AgentGroup(i, g, group.agents.counts[0], group.handle_factor, group.resolve_factor)
            for i, (g, group) in enumerate(spec.groups.items())
        ]
        pool = (GroupedWeightedWait if weighted else GroupedPool)(
            env, index, name, spec.tier, groups, recorder, mean_handle, spec.agent_selection, draw
        )
    if weighted:
        table = spec.weights or {}
        assert isinstance(pool, WeightedWait)
        pool.weights = [table.get(ct, 1.0) for ct in recorder.names.call_types]
    return pool


def start_shift_plans(
    env: simpy.Environment, pool: Pool, spec: PoolBlock, center: Progress
) -> None:
    """Start the shift plan of the pool, or of each of its groups."""
    if isinstance(pool, GroupedPool):
        assert spec.groups is not None
        plans = [
            (GroupStaffing(pool, group), g.agents)
            for group, g in zip(pool.groups, spec.groups.values(), strict=True)
        ]
    else:
        plans = [(pool, spec.agents)]  # type: ignore[list-item]
    for target, plan in plans:
        if len(plan.counts) > 1 and plan.interval is not None:
            env.process(
                staffing_process(env, target, plan.interval, plan.counts, plan.repeat, center)
            )
