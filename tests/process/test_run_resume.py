"""A streaming ``simcc run --out`` stopped by a real SIGTERM while its worker processes
run, then ``--resume``: the files are those of a run never stopped, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simcc.cli import app

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"
FILES = ("replications.parquet", "contacts.parquet", "agents.parquet", "transfers.parquet")

# the command line, which sends itself SIGTERM once three replications are streamed
STOPS_ITSELF = """\
import os, signal
import simcc.record_files as files

add, seen = files.RecordFiles.add, []

def add_then_stop(self, replication, records):
    add(self, replication, records)
    seen.append(replication)
    if len(seen) == 3:
        os.kill(os.getpid(), signal.SIGTERM)

files.RecordFiles.add = add_then_stop
from simcc.cli import main
main()
"""


@pytest.mark.timeout(300)
def test_a_run_stopped_by_sigterm_resumes_to_the_files_of_an_uninterrupted_one(
    tmp_path: Path,
) -> None:
    args = ["run", str(SMALL), "-n", "12", "-j", "2"]
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    done = CliRunner().invoke(app, [*args, "--out", str(whole)])
    assert done.exit_code == 0, done.output
    stopped = subprocess.run(
        [sys.executable, "-c", STOPS_ITSELF, *args, "--out", str(cut)],
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "100"},
        timeout=240,
    )
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    kept = pd.read_parquet(cut / "replications.parquet")["replication"]
    assert 3 <= len(kept) < 12
    assert not [p.name for p in cut.iterdir() if p.name.startswith(".")]  # no stage left
    resumed = CliRunner().invoke(app, [*args, "--out", str(cut), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    for name in FILES:
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
