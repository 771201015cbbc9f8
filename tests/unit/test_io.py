"""Outputs are written atomically, and a bad output directory is found before any work."""

from __future__ import annotations

import errno
import json
import math
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from simcc import io
from simcc.io import OutputError, atomic_write, prepare_out, write_json, write_parquet, write_text


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    write_json(target, {"a": 1})
    write_json(target, {"a": 2, "nan": math.nan, "inf": math.inf})
    assert json.loads(target.read_text()) == {"a": 2, "nan": None, "inf": None}
    assert leftovers(tmp_path) == []


def test_outputs_are_ordinary_readable_files(tmp_path: Path) -> None:
    target = write_text(tmp_path / "a.txt", "x")
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o044 == 0o044 & ~io._UMASK  # not the 0600 of a temporary file


def test_failure_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    target.write_text("old")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half a fi")
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError, match="disk pulled out"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_interrupt_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "records.parquet"
    target.write_text("old")

    def interrupted(tmp: Path) -> None:
        tmp.write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_os_error_mid_write_becomes_output_error(tmp_path: Path) -> None:
    target = tmp_path / "a.parquet"

    def full(tmp: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match=r"cannot write .*a\.parquet: No space left on device"):
        atomic_write(target, full)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_writing_into_a_missing_directory_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_text(tmp_path / "missing" / "a.txt", "x")


def test_parquet_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    write_parquet(tmp_path / "f.parquet", frame)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "f.parquet"), frame)


def test_prepare_out_creates_nested_directories(tmp_path: Path) -> None:
    out = prepare_out(tmp_path / "a" / "b")
    assert out.is_dir()
    assert leftovers(out) == []  # the probe file is gone


def test_prepare_out_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="exists and is not a directory") as caught:
        prepare_out(tmp_path / "f")
    assert caught.value.before_work


def test_prepare_out_refuses_a_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match=r"cannot create output directory .*Not a directory"):
        prepare_out(tmp_path / "f" / "out")


def test_prepare_out_refuses_a_read_only_directory(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip(
            "running as root: chmod does not stop root writing (see the path-under-a-file test)"
        )
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            prepare_out(locked)
    finally:
        locked.chmod(0o755)


def test_prepare_out_reports_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk shows when the probe is flushed: simulate it at fsync."""

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io.os, "fsync", no_space)
    with pytest.raises(OutputError, match=r"No space left on device .*free some space") as caught:
        prepare_out(tmp_path / "out")
    assert caught.value.before_work
    assert leftovers(tmp_path / "out") == []


def test_prepare_out_on_a_real_full_device() -> None:
    """/dev/full takes no data: a directory cannot be made there either."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError, match="cannot create output directory"):
        prepare_out("/dev/full/out")
