"""How contacts are handed on at an escalation: the policy blocks and the routing rules.

One block per policy (MODEL.md §3) holds its step times and settings; the
``transfer`` block names the policy in use, or ``rules`` that pick one per
hand-off from the contact and the receiving pool's state.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from simcc.dists import ZERO, Distribution, Seconds
from simcc.scenario.fields import Block, FiniteSeconds, Priority, Probability
from simcc.scenario.limits import MAX_AGENTS, MAX_FACTOR, MAX_QUEUE_CAPACITY, MAX_TIER
from simcc.scenario.policies import PolicyName
from simcc.units import duration_text


class ColdPolicy(Block):
    """Blind transfer: a line to the customer, then B's queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    rediscovery_time: Distribution = Field(default_factory=lambda: ZERO)
    misroute_probability: Probability = 0.0


class WarmPolicy(Block):
    """Attended transfer: hold, consult, three-way conference, A drops."""

    consult_time: Distribution = Field(default_factory=lambda: ZERO)
    conference_time: Distribution = Field(default_factory=lambda: ZERO)
    max_consult_wait: Seconds = Field(default=math.inf, ge=0)
    fallback: Literal["cold", "callback"] = "cold"


class ConferencePolicy(Block):
    """Consult and keep: A holds, consults B, keeps the contact."""

    consult_time: Distribution = Field(default_factory=lambda: ZERO)
    max_consult_wait: Seconds = Field(default=math.inf, ge=0)
    fallback: Literal["cold", "callback"] = "cold"


class CallbackPolicy(Block):
    """The customer hangs up; B calls back from its queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    priority: Priority | None = None
    reach_probability: Probability = 1.0
    max_attempts: int = Field(default=1, ge=1, le=100)
    retry_delay: FiniteSeconds = Field(default=0.0, ge=0)
    dial_time: Distribution = Field(default_factory=lambda: ZERO)
    context_factor: float = Field(default=1.0, ge=0, le=MAX_FACTOR, allow_inf_nan=False)
    rediscovery_time: Distribution | None = None


class EmailPolicy(Block):
    """Ticket hand-off to back-office work in B's queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    priority: Priority | None = None
    work_factor: float = Field(default=1.0, gt=0, le=MAX_FACTOR, allow_inf_nan=False)
    context_factor: float = Field(default=1.0, ge=0, le=MAX_FACTOR, allow_inf_nan=False)
    chase_after: Seconds = Field(default=math.inf, gt=0)
    chase_probability: Probability = 0.0
    rediscovery_time: Distribution | None = None


class SelfServicePolicy(Block):
    """Redirect to self-service; the customer succeeds alone or not."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    success_probability: Probability = 1.0


def _names(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [value]
    return value


class Condition(Block):
    """When a rule applies; every given field must hold (an empty condition always holds)."""

    call_type: Annotated[list[str], BeforeValidator(_names)] | None = None
    segment: Annotated[list[str], BeforeValidator(_names)] | None = None
    target_pool: Annotated[list[str], BeforeValidator(_names)] | None = None
    target_tier: (
        Annotated[list[Annotated[int, Field(le=MAX_TIER)]], BeforeValidator(_names)] | None
    ) = None
    escalation: Literal["functional", "hierarchical"] | None = None
    target_idle_agents: int | None = Field(default=None, ge=0, le=MAX_AGENTS)
    target_queue_length: int | None = Field(default=None, ge=0, le=MAX_QUEUE_CAPACITY)
    expected_wait: Seconds | None = Field(default=None, ge=0)


class Rule(Block):
    """``when`` the condition holds, hand the contact on with ``policy``."""

    when: Condition = Field(default_factory=Condition)
    policy: PolicyName


class Context(Block):
    """How a policy's briefing acts on the receiving agent (MODEL.md §7): its handle time is
    multiplied by ``handle_factor``, its resolution probability by ``resolve_factor``
    (capped at 1)."""

    handle_factor: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    resolve_factor: float = Field(default=1.0, gt=0, allow_inf_nan=False)


class Transfer(Block):
    """How contacts are handed on at an escalation (MODEL.md §3)."""

    policy: Literal["cold", "warm", "conference", "callback", "email", "self_service", "rules"] = (
        "cold"
    )
    transfer_priority: bool = True
    cold: ColdPolicy = Field(default_factory=ColdPolicy)
    warm: WarmPolicy = Field(default_factory=WarmPolicy)
    conference: ConferencePolicy = Field(default_factory=ConferencePolicy)
    callback: CallbackPolicy = Field(default_factory=CallbackPolicy)
    email: EmailPolicy = Field(default_factory=EmailPolicy)
    self_service: SelfServicePolicy = Field(default_factory=SelfServicePolicy)
    false_resolution: dict[PolicyName, Probability] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    context: dict[PolicyName, Context] = Field(default_factory=dict)
    cross_channel: dict[str, str] = Field(default_factory=dict)
    """The channel a hand-off turns a contact of each channel into (``{chat: voice}``)."""

    @model_validator(mode="after")
    def _rules_present(self) -> Transfer:
        if self.policy == "rules" and not self.rules:
            raise ValueError("policy `rules` needs a non-empty `rules` list")
        return self

    def policies_in_use(self) -> list[PolicyName]:
        """The policy blocks a run reads: the policy (or each rule's) and a consult's fallback.

        A warm or conference consult falls back to its ``fallback`` (cold or callback)
        only when ``max_consult_wait`` is finite.
        """
        used: list[PolicyName] = (
            [rule.policy for rule in self.rules] if self.policy == "rules" else [self.policy]
        )
        for name in list(used):
            block = getattr(self, name)
            if isinstance(block, WarmPolicy | ConferencePolicy) and math.isfinite(
                block.max_consult_wait
            ):
                used.append(block.fallback)
        return list(dict.fromkeys(used))

    def defaulted(self) -> list[PolicyName]:
        """The policies in use whose block the file does not give: they run on the defaults."""
        return [name for name in self.policies_in_use() if name not in self.model_fields_set]


def defaults_text(policy: PolicyName) -> str:
    """The defaults of a policy block in the file's words: ``transfer_time 0s, …``."""
    block = getattr(Transfer(), policy)
    parts = []
    for name in type(block).model_fields:
        value = getattr(block, name)
        if hasattr(value, "dist"):  # a distribution: its mean
            text = duration_text(value.mean)
        elif value is None:
            text = "none"
        elif isinstance(value, float) and name.endswith(("_wait", "_delay", "_after")):
            text = duration_text(value)
        elif isinstance(value, float):
            text = f"{value:g}"
        else:
            text = str(value)
        parts.append(f"{name} {text}")
    return ", ".join(parts)
