"""MODEL.md §8 before the queue against known answers: front door, uncertain volume, virtual hold.

- **Front door.** Poisson arrivals at rate λ, thinned by a front door that settles
  a share p and delays the rest by i.i.d. door times, reach the pool as Poisson
  arrivals at rate (1 − p)λ: the pool behind it is Erlang A at that rate.  The
  replications' 99.9 % interval of each Erlang metric must hold the exact value,
  and that of ``containment_rate`` the containment p.
- **Uncertain volume.** With ``arrivals.volume_cv`` c each replication's arrivals
  are Poisson given a gamma factor G (mean 1, cv c), so the count ``offered`` over
  [0, T) has mean λT and variance λT + (cλT)² (Poisson–gamma).  The sample variance
  of many short replications must fall in the χ² interval around that variance.
- **Virtual hold** with ``accept: 1`` and ``offer_when_wait_over: 0``: every caller
  who finds no idle agent takes the call back, so nobody abandons the queue and
  every such caller is dialled.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

import simcc
from simcc.analysis.stats import estimate, paired_difference
from tests.validation.cases import (
    CONFIDENCE,
    ERLANG_A,
    ERLANG_METRICS,
    Check,
    ErlangCase,
    case_seed,
    describe_failures,
)

CONTAINMENT = 0.25


def door_scenario(base: ErlangCase, containment: float) -> simcc.Scenario:
    """``base`` behind a front door: arrivals raised so that ``base``'s rate reaches the pool."""
    data = base.data()
    data["name"] = f"validation front door before {base.name}"
    calls = data["call_types"]["calls"]
    calls["arrivals"] = {"rate": f"{base.rate_per_hour / (1 - containment)}/h"}
    calls["front_door"] = {
        "time": {"dist": "exponential", "mean": 45},
        "containment": containment,
        "context": "kept",
    }
    return simcc.scenario_from_dict(data)


@pytest.mark.parametrize("base", [ERLANG_A[1], ERLANG_A[3]], ids=lambda c: f"{c.name}-{c.label}")
def test_a_front_door_before_an_erlang_a_pool_leaves_erlang_a_at_the_thinned_rate(
    base: ErlangCase, seed: int
) -> None:
    reps = simcc.replicate(
        door_scenario(base, CONTAINMENT),
        base.replications,
        case_seed(seed, f"door {base.name}"),
        jobs=2,
    )
    summary = reps.summary(CONFIDENCE)
    exact = base.exact()
    window = base.window()
    checks = [
        Check(
            base.name,
            metric,
            exact[metric],
            summary["occupancy_pool" if metric == "occupancy" else metric],
            window[metric] - exact[metric],
        )
        for metric in ERLANG_METRICS
    ]
    checks.append(Check(base.name, "containment_rate", CONTAINMENT, summary["containment_rate"]))
    assert all(c.ok for c in checks), describe_failures(checks)
    # the offered contacts are those the door let through: about (1 − p) of those arrived
    table = reps.table
    assert (table["offered"] < table["arrived"]).all()


# ---------------------------------------------------------------------------- uncertain volume

RATE_PER_HOUR = 240.0
HOURS = 1.0
VOLUME_REPLICATIONS = 300


def volume_scenario(cv: float) -> simcc.Scenario:
    data: dict[str, Any] = {
        "name": f"validation volume_cv {cv}",
        "horizon": HOURS * 3600,
        "arrivals": {"volume_cv": cv},
        "call_types": {"calls": {"arrivals": {"rate": f"{RATE_PER_HOUR}/h"}, "path": ["pool"]}},
        "pools": {"pool": {"agents": 60, "handle_time": "1m"}},
    }
    return simcc.scenario_from_dict(data)


def variance_interval(variance: float, n: int, level: float) -> tuple[float, float]:
    """Where the sample variance of ``n`` draws of that variance falls with probability
    ``level`` (the χ² law of (n − 1)s²/σ² for normal draws)."""
    tail = (1 - level) / 2
    lo, hi = stats.chi2.ppf([tail, 1 - tail], n - 1)
    return variance * lo / (n - 1), variance * hi / (n - 1)


