"""Flat records of a simulation run: one row per contact, transfer leg and agent interval.

The engine appends to columnar buffers (``array.array``, 8 bytes a number, no
Python object per value) and :meth:`Recorder.frames` turns them into pandas
DataFrames in one call.  Names are stored as small integer codes and come out
as ``pandas.Categorical``.  Times are seconds of simulated time from the start
of the run; ``NaN`` marks a time that never happened (e.g. ``answer`` of a
contact that abandoned).

The fields of each table are pinned by the test suite; their meaning:
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

ACTIVITIES = (
    "handle",
    "wrap_up",
    "consult_wait",
    "consult",
    "conference",
    "rediscovery",
    "transfer",
    "dial",
)
"""What an agent is busy with: ``transfer`` is A's hand-off step (the line said
to the customer, the ticket written, the redirect), ``dial`` a callback attempt."""

OUTCOMES = (
    "resolved",
    "unresolved",
    "abandoned_queue",
    "abandoned_hold",
    "abandoned_transfer_queue",
    "callback_unreached",
    "unfinished",
)
"""Contact outcomes of MODEL.md §2, plus ``unfinished`` for a contact still in the
system when the ``drain`` limit stopped the run."""

LEG_OUTCOMES = (
    "engaged",
    "abandoned_hold",
    "abandoned_transfer_queue",
    "fallback",
    "callback_unreached",
    "redirected",
    "unfinished",
)

CONTACT_FIELDS: dict[str, str] = {
    "contact_id": "unique id of the contact (one call)",
    "case_id": "the customer's problem; re-contacts keep it",
    "attempt": "1 for the first contact of a case, then 2, 3, …",
    "call_type": "call type name",
    "segment": "customer segment name",
    "priority": "queue priority of the contact (lower is served first)",
    "arrival": "arrival time (s)",
    "measured": "arrived in the measurement window [warmup, horizon)",
    "entry_pool": "first pool of the call type's path",
    "answer": "time an agent first answered (NaN if never)",
    "answer_pool": "pool of that agent: the entry pool, or an overflow pool (missing if never)",
    "wait": "time in the entry queue: until answer, or until abandonment",
    "end": "time the contact ended (customer left or the last agent finished handling)",
    "outcome": "one of OUTCOMES",
    "false_resolution": "resolved, but falsely: the customer will call again",
    "escalations": "number of times the contact was handed on (misroutes included)",
    "pools": "pools that worked on the contact, in order, joined by '>'",
    "last_pool": "pool whose agent last worked on the contact",
    "policy": "transfer policy of the last hand-off ('' if none)",
    "hold_time": "total time on hold during warm/conference transfers (s)",
    "transfer_wait": "total time in receiving queues after hand-offs (s)",
    "rediscoveries": "times the customer had to tell the story again",
    "first_handoff": "time of the first hand-off (NaN if none)",
    "sla_legs": "hand-offs to a pool with an escalation SLA target",
    "sla_legs_met": "of those, the ones engaged within target",
}

LEG_FIELDS: dict[str, str] = {
    "contact_id": "the contact handed on",
    "leg": "1 for the first hand-off of the contact, then 2, …",
    "policy": "transfer policy used",
    "from_pool": "pool of the transferring agent A",
    "to_pool": "receiving pool B",
    "handoff": "time the hand-off started (hold, ticket or queue entry)",
    "engaged": "time a B agent engaged (seized, answered, reached; NaN if never)",
    "outcome": "one of LEG_OUTCOMES",
    "sla_target": "escalation SLA target of the receiving pool (NaN if none)",
    "sla_met": "1 engaged within target, 0 not, NaN no target",
    "attempts": "callback dial attempts (0 for other policies)",
}

AGENT_FIELDS: dict[str, str] = {
    "pool": "pool of the agent",
    "agent": "agent number within the pool",
    "contact_id": "contact the agent was busy for",
    "activity": "one of ACTIVITIES",
    "start": "start of the busy interval (s)",
    "end": "end of the busy interval (s)",
}

STAFFING_FIELDS: dict[str, str] = {
    "pool": "pool",
    "time": "time of the change (s)",
    "scheduled": "agents on the shift plan from this time",
    "present": "agents present from this time (scheduled, plus those finishing a contact)",
}

NAN = math.nan
CHUNK = 4096


class ContactLike(Protocol):
    """What :meth:`Recorder.contact` reads from the engine's contact."""

    id: int
    case_id: int
    attempt: int
    call_type: int
    segment: int
    priority: int
    entry_pool: int
    arrival: float
    answer: float
    answer_pool: int
    wait: float
    false_resolution: bool
    escalations: int
    last_pool: int
    policy: int
    hold_time: float
    transfer_wait: float
    rediscoveries: int
    first_handoff: float
    sla_legs: int
    sla_legs_met: int
    pools: list[int] | int


