"""The console's legend: costs in the scenario's currency, the answered + abandoned footnote."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.analysis.format import ANSWERED_NOTE
from simcc.cli import app

CENTRE = (Path(__file__).parents[1] / "small-centre.yaml").read_text()

runner = CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "centre.yaml"
    path.write_text(text)
    return path


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("currency", ["EUR", "€"])
def test_run_labels_costs_with_the_currency(tmp_path: Path, currency: str) -> None:
    path = write(tmp_path, f'currency: "{currency}"\n{CENTRE}')
    result = runner.invoke(app, ["run", str(path), "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert f"Cost per contact ({currency})" in result.stdout
    assert f"Cost per resolved case ({currency})" in result.stdout


def test_without_a_currency_costs_are_plain(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(write(tmp_path, CENTRE)), "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "Cost per contact " in result.stdout
    assert "Cost per contact (" not in result.stdout


def test_run_explains_why_answered_and_abandoned_exceed_offered(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(write(tmp_path, CENTRE)), "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert f"note: {ANSWERED_NOTE}" in one_line(result.stdout)


def test_compare_labels_costs_and_footnotes_every_metric_table(tmp_path: Path) -> None:
    path = write(tmp_path, f"currency: CHF\n{CENTRE}")
    args = ["compare", str(path), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1", "--all"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Cost per contact (CHF)" in result.stdout
    assert f"note: {ANSWERED_NOTE}" in one_line(result.stdout)


def test_sweep_names_the_currency_in_a_cost_column(tmp_path: Path) -> None:
    path = write(tmp_path, f"currency: EUR\n{CENTRE}")
    args = ["sweep", str(path), "--set", "pools.desk.agents=2,3", "-n", "1", "-j", "1"]
    result = runner.invoke(app, [*args, "-m", "cost_per_contact"])
    assert result.exit_code == 0, result.output
    assert "cost_per_contact (EUR)" in result.stdout
