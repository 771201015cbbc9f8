"""What every exact model of one pool reports, and the checks of its inputs."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["QueueMeasures", "check_agents", "check_rate", "service_level_sla"]


@dataclass(frozen=True)
class QueueMeasures:
    """Steady-state performance of one pool, as a planner reads it.

    All fractions are of *all* offered contacts unless stated; times are in seconds.
    """

    agents: int
    """Agents staffed in the pool."""
    offered_load: float
    """Offered load ``λ/μ`` in Erlangs (agent-seconds of work arriving per second)."""
    p_wait: float
    """Probability that an arriving contact finds every agent busy and has to queue."""
    abandonment_rate: float
    """Fraction of offered contacts that abandon the queue (0 for Erlang C)."""
    asa: float
    """Average speed of answer: mean wait of *answered* contacts."""
    mean_wait: float
    """Mean time in queue over all offered contacts, abandoners included."""
    service_level: float
    """Fraction of *all* offered contacts answered within ``threshold``."""
    short_abandon: float
    """Fraction of all offered contacts that abandon within ``short_abandon_threshold``."""
    occupancy: float
    """Mean number of busy agents divided by ``agents``."""
    mean_queue: float
    """Mean number of contacts waiting in the queue."""
    threshold: float
    """Service-level answer threshold (seconds)."""
    short_abandon_threshold: float
    """Abandonments this quick are excluded from the SLA denominator (seconds)."""


def check_rate(name: str, value: float, *, allow_zero: bool = False) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return value


def check_agents(agents: int) -> int:
    if isinstance(agents, bool) or int(agents) != agents or agents < 1:
        raise ValueError(f"agents must be a positive integer, got {agents!r}")
    return int(agents)


def service_level_sla(m: QueueMeasures) -> float:
    """Service level as MODEL.md §4 defines it.

    Contacts answered within the threshold divided by offered contacts minus those that
    abandoned within the short-abandon threshold: ``service_level / (1 − short_abandon)``.
    Equals ``m.service_level`` when the short-abandon threshold is 0.
    """
    denominator = 1.0 - m.short_abandon
    if denominator <= 0.0:
        return 1.0
    return min(m.service_level / denominator, 1.0)
