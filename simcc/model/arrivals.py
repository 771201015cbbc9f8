"""Contacts arriving: the arrival times of a call type and the draws a new contact gets.

A first contact of a case arrives from its call type's :class:`ArrivalStream`;
a re-contact when its case calls again.  Either way :meth:`ContactDraws.prepare`
gives it its priority, patience and first handle time at arrival, from
streams of their own (:mod:`simcc.rng`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from simcc.model.contact import CallTypeRuntime, Contact

if TYPE_CHECKING:
    import simpy

    from simcc.rng import Streams
    from simcc.scenario import Arrivals, Scenario

Prepare = Callable[[Contact, int], None]
"""Gives a new contact of a segment its arrival-time draws."""


class ArrivalStream:
    """The arrival times of one call type: Poisson with a piecewise-constant rate, or a trace.

    Every rate is multiplied by ``volume``, the replication's busyness factor
    (:func:`volume_factor`).  Gaps are unit exponential draws divided by the rate of the current
    interval; at an interval boundary the clock restarts with the next rate
    (exact for a Poisson process, by memorylessness; no thinning).
    """

    def __init__(
        self,
        ct: CallTypeRuntime,
        spec: Arrivals,
        streams: Streams,
        horizon: float,
        prepare: Prepare,
        volume: float = 1.0,
    ) -> None:
        self.ct = ct
        self.prepare = prepare
        interval, rates, repeat = spec.profile()
        if volume != 1.0:  # the replication's busyness factor (arrivals.volume_cv)
            rates = [rate * volume for rate in rates]
        if spec.times is not None:
            times = _trace(sorted(spec.times), horizon)
        else:
            unit = streams.exponential(f"arrivals:{ct.name}")
            times = _poisson(unit, interval, rates, repeat, horizon)
        # the next arrival time before the horizon, or None when there is none (then None
        # for ever): a generator's own next, without a Python call per arrival
        self.next_time: Callable[[], float | None] = times.__next__


def _trace(times: list[float], horizon: float) -> Iterator[float | None]:
    """The times of a trace before the horizon, in order; then None."""
    for t in times:
        if t >= horizon:
            break
        yield t
    while True:
        yield None


def _poisson(
    unit: Callable[[], float], interval: float, rates: list[float], repeat: bool, horizon: float
) -> Iterator[float | None]:
    """Poisson arrival times before the horizon with a piecewise-constant rate; then None.

    A gap is a unit exponential draw divided by the interval's rate; a gap that crosses
    the interval's end is dropped and the clock restarts there with the next rate.
    """
    t, end, i = 0.0, interval, 0
    rate = rates[0]
    while True:
        gap = unit() / rate if rate > 0 else math.inf
        if t + gap >= end:
            if end >= horizon:
                break
            t = end
            i += 1
            rate = rates[i % len(rates)] if repeat else rates[min(i, len(rates) - 1)]
            end = min(end + interval, horizon)
            continue
        t += gap
        if t >= horizon:
            break
        yield t
    while True:
        yield None


def volume_factor(cv: float, streams: Streams) -> float:
    """The replication's busyness factor: a gamma draw of mean 1 and cv ``cv`` from a stream
    of its own (Poisson–gamma arrivals, MODEL.md §8); exactly 1 when ``cv`` is 0."""
    if cv <= 0.0:
        return 1.0
    shape = 1.0 / (cv * cv)
    return float(streams.generator("volume").gamma(shape, 1.0 / shape))


class ContactDraws:
    """The arrival-time draws of a new contact of call type ``ct``: the samplers, by entry pool
    and by segment, and :attr:`prepare`, which gives a contact its draws.

    First contacts (``kind="first"``) and re-contacts (``"recontact"``) draw
    from separate streams, so that re-contacts (whose timing depends on the
    policy) never shift the draws of first contacts: with common random
    numbers every policy sees the same first contacts, with the same patience
    and first handle time.  A call type with needs gives each contact the
    priority of its need and the first handle time of its need's entry pool.
    Each sampler is a stream of its own, which nothing else draws from.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        env: simpy.Environment,
        ct: CallTypeRuntime,
        kind: str,
    ) -> None:
        self.env = env
        # first handle time by entry pool: a need's path may start elsewhere
        self.handles: dict[int, Callable[[], float]] = {}
        for route in (ct, *ct.routes):
            entry = route.path[0]
            if entry.index not in self.handles:
                spec = scenario.pools[entry.name]
                stream = f"{kind}_handle:{ct.name}"
                stream += "" if entry is ct.path[0] else f":{entry.name}"
                self.handles[entry.index] = spec.for_type(spec.handle_time, ct.name).sampler(
                    streams.generator(stream)
                )
        self.handle = self.handles[ct.path[0].index]
        self.resolve = streams.uniform(f"{kind}_resolve:{ct.name}")
        self.patience: list[Callable[[], float]] = []
        self.hold: list[Callable[[], float]] = []
        self.transfer: list[Callable[[], float]] = []
        for name in scenario.segments:
            p, h, x = (
                scenario.patience(ct.name, name, which)
                for which in ("patience", "hold_patience", "transfer_patience")
            )
            key = f"{kind}:{ct.name}:{name}"
            self.patience.append(p.sampler(streams.generator(f"patience:{key}")))
            self.hold.append(h.sampler(streams.generator(f"hold_patience:{key}")))
            self.transfer.append(x.sampler(streams.generator(f"transfer_patience:{key}")))
        self.segment_priority = [seg.priority for seg in scenario.segments.values()]
        self.priorities = [  # the priority of a contact of ct (without needs), by segment
            ct.priority if own is None else min(own, ct.priority) for own in self.segment_priority
        ]
        self.prepare: Prepare = self._prepare_need if ct.routes else self._prepare

    def _prepare(self, c: Contact, segment: int) -> None:
        c.arrival = c.queued = self.env.now
        c.priority = self.priorities[segment]
        c.first_handle = self.handle()
        c.first_resolve = self.resolve()
        c.patience = self.patience[segment]()
        c.hold_patience = self.hold[segment]()
        c.transfer_patience = self.transfer[segment]()

    def _prepare_need(self, c: Contact, segment: int) -> None:
        c.arrival = c.queued = self.env.now
        own = self.segment_priority[segment]
        route = c.ctype  # the route of the contact's need
        c.priority = route.priority if own is None else min(own, route.priority)
        c.first_handle = self.handles[c.entry_pool]()
        c.first_resolve = self.resolve()
        c.patience = self.patience[segment]()
        c.hold_patience = self.hold[segment]()
        c.transfer_patience = self.transfer[segment]()
