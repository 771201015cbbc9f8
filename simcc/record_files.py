"""The records of many replications, streamed to Parquet files as replications finish.

``simcc run --out`` writes ``contacts.parquet``, ``agents.parquet`` and
``transfers.parquet``: every replication's rows, with a ``replication``
column, in replication order.  Holding them all in memory until the end cost
about a megabyte per MMCAb day; instead each worker turns its replication's
records into Arrow tables (:func:`arrow_records`) and :class:`RecordFiles`
appends them to one ``pyarrow.parquet.ParquetWriter`` per table as soon as
every earlier replication is in.  Results that finish out of order wait (at
most about two per worker process), so the files are the same bit for bit at
any ``--jobs``.

The files are written under temporary names in a hidden stage inside
``--out`` (:func:`simcc.io.stage_directory`) and join the output set when it
is committed (:class:`simcc.io.Staged`): a killed run leaves nothing under a
final name.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from simcc.io import OutputError, Staged, _reason, stage_directory
from simcc.model.records import AGENTS, CONTACTS, HANDOFFS, Names, Recorder, Table, labels
from simcc.record_columns import agent_group_codes, contact_derived

if TYPE_CHECKING:
    import pyarrow.parquet as pq

    from simcc.runner import Result

RECORD_TABLES = ("contacts", "agents", "transfers")
"""The tables written for every replication (``NAME.parquet``)."""

ROW_GROUP_ROWS = 1 << 16
"""Rows gathered (in replication order) before they are written as one row group."""


def arrow_records(result: Result) -> dict[str, pa.Buffer]:
    """One replication's records as Arrow tables, each with its ``replication`` column,
    serialised (Arrow IPC) to send between processes: a third of the cost of pickling
    the tables (MMCAb: 0.3 ms against 1.0 ms of CPU for 320 kB).

    Built from the recorder's arrays without pandas (numbers are not copied),
    with the types pandas would give :attr:`Result.contacts` and the others,
    except ``pools`` (a contact's path), which is text: its categories differ
    from one replication to the next, so a categorical could not be appended.
    """
    s = result.scenario
    tables = arrow_tables(result.recorder, s.warmup, s.horizon, result.replication)
    return {name: _serialised(table) for name, table in tables.items()}


def arrow_tables(
    rec: Recorder, warmup: float, horizon: float, replication: int
) -> dict[str, pa.Table]:
    """The record tables of ``rec`` (see :func:`arrow_records`)."""
    # each table's arrays are taken from the recorder once (a numpy view per column each
    # time: about 0.7 ms of an MMCAb day when taken again for every use)
    i, names = replication, rec.names
    contact_arrays = rec.contact_arrays()
    ids = contact_arrays["contact_id"]  # in the order contacts were recorded (ended)
    order = None
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():
        order = np.argsort(ids, kind="stable")  # rows by contact_id, as the DataFrame has them
    derived = contact_derived(rec, warmup, horizon, contact_arrays)
    contacts = _table(CONTACTS, contact_arrays, names, derived, i, order)
    agent_arrays = rec.agent_arrays()
    groups = agent_group_codes(agent_arrays, names)
    agents = _table(AGENTS, agent_arrays, names, {"group": groups}, i)
    transfers = _table(HANDOFFS, rec.arrays(HANDOFFS), names, {}, i)
    return {"contacts": contacts, "agents": agents, "transfers": transfers}


def _serialised(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return sink.getvalue()


def _table(
    table: Table,
    arrays: dict[str, np.ndarray[Any, Any]],
    names: Names,
    derived: dict[str, Any],
    replication: int,
    order: np.ndarray[Any, Any] | None = None,
) -> pa.Table:
    """``table``'s fields in order (as :func:`simcc.records._frame` makes them) from the
    recorder's ``arrays`` of it, then ``replication``; its rows in ``order`` if given
    (numpy's indexing: cheaper than Arrow's ``take`` of the finished table, with its
    names and text)."""

    def rows(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return values if order is None else values[order]

    columns: dict[str, pa.Array] = {}
    for f in table.fields:
        if f.name == "pools":
            columns[f.name] = _texts(derived[f.name], order)
        elif f.derived and isinstance(derived[f.name], tuple):
            codes, categories = derived[f.name]
            columns[f.name] = _dictionary(rows(codes), categories)
        elif f.derived:
            columns[f.name] = arrow_array(rows(derived[f.name]))
        elif f.codes is None:
            columns[f.name] = arrow_array(rows(arrays[f.name]))
        elif isinstance(f.codes, str):
            columns[f.name] = _dictionary(rows(arrays[f.name]), getattr(names, f.codes))
        else:
            columns[f.name] = _dictionary(rows(arrays[f.name]), labels(f.codes))
    count = len(next(iter(columns.values())))
    columns["replication"] = arrow_array(np.full(count, replication, dtype=np.int64))
    return pa.table(columns)


# Columns are built from their buffers, not with ``pa.array``: pyarrow imports pandas
# the first time ``pa.array`` converts anything (to look for pandas objects), which
# would more than double a worker process's memory (docs/performance.md, "Memory").


def arrow_array(
    values: np.ndarray[Any, Any], missing: np.ndarray[Any, Any] | None = None
) -> pa.Array:
    """A numpy array (numbers or booleans) as the Arrow array ``pa.array`` would give,
    ``missing`` marking nulls."""
    values = np.ascontiguousarray(values)
    validity, nulls = None, 0
    if missing is not None and missing.any():
        validity, nulls = pa.py_buffer(np.packbits(~missing, bitorder="little")), int(missing.sum())
    if values.dtype == np.bool_:
        kind, data = pa.bool_(), pa.py_buffer(np.packbits(values, bitorder="little"))
    else:
        kind, data = pa.from_numpy_dtype(values.dtype), pa.py_buffer(values)
    return pa.Array.from_buffers(kind, len(values), [validity, data], null_count=nulls)


def _texts(texts: Sequence[str], order: np.ndarray[Any, Any] | None = None) -> pa.Array:
    """Text as an Arrow string array (UTF-8 bytes and their offsets), its rows in
    ``order`` if given: each distinct text encoded once, and the rows' bytes gathered by
    numpy (for text repeated over many rows, a contact's path, a third of the cost of
    encoding every row, and no ``pyarrow.compute``)."""
    index = {t: k for k, t in enumerate(dict.fromkeys(texts))}
    codes = np.fromiter(map(index.__getitem__, texts), np.intp, len(texts))
    if order is not None:
        codes = codes[order]
    encoded = [t.encode() for t in index]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    row_lengths = lengths[codes]
    offsets = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(row_lengths, out=offsets[1:])
    # byte j of the output, in row r, is byte j − offsets[r] + starts[codes[r]] of the texts
    shift = np.repeat(starts[codes] - offsets[:-1], row_lengths)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)[np.arange(offsets[-1]) + shift]
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(codes), buffers)


def _dictionary(codes: np.ndarray[Any, Any], names: tuple[str, ...]) -> pa.Array:
    """Codes as names, as pandas' ``Categorical`` would convert (negative codes: missing)."""
    index, values = _dictionary_type(names)
    return pa.DictionaryArray.from_arrays(arrow_array(codes.astype(index), codes < 0), values)


@functools.cache
def _dictionary_type(names: tuple[str, ...]) -> tuple[type[np.integer[Any]], pa.Array]:
    """The codes' integer type (pandas': the smallest that holds them) and the names."""
    index = next(t for t in (np.int8, np.int16, np.int32, np.int64) if len(names) < np.iinfo(t).max)
    return index, (_texts(names) if names else pa.nulls(0))


STATISTICS = ("replication",)
"""The columns whose row groups carry min/max statistics: ``replication``, so that a
reader's filter on it (``pandas.read_parquet(..., filters=[("replication", "==", 3)])``)
skips the other row groups.  Statistics on every column were a quarter of the parent's
Parquet encoding (docs/performance.md, "Where the time goes", round four) and nothing
reads them."""


def _writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A Parquet writer (Snappy, pyarrow's default codec) that dictionary-encodes names and
    text only, a dictionary of times, nearly all distinct, costs time and space (MMCAb:
    20 % of the writing time, 7 % of the size), and keeps statistics of :data:`STATISTICS`
    only."""
    import pyarrow.parquet as pq  # (here: the workers, which import this module, write none)

    names = [f.name for f in schema if pa.types.is_dictionary(f.type) or f.type == pa.string()]
    return pq.ParquetWriter(path, schema, use_dictionary=names, write_statistics=list(STATISTICS))


class RecordFiles:
    """Parquet files of records, filled in replication order as replications finish.

    Use as a context manager: leaving the block removes whatever was not
    handed on by :meth:`finish` (a failed or interrupted run's partial files).
    """

    def __init__(self, directory: str | Path, names: Names) -> None:
        # the files' types follow from the scenario's names alone (those of a run with no
        # contact), whichever replication comes first, and whether read back from a file
        empty = arrow_tables(Recorder(names), 0.0, 0.0, 0)
        self._schemas = {name: table.schema for name, table in empty.items()}
        self.stage = stage_directory(directory, "records")
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._waiting: dict[int, dict[str, pa.Table] | None] = {}
        self._buffer: dict[str, list[pa.Table]] = {name: [] for name in RECORD_TABLES}
        self._buffered = dict.fromkeys(RECORD_TABLES, 0)  # rows in each buffer
        self._next = 0

    def add(self, replication: int, records: dict[str, pa.Buffer] | None) -> None:
        """Replication ``replication``'s records, as :func:`arrow_records` gives them
        (``None``: it has none, e.g. it was skipped).

        Written once every replication before it has been added.
        """
        tables = None
        if records is not None:
            tables = {name: pa.ipc.open_stream(blob).read_all() for name, blob in records.items()}
        self.add_tables(replication, tables)

    def add_tables(self, replication: int, tables: dict[str, pa.Table] | None) -> None:
        """:meth:`add` for tables already read (an earlier run's, on ``--resume``)."""
        self._waiting[replication] = tables
        while self._next in self._waiting:
            self._append(self._waiting.pop(self._next))
            self._next += 1

    def finish(self) -> dict[str, Staged]:
        """Write what is still waiting (after an interruption: past the gaps, in order),
        close the files, and return them by file name (none if no replication had records)."""
        for replication in sorted(self._waiting):
            self._append(self._waiting.pop(replication))
        for name in RECORD_TABLES:
            self._flush(name)
        for writer in self._writers.values():
            writer.close()
        return {self._path(name).name: Staged(self._path(name)) for name in self._writers}

    def _append(self, tables: dict[str, pa.Table] | None) -> None:
        if tables is None:
            return
        for name, table in tables.items():
            self._buffer[name].append(table)
            self._buffered[name] += len(table)
            if self._buffered[name] >= ROW_GROUP_ROWS:
                self._flush(name)

    def _flush(self, name: str) -> None:
        buffer = self._buffer[name]
        if not buffer:
            return
        writer = self._writers.get(name)
        try:
            if writer is None:
                writer = self._writers[name] = _writer(self._path(name), self._schemas[name])
            schema = self._schemas[name]
            tables = [t if t.schema.equals(schema) else t.cast(schema) for t in buffer]
            writer.write_table(pa.concat_tables(tables), row_group_size=None)
        except OSError as exc:
            raise OutputError(f"cannot write {name}.parquet: {_reason(exc)}") from None
        buffer.clear()
        self._buffered[name] = 0

    def _path(self, name: str) -> Path:
        return self.stage / f"{name}.parquet"

    def __enter__(self) -> RecordFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(OSError, ValueError):  # already closed, or a full disk
                writer.close()
        shutil.rmtree(self.stage, ignore_errors=True)
