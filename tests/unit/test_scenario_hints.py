"""Plausible mistakes in a valid scenario are warned about at their line, never refused:
a bare-number horizon or handle time of seconds, a volume cv written as a percent, a
``rates``/``counts`` list longer than the horizon."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.checks import check
from simcc.cli import app
from simcc.scenario import ScenarioError, loads_scenario, scenario_from_dict
from simcc.scenario.hints import _gamma_below

BASE = """\
name: probe
horizon: 12h
call_types:
  billing:
    arrivals: {rate: 60/h}
    path: [front]
pools:
  front:
    agents: 5
    handle_time: {dist: exponential, mean: 4m}
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def warnings_of(text: str) -> tuple[str, ...]:
    return loads_scenario(text, source="centre.yaml").file_warnings


def test_base_has_no_warning() -> None:
    assert warnings_of(BASE) == ()


def test_a_bare_number_horizon_of_seconds_is_warned_about_at_its_line() -> None:
    (warning,) = warnings_of(edit("horizon: 12h", "horizon: 24"))
    assert warning.startswith("centre.yaml:2: horizon: a horizon of 24 without a unit is 24 s")
    assert "did you mean 24h? Write 24s to keep it" in warning


@pytest.mark.parametrize("horizon", ["24s", "'24s'", "600", "2h", "86400"])
def test_a_horizon_with_a_unit_or_of_ten_minutes_or_more_is_not_warned_about(
    horizon: str,
) -> None:
    assert warnings_of(edit("horizon: 12h", f"horizon: {horizon}")) == ()


@pytest.mark.parametrize(
    ("handle_time", "path"),
    [
        ("{dist: exponential, mean: 5}", "pools.front.handle_time.mean"),
        ("5", "pools.front.handle_time"),
        ("{billing: {dist: lognormal, mean: 4, cv: 0.5}}", "pools.front.handle_time.billing.mean"),
        ("{billing: 4}", "pools.front.handle_time.billing"),
        ("{dist: deterministic, value: 3}", "pools.front.handle_time.value"),
    ],
)
def test_a_bare_number_handle_time_under_ten_seconds_is_warned_about(
    handle_time: str, path: str
) -> None:
    text = edit("handle_time: {dist: exponential, mean: 4m}", f"handle_time: {handle_time}")
    (warning,) = warnings_of(text)
    assert warning.startswith(f"centre.yaml:10: {path}: a handle time of ")
    assert "without a unit is" in warning and "did you mean" in warning


@pytest.mark.parametrize("mean", ["10", "5s", "'5s'", "0.5m", "90"])
def test_a_handle_time_with_a_unit_or_of_ten_seconds_or_more_is_not_warned_about(
    mean: str,
) -> None:
    text = edit("mean: 4m}", f"mean: {mean}}}")
    assert warnings_of(text) == ()


def test_a_scenario_built_in_python_has_no_unit_to_miss() -> None:
    data = {
        "horizon": 24,
        "call_types": {"a": {"arrivals": {"rate": 60}, "path": ["p"]}},
        "pools": {"p": {"agents": 1, "handle_time": 5}},
    }
    assert scenario_from_dict(data).file_warnings == ()


def test_a_volume_cv_above_one_is_warned_about_as_a_likely_percent() -> None:
    (warning,) = warnings_of(BASE + "arrivals: {volume_cv: 10}\n")
    assert warning.startswith("centre.yaml:11: arrivals.volume_cv: 10 is the cv of the day's")
    assert f"in about {_gamma_below(0.01, 10):.0%} of replications" in warning
    assert "if you meant 10 %, write 0.1" in warning


@pytest.mark.parametrize("cv", ["0", "0.15", "1"])
def test_a_volume_cv_up_to_one_is_not_warned_about(cv: str) -> None:
    assert warnings_of(BASE + f"arrivals: {{volume_cv: {cv}}}\n") == ()


@pytest.mark.parametrize("x", [0.001, 0.01, 0.5, 3.0])
def test_the_share_of_nearly_empty_days_is_the_gamma_law(x: float) -> None:
    # cv 1: shape 1, the exponential law; cv √2: shape 1/2, P(G < x) = erf(√(x/2))
    assert _gamma_below(x, 1.0) == pytest.approx(1 - math.exp(-x), rel=1e-9)
    assert _gamma_below(x, math.sqrt(2)) == pytest.approx(math.erf(math.sqrt(x / 2)), rel=1e-9)


def test_a_rates_list_longer_than_the_horizon_names_its_first_unused_item() -> None:
    rates = "\n".join(f"        - {r}/h" for r in range(10, 150, 10))  # 14 rates
    text = edit("arrivals: {rate: 60/h}", f"arrivals:\n      interval: 1h\n      rates:\n{rates}")
    (warning,) = warnings_of(text)
    assert warning == (
        "centre.yaml:20: call_types.billing.arrivals.rates: 14 rates of 1h each, but the "
        "horizon (12h) has 12 intervals: the last 2 are never used (arrivals stop at the horizon)"
    )


def profile(count: int, repeat: str) -> str:
    rates = ", ".join(["60/h"] * count)
    return edit("{rate: 60/h}", f"{{interval: 1h, rates: [{rates}], repeat: {repeat}}}")


@pytest.mark.parametrize(("count", "repeat"), [(12, "false"), (3, "false"), (12, "true")])
def test_a_rates_list_that_fits_the_horizon_is_not_warned_about(count: int, repeat: str) -> None:
    assert warnings_of(profile(count, repeat)) == ()


def test_a_repeated_rates_list_too_long_is_warned_about_too() -> None:
    (warning,) = warnings_of(profile(13, "true"))
    assert "13 rates of 1h each" in warning and "the last one is never used" in warning


def test_a_shift_plan_longer_than_the_horizon_is_warned_about_unless_it_repeats() -> None:
    counts = ", ".join(["5"] * 7)
    text = edit("agents: 5", f"agents: {{interval: 2h, counts: [{counts}]}}")
    (warning,) = warnings_of(text)
    assert warning.startswith("centre.yaml:9: pools.front.agents.counts: 7 counts of 2h each")
    assert (
        "the last one is never used (the 6th count holds after the horizon while contacts finish)"
        in (warning)
    )
    repeated = text.replace(f"[{counts}]}}", f"[{counts}], repeat: true}}")
    assert warnings_of(repeated) == ()  # a repeated plan staffs the drain after the horizon


def test_the_load_check_says_the_file_warnings_first() -> None:
    scenario = loads_scenario(edit("horizon: 12h", "horizon: 24"), source="centre.yaml")
    assert check(scenario).warnings[0] == scenario.file_warnings[0]


def test_validate_prints_the_warning_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(edit("horizon: 12h", "horizon: 24"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}:2: horizon: a horizon of 24 without a unit" in result.output


def test_validate_without_the_load_checks_still_warns_about_the_files_slips(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(edit("horizon: 12h", "horizon: 24"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--no-checks", str(path)])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}:2: horizon: a horizon of 24 without a unit" in result.output


def test_a_bare_number_horizon_is_named_first_among_the_errors_it_causes() -> None:
    text = edit("horizon: 12h", "horizon: 12").replace(
        "name: probe\n", "name: probe\nwarmup: 30m\n"
    )
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, source="centre.yaml")
    first, second = caught.value.problems
    assert first.startswith("centre.yaml:3: horizon: a horizon of 12 without a unit is 12 seconds")
    assert second.startswith("centre.yaml:2: warmup: 30m must be shorter than the horizon (12s)")
