"""Flat records of a simulation run as pandas DataFrames: contacts, agents, hand-offs, staffing.

The tables are declared once, in :mod:`simcc.model.records` (each field's
name, dtype and meaning; docs/records.md lists them and
tests/unit/test_records.py pins them).  This module turns a
:class:`~simcc.model.records.Recorder`'s columns into DataFrames, names for
codes (``pandas.Categorical``), in the declared column order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simcc.model.records import (
    ACTIVITIES,
    AGENTS,
    CHANNELS,
    CONTACTS,
    HANDOFFS,
    LEG_OUTCOMES,
    OUTCOMES,
    REASONS,
    STAFFING,
    TABLES,
    Activity,
    Channel,
    HandoffOutcome,
    Names,
    Outcome,
    Reason,
    Recorder,
    Table,
    labels,
)
from simcc.record_columns import agent_group_codes, contact_derived

__all__ = [
    "ACTIVITIES",
    "AGENTS",
    "CHANNELS",
    "CONTACTS",
    "HANDOFFS",
    "LEG_OUTCOMES",
    "OUTCOMES",
    "REASONS",
    "STAFFING",
    "TABLES",
    "Activity",
    "Channel",
    "HandoffOutcome",
    "Names",
    "Outcome",
    "Reason",
    "Recorder",
    "Table",
    "agents_frame",
    "contacts_frame",
    "field_list",
    "fields_markdown",
    "legs_frame",
    "staffing_frame",
]


def _categorical(codes: np.ndarray[Any, Any], names: tuple[str, ...]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=pd.Index(names))


def _frame(table: Table, rec: Recorder, derived: dict[str, Any]) -> pd.DataFrame:
    """The DataFrame of ``table``: its fields in order, codes shown as names."""
    arrays = rec.arrays(table)
    columns: dict[str, Any] = {}
    for f in table.fields:
        if f.derived:
            columns[f.name] = derived[f.name]
        elif f.codes is None:
            columns[f.name] = arrays[f.name]
        elif isinstance(f.codes, str):
            columns[f.name] = _categorical(arrays[f.name], getattr(rec.names, f.codes))
        else:
            columns[f.name] = _categorical(arrays[f.name], labels(f.codes))
    return pd.DataFrame(columns)


def contacts_frame(rec: Recorder, warmup: float, horizon: float) -> pd.DataFrame:
    """One row per contact (fields in :data:`CONTACTS`), in contact id order."""
    derived = contact_derived(rec, warmup, horizon)
    for name, value in derived.items():
        if isinstance(value, tuple):
            derived[name] = _categorical(*value)
    derived["pools"] = pd.Categorical(derived["pools"])
    frame = _frame(CONTACTS, rec, derived)
    return frame.sort_values("contact_id", kind="stable", ignore_index=True)


def legs_frame(rec: Recorder) -> pd.DataFrame:
    """One row per hand-off (fields in :data:`HANDOFFS`)."""
    return _frame(HANDOFFS, rec, {})


def agents_frame(rec: Recorder) -> pd.DataFrame:
    """One row per agent busy interval (fields in :data:`AGENTS`)."""
    arrays = rec.agent_arrays()
    return _frame(AGENTS, rec, {"group": agent_groups(arrays, rec.names)})


def agent_groups(arrays: dict[str, np.ndarray[Any, Any]], names: Names) -> pd.Categorical[str]:
    """The agent group of each agent-interval row
    (:func:`simcc.record_columns.agent_group_codes`), missing for a pool without groups."""
    codes, categories = agent_group_codes(arrays, names)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def staffing_frame(rec: Recorder) -> pd.DataFrame:
    """One row per staffing change of a pool (fields in :data:`STAFFING`)."""
    return _frame(STAFFING, rec, {})


def field_list(table: Table) -> str:
    """The Markdown table of ``table``'s fields, as docs/records.md shows it."""
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for f in table.fields:
        if f.codes is None:
            kind = f.dtype
        elif isinstance(f.codes, str):
            kind = "name"
        else:
            kind = "one of " + ", ".join(f"`{label}`" for label in labels(f.codes))
        lines.append(f"| `{f.name}` | {kind} | {f.meaning} |")
    return "\n".join(lines) + "\n"


def fields_markdown() -> str:
    """docs/records.md's field lists: one section per table, generated from the declarations."""
    parts = []
    for table in TABLES:
        parts.append(f"## `{table.name}`: {table.meaning}\n\n{field_list(table)}")
    return "\n".join(parts)
