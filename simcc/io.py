"""Writing outputs so that nothing is ever half-written, and no two runs are mixed.

Every file goes to a temporary name in the same directory, is flushed to
disk, then renamed over the final name: a reader sees the old file or the new
one, never a fragment, even if the run is killed mid-write.

A command's files are one *output set*, written by :func:`write_outputs`:
every file is first staged in a hidden directory inside ``--out``, then the
set is committed with Ctrl-C and SIGTERM held back for those few renames, and
``manifest.json`` (each file's size and SHA-256) is written last.  An
interrupt therefore leaves the earlier set or the new one, never a mix; a
``kill -9`` in the middle of the commit leaves a manifest marked incomplete,
and :func:`check_outputs` (which ``simcc report`` calls) refuses it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from simcc.workers import alive


class OutputError(OSError):
    """An output directory or file that cannot be written; the message says why.

    ``before_work`` is true when the problem was found before any simulation
    ran (a bad ``--out``): the command line treats it as bad input (exit 2).
    """

    def __init__(self, message: str, *, before_work: bool = False) -> None:
        super().__init__(message)
        self.before_work = before_work

    def __str__(self) -> str:
        return str(self.args[0])


def prepare_out(out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Create ``out`` if needed and check it is writable, before any work starts.

    ``inputs`` are the command's input files: an output directory where simcc
    would write over one of them is refused.
    """
    path = Path(out)
    if not str(out).strip():
        raise OutputError("--out is empty: give a directory name", before_work=True)
    try:
        if path.exists() and not path.is_dir():
            raise OutputError(f"output path {path} exists and is not a directory", before_work=True)
        refuse_overwriting_inputs(path, OUTPUT_NAMES, inputs)
        path.mkdir(parents=True, exist_ok=True)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(
            f"cannot create output directory {path}: {_reason(exc)}", before_work=True
        ) from None
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".simcc-check-", delete=True) as probe:
            probe.write(b"x" * PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise OutputError(
            f"cannot write to output directory {path}: {_reason(exc)}", before_work=True
        ) from None
    return path


PROBE_BYTES = 1 << 20
"""Bytes written (and removed) by :func:`prepare_out` to prove the directory takes data."""


def _reason(exc: OSError) -> str:
    """``Permission denied``, ``No space left on device`` …, with a hint where useful."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{reason} (choose another --out or fix its permissions)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{reason} (free some space or choose another --out)"
    return reason


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file, then rename it to ``path``."""
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _sync_directory(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _current_umask() -> int:
    """The process umask, read once at import (setting it is not thread-safe)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text(path: str | Path, text: str) -> Path:
    """Write text atomically."""

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value


def _json_text(document: Any) -> str:
    return (
        json.dumps(_nan_to_none(document), indent=2, default=_json_default, allow_nan=False) + "\n"
    )


def write_json(path: str | Path, document: Any) -> Path:
    """Write JSON atomically (NaN and infinities become ``null``)."""
    return write_text(path, _json_text(document))


def write_parquet(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as CSV atomically."""
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))


# ============================================================================ output sets

MANIFEST = "manifest.json"
"""Written last by :func:`write_outputs`: the files of the set, each with its size and SHA-256."""

OUTPUT_NAMES = (
    "summary.json",
    "replications.parquet",
    "contacts.parquet",
    "agents.parquet",
    "transfers.parquet",
    "results.parquet",
    "results.csv",
    "staffing.json",
    "evaluations.csv",
    "unstaffed.json",
    "cost.csv",
    "staffing.csv",
    "day-check.csv",
    "plan.csv",
    "check.csv",
    "plan.yaml",
    "scenario.yaml",
    "report.html",
    "journal.jsonl",
    MANIFEST,
)
"""Every name a command may write into ``--out`` (an input there is refused)."""

DERIVED = ("report.html",)
"""Files made from a set after it is written; a new set removes the earlier one's."""

_STAGING = ".simcc-staging-"


def refuse_overwriting_inputs(
    directory: str | Path, names: Iterable[str], inputs: Iterable[str | Path]
) -> None:
    """Refuse (exit 2) an output ``directory/name`` that is one of the command's ``inputs``."""
    targets = [Path(directory) / name for name in names]
    for given in inputs:
        source = Path(given)
        for target in targets:
            if _same_file(source, target):
                raise OutputError(
                    f"--out would overwrite the input {given} with the output {target}; "
                    "choose another --out",
                    before_work=True,
                )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


Content = Any
"""What :func:`write_outputs` writes for a name: text (``str``), ``bytes``, a JSON
document, a DataFrame (Parquet or CSV by the name's suffix), a ``pyarrow.Table``
(Parquet, as ``pyarrow.parquet.write_table`` writes it), a ``Path`` (a copy) or a
:class:`Staged` file (moved, not copied)."""


@dataclass(frozen=True)
class Staged:
    """A file already written under a temporary name in a :func:`stage_directory` of the
    output directory (a streamed Parquet file, say): :func:`write_outputs` moves it into
    the set instead of copying it."""

    path: Path


