"""What every block of the scenario file shares: strict keys and the common field types."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from simcc.dists import Seconds
from simcc.units import parse_rate

PolicyName = Literal["cold", "warm", "conference", "callback", "email", "self_service"]
POLICIES: tuple[PolicyName, ...] = get_args(PolicyName)
"""The transfer policies, in the order the docs list them (``rules`` picks one of them)."""
HANDOFF_POLICIES: tuple[str, ...] = ("", *POLICIES, "peer")
"""What the ``policy`` codes of the records name: none, a transfer policy, or a peer consult."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
RatePerSecond = Annotated[float, BeforeValidator(parse_rate), Field(ge=0.0, allow_inf_nan=False)]
PositiveRate = Annotated[float, BeforeValidator(parse_rate), Field(gt=0.0, allow_inf_nan=False)]
FiniteSeconds = Annotated[Seconds, Field(allow_inf_nan=False)]


class Block(BaseModel):
    """A block of the scenario file: a misspelt or unknown key is an error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
