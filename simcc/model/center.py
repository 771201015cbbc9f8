"""The contact centre in SimPy: its wiring, every contact's first leg, hand-ons and endings.

:class:`Center` builds one replication from a validated scenario: the pools
(:mod:`simcc.model.pool`), the call types and their arrivals
(:mod:`simcc.model.arrivals`), the transfer policies' settings
(:mod:`simcc.model.transfers`) and the recorder (:mod:`simcc.model.records`).
It runs every contact's first leg as event callbacks, hands contacts on
(choosing the policy, :mod:`simcc.model.policies`), and ends them, scheduling
re-contacts.  The contact's life after its first hand-off is the light process
of :mod:`simcc.model.contact`; events, timers and the run loop are those of
:mod:`simcc.model.scheduling`, on SimPy's event queue.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from simpy.events import Event

from simcc.model.arrivals import (
    ArrivalStream,
    ContactDraws,
    Prepare,
    volume_factor,
)
from simcc.model.contact import CallTypeRuntime, Contact, after_escalation
from simcc.model.front_door import call_back, doors, holds
from simcc.model.peer import PeerSettings, consult_peer
from simcc.model.plain_leg import PlainContact, PlainLeg, is_plain
from simcc.model.policies import Situation, choose, needs_expected_wait
from simcc.model.pool import EPS, WAITING, Entry, OverflowClock, Pool, Wait
from simcc.model.records import (
    AGENT_ROW,
    CHANNELS,
    OUTCOMES,
    Activity,
    Outcome,
    Reason,
    Recorder,
)
from simcc.model.routing import build_pool, start_shift_plans
from simcc.model.running import InstantGuard, run_to, run_with_wall_clock
from simcc.model.samplers import PoolSamplers, no_wrap_up
from simcc.model.scheduling import (
    Environment,
    Pause,
    call_in,
    start_process,
    start_process_last,
)
from simcc.model.sessions import ChatPool
from simcc.model.transfers import TRANSFERS, Process, policy_settings
from simcc.model.triggers import skip_to

if TYPE_CHECKING:
    from simcc.rng import Streams
    from simcc.scenario import Arrivals, CallType, Scenario

# codes as plain ints, for the first leg run by every contact (see simcc.model.records)
_HANDLE = Activity.HANDLE.value
_REDISCOVERY = Activity.REDISCOVERY.value
_RESOLVED = Outcome.RESOLVED.value
_SELF_SERVED = Outcome.SELF_SERVED.value
_UNRESOLVED = Outcome.UNRESOLVED.value
_ABANDONED_QUEUE = Outcome.ABANDONED_QUEUE.value
_UNFINISHED = Outcome.UNFINISHED.value
_HANDLING_TIME = Reason.HANDLING_TIME.value
_NOT_RESOLVED = Reason.NOT_RESOLVED.value
_NEED = Reason.NEED.value
_COMPLAINT = Reason.COMPLAINT.value
_REPEAT_CONTACT = Reason.REPEAT_CONTACT.value
_CASE_AGE = Reason.CASE_AGE.value
_ANSWERED = Wait.ANSWERED


_no_retelling = no_wrap_up  # case memory with the context kept: the notes travel


class Center(PoolSamplers):
    """One replication's contact centre: pools, arrivals, streams and records.

    Built from a validated scenario; :meth:`run` simulates it to the end of the
    drain and leaves the records in :attr:`recorder`.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        recorder: Recorder,
        max_contacts: int | None = None,
    ) -> None:
        self.env = Environment()
        self.scenario = s = scenario
        self.streams = streams
        self.recorder = recorder
        self.horizon = s.horizon
        self.warmup = s.warmup
        self.max_contacts = max_contacts
        self.stopped_early: str | None = None
        names = recorder.names
        self.codes = {name: i for i, name in enumerate(names.policies)}
        self.pool_index = {name: i for i, name in enumerate(names.pools)}
        self.segment_names = list(names.segments)
        self._recontact_draws: dict[int, Prepare] = {}
        self._last_attempt: dict[int, int] = {}
        self._chased: set[int] = set()  # cases that have had their e-mail chase
        self.ended = 0  # contacts ended so far
        self.consults: dict[Entry[Contact], float] = {}  # consult requests waiting for a B
        self._init_samplers(list(names.call_types), len(s.pools))
        self.next_contact = 0
        self.next_case = 0
        self.instants = InstantGuard()  # stops a run whose clock no longer moves
        self.live: dict[int, Contact | PlainContact] = {}
        self.pools = self._build_pools()
        self.call_types = self._build_call_types()
        self.segment_draw = streams.choice("segment", [seg.share for seg in s.segments.values()])
        self._build_transfers()
        recontact = s.customers.recontact
        self.recontact = recontact
        if recontact is not None:
            self.recontact_draw = streams.uniform("recontact")
            # the re-contact probability after each outcome (by code), and after a false resolution
            self._recontact_p = [recontact.probability_of(o) for o in OUTCOMES]
            self._recontact_p_false = recontact.probability_of("false_resolution")
            self.recontact_delay = recontact.delay.sampler(streams.generator("recontact_delay"))
        self._build_triggers()
        # before the entry queue (MODEL.md §8): front doors, virtual hold, the day's volume
        self.doors = doors(s, streams, "first")
        self.recontact_doors = doors(s, streams, "recontact")
        self.holds = holds(s, streams)
        self.volume = volume_factor(s.arrivals.volume_cv, streams)
        for ct in self.call_types:
            self._start_arrivals(ct, s.call_types[ct.name].arrivals)

    def _build_pools(self) -> list[Pool]:
        """The pools, their fallbacks for when unstaffed, and their shift plans."""
        env, s = self.env, self.scenario
        pools: list[Pool] = []
        for i, (name, spec) in enumerate(s.pools.items()):
            means = [d.mean for d in spec.handle_time.values()]
            draw = None  # the stream of agent_selection: random, its own
            if spec.agent_selection == "random":
                draw = self.streams.uniform(f"agent_selection:{name}")
            mean = sum(means) / len(means) if means else 0.0  # (no handle time: no rate known)
            pool = build_pool(env, i, name, spec, self.recorder, mean, draw)
            pools.append(pool)
        for pool, spec in zip(pools, s.pools.values(), strict=True):
            pool.when_unstaffed = spec.when_unstaffed
            pool.queue_capacity = spec.queue_capacity
            if spec.when_unstaffed in self.pool_index:
                pool.fallback_pool = pools[self.pool_index[spec.when_unstaffed]]
            start_shift_plans(env, pool, spec, self)
        return pools

    def _build_call_types(self) -> list[CallTypeRuntime]:
        """Each call type's path, resolution and escalation limits by pool, overflow steps,
        and one route per need (MODEL.md §7) with the need's overrides."""
        s = self.scenario
        call_types: list[CallTypeRuntime] = []
        for i, (name, spec) in enumerate(s.call_types.items()):
            ct = CallTypeRuntime(i, name, self._path(spec.path), spec.priority)
            ct.channel = CHANNELS.index(spec.channel)
            for pool_spec in s.pools.values():
                resolve = pool_spec.for_type(pool_spec.resolve, name)
                ct.resolve.append(1.0 if resolve is None else resolve)
                after = pool_spec.escalate_after
                ct.escalate_after.append(math.inf if after is None else after)
            n = len(self.pools)
            ct.limit_reason, ct.fail_reason = [_HANDLING_TIME] * n, [_NOT_RESOLVED] * n
            for step in spec.overflow:
                pool = self.pools[self.pool_index[step.pool]]
                if step.after > 0:
                    clock = OverflowClock(self.env, pool, step.after, self.overflow)
                    ct.overflow_later.append(clock)
                else:
                    ct.overflow_now.append(pool)
            if spec.needs:
                ct.routes = [self._route(ct, need, spec) for need in spec.needs]
                shares = [need.share for need in spec.needs.values()]
                ct.need_draw = self.streams.choice(f"need:{name}", shares)
            call_types.append(ct)
        return call_types

    def _path(self, names: list[str]) -> list[Pool]:
        return [self.pools[self.pool_index[p]] for p in names]

    def _route(self, ct: CallTypeRuntime, name: str, spec: CallType) -> CallTypeRuntime:
        """The runtime of a need of call type ``ct``: the call type with the need's overrides."""
        need = spec.needs[name]
        path = self._path(need.path) if need.path is not None else ct.path
        priority = spec.priority if need.priority is None else need.priority
        route = CallTypeRuntime(
            ct.index, ct.name, path, priority, self.recorder.names.needs.index(name)
        )
        route.channel = ct.channel
        route.resolve = list(ct.resolve)
        route.escalate_after = list(ct.escalate_after)
        route.limit_reason, route.fail_reason = list(ct.limit_reason), list(ct.fail_reason)
        for pool_name, p in need.resolve.items():
            route.resolve[self.pool_index[pool_name]] = p
            if p == 0.0:
                route.fail_reason[self.pool_index[pool_name]] = _NEED
        if need.detect_after is not None:  # the first agent, wherever it answers
            for pool in [path[0], *ct.overflow_now, *(c.pool for c in ct.overflow_later)]:
                if need.detect_after < route.escalate_after[pool.index]:
                    route.escalate_after[pool.index] = need.detect_after
                    route.limit_reason[pool.index] = _NEED
        route.overflow_now, route.overflow_later = ct.overflow_now, ct.overflow_later
        return route

    def _build_transfers(self) -> None:
        """The transfer policy (or rules), each policy's settings, SLA targets, extra draws."""
        s, streams = self.scenario, self.streams
        t = s.transfer
        self.policy = t.policy
        self.rules = t.rules
        self.rules_need_wait = needs_expected_wait(t.rules)
        self.transfer_rank = 0 if t.transfer_priority else 1
        self.settings = policy_settings(t, streams)
        self.false_resolution = [0.0] * len(self.codes)
        for policy, p in t.false_resolution.items():
            self.false_resolution[self.codes[policy]] = p
        self.false_draw = streams.uniform("false_resolution")
        self.wrong_draw = streams.uniform("misroute_pool")
        self.sla_target = [s.sla.escalation.get(p.name, math.nan) for p in self.pools]
        # the channel a hand-off turns each channel into (MODEL.md §8), by code; None: no change
        self.cross_channel: list[int] | None = None
        if t.cross_channel:
            self.cross_channel = [
                CHANNELS.index(t.cross_channel.get(name, name)) for name in CHANNELS
            ]
        # (handle_factor, resolve_factor) by policy code, for contacts that came by it
        self.context: list[tuple[float, float] | None] | None = None
        if t.context:
            self.context = [None] * len(self.codes)
            for policy, ctx in t.context.items():
                self.context[self.codes[policy]] = (ctx.handle_factor, ctx.resolve_factor)

    def _build_triggers(self) -> None:
        """MODEL.md §7's complaint, repeat-contact and case-age triggers, when the file has them."""
        s = self.scenario
        self.complaint = s.customers.complaint
        self._complained: set[int] = set()  # contacts that have complained
        if self.complaint is not None:
            self.complaint_draw = self.streams.uniform("complaint")
            to = self.complaint.to
            for ct in self.call_types:
                for route in (ct, *ct.routes):
                    route.complaint_to = (
                        self.pools[self.pool_index[to]]
                        if to is not None
                        else max(route.path, key=lambda p: p.tier)  # the first of the highest
                    )
        self.peers = [
            None if spec.peer is None else PeerSettings(name, spec.peer, self.streams)
            for name, spec in s.pools.items()
        ]
        self.repeat_contact = s.escalation.repeat_contact
        self.case_age = s.escalation.case_age
        self._case_start: dict[int, float] = {}  # first arrival of each case that called again
        memory = s.customers.recontact
        self.owner_rediscovery: Callable[[], float] | None = None  # case memory's retelling
        if memory is not None and memory.route == "last_pool":
            self.owner_rediscovery = (
                _no_retelling
                if memory.context == "kept"
                else s.transfer.cold.rediscovery_time.sampler(
                    self.streams.generator("recontact:rediscovery_time")
                )
            )

    def consult_peer(self, c: Contact, pool: Pool, agent: int) -> Generator[Pause, int, bool]:
        """A peer consult before escalating (:mod:`simcc.model.peer`); whether it resolved it."""
        return consult_peer(self, c, pool, agent)

    def complains(self, c: Contact, pool: Pool) -> bool:
        """Whether the customer, answered by an agent of ``pool``, turns the call into a
        complaint (drawn once per answer, until it has complained once)."""
        spec = self.complaint
        assert spec is not None
        to = c.ctype.complaint_to
        if pool is to or pool.tier > to.tier or c.id in self._complained:
            return False
        waited = (c.wait + c.hold_time + c.transfer_wait) / 60.0
        p = spec.base + spec.per_wait_minute * waited + spec.per_retelling * c.rediscoveries
        if self.complaint_draw() < p:
            self._complained.add(c.id)
            return True
        return False

    # ------------------------------------------------------------------ arrivals

    def _start_arrivals(self, ct: CallTypeRuntime, spec: Arrivals) -> None:
        """Book the call type's first arrival: on the fused path of a plain call type
        (:mod:`simcc.model.plain_leg`), else on the general first leg below."""
        draws = ContactDraws(self.scenario, self.streams, self.env, ct, "first")
        stream = ArrivalStream(ct, spec, self.streams, self.horizon, draws.prepare, self.volume)
        on_arrival: Callable[[Any], None] = self._on_arrival
        if is_plain(self, ct):
            on_arrival = PlainLeg(self, stream, draws).arrive
        at = stream.next_time()
        if at is not None:
            call_in(self.env, at - self.env.now, on_arrival, stream)

    def _on_arrival(self, event: Event) -> None:
        """A first contact arrives: give it its draws, queue or serve it, book the next."""
        if self.max_contacts is not None and self.contact_cap_reached():
            return  # (a re-contact made the last contact the cap allows)
        stream: ArrivalStream = event._value
        segment = self.segment_draw()
        ct = stream.ct
        if ct.routes:  # the contact's need, from a stream of its own (MODEL.md §7)
            ct = ct.routes[ct.need_draw()]
        c = Contact(self.next_contact, self.next_case, 1, ct, segment)
        self.next_contact += 1
        self.next_case += 1
        stream.prepare(c, segment)
        self.live[c.id] = c
        door = self.doors[c.call_type]
        if door is None:
            self.arrive(c)
        else:
            door.enter(self, c, self.arrive)
        if self.max_contacts is not None and self.contact_cap_reached():
            return
        at = stream.next_time()
        if at is not None:
            call_in(self.env, at - self.env.now, self._on_arrival, stream)

    # ------------------------------------------------------------------ the first leg

    # The first leg of every contact (queue at the entry pool, answer, handle,
    # resolve or escalate) runs as callbacks on events at the times a process
    # would wait for, without a generator frame per contact; the contact's life
    # becomes a light process (simcc.model.contact.after_escalation) at its
    # first hand-off.  This keeps the common path cheap; the event times are
    # the same as a process's (tests/process/test_event_sequences.py).

    def arrive(self, c: Contact) -> None:
        """Contact ``c`` asks for an agent of its entry pool (or of an overflow pool)."""
        ct = c.ctype
        entry = ct.path[0]
        agent = entry.seize()
        if agent is not None:
            self._answer(c, entry, agent)
            return
        for pool in ct.overflow_now:
            agent = pool.seize()
            if agent is not None:
                self._answer(c, pool, agent)
                return
        hold = self.holds[c.call_type]
        if hold is not None and hold.offered(entry):  # virtual hold: a call back, its place kept
            c.virtual_hold = True
            start_process(self.env, call_back(self, c, entry, hold))
            return
        waiting = entry.join(c.priority, 1, c.queued + c.patience, c, then=self._on_answer)
        if waiting.state == WAITING:
            for pool in ct.overflow_now:
                self.overflow(waiting, pool)
            for clock in ct.overflow_later:
                clock.add(waiting)

    def overflow(self, entry: Entry[Contact], pool: Pool) -> None:
        """The contact waiting in ``entry`` (its entry pool) may now be answered by ``pool``.

        An idle agent of ``pool`` answers at once; otherwise the contact joins
        ``pool``'s queue too (unless it is full) with the same deadline, and
        stays in every queue it is in until one of them answers it.
        """
        c = entry.owner
        if entry.deadline <= self.env.now + EPS:
            return  # patience runs out now: the reneging clock, due now too, lets the caller go
        agent = pool.seize()
        if agent is not None:
            for other in entry.group or (entry,):
                other.pool.cancel(other)
            self._answer(c, pool, agent)
            return
        if pool.queue_capacity is not None and pool.waiting_live >= pool.queue_capacity:
            return  # no room there: the contact stays where it waits
        if entry.group is None:
            entry.group = [entry]
        # join() hands out no agent here (seize() found none idle), so the group
        # is in place before this entry can be answered
        second = pool.join(c.priority, 1, entry.deadline, c, then=self._on_answer)
        second.group = entry.group
        entry.group.append(second)

    def _on_answer(self, entry: Entry[Contact], agent: int) -> None:
        c = entry.owner
        if entry.group is not None:  # waiting in other queues too: leave them
            for other in entry.group:
                other.pool.cancel(other)  # (no-op for this entry, no longer waiting)
        if entry.ended != _ANSWERED:  # hung up, or found the queue full
            c.wait = self.env.now - c.queued
            self.end(c, _ABANDONED_QUEUE)
        else:
            self._answer(c, entry.pool, agent)

    def _answer(self, c: Contact, pool: Pool, agent: int) -> None:
        """An agent of ``pool`` answers the contact: the entry pool, or an overflow pool."""
        now = self.env.now
        c.answer = now
        c.answer_pool = pool.index
        c.wait = now - c.queued
        c.agent = agent
        ct = c.ctype
        handle = c.first_handle
        if pool is not ct.path[0]:  # answered by an overflow pool: its own handle time
            c.pools = c.last_pool = pool.index
            # streams of their own, first contacts apart from re-contacts (as in ContactDraws)
            kind = "overflow_handle" if c.attempt == 1 else "overflow_recontact_handle"
            handle = self._sampler(kind, pool.index, ct.index)()
        resolve = ct.resolve[pool.index]
        if pool.adjusts:  # the answering agent's group or chat load: its factors
            handle, resolve = pool.skill(agent, handle, resolve)
        resolved = c.first_resolve < resolve
        if len(ct.path) > 1 and handle > ct.escalate_after[pool.index]:
            handle, resolved = ct.escalate_after[pool.index], False
            c.reason = ct.limit_reason[pool.index]
        elif ct.need and not resolved:
            c.reason = ct.fail_reason[pool.index]
        if self.complaint is not None and self.complains(c, pool):
            resolved, c.reason, c.jump = False, _COMPLAINT, ct.complaint_to
        c.resolved = resolved
        c.busy_since = now
        if c.retell > 0.0:  # the front door lost the context: the story first
            self._retell_first(c, handle)
            return
        # an event even for a zero handle time: an agent freed at once must not
        # serve the next waiting contact inside this call (no unbounded recursion)
        call_in(self.env, 0.0 if handle < 0.0 else handle, self._on_first_handled, c)

    def _retell_first(self, c: Contact, handle: float) -> None:
        """The answering agent hears the story again (``c.retell``), then handles the contact."""
        start = self.env.now

        def retold(_event: Event) -> None:
            now = self.env.now
            self.recorder.agent(AGENT_ROW(c.answer_pool, c.agent, c.id, _REDISCOVERY, start, now))
            c.busy_since = now
            call_in(self.env, max(handle, 0.0), self._on_first_handled, c)

        call_in(self.env, c.retell, retold)

    def _on_first_handled(self, event: Event) -> None:
        """The first agent's handling ends: it resolves or closes the contact, or escalates it."""
        c: Contact = event._value
        now = self.env.now
        if now > c.busy_since:
            self.recorder.agent(AGENT_ROW(c.answer_pool, c.agent, c.id, _HANDLE, c.busy_since, now))
        ct = c.ctype
        pool = self.pools[c.answer_pool]  # the entry pool, or the overflow pool that answered
        if c.resolved or (len(ct.path) == 1 and c.jump is None):
            wrap = self.wraps[pool.index][ct.index] or self.wrap(pool.index, ct.index)
            pool.finish(c.agent, wrap(), c.id)
            self.end(c, _RESOLVED if c.resolved else _UNRESOLVED)
        else:
            start_process_last(self.env, after_escalation(self, c, pool, c.agent))

    # ------------------------------------------------------------------ hand-offs

    def hand_on(self, c: Contact, pool: Pool, agent: int, target: Pool, position: int) -> Process:
        """Hand contact ``c`` from ``agent`` of ``pool`` on to ``target`` (next on its path).

        The policy is the scenario's (or its rules' choice); an unstaffed target
        may turn it into a callback or send the contact to its fallback pool; a
        ticket stays a ticket.  Returns the policy's process (which ends with the
        next leg), to be run with ``yield from`` at once.
        """
        policy: str = self.policy
        if policy == "rules":
            policy = self._decide(c, pool, target)
        if target.present == 0 and target.when_unstaffed not in (None, "queue"):
            if target.when_unstaffed == "callback":
                policy = "callback"
            elif target.fallback_pool is not None and target.fallback_pool is not pool:
                target = target.fallback_pool  # (never back to the transferring pool)
        if c.ticket:
            policy = "email"  # a ticket's customer is not on the line: it stays a ticket
        c.escalations += 1
        c.policy = self.codes[policy]
        if self.cross_channel is not None:  # e.g. an escalated chat becomes a call
            changes = self.recorder.channel_changes
            changes[c.id] = self.cross_channel[changes.get(c.id, c.ctype.channel)]
        if c.first_handoff != c.first_handoff:  # NaN: the first (a peer consult is no hand-on)
            c.first_handoff = self.env.now
        return TRANSFERS[policy](self, c, pool, agent, target, position)

    def _decide(self, c: Contact, pool: Pool, target: Pool) -> str:
        situation = Situation(
            call_type=c.ctype.name,
            segment=self.segment_names[c.segment],
            source_tier=pool.tier,
            target_pool=target.name,
            target_tier=target.tier,
            target_idle_agents=target.idle_agents,
            target_queue_length=target.queue_length,
            expected_wait=target.expected_wait() if self.rules_need_wait else 0.0,
        )
        return choose(self.rules, situation)

    def wrong_pool(self, source: Pool, target: Pool) -> Pool:
        """Where a misrouted cold transfer lands: another pool of the target's tier that
        serves the same kind of contact (chat sessions, or one contact per agent), else back."""
        chat = isinstance(target, ChatPool)
        same_tier = [
            p
            for p in self.pools
            if p.tier == target.tier
            and p is not target
            and p is not source
            and isinstance(p, ChatPool) == chat
        ]
        if not same_tier:
            return source
        return same_tier[min(int(self.wrong_draw() * len(same_tier)), len(same_tier) - 1)]

    def schedule_chase(self, c: Contact, at: float, started: list[bool]) -> None:
        """An e-mailed customer chases (calls again) if B has not started by ``at``.

        A case chases at most once: the chase call may itself be e-mailed on,
        but that ticket does not chase again (no cascade of chases).
        """
        if at >= self.horizon:
            return

        def chase(_event: Event) -> None:
            if not started[0] and c.case_id not in self._chased:
                self._chased.add(c.case_id)
                self._new_attempt(c)

        call_in(self.env, at - self.env.now, chase)

    # ------------------------------------------------------------------ endings

    def end(self, c: Contact, outcome: int) -> None:
        """Contact ``c`` ends with ``outcome`` (an :class:`Outcome`'s plain code); record it and
        maybe schedule a re-contact."""
        now = self.env.now
        c.outcome = outcome
        c.end = now
        self.recorder.contact(c)
        self.live.pop(c.id, None)
        self.ended += 1
        if self.recontact is not None:
            self.recontact_after(c, outcome, now)

    def recontact_after(self, c: Contact | PlainContact, outcome: int, now: float) -> None:
        """Maybe schedule a re-contact of ``c``'s case, which has just ended with ``outcome``."""
        if (outcome == _RESOLVED and not c.false_resolution) or outcome == _SELF_SERVED:
            return
        p = self._recontact_p_false if outcome == _RESOLVED else self._recontact_p[outcome]
        if p > 0 and self.recontact_draw() < p:
            delay = self.recontact_delay()
            if now + delay < self.horizon:
                call_in(self.env, delay, self._on_recontact, c)

    def _on_recontact(self, event: Event) -> None:
        self._new_attempt(event._value)

    def contact_cap_reached(self) -> bool:
        """Whether ``--max-contacts`` contacts were made: then no more arrive, nor call
        again (the replication says it stopped early)."""
        assert self.max_contacts is not None
        if self.next_contact < self.max_contacts:
            return False
        self.stopped_early = f"stopped at --max-contacts {self.max_contacts}"
        return True

    def _new_attempt(self, old: Contact | PlainContact) -> None:
        """The customer calls again about the same case (unless the contact cap is reached)."""
        if self.max_contacts is not None and self.contact_cap_reached():
            return
        self.instants.count(self.env.now)
        ct = old.ctype
        # attempts of a case are numbered in the order they arrive (a chase and a
        # re-contact of the same contact are two attempts)
        attempt = self._last_attempt.get(old.case_id, 1) + 1
        self._last_attempt[old.case_id] = attempt
        c = Contact(self.next_contact, old.case_id, attempt, ct, old.segment)
        self.next_contact += 1
        prepare = self._recontact_draws.get(ct.index)
        if prepare is None:
            prepare = ContactDraws(self.scenario, self.streams, self.env, ct, "recontact").prepare
            self._recontact_draws[ct.index] = prepare
        prepare(c, old.segment)
        self.live[c.id] = c
        door = self.recontact_doors[c.call_type]
        if door is None:
            self._recontact_route(c, old)
        else:
            door.enter(self, c, lambda again: self._recontact_route(again, old))

    def _recontact_route(self, c: Contact, old: Contact | PlainContact) -> None:
        """Where re-contact ``c`` of ``old``'s case queues: a trigger's pool, its owner, or
        its entry pool."""
        if self.repeat_contact is not None or self.case_age is not None:
            start = self._case_start.setdefault(old.case_id, old.arrival)
            skip = self._skip(c, start)
            if skip is not None:
                start_process(self.env, skip_to(self, c, *skip))
                return
        if self.owner_rediscovery is not None and old.last_pool != c.entry_pool:
            owner = self.pools[old.last_pool]  # case memory: back to the case's last pool
            retell = self.owner_rediscovery()
            start_process(self.env, skip_to(self, c, owner, None, retell))
            return
        self.arrive(c)

    def _skip(self, c: Contact, case_start: float) -> tuple[Pool, int] | None:
        """Where a re-contact skips to, and why (repeat_contact first, then case_age), if at all."""
        rule, reason = None, _REPEAT_CONTACT
        if self.repeat_contact is not None and c.attempt >= self.repeat_contact.attempt:
            rule = self.repeat_contact.to
        elif self.case_age is not None and c.arrival - case_start > self.case_age.after:
            rule, reason = self.case_age.to, _CASE_AGE
        if rule is None or rule == c.ctype.path[0].name:
            return None
        return self.pools[self.pool_index[rule]], reason

    # ------------------------------------------------------------------ running

    def run(self, drain: float = math.inf, wall_clock: float | None = None) -> None:
        """Simulate to the end: arrivals stop at the horizon, then contacts drain.

        Contacts still in the system at the end are recorded ``unfinished``.
        Python's cyclic garbage collector is paused meanwhile: the run makes
        almost no cyclic garbage (a handful of objects per replication), but a
        full collection, scanning every object of the process, could land in
        it and cost as much as a third of a small replication.
        """
        until = self.horizon + drain
        collecting = gc.isenabled()
        gc.disable()
        try:
            if wall_clock is None:
                run_to(self.env, until, self.consults)
            else:
                self.stopped_early = run_with_wall_clock(
                    self.env, until, wall_clock, self.consults, self.horizon
                )
        finally:
            if collecting:
                gc.enable()
        env = self.env
        for c in list(self.live.values()):
            c.outcome = _UNFINISHED
            c.end = env.now
            record = self.recorder.contact if isinstance(c, Contact) else c.leg.record_contact
            record(c)
        self.live.clear()
