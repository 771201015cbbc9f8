"""MODEL.md §8 before the queue against known answers: front door, uncertain volume, virtual hold.

Shared by ``tests/validation/test_front_door.py`` and ``benchmarks/validation_tables.py``.

- **Front door.** Poisson arrivals at rate λ, thinned by a front door that settles
  a share p and delays the rest by i.i.d. door times, reach the pool as Poisson
  arrivals at rate (1 − p)λ: the pool behind it is Erlang A at that rate.  The
  replications' 99.9 % interval of each Erlang metric must hold the exact value,
  and that of ``containment_rate`` the containment p.
- **Uncertain volume.** With ``arrivals.volume_cv`` c each replication's arrivals
  are Poisson given a gamma factor G (mean 1, cv c), so the count ``offered`` over
  [0, T) has mean λT and variance λT + (cλT)² (Poisson–gamma).  The sample variance
  of many short replications must fall in the χ² interval around that variance;
  equivalently, the variance must lie in the sample variance's χ² interval.
- **Virtual hold** with ``accept: 1`` and ``offer_when_wait_over: 0``: every caller
  who finds no idle agent takes the call back, so nobody abandons the queue and
  every such caller is dialled (counts, :class:`~tests.validation.cases.Claim`).
  And a directional test on common random numbers: virtual hold lowers queue
  abandonment at equal staffing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

import simcc
from simcc.analysis.stats import Estimate, estimate, paired_difference
from tests.validation.cases import (
    CONFIDENCE,
    ERLANG_A,
    ERLANG_METRICS,
    Check,
    Claim,
    ErlangCase,
    case_seed,
)

# ---------------------------------------------------------------------------- front door

CONTAINMENT = 0.25
DOOR_TIME = 45.0
"""Mean of the exponential door time, seconds."""

DOOR = [ERLANG_A[1], ERLANG_A[3]]
"""The Erlang A cases put behind a front door (their rate is the one that reaches the pool)."""


def door_scenario(base: ErlangCase, containment: float) -> simcc.Scenario:
    """``base`` behind a front door: arrivals raised so that ``base``'s rate reaches the pool."""
    data = base.data()
    data["name"] = f"validation front door before {base.name}"
    calls = data["call_types"]["calls"]
    calls["arrivals"] = {"rate": f"{base.rate_per_hour / (1 - containment)}/h"}
    calls["front_door"] = {
        "time": {"dist": "exponential", "mean": DOOR_TIME},
        "containment": containment,
        "context": "kept",
    }
    return simcc.scenario_from_dict(data)