@dataclass(frozen=True)
class Names:
    """The name lists the integer codes of the records refer to."""

    pools: tuple[str, ...]
    call_types: tuple[str, ...]
    segments: tuple[str, ...]
    policies: tuple[str, ...]


class Recorder:
    """Columnar buffers the engine appends to; one per replication."""

    def __init__(self, names: Names) -> None:
        self.names = names
        # contacts
        self.c_id = array("q")
        self.c_case = array("q")
        self.c_attempt = array("i")
        self.c_type = array("i")
        self.c_segment = array("i")
        self.c_priority = array("i")
        self.c_entry = array("i")
        self.c_arrival = array("d")
        self.c_answer = array("d")
        self.c_answer_pool = array("i")
        self.c_wait = array("d")
        self.c_end = array("d")
        self.c_outcome = array("b")
        self.c_false = array("b")
        self.c_escalations = array("i")
        self.c_last_pool = array("i")
        self.c_policy = array("b")
        self.c_hold = array("d")
        self.c_transfer_wait = array("d")
        self.c_rediscoveries = array("i")
        self.c_first_handoff = array("d")
        self.c_sla_legs = array("i")
        self.c_sla_met = array("i")
        self.c_pools: list[str] = []
        # legs
        self.l_contact = array("q")
        self.l_leg = array("i")
        self.l_policy = array("b")
        self.l_from = array("i")
        self.l_to = array("i")
        self.l_handoff = array("d")
        self.l_engaged = array("d")
        self.l_outcome = array("b")
        self.l_target = array("d")
        self.l_met = array("d")
        self.l_attempts = array("i")
        # agents
        self.a_pool = array("i")
        self.a_agent = array("i")
        self.a_contact = array("q")
        self.a_activity = array("b")
        self.a_start = array("d")
        self.a_end = array("d")
        # staffing
        self.s_pool = array("i")
        self.s_time = array("d")
        self.s_scheduled = array("i")
        self.s_present = array("i")
        self._path_names: dict[tuple[int, ...], str] = {}
        self._single = list(names.pools)
        # rows wait in small lists of tuples, then go to the typed columns a chunk at a time
        self._contacts: list[tuple[Any, ...]] = []
        self._agents: list[tuple[Any, ...]] = []
        self._contact_columns = (
            self.c_id,
            self.c_case,
            self.c_attempt,
            self.c_type,
            self.c_segment,
            self.c_priority,
            self.c_entry,
            self.c_arrival,
            self.c_answer,
            self.c_answer_pool,
            self.c_wait,
            self.c_end,
            self.c_outcome,
            self.c_false,
            self.c_escalations,
            self.c_last_pool,
            self.c_policy,
            self.c_hold,
            self.c_transfer_wait,
            self.c_rediscoveries,
            self.c_first_handoff,
            self.c_sla_legs,
            self.c_sla_met,
        )
        self._agent_columns = (
            self.a_pool,
            self.a_agent,
            self.a_contact,
            self.a_activity,
            self.a_start,
            self.a_end,
        )

    # ------------------------------------------------------------------ appends

    def agent(
        self, pool: int, agent: int, contact: int, activity: int, start: float, end: float
    ) -> None:
        """One busy interval of one agent."""
        self._agents.append((pool, agent, contact, activity, start, end))
        if len(self._agents) >= CHUNK:
            self._flush_agents()

    def contact(self, c: ContactLike, outcome: int, end: float) -> None:
        """The final record of one contact (called once, when it ends)."""
        pools = c.pools
        self._contacts.append(
            (
                c.id,
                c.case_id,
                c.attempt,
                c.call_type,
                c.segment,
                c.priority,
                c.entry_pool,
                c.arrival,
                c.answer,
                c.answer_pool,
                c.wait,
                end,
                outcome,
                c.false_resolution,
                c.escalations,
                c.last_pool,
                c.policy,
                c.hold_time,
                c.transfer_wait,
                c.rediscoveries,
                c.first_handoff,
                c.sla_legs,
                c.sla_legs_met,
            )
        )
        self.c_pools.append(
            self._single[pools] if pools.__class__ is int else self._path_name(pools)
        )
        if len(self._contacts) >= CHUNK:
            self._flush_contacts()

    def _flush_contacts(self) -> None:
        _move(self._contacts, self._contact_columns)

    def _flush_agents(self) -> None:
        _move(self._agents, self._agent_columns)

    def _path_name(self, pools: list[int] | int) -> str:
        if isinstance(pools, int):
            return self.names.pools[pools]
        key = tuple(pools)
        name = self._path_names.get(key)
        if name is None:
            name = ">".join(self.names.pools[p] for p in pools)
            self._path_names[key] = name
        return name

    def staffing(self, pool: int, time: float, scheduled: int, present: int) -> None:
        """A change of a pool's staffing."""
        self.s_pool.append(pool)
        self.s_time.append(time)
        self.s_scheduled.append(scheduled)
        self.s_present.append(present)

    def leg(
        self,
        contact: int,
        leg: int,
        policy: int,
        src: int,
        dst: int,
        handoff: float,
        engaged: float,
        outcome: int,
        target: float,
        met: float,
        attempts: int = 0,
    ) -> None:
        """One hand-off of one contact (``met``: 1, 0, or NaN when no target applies)."""
        self.l_contact.append(contact)
        self.l_leg.append(leg)
        self.l_policy.append(policy)
        self.l_from.append(src)
        self.l_to.append(dst)
        self.l_handoff.append(handoff)
        self.l_engaged.append(engaged)
        self.l_outcome.append(outcome)
        self.l_target.append(target)
        self.l_met.append(met)
        self.l_attempts.append(attempts)

    # ------------------------------------------------------------------ output

    @property
    def n_contacts(self) -> int:
        return len(self.c_id) + len(self._contacts)

    def contact_arrays(self) -> dict[str, np.ndarray]:
        """The contact table as numpy arrays (codes for names), for fast metrics."""
        self._flush_contacts()
        return {
            "contact_id": np.frombuffer(self.c_id, dtype=np.int64),
            "case_id": np.frombuffer(self.c_case, dtype=np.int64),
            "attempt": np.frombuffer(self.c_attempt, dtype=np.int32),
            "call_type": np.frombuffer(self.c_type, dtype=np.int32),
            "segment": np.frombuffer(self.c_segment, dtype=np.int32),
            "priority": np.frombuffer(self.c_priority, dtype=np.int32),
            "entry_pool": np.frombuffer(self.c_entry, dtype=np.int32),
            "arrival": np.frombuffer(self.c_arrival, dtype=np.float64),
            "answer": np.frombuffer(self.c_answer, dtype=np.float64),
            "answer_pool": np.frombuffer(self.c_answer_pool, dtype=np.int32),
            "wait": np.frombuffer(self.c_wait, dtype=np.float64),
            "end": np.frombuffer(self.c_end, dtype=np.float64),
            "outcome": np.frombuffer(self.c_outcome, dtype=np.int8),
            "false_resolution": np.frombuffer(self.c_false, dtype=np.int8).view(bool),
            "escalations": np.frombuffer(self.c_escalations, dtype=np.int32),
            "last_pool": np.frombuffer(self.c_last_pool, dtype=np.int32),
            "policy": np.frombuffer(self.c_policy, dtype=np.int8),
            "hold_time": np.frombuffer(self.c_hold, dtype=np.float64),
            "transfer_wait": np.frombuffer(self.c_transfer_wait, dtype=np.float64),
            "rediscoveries": np.frombuffer(self.c_rediscoveries, dtype=np.int32),
            "first_handoff": np.frombuffer(self.c_first_handoff, dtype=np.float64),
            "sla_legs": np.frombuffer(self.c_sla_legs, dtype=np.int32),
            "sla_legs_met": np.frombuffer(self.c_sla_met, dtype=np.int32),
        }

    def agent_arrays(self) -> dict[str, np.ndarray]:
        """The agent-interval table as numpy arrays (codes for names)."""
        self._flush_agents()
        return {
            "pool": np.frombuffer(self.a_pool, dtype=np.int32),
            "agent": np.frombuffer(self.a_agent, dtype=np.int32),
            "contact_id": np.frombuffer(self.a_contact, dtype=np.int64),
            "activity": np.frombuffer(self.a_activity, dtype=np.int8),
            "start": np.frombuffer(self.a_start, dtype=np.float64),
            "end": np.frombuffer(self.a_end, dtype=np.float64),
        }

    def leg_arrays(self) -> dict[str, np.ndarray]:
        """The transfer-leg table as numpy arrays (codes for names)."""
        return {
            "contact_id": np.frombuffer(self.l_contact, dtype=np.int64),
            "leg": np.frombuffer(self.l_leg, dtype=np.int32),
            "policy": np.frombuffer(self.l_policy, dtype=np.int8),
            "from_pool": np.frombuffer(self.l_from, dtype=np.int32),
            "to_pool": np.frombuffer(self.l_to, dtype=np.int32),
            "handoff": np.frombuffer(self.l_handoff, dtype=np.float64),
            "engaged": np.frombuffer(self.l_engaged, dtype=np.float64),
            "outcome": np.frombuffer(self.l_outcome, dtype=np.int8),
            "sla_target": np.frombuffer(self.l_target, dtype=np.float64),
            "sla_met": np.frombuffer(self.l_met, dtype=np.float64),
            "attempts": np.frombuffer(self.l_attempts, dtype=np.int32),
        }

    def staffing_arrays(self) -> dict[str, np.ndarray]:
        """The staffing-change table as numpy arrays."""
        return {
            "pool": np.frombuffer(self.s_pool, dtype=np.int32),
            "time": np.frombuffer(self.s_time, dtype=np.float64),
            "scheduled": np.frombuffer(self.s_scheduled, dtype=np.int32),
            "present": np.frombuffer(self.s_present, dtype=np.int32),
        }


