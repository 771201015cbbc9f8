"""``--estimator ratio``, ``--precision``, ``--max-replications`` and ``--control-variates``
on ``simcc run`` and ``simcc compare``: what they print and write, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args])
    return result.exit_code, result.output


def test_run_with_the_ratio_estimator_says_so_and_labels_summary_json(tmp_path: Path):
    code, output = run("run", str(SMALL), "-n", "3", "-j", "1", "--estimator", "ratio",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 0, output
    assert "estimator: ratios of totals, delta-method CIs" in output
    document = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert document["estimator"] == "ratio"


def test_run_by_default_labels_the_mean_estimator_and_prints_no_estimator_line(tmp_path: Path):
    code, output = run("run", str(SMALL), "-n", "2", "-j", "1", "--out", str(tmp_path / "o"))
    assert code == 0, output
    assert "estimator" not in output
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["estimator"] == "mean"


def test_run_with_precision_reports_the_half_width_reached(tmp_path: Path):
    code, output = run("run", str(SMALL), "-n", "3", "-j", "1", "--precision",
                       "abandonment_rate=5%", "--precision", "asa=16.5m",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 0, output
    assert "precision abandonment_rate: ±" in output and ": reached" in output
    document = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert document["precision"]["abandonment_rate"]["target"] == 0.05
    assert document["precision"]["asa"]["target"] == 990  # a time takes its unit, as in --target
    assert document["precision"]["asa"]["reached"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--precision", "abandonment_rate"], "expected METRIC=HALF_WIDTH"),
        (["--precision", "abandonment_rate=x"], "expected METRIC=HALF_WIDTH"),
        (["--precision", "abandon_rate=0.01"], "no metric 'abandon_rate'"),
        (["--precision", "asa=0"], "must be > 0"),
        (["--precision", "asa=5%"], "expected METRIC=HALF_WIDTH"),
        (["--precision", "abandonment_rate=5"], "that half-width is ±500 points"),
        (["--precision", "asa=1", "--max-replications", "2"], "--max-replications (2) is below"),
        (["--estimator", "median"], "expected mean or ratio"),
        (
            ["--precision", "abandonment_rate[segment=vip]=1%"],
            "a metric of one group cannot be a precision target",
        ),
        (["--estimator", "ratio", "--control-variates"], "choose one"),
    ],
)
def test_bad_estimator_options_exit_2_with_one_message(args: list[str], message: str):
    code, output = run("run", str(SMALL), "-n", "3", "-j", "1", *args)
    assert code == 2, output
    assert message in " ".join(output.split())
    assert "Traceback" not in output


def test_run_with_control_variates_shows_the_variance_reduction_per_metric(tmp_path: Path):
    code, output = run("run", str(SMALL), "-n", "8", "-j", "1", "--control-variates",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 0, output
    assert "variance reduction per metric" in output
    factors = output.split("variance reduction per metric")[1]
    assert "Abandonment (all)" in factors
    # offered is the arrivals, a control: exact, not a factor of rounding noise (×1e27)
    offered = next(line for line in factors.splitlines() if "Offered contacts" in line)
    assert offered.endswith("exact (given the controls)")
    assert "e+" not in factors
    document = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert document["estimator"] == "control-variates"
    assert "variance_reduction" in document["metrics"]["service_level"]


def test_control_variates_mark_the_metrics_whose_interval_they_widen():
    # 5 replications, 2 controls: 2 degrees of freedom of 4 left (t 4.30 against 2.78)
    code, output = run("run", str(SMALL), "-n", "5", "-j", "1", "--control-variates")
    assert code == 0, output
    marked = [line for line in output.splitlines() if line.endswith("as wide) *")]
    assert marked, output
    assert "leave 2 degrees of freedom of 4" in " ".join(output.split())


def test_compare_with_the_ratio_estimator_gives_paired_ratio_differences(tmp_path: Path):
    code, output = run("compare", str(SMALL), "--policy", "warm", "--policy", "cold",
                       "-n", "3", "-j", "1", "--estimator", "ratio",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 0, output
    assert "delta method on the paired replications" in " ".join(output.split())
    document = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert document["estimator"] == "ratio"
    assert set(document["differences"]["abandonment_rate"]) == {"cold"}


def test_sweep_with_the_ratio_estimator_keeps_totals_and_summarizes_ratios_of_them(
    tmp_path: Path,
):
    import pandas as pd

    from simcc.experiments import summarize

    out = str(tmp_path / "out")
    grid = ["--set", "pools.desk.agents=2,3"]
    code, output = run("sweep", str(SMALL), *grid, "-n", "3", "-j", "1", "--estimator", "ratio",
                       "--out", out)  # fmt: skip
    assert code == 0, output
    assert "ratio of totals ± 95% CI half-width" in " ".join(output.split())
    table = pd.read_parquet(tmp_path / "out" / "results.parquet")
    point = table[table["pools.desk.agents"] == 2]
    by_hand = point["service_level.num"].sum() / point["service_level.den"].sum()
    summary = summarize(table, ["pools.desk.agents"], estimator="ratio")
    row = summary[(summary["pools.desk.agents"] == 2) & (summary["metric"] == "service_level")]
    assert float(row["mean"].iloc[0]) == pytest.approx(by_hand)
    assert "service_level.num" not in set(summary["metric"])
