"""The records of many replications, streamed to Parquet files as replications finish.

``simcc run --out`` writes ``contacts.parquet``, ``agents.parquet`` and
``transfers.parquet``: every replication's rows, with a ``replication``
column, in replication order.  Holding them all in memory until the end cost
about a megabyte per MMCAb day; instead each worker turns its replication's
records into Arrow tables (:func:`pack_records`) and :class:`RecordFiles`
appends them to one ``pyarrow.parquet.ParquetWriter`` per table as soon as
every earlier replication is in.  Results that finish out of order wait (at
most about two per worker process), so the files are the same bit for bit at
any ``--jobs``.

A replication's records travel packed (:class:`PackedRecords`, :func:`pack_records`):
each table's rows as one Arrow IPC record batch, without its schema, which the
parent knows from the scenario's names, and nothing for a table without rows.  A
local worker process writes them to a file in the stage (``RecordFiles.spool``)
and sends back only its name; the parent maps the file into memory, without
copying it, and removes it.  Workers on other machines (Dask) send them with the
result.

The files are written under temporary names in a hidden stage inside
``--out`` (:func:`simcc.io.stage_directory`) and join the output set when it
is committed (:class:`simcc.io.Staged`): a killed run leaves nothing under a
final name.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PackedRecords:
    """One replication's records on their way from a worker to :class:`RecordFiles`.

    ``sizes`` gives, for each of :data:`RECORD_TABLES`, the bytes of its rows as one
    Arrow IPC record batch message (no schema; names and text columns as their codes),
    0 for a table without rows; the messages follow each other in ``data`` (sent with
    the result) or in the file ``path`` (written by a worker on this machine, read and
    removed by :meth:`RecordFiles.add`)."""

    sizes: tuple[int, ...]
    data: pa.Buffer | None = None
    path: str | None = None

    @property
    def size(self) -> int:
        """Bytes of records."""
        return sum(self.sizes)


def pack_records(result: Result, spool: str | None = None) -> PackedRecords:
    """One replication's records as Arrow record batches to send between processes,
    in a file of the directory ``spool`` if given (its name is the replication's).

    Built from the recorder's arrays without pandas (numbers are not copied),
    with the types pandas would give :attr:`Result.contacts` and the others,
    except ``pools`` (a contact's path), which is text: its categories differ
    from one replication to the next, so a categorical could not be appended.
    Through a file, the records skip the pickling of the result at both ends and
    the pipe between them (MMCAb: 344 kB a day, docs/performance.md, round eight).
    """
    s = result.scenario
    tables = arrow_tables(result.recorder, s.warmup, s.horizon, result.replication)
    messages = [_message(tables[name]) for name in RECORD_TABLES]
    sizes = tuple(0 if m is None else m.size for m in messages)
    parts = [m for m in messages if m is not None]
    if spool is None:
        return PackedRecords(sizes, data=pa.py_buffer(b"".join(parts)))
    path = os.path.join(spool, f"{result.replication}.arrow")
    try:
        with open(path, "wb") as file:
            file.writelines(parts)
    except OSError as exc:
        raise OutputError(f"cannot write records to {spool}: {_reason(exc)}") from None
    return PackedRecords(sizes, path=path)


def _message(table: pa.Table) -> pa.Buffer | None:
    """``table``'s rows as one IPC record batch message, dictionary columns as their
    codes (``None`` without rows)."""
    if table.num_rows == 0:
        return None
    (batch,) = table.combine_chunks().to_batches()
    columns = [c.indices if pa.types.is_dictionary(c.type) else c for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names).serialize()


def arrow_tables(
    rec: Recorder, warmup: float, horizon: float, replication: int
) -> dict[str, pa.Table]:
    """The record tables of ``rec`` (see :func:`pack_records`)."""
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


def _packed_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with each dictionary column as its codes (what :func:`pack_records` sends)."""
    codes = [pa.field(f.name, f.type.index_type) if pa.types.is_dictionary(f.type) else f
             for f in schema]  # fmt: skip
    return pa.schema(codes)


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
        self._empty = arrow_tables(Recorder(names), 0.0, 0.0, 0)
        self._schemas = {name: table.schema for name, table in self._empty.items()}
        # what packed records leave out: their schema, and the names behind the codes
        self._packed = {name: _packed_schema(s) for name, s in self._schemas.items()}
        self._dictionaries = {
            name: {
                k: table.column(k).chunk(0).dictionary
                for k, f in enumerate(table.schema)
                if pa.types.is_dictionary(f.type)
            }
            for name, table in self._empty.items()
        }
        self.stage = stage_directory(directory, "records")
        self.spool = self.stage / "in-flight"
        """Where worker processes on this machine leave records (:func:`pack_records`)."""
        self.spool.mkdir()
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._waiting: dict[int, dict[str, pa.Table] | None] = {}
        self._buffer: dict[str, list[pa.Table]] = {name: [] for name in RECORD_TABLES}
        self._buffered = dict.fromkeys(RECORD_TABLES, 0)  # rows in each buffer
        self._next = 0

    def add(self, replication: int, records: PackedRecords | None) -> None:
        """Replication ``replication``'s records, as :func:`pack_records` gives them
        (``None``: it has none, e.g. it was skipped).

        Written once every replication before it has been added.
        """
        self.add_tables(replication, None if records is None else self._unpack(records))

    def _unpack(self, records: PackedRecords) -> dict[str, pa.Table]:
        data = records.data
        if records.path is not None:  # mapped, not copied: the tables' columns point into it
            with pa.memory_map(records.path) as source:
                data = source.read_buffer()
            os.unlink(records.path)
        assert data is not None
        tables, start = {}, 0
        for name, size in zip(RECORD_TABLES, records.sizes, strict=True):
            if size == 0:
                tables[name] = self._empty[name]
                continue
            batch = pa.ipc.read_record_batch(data.slice(start, size), self._packed[name])
            names = self._dictionaries[name]
            columns = [
                pa.DictionaryArray.from_arrays(c, names[k]) if k in names else c
                for k, c in enumerate(batch.columns)
            ]
            rows = pa.RecordBatch.from_arrays(columns, schema=self._schemas[name])
            tables[name] = pa.Table.from_batches([rows])
            start += size
        return tables

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