def _move(rows: list[tuple[Any, ...]], columns: tuple[array, ...]) -> None:  # type: ignore[type-arg]
    """Append buffered rows to typed columns, one C-level extend per column, and clear them."""
    if rows:
        for column, values in zip(columns, zip(*rows, strict=True), strict=True):
            column.extend(values)
        rows.clear()


def _categorical(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=pd.Index(names))


def contacts_frame(rec: Recorder, warmup: float, horizon: float) -> pd.DataFrame:
    """One row per contact (see CONTACT_FIELDS)."""
    arr = rec.contact_arrays()
    names = rec.names
    frame = pd.DataFrame(
        {
            "contact_id": arr["contact_id"],
            "case_id": arr["case_id"],
            "attempt": arr["attempt"],
            "call_type": _categorical(arr["call_type"], names.call_types),
            "segment": _categorical(arr["segment"], names.segments),
            "priority": arr["priority"],
            "arrival": arr["arrival"],
            "measured": (arr["arrival"] >= warmup) & (arr["arrival"] < horizon),
            "entry_pool": _categorical(arr["entry_pool"], names.pools),
            "answer": arr["answer"],
            "answer_pool": _categorical(arr["answer_pool"], names.pools),
            "wait": arr["wait"],
            "end": arr["end"],
            "outcome": _categorical(arr["outcome"], OUTCOMES),
            "false_resolution": arr["false_resolution"],
            "escalations": arr["escalations"],
            "pools": pd.Categorical(rec.c_pools),
            "last_pool": _categorical(arr["last_pool"], names.pools),
            "policy": _categorical(arr["policy"], names.policies),
            "hold_time": arr["hold_time"],
            "transfer_wait": arr["transfer_wait"],
            "rediscoveries": arr["rediscoveries"],
            "first_handoff": arr["first_handoff"],
            "sla_legs": arr["sla_legs"],
            "sla_legs_met": arr["sla_legs_met"],
        }
    )
    return frame.sort_values("contact_id", kind="stable", ignore_index=True)


