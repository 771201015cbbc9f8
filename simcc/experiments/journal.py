"""The journal: every finished replication of an experiment, on disk as it finishes.

An experiment run with an output directory appends one line per finished
replication to ``OUT/journal.jsonl`` and forces it to disk (``fsync``) before
counting it done.  If the run is stopped (Ctrl-C, ``kill``, a crash, a power
cut), every replication whose line is in the file is kept; a line cut short
by the stop is dropped when the journal is read again.  ``--resume`` reads the
journal and runs only the replications it lacks; the final tables are built
from the journal, so a resumed run gives the same tables as an uninterrupted
one.

The file is JSON lines.  The first line describes the experiment::

    {"simcc_journal": 1, "experiment": "sweep", "fingerprint": "…", "simcc": "0.1.0", …}

``fingerprint`` is a hash of everything that decides the numbers (each
point's scenario and the seed); a resume whose fingerprint or simcc version
differs is refused, because its replications would not match.  Then one line
per finished replication::

    {"point": "3f2a…", "replication": 4, "metrics": {"offered": 1058.0, …}}

where ``point`` identifies the scenario that was simulated (a hash of the
scenario and seed, see :func:`simcc.experiments.engine.point_id`).  A last line
``{"complete": true}`` marks a run that finished.  Floats are written with
Python's shortest exact representation, so they read back bit for bit.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from simcc._version import __version__
from simcc.io import OutputError, write_text
from simcc.scenario import ScenarioError

JOURNAL_NAME = "journal.jsonl"
FORMAT = 1


class ExperimentError(ScenarioError):
    """Experiment input that cannot be used (a ``--set``, ``--target``, ``--resume``…).

    A :class:`~simcc.scenario.ScenarioError`, so the command line reports it
    with exit code 2 before any work starts.
    """


@dataclass
class Journal:
    """An open journal: the replications already finished, and the file to append to."""

    path: Path
    header: dict[str, Any]
    entries: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)
    _handle: IO[str] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path: str | Path, header: dict[str, Any], *, resume: bool = False) -> Journal:
        """Start a journal at ``path``, or with ``resume`` pick up the one there.

        ``header`` needs ``experiment`` and ``fingerprint``.  Without ``resume``
        an existing journal of a finished run is replaced; one of an unfinished
        run is refused (its work would be lost).  With ``resume`` the existing
        journal must describe the same experiment.
        """
        path = Path(path)
        header = {"simcc_journal": FORMAT, **header, "simcc": __version__}
        journal = cls(path, header)
        if path.exists():
            old_header, entries, complete = _read(path)
            if resume:
                _check_same(path, old_header, header)
                journal.entries = entries
            elif not complete and entries:
                raise ExperimentError(
                    f"{path} holds {len(entries)} finished replication(s) of an unfinished "
                    "run; add --resume to finish it, or delete the file to start over"
                )
        journal._rewrite()
        return journal

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self.entries

    def append(self, point: str, replication: int, metrics: dict[str, float]) -> None:
        """Record one finished replication, on disk before this returns."""
        line = json.dumps({"point": point, "replication": replication, "metrics": metrics})
        self._write_line(line)
        self.entries[(point, replication)] = _interned(json.loads(line)["metrics"])

    def mark_complete(self) -> None:
        """Note that the run finished (a later run without ``--resume`` may replace it)."""
        self._write_line(json.dumps({"complete": True}))

    def close(self) -> None:
        """Close the file (every line written is already on disk)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write_line(self, line: str) -> None:
        if self._handle is None:
            try:
                self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise OutputError(f"cannot append to {self.path}: {exc.strerror}") from None
        self._handle.write(line + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def _rewrite(self) -> None:
        """Write the header and the kept entries atomically (drops a line cut short)."""
        lines = [json.dumps(self.header)]
        lines += [
            json.dumps({"point": point, "replication": rep, "metrics": metrics})
            for (point, rep), metrics in self.entries.items()
        ]
        write_text(self.path, "\n".join(lines) + "\n")


def _read(path: Path) -> tuple[dict[str, Any], dict[tuple[str, int], dict[str, float]], bool]:
    """(header, finished replications, whether the run completed) of a journal file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(f"{path}: cannot read the journal: {exc}") from None
    lines = text.split("\n")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or "simcc_journal" not in header:
        raise ExperimentError(f"{path}: not a simcc journal; move it away or choose another --out")
    entries: dict[tuple[str, int], dict[str, float]] = {}
    complete = False
    for line in lines[1:]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # empty, or cut short by the stop: that replication runs again
        if record.get("complete"):
            complete = True
        elif {"point", "replication", "metrics"} <= record.keys():
            entries[(str(record["point"]), int(record["replication"]))] = _interned(
                record["metrics"]
            )
    return header, entries, complete


def _interned(metrics: dict[str, float]) -> dict[str, float]:
    """The metrics with one copy of each name for the whole journal (an interval search
    keeps about a thousand names per simulated day)."""
    return {sys.intern(name): value for name, value in metrics.items()}


def _check_same(path: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Refuse to resume a journal made by another experiment, scenario or version."""
    if old.get("experiment") != new.get("experiment"):
        raise ExperimentError(
            f"cannot resume: {path} is the journal of a {old.get('experiment')}, "
            f"not of a {new.get('experiment')}"
        )
    if old.get("simcc") != new.get("simcc"):
        raise ExperimentError(
            f"cannot resume: {path} was written by simcc {old.get('simcc')}, this is "
            f"simcc {new.get('simcc')}; its replications might not match. Start over "
            "in another --out"
        )
    if old.get("fingerprint") != new.get("fingerprint"):
        raise ExperimentError(
            f"cannot resume: {path} was written for other scenarios, grid or seed "
            f"({_describe(old)}; now {_describe(new)}). Resume with the same command, "
            "or start over in another --out"
        )


def _describe(header: dict[str, Any]) -> str:
    return header.get("description") or f"fingerprint {str(header.get('fingerprint'))[:12]}"
