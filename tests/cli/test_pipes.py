"""A reader of simcc's output that stops reading (``simcc run … --out DIR | head``)
does not cost the output set: the rest of the printing is dropped and the files are
written (:mod:`simcc.cli.pipes`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"

CLI = "from simcc.cli import main; main()"


def _with_reader_gone(
    args: list[str], *, stderr_too: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the command line with its standard output a pipe whose reader has already
    gone, so that its first write fails with a broken pipe (Python ignores SIGPIPE)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-c", CLI, *args],
            stdout=write,
            stderr=write if stderr_too else subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("stderr_too", [False, True], ids=["stdout", "stdout and stderr"])
def test_a_run_whose_reader_has_gone_still_writes_its_output_set(
    tmp_path: Path, stderr_too: bool
) -> None:
    out = tmp_path / "out"
    shown = _with_reader_gone(
        ["run", str(SMALL), "-n", "2", "-j", "1", "--out", str(out)], stderr_too=stderr_too
    )
    said = shown.stderr or ""  # (nothing to read when stderr went to the same pipe)
    assert shown.returncode == 0, said
    assert "Traceback" not in said and "Exception ignored" not in said
    assert json.loads((out / "summary.json").read_text())["replications"] == 2
    assert (out / "contacts.parquet").is_file()


def test_a_compare_whose_reader_has_gone_still_writes_its_output_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    shown = _with_reader_gone(
        ["compare", str(SMALL), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1", "--out", str(out)]
    )
    said = shown.stderr or ""  # (nothing to read when stderr went to the same pipe)
    assert shown.returncode == 0, said
    assert "Traceback" not in said and "Exception ignored" not in said
    assert (out / "manifest.json").is_file()
