"""The run report's interval part: required vs scheduled vs busy agents, service level per
interval against the target, from the records with their CIs (issue 16 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import simcc
from simcc.analysis.interval_report import interval_table_of_run, read_required
from simcc.cli import app

SMALL = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()
runner = CliRunner()


def invoke(*args: object) -> None:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interval-report")
    (root / "small.yaml").write_text(SMALL, encoding="utf-8")
    # a requirements table beside the scenario, as `simcc staff --interval` writes it
    rows = [
        {"policy": "warm", "pool": pool, "start": k * 1800.0, "end": (k + 1) * 1800.0,
         "required": need}
        for pool, needs in (("front", [4, 5, 6, 7]), ("desk", [2, 2, 3, 3]))
        for k, need in enumerate(needs)
    ]  # fmt: skip
    pd.DataFrame(rows).to_csv(root / "staffing.csv", index=False)
    invoke("run", root / "small.yaml", "-n", "2", "--jobs", "1", "--out", root / "run")
    invoke("report", root / "run", "--scenario", root / "small.yaml")
    return root


def section(run_dir: Path) -> str:
    text = (run_dir / "run" / "report.html").read_text(encoding="utf-8")
    match = re.search(r'<section id="intervals">(.*?)</section>', text, re.S)
    assert match, "no interval section"
    return match.group(1)


def test_the_run_report_has_a_table_and_a_chart_per_pool(run_dir: Path) -> None:
    part = section(run_dir)
    assert "<h3>front</h3>" in part and "<h3>desk</h3>" in part
    assert len(re.findall(r"<img\b", part)) == 2
    assert "target of 80%" in part


def test_the_required_agents_come_from_the_requirements_table(run_dir: Path) -> None:
    part = section(run_dir)
    assert "staffing.csv" in part
    front = part.split("<h3>front</h3>")[1].split("<h3>")[0]
    cells = re.findall(r"<tr><td class=\"name\">[^<]*(?:<b>misses</b>)?</td><td>(\w+)</td>", front)
    assert cells == ["4", "5", "6", "7"]


def test_the_interval_table_is_the_records_with_their_cis(run_dir: Path) -> None:
    scenario = simcc.load_scenario(run_dir / "small.yaml")
    records = {n: pd.read_parquet(run_dir / "run" / f"{n}.parquet") for n in
               ("contacts", "agents", "transfers")}  # fmt: skip
    required = read_required(run_dir / "staffing.csv", scenario)
    table = interval_table_of_run(records, scenario, required)
    front = table[table.pool == "front"].sort_values("start")
    assert front.scheduled.tolist() == [5, 5, 7, 7]  # the shift plan, per half hour
    assert front.required.tolist() == [4, 5, 6, 7]
    assert (front.busy_ci_low <= front.busy).all() and (front.busy <= front.busy_ci_high).all()
    assert (front.busy <= front.scheduled + 1e-9).all()


def test_without_a_requirements_table_the_report_says_so(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    invoke("run", tmp_path / "small.yaml", "-n", "2", "--jobs", "1", "--out", tmp_path / "run")
    invoke("report", tmp_path / "run", "--scenario", tmp_path / "small.yaml")
    text = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "no required agents" in text
