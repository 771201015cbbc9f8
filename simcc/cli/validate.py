"""``simcc validate FILE``: check a scenario file and say what it describes."""

from __future__ import annotations

from pathlib import Path

import typer

from simcc.cli import app
from simcc.cli.common import console, load, user_errors


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Scenario YAML file(s) to check."),
) -> None:
    """Check scenario files; print a summary of each, or what is wrong (exit code 2)."""
    with user_errors():
        for path in files:
            scenario = load(path)
            console.print(f"ok: {path}", markup=False)
            console.print(scenario.summary(), markup=False)
