"""The first leg of a plain call type's first contacts in three fused callbacks.

A call type is *plain* when its first leg has no feature to check: a plain
pool first on its path, no needs, no front door, no virtual hold, no overflow
and no complaints (:func:`is_plain`).  Such a contact arrives, is answered at
once or queues, is handled, and ends (resolved or unresolved) or hangs up —
or, when its path goes on, is handed on.  The general first leg of
:class:`~simcc.model.center.Center` runs it through about a dozen calls, each
checking for features the call type does not have; :class:`PlainLeg`, chosen
when the centre is built, runs the same steps in three callbacks — the
arrival (draws, answer or queue, the next arrival), the answer from the
queue, the end of handling (records, the agent's next contact, the contact's
end) — with what they read bound once.  A contact its first agent hands on
becomes a full :class:`~simcc.model.contact.Contact` at that moment
(:meth:`PlainLeg.hand_on`), whose life goes on as the general one's: the
light process of :func:`~simcc.model.contact.after_escalation`.  The 60–80 %
of a multi-tier centre's contacts resolved (or lost) at their first pool
never need more.

The steps, their order, the events in the queue and every draw a record
or a decision reads are the general path's, so the results are the same to
the bit (``benchmarks/fingerprint.py``).  What goes is work no result reads:
a contact's hold and transfer patience on a path of one pool, and its
resolution draw when its pool resolves every contact, are never drawn (each
is a stream of its own, which nothing else draws from); a plain contact
(:class:`PlainContact`) stores only what its first leg sets (and, if it is
handed on, its hold and transfer patience and why), its other fields being
those of any new contact of its call type; the arrival timer is pushed again
for the next arrival instead of a new one.
"""

from __future__ import annotations

import math
from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL

from simcc.model.contact import Contact, after_escalation
from simcc.model.pool import Place, Pool, Wait
from simcc.model.records import AGENT_ROW, CONTACTS, FIRST_LEG, Activity, Outcome, Reason
from simcc.model.samplers import no_wrap_up
from simcc.model.scheduling import Call, start_process_last, tie

if TYPE_CHECKING:
    from simcc.model.arrivals import ArrivalStream, ContactDraws
    from simcc.model.center import Center
    from simcc.model.contact import CallTypeRuntime

_HANDLE = Activity.HANDLE.value
_RESOLVED, _UNRESOLVED = Outcome.RESOLVED.value, Outcome.UNRESOLVED.value
_ABANDONED_QUEUE = Outcome.ABANDONED_QUEUE.value
_NOT_RESOLVED = Reason.NOT_RESOLVED.value
_ANSWERED, _HUNG_UP = Wait.ANSWERED, Wait.HUNG_UP
NAN = math.nan
CONTACT_SOURCES = tuple(f.attr for f in CONTACTS.stored)


def is_plain(center: Center, ct: CallTypeRuntime) -> bool:
    """Whether the first leg of first contacts of ``ct`` is plain: at a plain pool, with
    no needs, front door, virtual hold, overflow or complaints (any path after it)."""
    entry = ct.path[0]
    return (
        not ct.routes
        and not ct.overflow_now
        and not ct.overflow_later
        and center.doors[ct.index] is None
        and center.holds[ct.index] is None
        and center.complaint is None
        and type(entry) is Pool  # (no agent groups, chat sessions or weighted waits)
    )


class PlainContact(Place["PlainContact"]):
    """A plain call type's first contact: only what its first leg sets is stored
    (:data:`~simcc.model.records.FIRST_LEG`, and what its leg reads).

    Every other field of its record (attempt 1, its call type and pool, no
    hand-off, …) is that of a new :class:`Contact` of its call type, which
    the leg's contact recorder writes without reading it
    (:meth:`Recorder.contact_with`).  A re-contact of its case reads its
    call type and last pool (the properties below).  While it waits it is its
    own place in its pool's queue (a :class:`~simcc.model.pool.Place`): no
    queue entry is made for it.
    """

    __slots__ = (
        *FIRST_LEG,
        *("agent", "first_handle", "leg", "resolved"),
        *("hold_patience", "reason", "transfer_patience"),  # (set only if it is handed on)
    )

    false_resolution = False
    agent: int
    answer: float
    answer_pool: int
    arrival: float
    case_id: int
    end: float
    first_handle: float
    hold_patience: float
    id: int
    leg: PlainLeg
    outcome: int
    priority: int
    queued: float
    reason: int
    resolved: bool
    segment: int
    transfer_patience: float
    wait: float

    @property
    def ctype(self) -> CallTypeRuntime:
        return self.leg.ct

    @property
    def last_pool(self) -> int:
        return self.leg.pool.index