@pytest.mark.parametrize("cv", [0.0, 0.15, 0.3])
def test_the_variance_of_offered_over_replications_is_poisson_plus_the_volume_factor(
    cv: float, seed: int
) -> None:
    reps = simcc.replicate(
        volume_scenario(cv), VOLUME_REPLICATIONS, case_seed(seed, f"volume {cv}"), jobs=2
    )
    offered = reps.table["offered"].to_numpy()
    mean = RATE_PER_HOUR * HOURS
    variance = mean + (cv * mean) ** 2
    assert estimate(offered, CONFIDENCE).contains(mean)
    lo, hi = variance_interval(variance, len(offered), CONFIDENCE)
    assert lo <= float(np.var(offered, ddof=1)) <= hi, (cv, np.var(offered, ddof=1), lo, hi)


def test_the_chi_square_interval_is_narrow_enough_to_tell_the_volume_factor_from_poisson():
    mean = RATE_PER_HOUR * HOURS
    lo, _ = variance_interval(mean + (0.15 * mean) ** 2, VOLUME_REPLICATIONS, CONFIDENCE)
    _, hi = variance_interval(mean, VOLUME_REPLICATIONS, CONFIDENCE)
    assert hi < lo  # the smallest cv tested is told apart from none


# ---------------------------------------------------------------------------- virtual hold


def test_when_every_call_back_is_accepted_nobody_abandons_and_every_waiting_caller_is_dialled(
    seed: int,
) -> None:
    base = ERLANG_A[3]  # over-loaded: most callers would wait, many would abandon
    data = base.data()
    data["horizon"] = 8 * 3600
    data["call_types"]["calls"]["virtual_hold"] = {"offer_when_wait_over": 0, "accept": 1}
    data["transfer"]["callback"] = {"dial_time": "10s"}
    result = simcc.simulate(simcc.scenario_from_dict(data), seed=case_seed(seed, "hold"))
    contacts, agents = result.contacts, result.agents
    assert (contacts["outcome"] != "abandoned_queue").all()
    held = contacts["virtual_hold"]
    assert held.sum() > 0.5 * len(contacts)
    # a caller who took no call back was answered at once (it found an idle agent)
    assert (contacts.loc[~held, "wait"] == 0).all()
    dialled = set(agents.loc[agents["activity"] == "dial", "contact_id"])
    assert set(contacts.loc[held, "contact_id"]) <= dialled
    metrics = result.metrics()
    assert metrics["virtual_hold_rate"] == pytest.approx(held[contacts["measured"]].mean())
    assert metrics["abandonment_rate"] == 0.0
    assert not math.isnan(metrics["asa"])


def test_virtual_hold_lowers_queue_abandonment_at_equal_staffing(seed: int) -> None:
    """Directional, on common random numbers: the same callers, some of whom now wait
    off the line for a call back instead of hanging up."""
    base = ERLANG_A[2]  # over-loaded, 16 agents
    data = base.data()
    data["horizon"] = 6 * 3600
    without = simcc.scenario_from_dict(data)
    data["call_types"]["calls"]["virtual_hold"] = {"offer_when_wait_over": "1m", "accept": 0.5}
    held = simcc.scenario_from_dict(data)
    n, s = 12, case_seed(seed, "hold crn")
    a = simcc.replicate(without, n, s, jobs=2).table
    b = simcc.replicate(held, n, s, jobs=2).table
    d = paired_difference(a["abandonment_queue_rate"], b["abandonment_queue_rate"])
    assert d.ci_high < 0, d
    assert (b["virtual_hold_rate"] > 0).all() and (a["virtual_hold_rate"] == 0).all()
    # common random numbers: the same callers arrive in both runs
    assert (a["arrived"] == b["arrived"]).all()
