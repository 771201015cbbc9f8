"""Patience in a fitted scenario: the Kaplan–Meier curve and which estimator is written.

Our Kaplan–Meier estimate is checked against ``lifelines`` (a library made for
survival analysis) on the bank's censored waits; the ``patience_estimator``
option decides whether the scenario gets the exponential or the KM values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simcc.fit import FitOptions, fit_scenario, kaplan_meier, load_anonymous_bank, offered
from simcc.fit.estimate import CHANGE_POINT, change_point_patience, fit_patience
from simcc.fit.patience import patience_blocks
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
    ("estimator", "dist"),
    [("km", "empirical"), ("exponential", "exponential"), ("change_point", "empirical")],
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


BEFORE, AFTER = 1 / 100, 1 / 400
"""A known hazard (per second) that changes at the 60 s announcement."""


def _changing_hazard_sample(n: int = 20000) -> tuple[np.ndarray, np.ndarray]:
    """Censored waits from the known hazard: patience censored by an exponential wait."""
    rng = np.random.default_rng(5)
    h = rng.exponential(1.0, n)  # the cumulative hazard at which each caller gives up
    patience = np.where(h <= BEFORE * CHANGE_POINT, h / BEFORE,
                        CHANGE_POINT + (h - BEFORE * CHANGE_POINT) / AFTER)  # fmt: skip
    wait = rng.exponential(120.0, n)
    return np.minimum(patience, wait), patience < wait


def _recovers_the_known_hazard(estimator=change_point_patience) -> bool:
    waits, abandoned = _changing_hazard_sample()
    before, after = estimator(waits, abandoned)
    return bool(np.isclose(before, BEFORE, rtol=0.05) and np.isclose(after, AFTER, rtol=0.05))


def test_the_change_point_estimator_recovers_a_hazard_that_changes_at_the_announcement():
    assert _recovers_the_known_hazard()
    waits, abandoned = _changing_hazard_sample()
    fit = fit_patience(waits, abandoned)
    assert BEFORE > fit.theta > AFTER  # one exponential rate lies between the two
    values = np.array(fit.as_dist(use="change_point")["values"])  # type: ignore[index]
    # the empirical values written have the known share giving up by the announcement
    share = np.mean(values <= CHANGE_POINT)
    assert share == pytest.approx(1 - np.exp(-BEFORE * CHANGE_POINT), abs=0.015)


def test_the_change_point_check_fails_when_the_second_piece_counts_its_waits_from_zero():
    def from_zero(waits, abandoned, at=CHANGE_POINT):  # the defect: exposure from 0, not `at`
        w, a = np.asarray(waits, dtype=float), np.asarray(abandoned, dtype=bool)
        before = np.sum(a & (w <= at)) / np.minimum(w, at).sum()
        return float(before), float(np.sum(a & (w > at)) / w[w > at].sum())

    assert not _recovers_the_known_hazard(from_zero)


MEANS = {("PS", 0): 150.0, ("PS", 2): 600.0, ("IN", 0): 600.0}
"""A known centre's mean patience (seconds) by call type and log priority: the general
pool's (PS) standard callers are impatient, its priority ones and the desk's (IN) not."""


BY_POOL = FitOptions(patience_by="pool", patience_estimator="exponential")


def _two_pool_callers(n: int = 6000) -> pd.DataFrame:
    """Queued callers of the known centre, exponential patience censored by their wait; the
    desk's callers wait longest, so their waiting time weighs most in a pooled fit."""
    rng = np.random.default_rng(11)
    frames = []
    for (ctype, priority), mean in MEANS.items():
        patience = rng.exponential(mean, n)
        wait = rng.exponential(300.0 if ctype == "IN" else 60.0, n)
        frames.append(pd.DataFrame({
            "ctype": ctype, "priority": priority, "queued": True,
            "wait": np.minimum(patience, wait),
            "outcome": np.where(patience < wait, "HANG", "AGENT"),
        }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _standard_mean(pool_of: dict[str, str] | None) -> float:
    callers = _two_pool_callers()
    blocks = patience_blocks(callers, callers, ["PS", "IN"], BY_POOL, pool_of).blocks(
        {"PS": {}, "IN": {}}
    )
    return float(blocks["customers"]["patience"]["mean"])


def test_patience_by_pool_fits_the_general_pools_segments_on_its_own_callers():
    callers = _two_pool_callers()
    call_types: dict[str, dict] = {"PS": {}, "IN": {}}
    out = patience_blocks(
        callers,
        callers,
        ["PS", "IN"],
        BY_POOL,
        {"PS": "agents", "IN": "agents_IN"},
    )
    blocks = out.blocks(call_types)
    assert blocks["customers"]["patience"]["mean"] == pytest.approx(MEANS["PS", 0], rel=0.1)
    priority = blocks["segments"]["priority"]["patience"]["mean"]
    assert priority == pytest.approx(MEANS["PS", 2], rel=0.15)
    assert call_types["IN"]["patience"]["mean"] == pytest.approx(MEANS["IN", 0], rel=0.15)
    assert "patience" not in call_types["PS"]
    # with the pools not passed on (the defect), the desk's patient callers weigh in
    assert _standard_mean(None) > 1.3 * MEANS["PS", 0]
    assert _standard_mean({"PS": "agents", "IN": "agents_IN"}) == pytest.approx(
        MEANS["PS", 0], rel=0.1
    )
