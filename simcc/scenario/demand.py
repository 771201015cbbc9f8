"""Who calls and how they behave: arrivals, call types, segments, customers' patience.

A call type is a kind of contact with its arrival process, its escalation
path through the pools and, optionally, overflow to other pools while a
contact waits at its entry pool.  Segments share out each call type's
callers (e.g. 5 % VIP); patience and re-contacts belong to the customers,
and a segment or a call type may set its own patience
(:meth:`simcc.scenario.Scenario.patience` says which one applies).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from simcc.dists import NEVER, ZERO, Distribution
from simcc.scenario.fields import (
    Block,
    FiniteSeconds,
    PositiveRate,
    Priority,
    Probability,
    RatePerSecond,
)


class Arrivals(Block):
    """Poisson arrivals: a constant ``rate`` or one rate per ``interval``.

    With a profile the last rate holds until the horizon, unless ``repeat`` is
    true, in which case the profile starts over (a daily profile in a multi-day
    run).  ``times`` instead replays a trace: arrivals at exactly those times.
    """

    rate: PositiveRate | None = None
    interval: FiniteSeconds | None = Field(default=None, gt=0)
    rates: list[RatePerSecond] | None = None
    repeat: bool = False
    times: list[Annotated[FiniteSeconds, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Arrivals:
        if self.times is not None:
            if self.rate is not None or self.rates is not None or self.interval is not None:
                raise ValueError("give `times` (a replayed trace) alone, without rates")
            return self
        if self.rate is not None and (self.rates is not None or self.interval is not None):
            raise ValueError("give either `rate` or `interval` with `rates`, not both")
        if self.rate is None:
            if self.rates is None or self.interval is None:
                raise ValueError("give `rate` (e.g. 180/h) or `interval` and `rates`")
            if not self.rates:
                raise ValueError("`rates` must list at least one rate, e.g. [60/h, 90/h]")
            if not any(self.rates):
                raise ValueError("every rate in `rates` is 0: this call type never arrives")
        return self

    def profile(self) -> tuple[float, list[float], bool]:
        """(interval seconds, rates per second, repeat) — a constant rate is one interval."""
        if self.times is not None:
            return math.inf, [0.0], False
        if self.rate is not None:
            return math.inf, [self.rate], False
        assert self.interval is not None and self.rates is not None
        return self.interval, list(self.rates), self.repeat

    def mean_rate(self, horizon: float) -> float:
        """Average arrival rate (per second) over ``[0, horizon)``."""
        if self.times is not None:
            return sum(1 for t in self.times if t < horizon) / horizon
        interval, rates, repeat = self.profile()
        if math.isinf(interval) or interval >= horizon:
            return rates[0]
        full = int(horizon // interval)  # whole intervals, then a partial one
        rest = horizon - full * interval
        if repeat:
            cycles, extra = divmod(full, len(rates))
            total = cycles * sum(rates) + sum(rates[:extra])
            last = rates[extra]
        else:
            shown = min(full, len(rates))
            total = sum(rates[:shown]) + (full - shown) * rates[-1]
            last = rates[min(full, len(rates) - 1)]
        return (total * interval + last * rest) / horizon


class Overflow(Block):
    """A second pool that may also answer a contact still waiting after ``after``.

    From ``after`` (counted from the contact's arrival) the contact waits in
    both queues, and the first agent of either pool to take it answers it.
    """

    pool: str
    after: FiniteSeconds = Field(default=0.0, ge=0)


def _overflow_steps(value: Any) -> Any:
    """One overflow step (a mapping) or a list of them."""
    if isinstance(value, Mapping | BaseModel):
        return [value]
    if isinstance(value, str):
        raise ValueError(
            f"expected one overflow step such as {{pool: {value}, after: 30s}}, or a list of "
            f"them, got {value!r}"
        )
    return value


class Need(Block):
    """What a share of a call type's callers really need (MODEL.md §7).

    Each field left out keeps the call type's: its ``path``, the pools'
    ``resolve`` for the call type, its ``priority``.  ``detect_after`` is the
    handling time after which the first agent sees that the contact must go on
    and escalates it without resolving (default: at the end of the handle time).
    """

    share: Probability
    path: list[str] | None = Field(default=None, min_length=1)
    resolve: dict[str, Probability] = Field(default_factory=dict)
    priority: Priority | None = None
    detect_after: FiniteSeconds | None = Field(default=None, gt=0)


class FrontDoor(Block):
    """The IVR or bot a contact passes before any agent queue (MODEL.md §8).

    The contact spends ``time`` there; with probability ``containment`` the
    door settles it (outcome ``self_served``, a true resolution), otherwise it
    goes on to its entry pool's queue, carrying the door's context
    (``kept``) or not (``lost``: the first agent hears the story once more).
    """

    time: Distribution = Field(default_factory=lambda: ZERO)
    containment: Probability = 0.0
    context: Literal["kept", "lost"] = "lost"


class VirtualHold(Block):
    """A call back offered at arrival when the entry pool's expected wait is long (MODEL.md §8).

    A caller whose expected wait exceeds ``offer_when_wait_over`` is offered a
    call back and accepts with probability ``accept``; it keeps its place in
    the queue, never abandons, and is dialled with the ``transfer.callback``
    block's reach settings when an agent takes it.
    """

    offer_when_wait_over: FiniteSeconds = Field(ge=0)
    accept: Probability


class Volume(Block):
    """The whole day's arrivals (MODEL.md §8): ``volume_cv`` is the cv of one gamma busyness
    factor per replication (mean 1) that multiplies every arrival rate; 0, the default, is
    a known volume (plain Poisson arrivals)."""

    volume_cv: float = Field(default=0.0, ge=0, le=10, allow_inf_nan=False)


ChannelName = Literal["voice", "chat", "email"]
CHANNELS: tuple[str, ...] = get_args(ChannelName)
"""The channels a contact may come by (MODEL.md §8), in the records' code order."""


class CallType(Block):
    """A kind of contact: its arrivals, escalation path, queue priority and (optionally)
    its callers' patience, which a segment's own patience overrides, overflow
    routing to other pools while a contact waits at its entry pool, the
    needs its callers draw at arrival, and a front door and virtual hold
    before its entry queue.  Its ``channel`` (voice, chat or e-mail) says how
    its contacts come: a chat is served by a pool's sessions (``concurrency``), an e-mail
    never abandons."""

    arrivals: Arrivals
    channel: ChannelName = "voice"
    path: list[str] = Field(min_length=1)
    priority: Priority = 1
    patience: Distribution | None = None
    overflow: Annotated[list[Overflow], BeforeValidator(_overflow_steps)] = Field(
        default_factory=list
    )
    needs: dict[str, Need] = Field(default_factory=dict)
    front_door: FrontDoor | None = None
    virtual_hold: VirtualHold | None = None

    @property
    def offered_share(self) -> float:
        """The share of its arrivals that reach an agent queue: those its front door does not
        settle (MODEL.md §8)."""
        return 1.0 if self.front_door is None else 1.0 - self.front_door.containment

    def paths(self) -> list[list[str]]:
        """Every path a contact of this call type may follow: its own, then its needs'."""
        return [self.path, *(n.path for n in self.needs.values() if n.path is not None)]


class Segment(Block):
    """A customer segment (e.g. VIP): its share and optional own priority and patience."""

    share: Probability
    priority: Priority | None = None
    patience: Distribution | None = None
    hold_patience: Distribution | None = None
    transfer_patience: Distribution | None = None


RecontactKey = Literal[
    "abandoned",
    "abandoned_queue",
    "abandoned_hold",
    "abandoned_transfer_queue",
    "unresolved",
    "false_resolution",
    "callback_unreached",
]


class Recontact(Block):
    """Customers who call again about the same case after an outcome.

    Case memory (MODEL.md §7): with ``route: last_pool`` a re-contact goes
    straight to the queue of the pool that last worked on the case; with
    ``context: kept`` the agent who takes it there pays no rediscovery.
    """

    probability: dict[RecontactKey, Probability] = Field(default_factory=dict)
    delay: Distribution = Field(default_factory=lambda: ZERO)
    route: Literal["entry", "last_pool"] = "entry"
    context: Literal["lost", "kept"] = "lost"

    def probability_of(self, outcome: str) -> float:
        """Re-contact probability after ``outcome`` (``false_resolution`` included)."""
        if outcome in self.probability:
            return self.probability[outcome]  # type: ignore[index]
        if outcome.startswith("abandoned"):
            return self.probability.get("abandoned", 0.0)
        return 0.0


class Complaint(Block):
    """The customer turns the call into a complaint (MODEL.md §7's ``complaint`` trigger).

    Drawn when an agent answers, with probability ``base`` + ``per_wait_minute`` × minutes
    waited so far (queues and holds) + ``per_retelling`` × retellings so far; the contact
    then goes to pool ``to`` (default: the highest tier on its path).
    """

    base: Probability = 0.0
    per_wait_minute: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    per_retelling: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    to: str | None = None


class Customers(Block):
    """Patience, re-contact and complaint behaviour of the customers."""

    patience: Distribution = Field(default_factory=lambda: NEVER)
    hold_patience: Distribution | None = None
    transfer_patience: Distribution | None = None
    recontact: Recontact | None = None
    complaint: Complaint | None = None


class RepeatContact(Block):
    """A case's ``attempt``-th or later contact skips straight to pool ``to``'s queue."""

    attempt: int = Field(ge=2, le=1000)
    to: str


class CaseAge(Block):
    """A re-contact of a case first seen more than ``after`` ago goes straight to ``to``."""

    after: FiniteSeconds = Field(gt=0)
    to: str


class Escalation(Block):
    """Triggers on the case's history (MODEL.md §7): repeat contacts and old cases."""

    repeat_contact: RepeatContact | None = None
    case_age: CaseAge | None = None
