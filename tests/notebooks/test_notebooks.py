"""The notebooks in notebooks/ run from top to bottom, on small settings, so they never rot.

Each notebook has a parameters cell whose sizes shrink when the environment
variable ``SIMCC_SMALL`` is set; the kernel inherits this process's
environment.  The kernel is ``python3`` as this interpreter's ipykernel
provides it (the ``dev`` extra installs ipykernel, nbclient and nbformat), so
the notebooks import the simcc under test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = [
    "01_quickstart.ipynb",
    "02_warm_vs_cold.ipynb",
    "03_staffing_sweep.ipynb",
    "04_interval_staffing.ipynb",
]


def execute(book: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run every cell of ``book`` in a fresh ``python3`` kernel started in ``cwd``."""
    client = NotebookClient(
        book,
        timeout=600,
        startup_timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    return client.execute()


def outputs(book: nbformat.NotebookNode, kind: str) -> list[dict]:
    return [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if kind in out.get("data", {}) or out.get("output_type") == kind
    ]


def test_the_kernel_is_this_interpreter(tmp_path: Path) -> None:
    """``python3`` must start this Python (with this simcc), not another one on the machine."""
    book = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import sys, simcc; print(sys.executable, simcc.__file__)")
        ]
    )
    text = outputs(execute(book, tmp_path), "stream")[0]["text"].split()
    assert Path(text[0]).resolve() == Path(sys.executable).resolve()
    assert Path(text[1]).resolve().is_relative_to(NOTEBOOKS.parent / "simcc")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(book)
    assert book.metadata.kernelspec.name == "python3"
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    parameters = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1 and "SIMCC_SMALL" in parameters[0].source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_small_settings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMCC_SMALL", "1")
    assert os.environ["SIMCC_SMALL"] == "1"
    book = execute(nbformat.read(NOTEBOOKS / name, as_version=4), NOTEBOOKS)
    assert not outputs(book, "error")
    assert outputs(book, "image/png"), "the notebook drew no figure"
