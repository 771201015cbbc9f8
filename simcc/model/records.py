"""What a run records: four tables, each declared once, and the recorder that fills them.

Each table (contacts, agent intervals, hand-offs, staffing changes) is a
:class:`Table` of :class:`Field` — name, numpy dtype and one-line meaning.
The recorder's typed columns, the order a row is filled in, the numpy arrays
the metrics read, the DataFrames of :mod:`simcc.records` and the field lists
of docs/records.md all come from these declarations.

The engine appends to columnar buffers (``array.array``, 8 bytes a number, no
Python object per value).  The engine's hot paths pass codes as plain ``int``
(``Activity.HANDLE.value``): a buffered row holding an enum member would be
tracked by the garbage collector, which costs more than the whole append.

Names are stored as small integer codes: the codes of outcomes, hand-off
outcomes, activities and hand-off reasons are the enums below; pools, call
types, segments and policies index the scenario's :class:`Names`.  Times are
seconds of simulated time from the start of the run; ``NaN`` marks a time that
never happened (e.g. ``answer`` of a contact that abandoned).

This module imports numpy and the standard library only: the engine imports it.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from types import CodeType
from typing import Any

import numpy as np


class Outcome(IntEnum):
    """How a contact ended (MODEL.md §2 and §8's ``SELF_SERVED``), plus ``UNFINISHED`` for a
    contact still in the system when the ``drain`` limit stopped the run."""

    RESOLVED = 0
    UNRESOLVED = 1
    ABANDONED_QUEUE = 2
    ABANDONED_HOLD = 3
    ABANDONED_TRANSFER_QUEUE = 4
    CALLBACK_UNREACHED = 5
    UNFINISHED = 6
    SELF_SERVED = 7  # settled by the front door (IVR or bot), a true resolution (MODEL.md §8)


class HandoffOutcome(IntEnum):
    """How one hand-off ended."""

    ENGAGED = 0  # a B agent engaged (seized for a consult, answered, reached)
    ABANDONED_HOLD = 1  # the customer hung up on hold
    ABANDONED_TRANSFER_QUEUE = 2  # the customer hung up in the receiving queue
    FALLBACK = 3  # no B came in time: the policy's fallback took over
    CALLBACK_UNREACHED = 4  # every callback attempt failed
    REDIRECTED = 5  # sent to self-service
    UNFINISHED = 6


class Activity(IntEnum):
    """What an agent is busy with.

    ``TRANSFER`` is A's hand-off step (the line said to the customer, the ticket
    written, the redirect), ``DIAL`` a callback attempt, ``PEER_CONSULT`` the
    time an agent and a colleague of its pool spend on a peer consult.
    """

    HANDLE = 0
    WRAP_UP = 1
    CONSULT_WAIT = 2
    CONSULT = 3
    CONFERENCE = 4
    REDISCOVERY = 5
    TRANSFER = 6
    DIAL = 7
    PEER_CONSULT = 8  # an agent and a colleague of its pool consult (MODEL.md §7)


class Reason(IntEnum):
    """Why a contact was handed on (MODEL.md §7's triggers).

    The engine produces ``NOT_RESOLVED``, ``HANDLING_TIME`` and ``MISROUTE`` so
    far; the others are the contract's triggers still to come.
    """

    NOT_RESOLVED = 0  # the agent's resolution draw failed at the end of handling
    HANDLING_TIME = 1  # the pool's escalate_after ran out
    NEED = 2
    COMPLAINT = 3
    REPEAT_CONTACT = 4
    CASE_AGE = 5
    MISROUTE = 6  # a cold transfer landed in the wrong pool, which sends it on


class Channel(IntEnum):
    """How a contact reaches the centre (MODEL.md §8): a call, a chat, an e-mail."""

    VOICE = 0
    CHAT = 1
    EMAIL = 2


def labels(codes: type[IntEnum]) -> tuple[str, ...]:
    """The names the records give an enum's codes, in code order (``abandoned_hold``)."""
    members = sorted(codes, key=int)
    assert [int(m) for m in members] == list(range(len(members))), codes
    return tuple(m.name.lower() for m in members)


ACTIVITIES = labels(Activity)
"""Names of the agent activities, in code order."""

OUTCOMES = labels(Outcome)
"""Names of the contact outcomes, in code order."""

LEG_OUTCOMES = labels(HandoffOutcome)
"""Names of the hand-off outcomes, in code order."""

REASONS = labels(Reason)
"""Names of the hand-off reasons, in code order."""

CHANNELS = labels(Channel)
"""Names of the channels, in code order."""


@dataclass(frozen=True)
class Names:
    """The name lists the integer codes of the records refer to."""

    pools: tuple[str, ...]
    call_types: tuple[str, ...]
    segments: tuple[str, ...]
    policies: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...] = ()  # each pool's agent groups (none: a plain pool)
    needs: tuple[str, ...] = ("",)
    channels: tuple[int, ...] = ()  # the Channel code of each call type (none given: all voice)


