"""The ``simcc`` package: one version, and importing a low layer loads no layer above."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import simcc


def test_the_version_is_the_installed_distributions() -> None:
    assert simcc.__version__ == importlib.metadata.version("simcc")


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "statement",
    ["import simcc", "import simcc.analysis.report", "from simcc._version import __version__"],
)
def test_importing_it_does_not_load_the_runner(statement: str) -> None:
    loaded = _loaded_after(statement)
    assert "simcc.runner" not in loaded
    assert "simcc.experiments" not in loaded


def test_the_runner_and_the_experiments_load_on_first_use() -> None:
    loaded = _loaded_after("import simcc; simcc.replicate; simcc.Execution")
    assert {"simcc.runner", "simcc.experiments"} <= loaded
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        simcc.nothing  # type: ignore[attr-defined]  # noqa: B018
