"""Which transfer policy a hand-off uses: pure decisions, no SimPy.

With ``transfer.policy: rules`` the scenario gives an ordered list of
``when → policy``; the first rule whose every condition holds wins.  A rule
with no condition always matches; if no rule matches, the hand-off is
``cold`` (documented in docs/policies.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simcc.scenario import Condition, Rule

DEFAULT_POLICY = "cold"


@dataclass(frozen=True)
class Situation:
    """What a rule can look at when a contact is about to be handed on."""

    call_type: str
    segment: str
    source_tier: int
    target_pool: str
    target_tier: int
    target_idle_agents: int
    target_queue_length: int
    expected_wait: float

    @property
    def escalation(self) -> str:
        """``hierarchical`` to a higher tier, else ``functional``."""
        return "hierarchical" if self.target_tier > self.source_tier else "functional"


def matches(condition: Condition, s: Situation) -> bool:
    """Whether every condition given in ``condition`` holds in situation ``s``."""
    c = condition
    return (
        (c.call_type is None or s.call_type in c.call_type)
        and (c.segment is None or s.segment in c.segment)
        and (c.target_pool is None or s.target_pool in c.target_pool)
        and (c.target_tier is None or s.target_tier in c.target_tier)
        and (c.escalation is None or s.escalation == c.escalation)
        and (c.target_idle_agents is None or s.target_idle_agents >= c.target_idle_agents)
        and (c.target_queue_length is None or s.target_queue_length <= c.target_queue_length)
        and (c.expected_wait is None or s.expected_wait <= c.expected_wait)
    )


def choose(rules: list[Rule], situation: Situation) -> str:
    """The policy of the first matching rule (``cold`` when none matches)."""
    for rule in rules:
        if matches(rule.when, situation):
            return rule.policy
    return DEFAULT_POLICY


def needs_expected_wait(rules: list[Rule]) -> bool:
    """Whether any rule looks at the expected wait (it costs a little to compute)."""
    return any(rule.when.expected_wait is not None for rule in rules)
