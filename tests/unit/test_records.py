"""The record tables: their field lists, and that every view of them follows the declaration."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import simcc
from simcc import records
from simcc.model.records import (
    AGENT_ROW,
    AGENTS,
    CHUNK,
    CONTACTS,
    HANDOFF_ROW,
    HANDOFFS,
    STAFFING,
    Recorder,
)

ROOT = Path(__file__).resolve().parents[2]

# the published field lists: a change here is a change to every reader of the records
PINNED = {
    "contacts": (
        "contact_id", "case_id", "attempt", "call_type", "segment", "need", "channel", "priority",
        "arrival", "measured", "entry_pool", "queued", "virtual_hold", "answer", "answer_pool",
        "wait", "end", "outcome", "false_resolution", "escalations", "pools", "last_pool",
        "last_channel", "policy", "hold_time",
        "transfer_wait", "rediscoveries", "first_handoff", "sla_legs", "sla_legs_met",
    ),
    "agents": ("pool", "agent", "group", "contact_id", "activity", "start", "end"),
    "transfers": (
        "contact_id", "leg", "reason", "policy", "from_pool", "to_pool", "handoff", "engaged",
        "outcome", "sla_target", "sla_met", "attempts",
    ),
    "staffing": ("pool", "time", "scheduled", "present"),
}  # fmt: skip


def test_each_table_has_its_pinned_field_list() -> None:
    assert {t.name: t.names for t in records.TABLES} == PINNED


def test_the_code_names_are_pinned() -> None:
    assert records.OUTCOMES == (
        "resolved", "unresolved", "abandoned_queue", "abandoned_hold",
        "abandoned_transfer_queue", "callback_unreached", "unfinished", "self_served",
    )  # fmt: skip
    assert records.LEG_OUTCOMES == (
        "engaged", "abandoned_hold", "abandoned_transfer_queue", "fallback",
        "callback_unreached", "redirected", "unfinished",
    )  # fmt: skip
    assert records.ACTIVITIES == (
        "handle", "wrap_up", "consult_wait", "consult", "conference", "rediscovery",
        "transfer", "dial", "peer_consult",
    )  # fmt: skip
    # MODEL.md §7's triggers
    assert records.REASONS == (
        "not_resolved", "handling_time", "need", "complaint", "repeat_contact", "case_age",
        "misroute",
    )  # fmt: skip


def test_every_field_has_a_meaning_and_a_known_dtype() -> None:
    for table in records.TABLES:
        for f in table.fields:
            assert f.meaning, f.name
            if not f.derived:
                assert f.typecode, f.name


def test_an_agent_row_is_packed_in_the_agent_fields_order() -> None:
    # the hot append is positional: AGENT_ROW takes the stored fields, in order
    rec = Recorder(records.Names(("a", "b"), ("t",), ("s",), ("",)))
    rec.agent(AGENT_ROW(1, 2, 3, 4, 5.0, 6.0))
    row = {name: a.tolist() for name, a in rec.agent_arrays().items()}
    assert row == {f.name: [v] for f, v in zip(AGENTS.stored, (1, 2, 3, 4, 5.0, 6.0), strict=True)}


def test_agent_rows_move_to_their_columns_with_the_contact_rows() -> None:
    # an agent row does not check the buffer's length itself: the contact rows' move takes
    # the agent rows with it, so that they do not pile up over a long run
    rec = Recorder(records.Names(("a",), ("t",), ("s",), ("",)))
    contact = SimpleNamespace(**{f.attr: 0 for f in CONTACTS.stored}, pools=0)
    for i in range(3 * CHUNK):
        rec.agent(AGENT_ROW(0, 0, i, 0, 0.0, 1.0))
        if i % 3 == 2:  # three agent rows a contact
            rec.contact(contact)
    assert len(rec._agents.rows) < CHUNK
    assert len(rec.agent_arrays()["contact_id"]) == 3 * CHUNK
    assert rec.n_contacts == CHUNK


def test_a_hand_off_row_is_packed_in_the_hand_off_fields_order() -> None:
    rec = Recorder(records.Names(("a",), ("t",), ("s",), ("", "cold")))
    values = tuple(range(1, len(HANDOFFS.stored) + 1))
    rec.handoff(HANDOFF_ROW(*values))
    row = {name: a.tolist() for name, a in rec.handoff_arrays().items()}
    assert row == {f.name: [v] for f, v in zip(HANDOFFS.stored, values, strict=True)}


def test_a_staffing_row_must_name_every_field() -> None:
    rec = Recorder(records.Names(("a",), ("t",), ("s",), ("", "cold")))
    with pytest.raises(TypeError, match="missing"):
        rec.staffing(pool=0, time=0.0)
    with pytest.raises(TypeError, match="unexpected"):
        rec.staffing(pool=0, time=0.0, scheduled=1, present=1, agents=1)


@pytest.fixture(scope="module")
def result() -> simcc.Result:
    s = simcc.load_scenario(ROOT / "scenarios" / "centre-cold.yaml")
    return simcc.simulate(s.with_changes({"horizon": "2h"}), seed=3)


@pytest.mark.parametrize("table", [CONTACTS, AGENTS, HANDOFFS, STAFFING], ids=lambda t: t.name)
def test_frames_and_arrays_follow_the_declaration(
    result: simcc.Result, table: records.Table
) -> None:
    frame = getattr(result, table.name)
    assert tuple(frame.columns) == table.names
    assert len(frame) > 0
    arrays = result.recorder.arrays(table)
    assert tuple(arrays) == tuple(f.name for f in table.stored)
    for f in table.fields:
        column = frame[f.name]
        if f.codes is not None or f.dtype == "category":
            assert isinstance(column.dtype, pd.CategoricalDtype), f.name
        else:
            assert column.dtype == f.dtype, f.name


def test_docs_list_the_declared_fields() -> None:
    text = (ROOT / "docs" / "records.md").read_text()
    assert records.fields_markdown() in text, (
        "docs/records.md is stale: paste the output of "
        "python -c \"import simcc.records as r; print(r.fields_markdown(), end='')\""
    )
