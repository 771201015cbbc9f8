"""``simcc validate FILE...``: check scenario files and say what each describes."""

from __future__ import annotations

from pathlib import Path

import typer

from simcc.cli import app
from simcc.cli.common import USAGE_ERROR, console, err, load, say_error, user_errors
from simcc.cli.options import warn_defaulted_policies
from simcc.scenario import ScenarioError


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Scenario YAML file(s) to check."),
    checks: bool = typer.Option(
        True,
        "--checks/--no-checks",
        help="Also warn about loads the pools cannot carry (the file's own slips, such as a "
        "bare-number horizon, are warned about either way).",
    ),
) -> None:
    """Check scenario files; print a summary of each, or what is wrong (exit code 2).

    Every file is checked, even after a bad one; the exit code is 2 if any was bad.
    """
    from simcc.checks import check

    bad = 0
    with user_errors():
        for path in files:
            try:
                scenario = load(path)
                # the file's own slips (a bare-number horizon…) are said either way
                warnings = check(scenario).warnings if checks else list(scenario.file_warnings)
            except ScenarioError as exc:  # unreadable, or a load no run could finish
                say_error(str(exc))
                bad += 1
                continue
            console.print(f"ok: {path}", markup=False)
            console.print(scenario.summary(), markup=False)
            for warning in warnings:
                err.print(f"warning: {warning}", markup=False)
            if checks:
                warn_defaulted_policies([scenario])
    if bad:
        raise typer.Exit(USAGE_ERROR)