def run_door(base: ErlangCase, seed: int, jobs: int = 2) -> tuple[list[Check], Claim]:
    """The pool's Erlang metrics against ``base``'s exact values, and the containment;
    and whether every replication offered fewer contacts than arrived."""
    reps = simcc.replicate(
        door_scenario(base, CONTAINMENT),
        base.replications,
        case_seed(seed, f"door {base.name}"),
        jobs=jobs,
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
    # the offered contacts are those the door let through: about (1 − p) of those arrived
    table = reps.table
    fewer = int((table["offered"] < table["arrived"]).sum())
    thinned = Claim(
        base.name,
        "replications offering fewer contacts than arrived",
        f"all {len(table)}",
        str(fewer),
        fewer == len(table),
    )
    return checks, thinned


# ---------------------------------------------------------------------------- uncertain volume

RATE_PER_HOUR = 240.0
HOURS = 1.0
VOLUME_REPLICATIONS = 300
VOLUME_CVS = (0.0, 0.15, 0.3)
VOLUME_AGENTS = 60


def volume_scenario(cv: float) -> simcc.Scenario:
    data: dict[str, Any] = {
        "name": f"validation volume_cv {cv}",
        "horizon": HOURS * 3600,
        "arrivals": {"volume_cv": cv},
        "call_types": {"calls": {"arrivals": {"rate": f"{RATE_PER_HOUR}/h"}, "path": ["pool"]}},
        "pools": {"pool": {"agents": VOLUME_AGENTS, "handle_time": "1m"}},
    }
    return simcc.scenario_from_dict(data)


def offered_variance(cv: float) -> float:
    """λT + (cλT)²: the variance of a Poisson–gamma count of mean λT."""
    mean = RATE_PER_HOUR * HOURS
    return mean + (cv * mean) ** 2


def variance_interval(variance: float, n: int, level: float) -> tuple[float, float]:
    """Where the sample variance of ``n`` draws of that variance falls with probability
    ``level`` (the χ² law of (n − 1)s²/σ² for normal draws)."""
    tail = (1 - level) / 2
    lo, hi = stats.chi2.ppf([tail, 1 - tail], n - 1)
    return variance * lo / (n - 1), variance * hi / (n - 1)


def variance_estimate(x: np.ndarray, level: float) -> Estimate:
    """The sample variance with its χ² interval: the variances σ² whose
    :func:`variance_interval` holds the sample variance."""
    n = len(x)
    s2 = float(np.var(x, ddof=1))
    tail = (1 - level) / 2
    lo, hi = stats.chi2.ppf([tail, 1 - tail], n - 1)
    return Estimate(s2, s2 * math.sqrt(2 / (n - 1)), s2 * (n - 1) / hi, s2 * (n - 1) / lo, n)


def run_volume(cv: float, seed: int, jobs: int = 2) -> list[Check]:
    """The mean of ``offered`` against λT (Student t) and its variance against
    λT + (cλT)² (χ²), over short replications."""
    reps = simcc.replicate(
        volume_scenario(cv), VOLUME_REPLICATIONS, case_seed(seed, f"volume {cv}"), jobs=jobs
    )
    offered = reps.table["offered"].to_numpy().astype(float)
    name = f"cv {cv:g}"
    return [
        Check(name, "offered", RATE_PER_HOUR * HOURS, estimate(offered, CONFIDENCE)),
        Check(
            name, "offered variance", offered_variance(cv), variance_estimate(offered, CONFIDENCE)
        ),
    ]


# ---------------------------------------------------------------------------- virtual hold

HOLD_BASE = ERLANG_A[3]
"""Over-loaded: most callers would wait, many would abandon."""
HOLD_HOURS = 8.0
CRN_BASE = ERLANG_A[2]
"""Over-loaded, 16 agents."""
CRN_HOURS = 6.0
CRN_PAIRS = 12
CRN_HOLD = {"offer_when_wait_over": "1m", "accept": 0.5}
CRN_LEVEL = 0.95
"""A directional test: the level of its paired interval (one-sided at 97.5 %)."""


def hold_scenario() -> simcc.Scenario:
    data = HOLD_BASE.data()
    data["horizon"] = HOLD_HOURS * 3600
    data["call_types"]["calls"]["virtual_hold"] = {"offer_when_wait_over": 0, "accept": 1}
    data["transfer"]["callback"] = {"dial_time": "10s"}
    return simcc.scenario_from_dict(data)


def run_hold_counts(seed: int) -> list[Claim]:
    """One run where every caller who would wait takes the call back: the counts."""
    result = simcc.simulate(hold_scenario(), seed=case_seed(seed, "hold"))
    contacts, agents = result.contacts, result.agents
    held = contacts["virtual_hold"]
    dialled = set(agents.loc[agents["activity"] == "dial", "contact_id"])
    never_dialled = set(contacts.loc[held, "contact_id"]) - dialled
    waited = int((contacts.loc[~held, "wait"] != 0).sum())
    abandoned = int((contacts["outcome"] == "abandoned_queue").sum())
    share = float(held.sum()) / len(contacts)
    metrics = result.metrics()
    measured_share = float(held[contacts["measured"]].mean())
    rate = metrics["virtual_hold_rate"]
    name = HOLD_BASE.name
    return [
        Claim(name, "contacts abandoning the queue", "0", str(abandoned), abandoned == 0),
        Claim(
            name,
            "callers with a call back who were never dialled",
            "0",
            f"{len(never_dialled)} of {int(held.sum())}",
            not never_dialled,
        ),
        Claim(name, "callers without a call back who waited", "0", str(waited), waited == 0),
        Claim(name, "contacts that took a call back", "> 50 %", f"{share:.1%}", share > 0.5),
        Claim(
            name,
            "`virtual_hold_rate` against the measured contacts' share",
            f"{measured_share:.4f}",
            f"{rate:.4f}",
            math.isclose(rate, measured_share, rel_tol=1e-6, abs_tol=1e-12),
        ),
        Claim(
            name,
            "`abandonment_rate`",
            "0",
            f"{metrics['abandonment_rate']:g}",
            metrics["abandonment_rate"] == 0.0,
        ),
        Claim(name, "`asa`", "a number", f"{metrics['asa']:.1f} s", not math.isnan(metrics["asa"])),
    ]


def crn_scenarios() -> tuple[simcc.Scenario, simcc.Scenario]:
    """The same centre without and with virtual hold."""
    data = CRN_BASE.data()
    data["horizon"] = CRN_HOURS * 3600
    without = simcc.scenario_from_dict(data)
    data["call_types"]["calls"]["virtual_hold"] = dict(CRN_HOLD)
    return without, simcc.scenario_from_dict(data)


def run_hold_crn(seed: int, jobs: int = 2) -> list[Claim]:
    """Directional, on common random numbers: the same callers, some of whom now wait
    off the line for a call back instead of hanging up."""
    without, held = crn_scenarios()
    s = case_seed(seed, "hold crn")
    a = simcc.replicate(without, CRN_PAIRS, s, jobs=jobs).table
    b = simcc.replicate(held, CRN_PAIRS, s, jobs=jobs).table
    before, after = a["abandonment_queue_rate"], b["abandonment_queue_rate"]
    d = paired_difference(before.to_numpy(), after.to_numpy(), CRN_LEVEL)
    offered = bool((b["virtual_hold_rate"] > 0).all() and (a["virtual_hold_rate"] == 0).all())
    same = bool((a["arrived"] == b["arrived"]).all())
    name = f"{CRN_BASE.name} CRN"
    return [
        Claim(
            name,
            f"`abandonment_queue_rate` with − without ({CRN_PAIRS} pairs, "
            f"{CRN_LEVEL:.0%} paired CI; without {before.mean():.4f}, with {after.mean():.4f})",
            "CI below 0",
            f"{d.mean:+.4f} [{d.ci_low:+.4f}, {d.ci_high:+.4f}]",
            d.ci_high < 0,
        ),
        Claim(
            name,
            "`virtual_hold_rate` > 0 in every replication with, 0 in every one without",
            "yes",
            "yes" if offered else "no",
            offered,
        ),
        Claim(
            name,
            "the same callers arrive in both (`arrived`, pair by pair)",
            "equal",
            "equal" if same else "different",
            same,
        ),
    ]
