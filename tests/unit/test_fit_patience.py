"""Patience in a fitted scenario: the Kaplan–Meier curve and which estimator is written.

Our Kaplan–Meier estimate is checked against ``lifelines`` (a library made for
survival analysis) on the bank's censored waits; the ``patience_estimator``
option decides whether the scenario gets the exponential or the KM values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simcc.fit import FitOptions, fit_scenario, kaplan_meier, load_anonymous_bank, offered
from simcc.fit.estimate import fit_patience
from tests.unit.test_fit import synthetic_log

BANK_LOG = Path(__file__).resolve().parents[3] / "shared/data/anonymous-bank/october-1999.tsv"


@pytest.fixture(scope="module")
def queued():
    if not BANK_LOG.is_file():
        pytest.skip(f"Anonymous Bank log not found at {BANK_LOG} (shared data absent)")
    calls = load_anonymous_bank(BANK_LOG).calls
    return calls[offered(calls) & calls["queued"]]


def test_kaplan_meier_matches_lifelines_on_the_banks_censored_waits(queued):
    lifelines = pytest.importorskip("lifelines")
    waits, abandoned = queued["wait"].to_numpy(), (queued["outcome"] == "HANG").to_numpy()
    ours = kaplan_meier(waits, abandoned)
    theirs = lifelines.KaplanMeierFitter().fit(waits, event_observed=abandoned)
    reference = theirs.survival_function_at_times(ours.times).to_numpy()
    np.testing.assert_allclose(ours.survival, reference, rtol=1e-12, atol=1e-12)


def _patience_blocks(scenario):
    blocks = [scenario["customers"]["patience"]]
    blocks += [s["patience"] for s in scenario.get("segments", {}).values() if "patience" in s]
    return blocks


@pytest.mark.parametrize(
    ("estimator", "dist"), [("km", "empirical"), ("exponential", "exponential")]
)
def test_the_patience_estimator_option_decides_the_distribution_written(estimator, dist):
    calls = synthetic_log(n_days=2)
    scenario, _ = fit_scenario(calls, "all", FitOptions(patience_estimator=estimator))
    assert {block["dist"] for block in _patience_blocks(scenario)} == {dist}


def test_auto_keeps_the_exponential_only_where_it_follows_kaplan_meier():
    rng = np.random.default_rng(3)
    patience = rng.lognormal(3.0, 1.2, 4000)  # hazard rises then falls: not exponential
    wait = rng.exponential(60.0, 4000)
    fit = fit_patience(np.minimum(patience, wait), patience < wait)
    assert not fit.exponential_ok
    assert fit.as_dist()["dist"] == "empirical"  # type: ignore[index]
    assert fit.as_dist(use="exponential")["dist"] == "exponential"  # type: ignore[index]
    with pytest.raises(ValueError, match="use must be"):
        fit.as_dist(use="weibull")
