"""Agent groups inside a pool (MODEL.md §9): novices and seniors sharing one queue.

A :class:`GroupedPool` keeps the pool's queue and reneging clock
(:class:`~simcc.model.pool.Pool`) and adds, per group, the handle and
resolution factors and the staffing; its idle agents are kept in the order
``agent_selection`` picks them (:class:`LongestIdle`, :class:`MostProficient`,
:class:`RandomIdle`).  A pool without groups is a plain ``Pool`` and pays
nothing for any of this.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Protocol

from simcc.model.pool import Pool
from simcc.model.records import Recorder
from simcc.model.scheduling import Environment


class AgentGroup:
    """Agents of one proficiency inside a pool: their factors and their own staffing.

    The agents of group ``g`` of a pool with ``G`` groups are numbered
    ``g, g + G, g + 2G, …`` (each group reuses its smallest free number), so
    an agent's group is its number modulo ``G``.
    """

    __slots__ = (
        "free_ids",
        "handle_factor",
        "index",
        "name",
        "next_id",
        "present",
        "resolve_factor",
        "scheduled",
    )

    def __init__(
        self, index: int, name: str, agents: int, handle_factor: float, resolve_factor: float
    ) -> None:
        self.index = index
        self.name = name
        self.handle_factor = handle_factor
        self.resolve_factor = resolve_factor
        self.scheduled = agents
        self.present = agents
        self.free_ids: list[int] = []
        self.next_id = agents  # the next agent number within the group (k of g + kG)


class IdleAgents(Protocol):
    """The idle agents of a pool, in the order they take contacts (a ``deque`` without groups)."""

    def __len__(self) -> int: ...

    def popleft(self) -> int: ...  # the agent who takes the next contact

    def append(self, agent: int) -> None: ...  # the agent becomes idle


class LongestIdle:
    """The agent idle longest takes the contact (ties: the order they became idle)."""

    def __init__(self, agents: list[int], groups: int) -> None:
        self.idle: deque[int] = deque(agents)
        self.groups = groups
        self.popleft = self.idle.popleft
        self.append = self.idle.append

    def __len__(self) -> int:
        return len(self.idle)

    def send_home(self, group: int) -> int | None:
        """An idle agent of ``group`` whose shift ended: the one idle the shortest."""
        idle = self.idle
        for i in range(len(idle) - 1, -1, -1):
            if idle[i] % self.groups == group:
                agent = idle[i]
                del idle[i]
                return agent
        return None


class MostProficient:
    """An idle agent of the most proficient group takes it; in a group, the longest idle."""

    def __init__(self, agents: list[int], groups: int, rank: list[int]) -> None:
        self.groups = groups
        self.by_group: list[deque[int]] = [deque() for _ in range(groups)]
        self.order = [self.by_group[g] for g in rank]  # most proficient first
        self.count = 0
        for agent in agents:
            self.append(agent)

    def __len__(self) -> int:
        return self.count

    def popleft(self) -> int:
        self.count -= 1
        for idle in self.order:
            if idle:
                return idle.popleft()
        raise IndexError("no idle agent")

    def append(self, agent: int) -> None:
        self.count += 1
        self.by_group[agent % self.groups].append(agent)

    def send_home(self, group: int) -> int | None:
        idle = self.by_group[group]
        if not idle:
            return None
        self.count -= 1
        return idle.pop()


class RandomIdle:
    """Any idle agent, each as likely, drawn from the pool's own stream."""

    def __init__(self, agents: list[int], groups: int, draw: Callable[[], float]) -> None:
        self.idle = list(agents)
        self.groups = groups
        self.draw = draw

    def __len__(self) -> int:
        return len(self.idle)

    def popleft(self) -> int:
        idle = self.idle
        return idle.pop(min(int(self.draw() * len(idle)), len(idle) - 1))

    def append(self, agent: int) -> None:
        self.idle.append(agent)

    def send_home(self, group: int) -> int | None:
        idle = self.idle
        for i in range(len(idle) - 1, -1, -1):
            if idle[i] % self.groups == group:
                return idle.pop(i)
        return None


class GroupedPool(Pool):
    """A pool whose agents are in groups of different proficiency (MODEL.md §9).

    The queue is the pool's, shared by every group; the idle agents are kept
    in the order ``agent_selection`` picks them.  Each group has its own
    staffing; the pool's ``scheduled`` and ``present`` are their sums.  A pool
    without groups is a plain :class:`Pool` and pays nothing for this.
    """

    groups: list[AgentGroup]
    adjusts = True

    def __init__(
        self,
        env: Environment,
        index: int,
        name: str,
        tier: int,
        groups: list[AgentGroup],
        recorder: Recorder,
        mean_handle: float,
        selection: str,
        draw: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            env, index, name, tier, sum(g.scheduled for g in groups), recorder, mean_handle
        )
        self.groups = groups
        n = len(groups)
        # the agents on duty at the start, in agent-number order (ties of longest_idle)
        on_duty = sorted(g.index + n * k for g in groups for k in range(g.scheduled))
        rank = sorted(range(n), key=lambda i: (*_proficiency(groups[i]), i))
        self.selection: LongestIdle | MostProficient | RandomIdle
        if selection == "most_proficient":
            self.selection = MostProficient(on_duty, n, rank)
        elif selection == "random":
            assert draw is not None, "agent_selection: random needs its stream"
            self.selection = RandomIdle(on_duty, n, draw)
        else:
            self.selection = LongestIdle(on_duty, n)
        # an IdleAgents, as the plain pool's deque is
        self.idle = self.selection  # type: ignore[assignment]

    def skill(self, agent: int, handle: float, resolve: float) -> tuple[float, float]:
        """The handle time and resolution probability of ``agent`` (its group's factors)."""
        group = self.groups[agent % len(self.groups)]
        return handle * group.handle_factor, min(1.0, resolve * group.resolve_factor)

    def release(self, agent: int, last: bool = False) -> None:
        """The agent is free: it leaves if its group's shift is over, else serves on."""
        self.busy -= 1
        group = self.groups[agent % len(self.groups)]
        if group.present > group.scheduled:
            group.present -= 1
            self.present -= 1
            heapq.heappush(group.free_ids, agent)
            self._record_staffing()
            return
        self._dispatch(agent, last)

    def set_staffing(self, agents: int) -> None:
        raise TypeError(f"pool {self.name!r} has agent groups: staff each group")

    def set_group_staffing(self, group: AgentGroup, agents: int) -> None:
        """Change the scheduled number of agents of one group (a shift boundary)."""
        n = len(self.groups)
        self.scheduled += agents - group.scheduled
        group.scheduled = agents
        if group.present < agents:
            for _ in range(agents - group.present):
                group.present += 1
                self.present += 1
                if group.free_ids:
                    agent = heapq.heappop(group.free_ids)
                else:
                    agent = group.index + n * group.next_id
                    group.next_id += 1
                self._dispatch(agent)
        else:
            while group.present > agents:
                home = self.selection.send_home(group.index)
                if home is None:
                    break
                heapq.heappush(group.free_ids, home)
                group.present -= 1
                self.present -= 1
        self._record_staffing()


def _proficiency(group: AgentGroup) -> tuple[float, float]:
    """Sort key of ``most_proficient``: higher resolve factor first, then faster handling."""
    return (-group.resolve_factor, group.handle_factor)


class GroupStaffing:
    """One group of a pool, as a shift plan sees it."""

    def __init__(self, pool: GroupedPool, group: AgentGroup) -> None:
        self.pool = pool
        self.group = group

    def set_staffing(self, agents: int) -> None:
        self.pool.set_group_staffing(self.group, agents)