def legs_frame(rec: Recorder) -> pd.DataFrame:
    """One row per hand-off (see LEG_FIELDS)."""
    arr = rec.leg_arrays()
    names = rec.names
    return pd.DataFrame(
        {
            "contact_id": arr["contact_id"],
            "leg": arr["leg"],
            "policy": _categorical(arr["policy"], names.policies),
            "from_pool": _categorical(arr["from_pool"], names.pools),
            "to_pool": _categorical(arr["to_pool"], names.pools),
            "handoff": arr["handoff"],
            "engaged": arr["engaged"],
            "outcome": _categorical(arr["outcome"], LEG_OUTCOMES),
            "sla_target": arr["sla_target"],
            "sla_met": arr["sla_met"],
            "attempts": arr["attempts"],
        }
    )


def agents_frame(rec: Recorder) -> pd.DataFrame:
    """One row per agent busy interval (see AGENT_FIELDS)."""
    arr = rec.agent_arrays()
    names = rec.names
    return pd.DataFrame(
        {
            "pool": _categorical(arr["pool"], names.pools),
            "agent": arr["agent"],
            "contact_id": arr["contact_id"],
            "activity": _categorical(arr["activity"], ACTIVITIES),
            "start": arr["start"],
            "end": arr["end"],
        }
    )


def staffing_frame(rec: Recorder) -> pd.DataFrame:
    """One row per staffing change of a pool (see STAFFING_FIELDS)."""
    arr = rec.staffing_arrays()
    return pd.DataFrame(
        {
            "pool": _categorical(arr["pool"], rec.names.pools),
            "time": arr["time"],
            "scheduled": arr["scheduled"],
            "present": arr["present"],
        }
    )
