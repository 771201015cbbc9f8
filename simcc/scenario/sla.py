"""Service-level targets: the answer SLA at the entry pool, escalation and resolution
targets per pool, penalties per breach; a channel may have its own answer SLA
(``answer_by_channel.email``)."""

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


class Penalty(Block):
    """Money per breach of each kind of SLA (MODEL.md §10's ``penalty_cost_per_contact``)."""

    answer: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    escalation: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    resolution: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class Sla(Block):
    """Answer SLA at the entry pool, escalation targets per receiving pool (time until B
    engages), resolution targets per pool (time from the hand-off to it until the contact is
    truly resolved there) and penalties per breach.  ``answer_by_channel`` gives a channel's
    contacts their own answer SLA (e.g. e-mail within 4 h); the others keep ``answer``."""

    answer: AnswerSla = Field(default_factory=AnswerSla)
    escalation: dict[str, Annotated[Seconds, Field(ge=0)]] = Field(default_factory=dict)
    resolution: dict[str, Annotated[Seconds, Field(gt=0)]] = Field(default_factory=dict)
    penalty: Penalty = Field(default_factory=Penalty)
    answer_by_channel: dict[str, AnswerSla] = Field(default_factory=dict)

    def answer_of(self, channel: str) -> AnswerSla:
        """The answer SLA of a channel's contacts: its own, else ``answer``."""
        return self.answer_by_channel.get(channel, self.answer)
