"""The pools: agents with one queue, and their staffing.

A pool's handle time, wrap-up and resolution probability are one value for
every call type or a table per call type (``*`` is the default); its agents
are a number or shifts, one count per ``interval``.  A pool may be split into
agent groups of different proficiency (MODEL.md §9), each with its own
agents (a number or a shift plan), handle and resolution factors and cost;
the pool's ``agents`` is then their sum.  ``agent_selection`` says which idle
agent takes a contact, ``contact_selection`` which waiting contact a freed
agent takes.  A chat pool's agents hold ``concurrency`` sessions at once, each
slowed by ``concurrency_factor`` per other session in hand (MODEL.md §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, PrivateAttr, model_validator

from simcc.dists import ZERO, Distribution, Seconds
from simcc.scenario.errors import short
from simcc.scenario.fields import Block, FiniteSeconds, Probability
from simcc.scenario.limits import (
    MAX_AGENTS,
    MAX_CONCURRENCY,
    MAX_COST_PER_HOUR,
    MAX_FACTOR,
    MAX_QUEUE_CAPACITY,
    MAX_TIER,
)
from simcc.units import duration_text

_DIST_PARAMETERS = frozenset({"mean", "cv", "k", "value", "low", "mode", "high", "values", "file"})


class Staffing(Block):
    """Agents on duty, constant or one count per ``interval`` (shifts)."""

    interval: FiniteSeconds | None = Field(default=None, gt=0)
    counts: list[Annotated[int, Field(ge=0, le=MAX_AGENTS)]] = Field(min_length=1)
    repeat: bool = False

    @property
    def mean_count(self) -> float:
        """The mean of its counts, each interval's once: the weight of a group's agents
        in the pool's cost rate and in a new staffing's split among groups."""
        return sum(self.counts) / len(self.counts)

    def same_as(self, other: Staffing) -> bool:
        """The same agents on duty (one count is constant, with or without an interval)."""
        if len(self.counts) == len(other.counts) == 1:
            return self.counts == other.counts
        return self == other


def _staffing(value: Any) -> Any:
    """A bare number of agents is one count for the whole horizon."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"counts": [value]}
    if isinstance(value, float) and value.is_integer():
        return {"counts": [int(value)]}
    if isinstance(value, Mapping | BaseModel):
        return value
    raise ValueError(
        "expected a whole number of agents (e.g. 12) or shifts "
        f"{{interval: 30m, counts: [10, 12, 8]}}, got {short(value)}"
    )


def _per_type(value: Any) -> Any:
    """One value for every call type, or a mapping call type -> value.

    A mapping of distribution parameters without ``dist:`` (``{mean: 5m}``) is
    one distribution with its name missing, not a table of call types.
    """
    if isinstance(value, Mapping) and "dist" not in value and not _looks_like_dist(value):
        return dict(value)
    return {"*": value}


def _looks_like_dist(value: Mapping[Any, Any]) -> bool:
    return bool(value) and set(map(str, value)) <= _DIST_PARAMETERS


PerTypeDist = Annotated[dict[str, Distribution], BeforeValidator(_per_type)]
PerTypeProbability = Annotated[dict[str, Probability], BeforeValidator(_per_type)]


def _no_wrap_up() -> dict[str, Distribution]:
    return {"*": ZERO}


class Peer(Block):
    """Peer consult (MODEL.md §7): before escalating, an agent asks a colleague of its pool.

    With ``probability`` it asks; a colleague who is free is busy for
    ``consult_time`` with it, the agent keeps the contact and resolves it
    with ``success``; otherwise it escalates as it would have.
    """

    probability: Probability
    consult_time: Distribution = Field(default_factory=lambda: ZERO)
    success: Probability


def _no_agents() -> Staffing:
    """The placeholder of an ``agents`` left out (the groups' sum, or a missing key)."""
    return Staffing(counts=[0])


PositiveFactor = Annotated[float, Field(gt=0, le=MAX_FACTOR, allow_inf_nan=False)]


class Group(Block):
    """Agents of one proficiency inside a pool (novices, seniors)."""

    agents: Annotated[Staffing, BeforeValidator(_staffing)]
    handle_factor: PositiveFactor = 1.0
    resolve_factor: PositiveFactor = 1.0
    cost_per_hour: float | None = Field(
        default=None, ge=0, le=MAX_COST_PER_HOUR, allow_inf_nan=False
    )

    @property
    def proficiency(self) -> tuple[float, float]:
        """Sort key of ``most_proficient``: higher resolve factor, then faster handling."""
        return (-self.resolve_factor, self.handle_factor)


AgentSelection = Literal["longest_idle", "most_proficient", "random"]
ContactSelection = Literal["priority_fcfs", "longest_weighted_wait"]


