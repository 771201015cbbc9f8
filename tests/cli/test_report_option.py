"""``--report`` without ``--out``: the report goes to ./simcc-out/NAME, and the line says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app

CENTRE = (Path(__file__).parents[1] / "small-centre.yaml").read_text()

runner = CliRunner()


@pytest.fixture
def centre(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "small.yaml"
    path.write_text(CENTRE)
    return path


def test_run_report_without_out_writes_under_simcc_out(centre: Path) -> None:
    result = runner.invoke(app, ["run", str(centre), "-n", "2", "-j", "1", "--report"])
    assert result.exit_code == 0, result.output
    where = Path("simcc-out") / "small-warm"
    assert f"--report without --out: writing to {where}" in result.stderr
    assert (centre.parent / where / "report.html").is_file()
    assert (centre.parent / where / "summary.json").is_file()


def test_compare_report_without_out_is_named_after_the_policies(centre: Path) -> None:
    args = ["compare", str(centre), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1", "--report"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    where = Path("simcc-out") / "small-warm-vs-cold"
    assert f"writing to {where}" in result.stderr
    assert (centre.parent / where / "report.html").is_file()


def test_without_report_nothing_is_written(centre: Path) -> None:
    result = runner.invoke(app, ["run", str(centre), "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert not (centre.parent / "simcc-out").exists()
    assert "--report" not in result.stderr
