"""Writing outputs so that nothing is ever half-written.

Every file goes to a temporary name in the same directory, is flushed to
disk, then renamed over the final name: a reader sees the old file or the new
one, never a fragment, even if the run is killed mid-write.
"""

from __future__ import annotations

import errno
import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


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


def prepare_out(out: str | Path) -> Path:
    """Create ``out`` if needed and check it is writable, before any work starts."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise OutputError(f"output path {path} exists and is not a directory", before_work=True)
    try:
        path.mkdir(parents=True, exist_ok=True)
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


def write_json(path: str | Path, document: Any) -> Path:
    """Write JSON atomically (NaN and infinities become ``null``)."""
    text = json.dumps(_nan_to_none(document), indent=2, default=_json_default, allow_nan=False)
    return write_text(path, text + "\n")


def write_parquet(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as CSV atomically."""
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