def stage_directory(directory: str | Path, label: str) -> Path:
    """A new hidden directory inside ``directory`` for files written before their set is
    committed.  Named after this process, so a later command removes it if this one was
    killed (``kill -9``) before it could (as this call removes those of killed ones);
    nothing in it has a final name."""
    _remove_abandoned_stages(Path(directory))
    try:
        return Path(tempfile.mkdtemp(dir=directory, prefix=f"{_STAGING}{os.getpid()}-{label}-"))
    except OSError as exc:
        raise OutputError(f"cannot write to {directory}: {_reason(exc)}") from None


class WriteInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM under the command line) while an output set was being staged:
    the directory holds what it held before."""


def write_outputs(directory: str | Path, files: Mapping[str, Content]) -> list[Path]:
    """Replace the output set in ``directory`` by ``files`` (name → content) as a whole.

    The files are staged in a hidden directory inside ``directory``; an
    interrupt then removes the stage and leaves the earlier set untouched
    (:class:`WriteInterrupted`).  The commit renames them into place with
    Ctrl-C and SIGTERM held back, removes what remains of the earlier set
    (its files not in the new one, and its ``report.html``) and writes
    ``manifest.json`` last.  Returns the paths written.
    """
    directory = Path(directory)
    stage = stage_directory(directory, "set")
    try:
        try:
            entries = {name: _stage(stage / name, content) for name, content in files.items()}
        except KeyboardInterrupt:
            raise WriteInterrupted(
                f"interrupted while writing {directory}: it holds its earlier outputs, unchanged"
            ) from None
        with signals_held():
            _commit(directory, stage, entries)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [directory / name for name in files]


def _stage(path: Path, content: Content) -> dict[str, Any]:
    """Write one file of the set into the stage; its size and checksum for the manifest."""
    try:
        if _is_instance(content, "pandas", "DataFrame"):
            if path.suffix == ".csv":
                content.to_csv(path, index=False)
            else:
                content.to_parquet(path, index=False)
        elif _is_instance(content, "pyarrow", "Table"):
            if path.suffix != ".parquet":
                raise TypeError(f"{path.name}: an Arrow table is written as .parquet only")
            import pyarrow.parquet as pq

            pq.write_table(content, path)
        elif isinstance(content, Staged):
            os.replace(content.path, path)
        elif isinstance(content, Path):
            shutil.copyfile(content, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(_json_text(content), encoding="utf-8")
        os.chmod(path, 0o666 & ~_UMASK)
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
        return {"bytes": path.stat().st_size, "sha256": _sha256(path)}
    except OSError as exc:
        target = path.parent.parent / path.name
        raise OutputError(f"cannot write {target}: {_reason(exc)}") from None


def _is_instance(content: Content, module: str, name: str) -> bool:
    """Whether ``content`` is a ``module.name`` (a DataFrame, an Arrow table), without
    importing ``module``: a table of it cannot exist unless it was imported."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(content, getattr(loaded, name))


def _commit(directory: Path, stage: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Rename the staged files into place; the manifest says ``complete`` only at the end."""
    earlier = set(_manifest_files(directory)) | set(DERIVED)
    write_json(directory / MANIFEST, {"simcc_outputs": 1, "complete": False, "files": entries})
    try:
        for name in entries:
            os.replace(stage / name, directory / name)
        for name in earlier - set(entries):
            (directory / name).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {directory}: {_reason(exc)}") from None
    write_json(directory / MANIFEST, {"simcc_outputs": 1, "complete": True, "files": entries})


def _manifest_files(directory: Path) -> list[str]:
    """The files of the set now in ``directory`` by its manifest (none without one)."""
    try:
        document = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return [str(name) for name in document["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _remove_abandoned_stages(directory: Path) -> None:
    """Stages left by a process that was killed (its PID is gone)."""
    for stage in directory.glob(f"{_STAGING}*"):
        pid = stage.name[len(_STAGING) :].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block runs; deliver them after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[signal.Signals] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signal.Signals(signum))

    held = [signal.SIGINT, signal.SIGTERM]
    previous = {signum: signal.signal(signum, hold) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DamagedOutput(OutputError):
    """An output directory whose set is incomplete or damaged (bad input: exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, before_work=True)


def check_outputs(directory: str | Path) -> frozenset[str] | None:
    """The names of the output set in ``directory``, or ``None`` without a manifest.

    Refuses (:class:`DamagedOutput`) a set that a stop cut short, or a file
    changed since simcc wrote it.  A directory without ``manifest.json`` (made
    by hand, or by simcc 0.1) is taken as it is.  A listed file that is
    missing is left to the reader.
    """
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return None
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
        files = dict(document["files"])
        complete = document["complete"] is True
    except (OSError, ValueError, KeyError, TypeError):
        raise DamagedOutput(f"{manifest} is damaged: not a simcc manifest") from None
    if not complete:
        raise DamagedOutput(
            f"{directory} is incomplete: simcc was stopped while writing it; run the command again"
        )
    for name, entry in files.items():
        path = directory / name
        if not path.is_file():
            continue
        size = path.stat().st_size
        if size != entry.get("bytes"):
            raise DamagedOutput(
                f"{path} is damaged: {size} bytes, but simcc wrote {entry.get('bytes')} "
                f"(see {MANIFEST}); run the command again"
            )
        if _sha256(path) != entry.get("sha256"):
            raise DamagedOutput(
                f"{path} is damaged: its contents changed since simcc wrote it (its "
                f"SHA-256 differs from {MANIFEST}); run the command again"
            )
    return frozenset(files)
