"""``simcc theory``: the exact values of any valid one-pool scenario, or one line why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app

SCENARIO = """\
name: probe
horizon: 8h
call_types:
  general: {{arrivals: {{rate: 180/h}}, path: [agents]}}
customers:
  patience: {patience}
pools:
  agents: {{agents: {agents}, handle_time: {handle}}}
"""
EXP_HANDLE = "{dist: exponential, mean: 5m}"


def _theory(tmp_path: Path, patience: str, agents: int = 14, handle: str = EXP_HANDLE):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(patience=patience, agents=agents, handle=handle))
    return CliRunner().invoke(app, ["theory", str(path)])


def _row(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(name)).split()[-1]


@pytest.mark.parametrize(
    ("patience", "model", "abandonment"),
    [
        ("{dist: exponential, mean: 4m}", "Erlang A", "14.4%"),
        ("{dist: lognormal, mean: 4m, cv: 0.8}", "M/M/n+G", "12.4%"),
        ("{dist: uniform, low: 1m, high: 7m}", "M/M/n+G", None),
        ("{dist: empirical, values: [10, 50, 55, 60, 300]}", "M/M/n+G", "16.8%"),
        ("{dist: gamma, mean: 4m, cv: 1.0}", "M/M/n+G", "14.4%"),  # = Erlang A
    ],
)
def test_theory_names_the_model_for_any_patience(
    tmp_path: Path, patience: str, model: str, abandonment: str | None
) -> None:
    result = _theory(tmp_path, patience)
    assert result.exit_code == 0, result.output
    assert model in result.output
    assert "not exponential" not in result.output
    if abandonment:
        assert _row(result.output, "abandonment_rate") == abandonment


def test_the_column_says_exact_only_where_the_formulas_fit_the_scenario(tmp_path: Path) -> None:
    fits = _theory(tmp_path, "{dist: exponential, mean: 4m}")
    assert fits.exit_code == 0
    assert next(line for line in fits.stdout.splitlines() if "metric" in line).split() == [
        "metric",
        "exact",
    ]
    lognormal_handle = _theory(tmp_path, "{dist: exponential, mean: 4m}",
                               handle="{dist: lognormal, mean: 5m, cv: 0.5}")  # fmt: skip
    assert lognormal_handle.exit_code == 0
    assert "not exponential: the formulas are approximate" in lognormal_handle.output
    header = next(line for line in lognormal_handle.stdout.splitlines() if "metric" in line)
    assert header.split() == ["metric", "approximate"]


def test_no_agents_means_everyone_abandons(tmp_path: Path) -> None:
    result = _theory(tmp_path, "{dist: exponential, mean: 4m}", agents=0)
    assert result.exit_code == 0, result.output
    assert _row(result.output, "abandonment_rate") == "100.0%"
    assert _row(result.output, "service_level") == "0.0%"
    assert "every caller waits out its patience" in result.output


def test_no_agents_and_zero_patience_has_a_service_level_of_zero(tmp_path: Path) -> None:
    """Every caller leaves at once with wait 0: not short abandons (they waited nothing,
    as the metrics count them), so none of the offered is answered in time."""
    result = _theory(tmp_path, "0", agents=0)
    assert result.exit_code == 0, result.output
    assert _row(result.output, "abandonment_rate") == "100.0%"
    assert _row(result.output, "service_level") == "0.0%"


def test_zero_patience_with_agents_leaves_the_service_level_of_erlang_b(tmp_path: Path) -> None:
    # those who find all 14 busy leave with wait 0, and stay in the denominator
    result = _theory(tmp_path, "0")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "service_level") == "78.0%"  # 1 − B(14, 15 Erlangs)


def test_zero_patience_is_erlang_b(tmp_path: Path) -> None:
    result = _theory(tmp_path, "0")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "abandonment_rate") == "22.0%"  # B(14, 15 Erlangs)
    assert _row(result.output, "asa") == "0.0s"


def test_zero_handle_time_means_nobody_waits(tmp_path: Path) -> None:
    result = _theory(
        tmp_path, "{dist: exponential, mean: 4m}", handle="{dist: empirical, values: [0, 0]}"
    )
    assert result.exit_code == 0, result.output
    assert _row(result.output, "abandonment_rate") == "0.0%"
    assert _row(result.output, "service_level") == "100.0%"
    assert "answered at once" in result.output


def test_very_short_patience_is_answered_at_once(tmp_path: Path) -> None:
    """Patience 1e-9 s once tried to allocate 298 GiB; it is Erlang B to the display."""
    result = _theory(tmp_path, "{dist: exponential, mean: 1e-9}")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "abandonment_rate") == "22.0%"


@pytest.mark.parametrize(
    ("patience", "agents", "why"),
    [
        ("inf", 0, "with infinite patience and no agents the queue grows without bound"),
        ("inf", 10, "offered load of 15.0 Erlangs ≥ 10 agents the queue grows without bound"),
    ],
)
def test_theory_says_in_one_line_why_it_does_not_apply(
    tmp_path: Path, patience: str, agents: int, why: str
) -> None:
    result = _theory(tmp_path, patience, agents=agents)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "theory does not apply" in lines[0] and why in lines[0]
    assert "Traceback" not in result.output


def test_a_chain_too_long_to_compute_is_refused_in_one_line(tmp_path: Path) -> None:
    """Erlang C at 99.99999999 % load needs more queue positions than the 2^21 bound."""
    path = tmp_path / "s.yaml"
    path.write_text(
        SCENARIO.format(patience="inf", agents=1, handle="{dist: exponential, mean: 1s}").replace(
            "180/h", "0.9999999999/s"
        )
    )
    result = CliRunner().invoke(app, ["theory", str(path)])
    assert result.exit_code == 2
    assert "theory does not apply" in result.output and "too close to 100 %" in result.output


TWO_DOORS = """\
name: two doors
horizon: 8h
call_types:
  phone: {arrivals: {rate: 120/h}, path: [voice]}
  chat: {arrivals: {rate: 60/h}, path: [chat]}
customers:
  patience: {dist: exponential, mean: 4m}
pools:
  voice: {agents: 12, handle_time: {dist: exponential, mean: 5m}}
  chat: {agents: 4, handle_time: {phone: 1m, chat: {dist: exponential, mean: 3m}}}
"""


def test_with_several_pools_only_the_call_types_entering_the_pool_load_it(
    tmp_path: Path,
) -> None:
    # voice takes 120/h × 5 min = 10 Erlangs; the chats (60/h × 3 min) go to the other pool
    path = tmp_path / "two.yaml"
    path.write_text(TWO_DOORS)
    result = CliRunner().invoke(app, ["theory", str(path)])
    assert result.exit_code == 0, result.output
    assert "10.00 Erlangs" in result.output
    assert "using 'voice', which most arrivals enter" in " ".join(result.output.split())
    assert "(not chat)" in result.output