@dataclass(frozen=True)
class Field:
    """One column of a record table.

    ``codes`` says what an integer code names: an enum, or a :class:`Names`
    list (``"pools"``); the DataFrame shows it as a categorical of those names.
    ``source`` is the attribute of the engine's object the value is read from
    (the field's own name unless given); ``derived`` fields are not recorded
    but computed when the table is made (their dtype is the DataFrame's).
    """

    name: str
    dtype: str
    meaning: str
    codes: type[IntEnum] | str | None = None
    source: str | None = None
    derived: bool = False

    @property
    def typecode(self) -> str:
        """The ``array.array`` type code the recorder stores the field in."""
        return _TYPECODES[self.dtype]

    @property
    def stored_dtype(self) -> str:
        """The numpy type of the stored column (a ``bool`` is stored as ``int8``)."""
        return "int8" if self.dtype == "bool" else self.dtype

    @property
    def attr(self) -> str:
        """The attribute of the engine's object the value is read from."""
        return self.source or self.name


_TYPECODES = {"int64": "q", "int32": "i", "int8": "b", "bool": "b", "float64": "d"}


@dataclass(frozen=True)
class Table:
    """A record table: its name and its fields, in column order."""

    name: str
    meaning: str
    fields: tuple[Field, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, in order."""
        return tuple(f.name for f in self.fields)

    @property
    def stored(self) -> tuple[Field, ...]:
        """The fields the recorder stores (the derived ones apart), in order."""
        return tuple(f for f in self.fields if not f.derived)


CONTACTS = Table(
    "contacts",
    "one row per contact",
    (
        Field("contact_id", "int64", "unique id of the contact (one call)", source="id"),
        Field("case_id", "int64", "the customer's problem; re-contacts keep it"),
        Field("attempt", "int32", "1 for the first contact of a case, then 2, 3, …"),
        Field("call_type", "int32", "call type name", "call_types"),
        Field("segment", "int32", "customer segment name", "segments"),
        Field("need", "int32", "the need drawn at arrival ('' if the call type has none)", "needs"),
        Field(
            "channel",
            "int8",
            "channel the contact arrived by (its call type's)",
            Channel,
            derived=True,
        ),
        Field("priority", "int32", "queue priority of the contact (lower is served first)"),
        Field("arrival", "float64", "arrival time (s)"),
        Field(
            "measured", "bool", "arrived in the measurement window [warmup, horizon)", derived=True
        ),
        Field("entry_pool", "int32", "first pool of the call type's path", "pools"),
        Field(
            "queued",
            "float64",
            "time it joined the entry queue: arrival, plus its front door's time (NaN if "
            "self-served)",
        ),
        Field("virtual_hold", "bool", "accepted a call back at arrival (virtual hold)"),
        Field("answer", "float64", "time an agent first answered (NaN if never)"),
        Field(
            "answer_pool",
            "int32",
            "pool of that agent: the entry pool, or an overflow pool (missing if never)",
            "pools",
        ),
        Field("wait", "float64", "time in the entry queue: until answer, or until abandonment"),
        Field(
            "end",
            "float64",
            "time the contact ended (customer left or the last agent finished handling)",
        ),
        Field("outcome", "int8", "how the contact ended", Outcome),
        Field("false_resolution", "bool", "resolved, but falsely: the customer will call again"),
        Field(
            "escalations",
            "int32",
            "number of times the contact was handed on (misroutes included); a warm or "
            "conference attempt that fell back is one hand-off with its fallback, though the "
            "transfers table has a row for each",
        ),
        Field(
            "pools",
            "category",
            "pools that worked on the contact, in order, joined by '>'",
            derived=True,
        ),
        Field(
            "last_pool",
            "int32",
            "pool whose agent last worked on the contact (missing if self-served)",
            "pools",
        ),
        Field(
            "last_channel",
            "int8",
            "channel of the contact's last leg (a transfer.cross_channel hand-off changes it)",
            Channel,
            derived=True,
        ),
        Field("policy", "int8", "transfer policy of the last hand-off ('' if none)", "policies"),
        Field("hold_time", "float64", "total time on hold during warm/conference transfers (s)"),
        Field("transfer_wait", "float64", "total time in receiving queues after hand-offs (s)"),
        Field("rediscoveries", "int32", "times the customer had to tell the story again"),
        Field("first_handoff", "float64", "time of the first hand-off (NaN if none)"),
        Field("sla_legs", "int32", "hand-offs to a pool with an escalation SLA target"),
        Field("sla_legs_met", "int32", "of those, the ones engaged within target"),
    ),
)

AGENTS = Table(
    "agents",
    "one row per busy interval of an agent",
    (
        Field("pool", "int32", "pool of the agent", "pools"),
        Field("agent", "int32", "agent number within the pool"),
        Field(
            "group",
            "category",
            "agent group of the agent (missing for a pool without groups)",
            derived=True,
        ),
        Field("contact_id", "int64", "contact the agent was busy for"),
        Field("activity", "int8", "what the agent was busy with", Activity),
        Field("start", "float64", "start of the busy interval (s)"),
        Field("end", "float64", "end of the busy interval (s)"),
    ),
)

HANDOFFS = Table(
    "transfers",
    "one row per hand-off of a contact",
    (
        Field("contact_id", "int64", "the contact handed on"),
        Field("leg", "int32", "1 for the first hand-off of the contact, then 2, …"),
        Field("reason", "int8", "why the contact was handed on", Reason),
        Field("policy", "int8", "transfer policy used", "policies"),
        Field("from_pool", "int32", "pool of the transferring agent A", "pools"),
        Field("to_pool", "int32", "receiving pool B", "pools"),
        Field("handoff", "float64", "time the hand-off started (hold, ticket or queue entry)"),
        Field(
            "engaged", "float64", "time a B agent engaged (seized, answered, reached; NaN if never)"
        ),
        Field("outcome", "int8", "how the hand-off ended", HandoffOutcome),
        Field("sla_target", "float64", "escalation SLA target of the receiving pool (NaN if none)"),
        Field("sla_met", "float64", "1 engaged within target, 0 not, NaN no target"),
        Field("attempts", "int32", "callback dial attempts (0 for other policies)"),
    ),
)

STAFFING = Table(
    "staffing",
    "one row per staffing change of a pool",
    (
        Field("pool", "int32", "pool", "pools"),
        Field("time", "float64", "time of the change (s)"),
        Field("scheduled", "int32", "agents on the shift plan from this time"),
        Field(
            "present",
            "int32",
            "agents present from this time (scheduled, plus those finishing a contact)",
        ),
    ),
)

TABLES = (CONTACTS, AGENTS, HANDOFFS, STAFFING)

CHUNK = 4096
"""Rows buffered (packed in bytes) before they move to the typed columns."""


class _Columns:
    """A table's typed columns and the rows waiting to move into them.

    A row waits packed in bytes (``struct``, the columns' types side by side,
    in the order of ``packed``: the table's stored fields, maybe reordered):
    one C call per row, and 4,096 rows then move into the columns through one
    numpy view of the packed block, without a Python object per value.
    """

    def __init__(self, table: Table) -> None:
        self.stored = table.stored
        self.columns = tuple(array(f.typecode) for f in self.stored)
        self.rows: list[bytes] = []
        self.packed, self.pack, self._packed = _layout(table.name)
        """:attr:`packed`: the stored fields in the order a row is packed; :attr:`pack`: packs
        one row (every stored field, in that order) for :attr:`rows`; its numpy dtype."""

    def flush(self) -> None:
        """Move the buffered rows to the columns."""
        rows = self.rows
        if rows:
            block = np.frombuffer(b"".join(rows), dtype=self._packed)
            for f, column in zip(self.stored, self.columns, strict=True):
                column.frombytes(block[f.name].tobytes())
            rows.clear()

    def arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The stored columns as numpy arrays (no copy), by field name."""
        self.flush()
        out: dict[str, np.ndarray[Any, Any]] = {}
        for f, column in zip(self.stored, self.columns, strict=True):
            values = np.frombuffer(column, dtype=f.stored_dtype)
            out[f.name] = values.view(bool) if f.dtype == "bool" else values
        return out

    def __len__(self) -> int:
        return len(self.columns[0]) + len(self.rows)


def _packer(fields: Sequence[Field]) -> Callable[..., bytes]:
    """``pack(value, …)``: the bytes of ``fields``' values side by side (standard sizes)."""
    return struct.Struct("=" + "".join(f.typecode for f in fields)).pack


FIRST_LEG = (
    *("id", "case_id", "segment", "priority", "arrival", "queued"),
    *("answer", "answer_pool", "wait", "end", "outcome"),
)
"""The contact fields (by source attribute) that a contact's first leg sets; a contact row is
packed with these first, so that a recorder for contacts whose other fields are fixed packs
these and appends the others' bytes, packed once (:meth:`Recorder.contact_with`)."""


@cache
def _layout(name: str) -> tuple[tuple[Field, ...], Callable[..., bytes], np.dtype[Any]]:
    """How a row of table ``name`` is packed: its stored fields in packing order (a contact row
    has the FIRST_LEG fields first), the packer and the matching numpy dtype; once a process."""
    table = next(t for t in TABLES if t.name == name)
    packed = table.stored
    if table is CONTACTS:
        first = tuple(f for name in FIRST_LEG for f in packed if f.attr == name)
        packed = (*first, *(f for f in packed if f not in first))
    dtype = np.dtype([(f.name, f.stored_dtype) for f in packed])
    return packed, _packer(packed), dtype


AGENT_ROW: Callable[[int, int, int, int, float, float], bytes] = _layout(AGENTS.name)[1]
"""Packs one agent interval for :attr:`Recorder.agent`: ``AGENT_ROW(pool, agent,
contact_id, activity, start, end)``, AGENTS' fields in order."""
HANDOFF_ROW: Callable[..., bytes] = _layout(HANDOFFS.name)[1]
"""Packs one hand-off for :attr:`Recorder.handoff`: every field of HANDOFFS, in order
(:func:`simcc.model.transfers.record_handoff` names them)."""


class Recorder:
    """Columnar buffers the engine appends to; one per replication."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self._contacts = _Columns(CONTACTS)
        self._agents = _Columns(AGENTS)
        self._handoffs = _Columns(HANDOFFS)
        self._staffing = _Columns(STAFFING)
        self._tables = {
            t.name: columns
            for t, columns in zip(
                TABLES, (self._contacts, self._agents, self._handoffs, self._staffing), strict=True
            )
        }
        self.agent: Callable[[bytes], None] = self._agents.rows.append
        """Record one busy interval of one agent, packed by :data:`AGENT_ROW`:
        ``agent(AGENT_ROW(pool, agent, contact_id, activity, start, end))``.  A list's
        ``append``, without a Python frame (about 3.5 rows a contact); the rows move to
        their columns with the contact rows' (:meth:`_flush_contacts`)."""
        self.handoff: Callable[[bytes], None] = self._handoffs.rows.append
        """Record one hand-off of one contact, packed by :data:`HANDOFF_ROW` (a list's
        ``append``, without a Python frame); the rows stay packed until the replication's
        end (a fraction of a row a contact)."""
        self.staffing = _row_appender(STAFFING, self._staffing)
        """Record a change of a pool's staffing: every field of STAFFING, by keyword."""
        self.paths: list[str] = []
        """The ``pools`` field of each contact row (a name, not a code)."""
        self._path_names: dict[tuple[int, ...], str] = {}
        self._single = list(names.pools)
        self.contact = _contact_recorder(self)
        """Record the final row of one contact (called once, when it has ended): every stored
        field of CONTACTS is read from the attribute of the contact the field names, in the
        declared order; ``c.pools`` (a pool code, or the list of them) goes to :attr:`paths`."""
        self.channel_changes: dict[int, int] = {}
        """Contacts whose channel a hand-off changed (``transfer.cross_channel``): contact id →
        the Channel code of its last leg; every other contact keeps its call type's."""
        self.sessions: dict[int, int] = {}
        """Pools whose agents hold several chat sessions at once (pool code → sessions per
        agent): the engine records a session's *slot* ``agent × sessions + j`` as its agent,
        and the agent table shows the agent's number (:meth:`agent_arrays`)."""

    # ------------------------------------------------------------------ appends

    def contact_with(self, fixed: Mapping[str, object]) -> Callable[[Any], None]:
        """A recorder of contact rows, as :attr:`contact`, for contacts whose attributes named
        in ``fixed`` (``pools`` too) always have the values given there: they are not read."""
        return _contact_recorder(self, fixed)

    def _path_name(self, pools: list[int] | int) -> str:
        if isinstance(pools, int):
            return self.names.pools[pools]
        key = tuple(pools)
        name = self._path_names.get(key)
        if name is None:
            name = ">".join(self.names.pools[p] for p in pools)
            self._path_names[key] = name
        return name

    def _flush_contacts(self) -> None:
        """Move the buffered contact rows to their columns, and the agent rows with them.

        An agent row is recorded when an agent's work on a contact ends, before that
        contact's own row, and a contact has a bounded number of them (3.5 on average in
        the shipped warm centre), so the agent rows wait about as long as the contact rows:
        checking their count at each agent row would cost a Python frame per row.
        """
        self._contacts.flush()
        self._agents.flush()

    # ------------------------------------------------------------------ output

    @property
    def n_contacts(self) -> int:
        return len(self._contacts)

    def arrays(self, table: Table) -> dict[str, np.ndarray[Any, Any]]:
        """The stored fields of ``table`` as numpy arrays (codes for names), by name."""
        if table is AGENTS:
            return self.agent_arrays()
        return self._tables[table.name].arrays()

    def contact_arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The contact table as numpy arrays (codes for names), for fast metrics; with the
        derived ``channel`` and ``last_channel`` codes (:meth:`channels`)."""
        out = self._contacts.arrays()
        out["channel"], out["last_channel"] = self.channels(out)
        return out

    def channels(
        self, contacts: dict[str, np.ndarray[Any, Any]]
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Each contact's arrival channel (its call type's) and last channel (after the
        ``transfer.cross_channel`` hand-offs in :attr:`channel_changes`), as codes."""
        by_type = np.asarray(self.names.channels or (0,) * len(self.names.call_types), np.int8)
        channel = by_type[contacts["call_type"]] if len(by_type) else np.zeros(0, np.int8)
        last = channel.copy()
        if self.channel_changes:
            ids = contacts["contact_id"]
            order = np.argsort(ids, kind="stable")
            keys = np.fromiter(self.channel_changes, np.int64)
            where = np.searchsorted(ids, keys, sorter=order)
            found = where < len(ids)
            at = order[where[found]]
            hit = ids[at] == keys[found]
            values = np.fromiter(self.channel_changes.values(), np.int8)[found][hit]
            last[at[hit]] = values
        return channel, last

    def agent_arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The agent-interval table as numpy arrays (codes for names)."""
        out = self._agents.arrays()
        if self.sessions:  # a chat session's slot → its agent's number
            agent = out["agent"].copy()
            for pool, k in self.sessions.items():
                mine = out["pool"] == pool
                agent[mine] //= k
            out["agent"] = agent
        return out

    def handoff_arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The hand-off table as numpy arrays (codes for names)."""
        return self._handoffs.arrays()

    def staffing_arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The staffing-change table as numpy arrays."""
        return self._staffing.arrays()


def _contact_recorder(
    recorder: Recorder, fixed: Mapping[str, object] | None = None
) -> Callable[[Any], None]:
    """The function recording a contact's row into ``recorder`` (:attr:`Recorder.contact`).

    Generated from the declaration of CONTACTS, as ``namedtuple`` generates its
    methods: the row ``(c.id, c.case_id, …)`` is read and appended in one
    frame, once per contact (half the cost of ``operator.attrgetter``, and no
    second call for the row).  A field whose source attribute is in ``fixed``
    (or ``pools``) is not read: every row gets the given value, and the fixed
    fields at the end of the packed row are packed once, here.
    """
    fixed = fixed or {}
    packed = recorder._contacts.packed
    sources = [f.attr for f in packed]
    assert all(name.isidentifier() for name in sources), sources
    assert set(fixed) <= {*sources, "pools"}, set(fixed) - {*sources, "pools"}
    n = len(sources)
    while n and sources[n - 1] in fixed:  # the fixed tail of the packed row
        n -= 1
    tail = _packer(packed[n:])(*(fixed[name] for name in sources[n:]))
    values = [f"fixed_{name}" if name in fixed else f"c.{name}" for name in sources[:n]]
    path = (
        "paths.append(fixed_path)\n"
        if "pools" in fixed
        else "pools = c.pools\n"
        "    paths.append(single[pools] if pools.__class__ is int else path_name(pools))\n"
    )
    source = (
        "def contact(c):\n"
        f"    rows.append(pack({', '.join(values)}){' + tail' if tail else ''})\n"
        f"    {path}"
        "    if len(rows) >= CHUNK:\n"
        "        flush()\n"
    )
    scope: dict[str, Any] = {
        "rows": recorder._contacts.rows,
        "pack": _packer(packed[:n]),
        "tail": tail,
        "paths": recorder.paths,
        "single": recorder._single,
        "path_name": recorder._path_name,
        "flush": recorder._flush_contacts,
        "CHUNK": CHUNK,
    }
    scope |= {f"fixed_{name}": value for name, value in fixed.items() if name != "pools"}
    if "pools" in fixed:
        scope["fixed_path"] = recorder._path_name(fixed["pools"])  # type: ignore[arg-type]
    exec(_compiled(source, "exec"), scope)
    contact: Callable[[Any], None] = scope["contact"]
    return contact


def _row_appender(table: Table, columns: _Columns) -> Callable[..., None]:
    """A function appending a row of ``table`` to ``columns``, every stored field by keyword.

    Generated from the declaration: ``lambda *, contact_id, leg, …: append(pack(contact_id, …))``,
    so that a missing or unknown field is a ``TypeError`` and the row is in the declared
    order.  Codes are stored as plain ints (an enum member may be given).
    """
    names = [f.name for f in table.stored]
    assert all(name.isidentifier() for name in names), names
    values = [f"int({f.name})" if isinstance(f.codes, type) else f.name for f in table.stored]
    source = f"lambda *, {', '.join(names)}: append(pack({', '.join(values)}))"
    scope = {"append": columns.rows.append, "pack": columns.pack, "int": int}
    appender: Callable[..., None] = eval(_compiled(source, "eval"), scope)
    return appender


@cache
def _compiled(source: str, mode: str) -> CodeType:
    """A generated recorder's code, compiled once per process (a compilation costs about as
    much as recording a thousand rows; every replication makes the same few recorders)."""
    return compile(source, "<simcc.model.records>", mode)
