"""FitOptions: one value holds every choice ``fit_log`` makes, each default written once."""

from __future__ import annotations

import dataclasses

import pytest

from simcc.fit import FitOptions, fit_scenario
from simcc.fit.calibrate import VARIANTS, options_of, parser
from simcc.fit.options import QUARTER_HOUR
from tests.unit.test_fit import synthetic_log


def test_an_unknown_choice_is_refused_naming_the_field_and_the_choices():
    with pytest.raises(ValueError, match=r"pools: expected one of auto, one, got 'two'"):
        FitOptions(pools="two")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="patience_estimator: expected one of"):
        FitOptions(patience_estimator="weibull")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"break_threshold: expected one of day, rate"):
        FitOptions(break_threshold="hour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="staffing_interval: expected a positive number"):
        FitOptions(staffing_interval=0.0)


def test_options_are_frozen_and_replace_makes_a_changed_copy():
    base = FitOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.pools = "one"  # type: ignore[misc]
    one = base.replace(pools="one", max_gap=600.0)
    assert (base.pools, one.pools) == ("auto", "one")
    assert one.changed() == {"pools": "one", "max_gap": 600.0}
    assert base.changed() == {}


def test_no_options_and_the_default_options_fit_the_same_scenario():
    calls = synthetic_log(n_days=2)
    assert fit_scenario(calls, "all") == fit_scenario(calls, "all", FitOptions())


def test_an_option_changes_the_fitted_scenario_as_it_says():
    calls = synthetic_log(n_days=2)
    scenario, _ = fit_scenario(calls, "all", FitOptions(replications=3, sla_threshold=30.0))
    assert scenario["replications"] == 3
    assert scenario["sla"] == {"answer": {"threshold": "30s"}}


def test_calibrate_command_line_defaults_are_the_options_defaults():
    assert options_of(parser().parse_args([])) == FitOptions()
    args = parser().parse_args(["--pools", "one", "--max-gap", "600"])
    assert options_of(args).changed() == {"pools": "one", "max_gap": 600.0}
    assert VARIANTS["one pool, distinct agents per half hour (the first method)"].changed() == {
        "pools": "one",
        "staffing_interval": 2 * QUARTER_HOUR,
        "staffing_method": "distinct",
    }