class Pool(Block):
    """Agents with one queue: interchangeable, or in groups of different proficiency."""

    tier: int = Field(default=1, ge=1, le=MAX_TIER)
    agents: Annotated[Staffing, BeforeValidator(_staffing)] = Field(default_factory=_no_agents)
    groups: dict[str, Group] | None = Field(default=None, min_length=1)
    agent_selection: AgentSelection = "longest_idle"
    contact_selection: ContactSelection = "priority_fcfs"
    weights: dict[str, PositiveFactor] | None = None
    _agents_given: bool = PrivateAttr(default=True)
    skills: list[str] | None = None
    handle_time: PerTypeDist
    wrap_up: PerTypeDist = Field(default_factory=lambda: _no_wrap_up())
    resolve: PerTypeProbability = Field(default_factory=lambda: {"*": 1.0})
    escalate_after: Seconds | None = Field(default=None, gt=0)
    cost_per_hour: float = Field(default=0.0, ge=0, le=MAX_COST_PER_HOUR, allow_inf_nan=False)
    when_unstaffed: str | None = None
    queue_capacity: int | None = Field(default=None, ge=0, le=MAX_QUEUE_CAPACITY)
    peer: Peer | None = None
    concurrency: int = Field(default=1, ge=1, le=MAX_CONCURRENCY, strict=True)
    concurrency_factor: float = Field(default=1.0, ge=1.0, le=MAX_FACTOR, allow_inf_nan=False)

    def for_type(self, table: dict[str, Any], call_type: str) -> Any:
        """The entry of a per-call-type table for ``call_type`` (``*`` is the default)."""
        if call_type in table:
            return table[call_type]
        return table.get("*")

    @property
    def max_agents(self) -> int:
        return max(self.agents.counts)

    @model_validator(mode="after")
    def _agents_of_groups(self) -> Pool:
        """Left out beside ``groups``, ``agents`` is their sum (checked in :meth:`problems`)."""
        self._agents_given = "agents" in self.model_fields_set
        if self.groups is not None:
            summed = groups_sum(self.groups)
            if summed is not None and not self._agents_given:
                self.agents = summed
            costs = [
                (self.cost_per_hour if g.cost_per_hour is None else g.cost_per_hour, g.agents)
                for g in self.groups.values()
            ]
            heads = sum(plan.mean_count for _, plan in costs)
            if heads > 0 and any(g.cost_per_hour is not None for g in self.groups.values()):
                # the pool's rate, for the cost metrics: the groups' rates weighted by agents
                self.cost_per_hour = sum(c * plan.mean_count for c, plan in costs) / heads
        return self

    def problems(self, name: str, call_types: Mapping[str, Any]) -> list[str]:
        """Groups that do not make the pool's agents, and weights of call types it never sees.

        ``call_types`` maps the call types this pool serves (on a path or as an
        overflow pool) to anything.
        """
        where = f"pools.{name}"
        if not self._agents_given and self.groups is None:
            return [f"{where}: required key `agents` is missing"]
        problems: list[str] = []
        if self.groups is not None:
            problems += _group_problems(where, self, self.groups)
        elif self.agent_selection != "longest_idle":
            problems.append(
                f"{where}.agent_selection: {self.agent_selection!r} needs agent groups "
                f"({where}.groups); the agents of a pool without groups are alike"
            )
        for key in self.weights or {}:
            if key not in call_types:
                problems.append(
                    f"{where}.weights.{key}: the pool does not serve call type {key!r}"
                    + (f" (it serves: {', '.join(call_types)})" if call_types else "")
                )
        if self.weights is not None and self.contact_selection != "longest_weighted_wait":
            problems.append(
                f"{where}.weights: weights are used by contact_selection: longest_weighted_wait "
                f"only (this pool has {self.contact_selection})"
            )
        return problems


def groups_sum(groups: Mapping[str, Group]) -> Staffing | None:
    """The pool's staffing made of its groups' (None when their shift plans differ in shape).

    Constant groups add to every interval; groups with shift plans must share
    one ``interval`` and ``repeat`` (a shorter plan holds its last count).
    """
    plans = [g.agents for g in groups.values()]
    shifted = [p for p in plans if len(p.counts) > 1 and p.interval is not None]
    if not shifted:
        return Staffing(counts=[sum(p.counts[0] for p in plans)])
    first = shifted[0]
    if any(p.interval != first.interval or p.repeat != first.repeat for p in shifted):
        return None
    length = max(len(p.counts) for p in shifted)
    counts = [
        sum(p.counts[min(i, len(p.counts) - 1)] if p in shifted else p.counts[0] for p in plans)
        for i in range(length)
    ]
    return Staffing(interval=first.interval, counts=counts, repeat=first.repeat)


def _group_problems(where: str, pool: Pool, groups: Mapping[str, Group]) -> list[str]:
    """The groups' plans must add up, and to the pool's ``agents`` when it is given."""
    problems = [
        f"{where}.groups: the group name {g!r} cannot be used: names must be non-empty "
        "and contain no '.'"
        for g in groups
        if "." in g or not g.strip()
    ]
    summed = groups_sum(groups)
    if summed is None:
        shapes = ", ".join(
            f"{g} every {duration_text(p.agents.interval or 0)}"
            + (" repeated" if p.agents.repeat else "")
            for g, p in groups.items()
            if len(p.agents.counts) > 1
        )
        problems.append(
            f"{where}.groups: the groups' shift plans must share one interval and repeat "
            f"to add up to the pool's agents (got {shapes})"
        )
    elif pool._agents_given and not summed.same_as(pool.agents):
        parts = " + ".join(f"{g} {_plan_text(p.agents)}" for g, p in groups.items())
        problems.append(
            f"{where}.agents: {_plan_text(pool.agents)} agents, but the groups sum to "
            f"{_plan_text(summed)} ({parts}); leave `agents` out to use the groups' sum"
        )
    return problems


def _plan_text(plan: Staffing) -> str:
    if len(plan.counts) == 1:
        return str(plan.counts[0])
    return "[" + ", ".join(map(str, plan.counts)) + "]"
