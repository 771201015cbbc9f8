"""What every block of the scenario file shares: strict keys and the common field types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from simcc.dists import Seconds
from simcc.scenario.limits import MAX_PRIORITY, MAX_RATE_PER_HOUR
from simcc.units import parse_rate, parse_share


def _percent(value: object) -> object:
    """``"85%"`` as 0.85 (a share written as planners write it); anything else as given."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return parse_share(value)
        except ValueError:
            return value
    return value


Probability = Annotated[float, BeforeValidator(_percent), Field(ge=0.0, le=1.0)]
"""A share or probability from 0 to 1, also written as a percentage (``"85%"``)."""


def _rate(value: object) -> float:
    """A rate per second, at most :data:`MAX_RATE_PER_HOUR` (inf and nan are left to the bounds)."""
    per_second = parse_rate(value)
    if per_second * 3600 > MAX_RATE_PER_HOUR and per_second < float("inf"):
        raise ValueError(
            f"must be at most {MAX_RATE_PER_HOUR:,}/h (about {MAX_RATE_PER_HOUR / 3600:,.0f} a "
            f"second), got {value if isinstance(value, str) else f'{value:g}'}"
        )
    return per_second


RatePerSecond = Annotated[float, BeforeValidator(_rate), Field(ge=0.0, allow_inf_nan=False)]
PositiveRate = Annotated[float, BeforeValidator(_rate), Field(gt=0.0, allow_inf_nan=False)]
Priority = Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)]
"""A queue priority: lower is served first."""
FiniteSeconds = Annotated[Seconds, Field(allow_inf_nan=False)]


class Block(BaseModel):
    """A block of the scenario file: a misspelt or unknown key is an error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
