"""``simcc report OUT_DIR``: one self-contained HTML page from a run, compare or sweep output."""

from __future__ import annotations

from pathlib import Path

import typer

from simcc.cli import app
from simcc.cli.common import console, user_errors


@app.command()
def report(
    out_dir: Path = typer.Argument(
        ...,
        exists=True,
        file_okay=False,
        dir_okay=True,
        help="Directory written by `simcc run/compare/sweep --out`.",
    ),
    scenario: Path | None = typer.Option(
        None,
        "--scenario",
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help="Scenario file of the output (default: OUT_DIR/scenario.yaml if present), "
        "for the staffing line, the measurement window and the SLA threshold.",
    ),
) -> None:
    """Write OUT_DIR/report.html: scenario, metrics with 95 % CIs, verdicts and plots."""
    from simcc.analysis.report import build_report

    with user_errors():
        path = build_report(out_dir, scenario=scenario)
        console.print(f"wrote {path}", markup=False)