class PlainLeg:
    """The first contacts of one plain call type, from arrival to end (see the module)."""

    def __init__(self, center: Center, stream: ArrivalStream, draws: ContactDraws) -> None:
        ct = stream.ct
        self.center = center
        self.env = center.env
        self.next_time = stream.next_time
        self.ct = ct
        self.pool = pool = ct.path[0]
        self.one_segment = len(center.segment_names) == 1  # (its draw is always 0)
        self.handle = draws.handle
        self.patience = draws.patience
        self.priorities = draws.priorities
        p = ct.resolve[pool.index]
        # None: every contact is resolved (a uniform draw is below 1), so none is drawn
        self.resolve_p: float | None = None if p >= 1.0 else p
        self.resolve = draws.resolve
        # a longer path: the first agent hands on a contact it does not resolve, or whose
        # diagnosis reaches escalate_after (MODEL.md §3, §7), as Center._answer decides
        self.onward = len(ct.path) > 1
        self.limit = ct.escalate_after[pool.index] if self.onward else math.inf
        self.limit_reason = ct.limit_reason[pool.index]
        self.hold, self.transfer = draws.hold, draws.transfer
        wrap = center.wrap(pool.index, ct.index)
        self.wrap = None if wrap is no_wrap_up else wrap
        self.record_agent = center.recorder.agent
        new = Contact(0, 0, 1, ct, 0)  # what a plain contact keeps of a new contact
        fixed = {f: getattr(new, f) for f in (*CONTACT_SOURCES, "pools") if f not in FIRST_LEG}
        self.record_contact = center.recorder.contact_with(fixed)
        self.live = center.live
        # one bound method each for every contact, not one per use
        self.on_answer, self.on_handled = self.answered, self.handled
        self.spare: list[Call] = []  # handling timers that have run, free for the next ones

    def arrive(self, event: Call) -> None:
        """A first contact arrives: its draws, an agent at once or the queue; the next one."""
        center, env = self.center, self.env
        if center.max_contacts is not None and center.contact_cap_reached():
            return  # (a re-contact made the last contact the cap allows)
        now = env.now
        c = PlainContact()
        c.leg = self
        c.id, c.case_id = center.next_contact, center.next_case
        center.next_contact += 1
        center.next_case += 1
        c.segment = segment = 0 if self.one_segment else center.segment_draw()
        c.arrival = c.queued = now
        c.priority = self.priorities[segment]
        handle = self.handle()
        p = self.resolve_p
        resolved = True if p is None else self.resolve() < p
        patience = self.patience[segment]()
        if self.onward:  # the draws a contact handed on reads (each a stream of its own)
            hold, transfer = self.hold[segment](), self.transfer[segment]()
            reason = _NOT_RESOLVED
            if handle > self.limit:  # the escalation trigger ends the diagnosis
                handle, resolved, reason = self.limit, False, self.limit_reason
            if not resolved:
                c.hold_patience, c.transfer_patience, c.reason = hold, transfer, reason
        c.first_handle, c.resolved = handle, resolved
        self.live[c.id] = c
        pool = self.pool
        if pool.idle and not pool.waiting:  # (pool.seize, inline: a plain pool's own)
            pool.busy += 1
            pool.recent_starts.append(now)
            c.agent = pool.idle.popleft()
            c.answer, c.answer_pool, c.wait = now, pool.index, 0.0
            spare = self.spare
            call = spare.pop() if spare else self.new_timer()
            call._value = c
            done = now + (0.0 if handle < 0.0 else handle)  # (an event even for no time)
            due = env._at
            old = due.setdefault(done, call)  # (call_in, inline: every contact answered at once)
            if old is call:
                heappush(env._times, done)
            else:
                tie(due, done, old, NORMAL, call)
        else:
            c.answer, c.answer_pool, c.wait = NAN, -1, NAN  # (until answered)
            c.deadline = now + patience  # the contact is its own place in the queue
            c.expires, c.then, c.pool = _HUNG_UP, self.on_answer, pool
            pool.queue_up(c, c.priority, 1)
        if center.max_contacts is not None and center.contact_cap_reached():
            return
        at = self.next_time()
        if at is not None:  # (its value is the stream)
            at = now + (at - now)  # (call_again, inline: every arrival; the same float)
            due = env._at
            old = due.setdefault(at, event)
            if old is event:
                heappush(env._times, at)
            else:
                tie(due, at, old, NORMAL, event)

    def answered(self, c: PlainContact, agent: int) -> None:
        """The contact's wait in the queue is over: an agent answers, or it has hung up."""
        now = self.env.now
        c.wait = now - c.queued
        if c.ended != _ANSWERED:
            self.end(c, _ABANDONED_QUEUE, now)
            return
        c.answer = now
        c.answer_pool = self.pool.index
        c.agent = agent
        handle = c.first_handle
        spare = self.spare
        call = spare.pop() if spare else self.new_timer()
        call._value = c
        at = now + (0.0 if handle < 0.0 else handle)
        env = self.env
        due = env._at
        old = due.setdefault(at, call)  # (call_in, inline)
        if old is call:
            heappush(env._times, at)
        else:
            tie(due, at, old, NORMAL, call)

    def new_timer(self) -> Call:
        """A new handling timer (one that has run is reused: see :meth:`handled`)."""
        call = Call()
        call.fn = self.on_handled
        return call

    def handled(self, event: Call) -> None:
        """The agent's handling ends: its record, its next contact, the contact's end."""
        c: PlainContact = event._value
        self.spare.append(event)  # (it has run: the next handling may reuse it)
        now = self.env.now
        if now > c.answer:
            self.record_agent(AGENT_ROW(self.pool.index, c.agent, c.id, _HANDLE, c.answer, now))
        if not c.resolved and self.onward:
            self.hand_on(c)
            return
        if self.wrap is None:
            self.pool.release(c.agent)
        else:
            self.pool.finish(c.agent, self.wrap(), c.id)
        self.end(c, _RESOLVED if c.resolved else _UNRESOLVED, now)

    def hand_on(self, c: PlainContact) -> None:
        """The first agent hands the contact on: from here it is a :class:`Contact`, whose
        life goes on as the light process of :func:`after_escalation` (as Center's).

        Set here is all that the rest of its life reads; ``patience`` and
        ``first_resolve`` (read only by the first leg, and by a re-contact, which is a
        new :class:`Contact`) are left unset.
        """
        full = Contact(c.id, c.case_id, 1, self.ct, c.segment)
        full.priority = c.priority
        full.arrival, full.queued = c.arrival, c.queued
        full.first_handle = c.first_handle
        full.hold_patience, full.transfer_patience = c.hold_patience, c.transfer_patience
        full.answer, full.answer_pool, full.wait = c.answer, c.answer_pool, c.wait
        full.agent = c.agent
        full.busy_since = c.answer
        full.resolved = False
        full.reason = c.reason
        self.live[c.id] = full  # (in its place: the live contacts keep their order)
        start_process_last(self.env, after_escalation(self.center, full, self.pool, c.agent))

    def end(self, c: PlainContact, outcome: int, now: float) -> None:
        """The contact ends: as :meth:`Center.end`."""
        center = self.center
        c.outcome = outcome
        c.end = now
        self.record_contact(c)
        del self.live[c.id]
        center.ended += 1
        if center.recontact is not None:
            center.recontact_after(c, outcome, now)
