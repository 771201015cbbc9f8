"""The optional top-level ``currency`` and ``opens_at``: checked, kept, and never a number."""

from __future__ import annotations

from pathlib import Path

import pytest

import simcc
from simcc.scenario import ScenarioError, load_scenario, loads_scenario

BASE = """\
horizon: 2h
seed: 5
call_types:
  billing: {arrivals: {rate: 60/h}, path: [front, desk]}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 4m}, resolve: 0.7, cost_per_hour: 30}
  desk: {tier: 2, agents: 2, handle_time: 6m, cost_per_hour: 40}
transfer: {policy: cold, cold: {transfer_time: 10s}}
"""


def test_both_are_optional_and_none_by_default() -> None:
    scenario = loads_scenario(BASE)
    assert scenario.currency is None
    assert scenario.opens_at is None
    assert scenario.opens_at_seconds is None


@pytest.mark.parametrize(
    ("written", "clock", "seconds"),
    [
        ('"08:00"', "08:00", 8 * 3600.0),
        ("08:30", "08:30", 8.5 * 3600),
        ('"7:05"', "07:05", 25500.0),
    ],
)
def test_opens_at_is_a_clock_time(written: str, clock: str, seconds: float) -> None:
    scenario = loads_scenario(f"opens_at: {written}\n{BASE}")
    assert scenario.opens_at == clock
    assert scenario.opens_at_seconds == seconds


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("8:00", 'opens_at: expected a clock time in quotes, e.g. "08:00"; unquoted, YAML reads'),
        ('"24:00"', 'opens_at: expected a clock time "HH:MM" from 00:00 to 23:59'),
        ('"8am"', 'opens_at: expected a clock time "HH:MM"'),
    ],
)
def test_a_bad_opening_time_names_the_line_and_the_form(written: str, says: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(f"opens_at: {written}\n{BASE}", source="centre.yaml")
    assert str(caught.value).startswith("centre.yaml:1: ")
    assert says in str(caught.value)


@pytest.mark.parametrize("written", ["EUR", '"€"', "CHF"])
def test_currency_is_a_short_text(written: str) -> None:
    assert loads_scenario(f"currency: {written}\n{BASE}").currency == written.strip('"')


@pytest.mark.parametrize("written", ['""', "12", "A-VERY-LONG-NAME"])
def test_a_bad_currency_is_refused(written: str) -> None:
    with pytest.raises(ScenarioError, match="currency: expected a currency as a short text"):
        loads_scenario(f"currency: {written}\n{BASE}")


def test_they_are_kept_in_the_saved_scenario(tmp_path: Path) -> None:
    scenario = loads_scenario(f'currency: EUR\nopens_at: "09:00"\n{BASE}')
    path = tmp_path / "again.yaml"
    path.write_text(scenario.to_yaml())
    again = load_scenario(path)
    assert (again.currency, again.opens_at) == ("EUR", "09:00")


def test_they_change_no_number() -> None:
    plain = simcc.replicate(loads_scenario(BASE), 2, jobs=1).table
    labelled = simcc.replicate(
        loads_scenario(f'currency: EUR\nopens_at: "08:00"\n{BASE}'), 2, jobs=1
    ).table
    assert plain.equals(labelled)


def test_the_summary_counts_one_agent_in_the_singular() -> None:
    from simcc.scenario import loads_scenario

    text = """\
name: tiny
horizon: 1h
call_types:
  general: {arrivals: {rate: 10/h}, path: [desk]}
pools:
  desk: {agents: 1, handle_time: {dist: exponential, mean: 3m}}
  help: {agents: 2, handle_time: {dist: exponential, mean: 3m}}
"""
    summary = loads_scenario(text).summary()
    assert "pool desk: tier 1, 1 agent\n" in summary
    assert "pool help: tier 1, 2 agents" in summary
