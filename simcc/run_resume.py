"""``simcc run --resume``: finish a run that Ctrl-C or SIGTERM stopped.

An interrupted ``simcc run --out DIR`` still writes a whole output set: the
replications that had finished, their metrics and records.  Run the same
command with ``--resume`` and only the missing replications run; the earlier
ones' metrics rows (``replications.parquet``) and records (read back row
group by row group, so memory stays flat) join the new ones in replication
order.  The files are then the same as an uninterrupted run's, bit for bit
(``summary.json`` apart from its wall time).

Refused (bad input, exit 2): a directory without a run, one whose scenario,
seed or replication count differ, and the estimators and options whose
per-replication data the set does not keep (``--estimator ratio``,
``--control-variates``, ``--precision``, ``--by``).  A run killed outright
(``kill -9``) wrote no set: there is nothing to resume, and the run starts over.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from simcc.io import check_outputs
from simcc.record_files import RECORD_TABLES
from simcc.scenario import ScenarioError

if TYPE_CHECKING:
    from simcc.record_files import RecordFiles


@dataclass(frozen=True)
class Earlier:
    """The replications an earlier run of the same command finished, by number."""

    directory: Path
    metrics: dict[int, dict[str, float]]


def earlier_run(out: Path, scenario_text: str, seed: int, n: int) -> Earlier:
    """The finished replications of the run in ``out``; :class:`ScenarioError` if it is
    not an earlier run of this same command."""
    import pandas as pd

    summary_path = out / "summary.json"
    needed = ["summary.json", "replications.parquet", *(f"{t}.parquet" for t in RECORD_TABLES)]
    missing = [name for name in needed if not (out / name).is_file()]
    if missing:
        raise ScenarioError(f"--resume: {out} holds no earlier run (no {missing[0]})")
    check_outputs(out)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    saved = out / "scenario.yaml"
    differs = [
        what
        for what, same in (
            ("scenario", saved.is_file() and saved.read_text(encoding="utf-8") == scenario_text),
            ("seed", summary.get("seed") == seed),
            ("number of replications", summary.get("replications_requested") == n),
        )
        if not same
    ]
    if differs:
        raise ScenarioError(
            f"--resume: the run in {out} had another {', '.join(differs)}; run the same "
            "command again with --resume, or without it to start over"
        )
    cut = [note for note in summary.get("stopped_early") or [] if not note.startswith("interr")]
    if cut:
        raise ScenarioError(
            f"--resume: the run in {out} was cut short by a limit ({cut[0]}), not interrupted"
        )
    table = pd.read_parquet(out / "replications.parquet")
    metrics = {
        int(row["replication"]): {str(k): v for k, v in row.items() if k != "replication"}
        for row in table.to_dict(orient="records")
    }
    return Earlier(out, metrics)


def check_resumable(options: dict[str, Any]) -> None:
    """Refuse the options whose data an output set does not keep."""
    refused = [name for name, given in options.items() if given]
    if refused:
        raise ScenarioError(
            f"--resume does not apply with {refused[0]}: the output set keeps each "
            "replication's metrics, not the totals, controls or groups it needs"
        )


def add_earlier_records(earlier: Earlier, files: RecordFiles) -> None:
    """Hand the earlier run's records to ``files``, replication by replication."""
    readers = {name: _Replications(earlier.directory / f"{name}.parquet") for name in RECORD_TABLES}
    for replication in sorted(earlier.metrics):
        files.add_tables(replication, {n: r.take(replication) for n, r in readers.items()})


class _Replications:
    """One records file, read a row group at a time, as one table per replication."""

    def __init__(self, path: Path) -> None:
        self.file = pq.ParquetFile(path)
        self._parts = self._read()
        self._next: tuple[int, pa.Table] | None = next(self._parts, None)

    def _read(self) -> Iterator[tuple[int, pa.Table]]:
        """(replication, its rows) in file order; rows of one replication in two row
        groups (over a million of them) are joined."""
        held: tuple[int, list[pa.Table]] | None = None
        for group in range(self.file.num_row_groups):
            table = self.file.read_row_group(group)
            numbers = table.column("replication").to_numpy()
            starts = [0, *(np.flatnonzero(numbers[1:] != numbers[:-1]) + 1), len(numbers)]
            for a, b in itertools.pairwise(starts):
                number, part = int(numbers[a]), table.slice(a, b - a)
                if held is not None and held[0] == number:
                    held[1].append(part)
                    continue
                if held is not None:
                    yield held[0], pa.concat_tables(held[1])
                held = (number, [part])
        if held is not None:
            yield held[0], pa.concat_tables(held[1])

    def take(self, replication: int) -> pa.Table:
        """The rows of ``replication`` (an empty table if it had none)."""
        if self._next is not None and self._next[0] == replication:
            table = self._next[1]
            self._next = next(self._parts, None)
            return table
        return self.file.schema_arrow.empty_table()
