"""Service-level targets: the answer SLA at the entry pool, escalation targets per pool."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from simcc.dists import Seconds
from simcc.scenario.fields import Block, Probability


class AnswerSla(Block):
    """Answered within ``threshold``, out of offered minus those abandoned within
    ``short_abandon``, for at least ``target`` of the contacts."""

    threshold: Seconds = Field(default=20.0, ge=0)
    target: Probability = 0.8
    short_abandon: Seconds = Field(default=0.0, ge=0)


class Sla(Block):
    """Answer SLA at the entry pool and escalation targets per receiving pool."""

    answer: AnswerSla = Field(default_factory=AnswerSla)
    escalation: dict[str, Annotated[Seconds, Field(ge=0)]] = Field(default_factory=dict)
