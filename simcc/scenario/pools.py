"""The pools: groups of interchangeable agents with one queue, and their staffing.

A pool's handle time, wrap-up and resolution probability are one value for
every call type or a table per call type (``*`` is the default); its agents
are a number or shifts, one count per ``interval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from simcc.dists import ZERO, Distribution, Seconds
from simcc.scenario.errors import short
from simcc.scenario.fields import Block, FiniteSeconds, Probability
from simcc.scenario.limits import MAX_AGENTS

_DIST_PARAMETERS = frozenset({"mean", "cv", "k", "value", "low", "mode", "high", "values", "file"})


class Staffing(Block):
    """Agents on duty, constant or one count per ``interval`` (shifts)."""

    interval: FiniteSeconds | None = Field(default=None, gt=0)
    counts: list[Annotated[int, Field(ge=0, le=MAX_AGENTS)]] = Field(min_length=1)
    repeat: bool = False


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


class Pool(Block):
    """A group of interchangeable agents with one queue."""

    tier: int = Field(default=1, ge=1)
    agents: Annotated[Staffing, BeforeValidator(_staffing)]
    skills: list[str] | None = None
    handle_time: PerTypeDist
    wrap_up: PerTypeDist = Field(default_factory=lambda: _no_wrap_up())
    resolve: PerTypeProbability = Field(default_factory=lambda: {"*": 1.0})
    escalate_after: Seconds | None = Field(default=None, gt=0)
    cost_per_hour: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    when_unstaffed: str | None = None
    queue_capacity: int | None = Field(default=None, ge=0, le=10_000_000)
    peer: Peer | None = None

    def for_type(self, table: dict[str, Any], call_type: str) -> Any:
        """The entry of a per-call-type table for ``call_type`` (``*`` is the default)."""
        if call_type in table:
            return table[call_type]
        return table.get("*")

    @property
    def max_agents(self) -> int:
        return max(self.agents.counts)
