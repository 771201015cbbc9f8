"""The command line starts without the heavy libraries it does not need (issue 17, item 5).

Each check runs in a fresh interpreter and looks at ``sys.modules``: what a
command loads, not how long it takes (speed lives in benchmarks/startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "matplotlib", "scipy", "dask", "pyarrow")


def loaded_after(code: str) -> set[str]:
    """Which of :data:`HEAVY` (and pydantic) a fresh interpreter holds after running ``code``."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        f"print(json.dumps([m for m in {(*HEAVY, 'pydantic')!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def run_cli(*argv: str) -> str:
    """Code that runs ``simcc ARGV...`` in-process, swallowing its exit, output to /dev/null."""
    return (
        "import contextlib, os, sys\n"
        f"sys.argv = ['simcc', *{list(argv)!r}]\n"
        "import simcc.cli\n"
        "with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null):\n"
        "    try:\n"
        "        simcc.cli.main()\n"
        "    except SystemExit:\n"
        "        pass\n"
    )


def test_importing_the_command_line_loads_no_heavy_library_nor_pydantic() -> None:
    assert loaded_after("import simcc.cli") == set()


def test_simcc_help_loads_no_heavy_library() -> None:
    assert loaded_after(run_cli("--help")) & set(HEAVY) == set()


def test_import_simcc_loads_no_heavy_library_nor_pydantic() -> None:
    assert loaded_after("import simcc") == set()


@pytest.mark.parametrize("scenario", ["centre-warm.yaml", "erlang-a.yaml"])
def test_simcc_validate_loads_no_plotting_dataframe_or_parquet_library(scenario: str) -> None:
    loaded = loaded_after(run_cli("validate", str(ROOT / "scenarios" / scenario)))
    assert "pydantic" in loaded  # the probe sees what validate really loaded
    assert loaded & set(HEAVY) == set()


def test_simcc_run_progress_bar_loads_neither_pandas_nor_scipy() -> None:
    """``simcc run`` in a terminal draws its bar before any replication: pandas and scipy
    wait for the summary, after the workers have exited (docs/performance.md, "Memory")."""
    code = "from simcc.progress import progress_bar\nimport simcc.cli.run"
    assert loaded_after(code) & {"pandas", "scipy"} == set()


def test_simcc_run_dispatches_replications_before_loading_pandas_or_scipy(tmp_path: Path) -> None:
    """What the parent holds when its first replications go to the workers."""
    spy = (
        "import json, sys\n"
        "import simcc.executors as executors\n"
        "start = executors.ProcessExecutor._workers\n"
        "def workers(self):\n"
        "    seen = [m for m in ('pandas', 'scipy') if m in sys.modules]\n"
        f"    open({str(tmp_path / 'seen.json')!r}, 'w').write(json.dumps(seen))\n"
        "    return start(self)\n"
        "executors.ProcessExecutor._workers = workers\n"
    )
    small = ROOT / "tests" / "small-centre.yaml"
    loaded_after(
        spy + run_cli("run", str(small), "-n", "3", "-j", "2", "--out", str(tmp_path / "o"))
    )
    assert json.loads((tmp_path / "seen.json").read_text()) == []


def test_simcc_run_out_never_loads_pandas(tmp_path: Path) -> None:
    """Under --out the parent streams the records and writes the summary and
    replications.parquet without pandas (44 MB, and 0.3-0.5 s of imports, saved); the
    summary's scipy loads while the workers run (simcc.runner.SUMMARY_MODULES)."""
    spy = (
        "import json, sys\n"
        "import simcc.record_files as files\n"
        "add = files.RecordFiles.add\n"
        "seen = set()\n"
        "def spied(self, replication, records):\n"
        "    seen.update(m for m in ('pandas',) if m in sys.modules)\n"
        f"    open({str(tmp_path / 'seen.json')!r}, 'w').write(json.dumps(sorted(seen)))\n"
        "    return add(self, replication, records)\n"
        "files.RecordFiles.add = spied\n"
    )
    small = ROOT / "tests" / "small-centre.yaml"
    loaded = loaded_after(
        spy + run_cli("run", str(small), "-n", "6", "-j", "2", "--out", str(tmp_path / "o"))
    )
    assert "scipy" in loaded and "pandas" not in loaded  # the summary's t quantiles only
    assert json.loads((tmp_path / "seen.json").read_text()) == []
    assert (tmp_path / "o" / "replications.parquet").is_file()
