"""The validation cases and how each is checked, shared by the tests and the docs.

``tests/validation/test_*.py`` assert on these checks; ``benchmarks/validation_tables.py``
runs the same ones and writes docs/validation.md. Each check is a replication mean
with its Student-t confidence interval at :data:`CONFIDENCE`, and passes when the
interval contains the exact value (or, against Ciw, when the Welch interval of the
difference between the engines contains 0).

Why 99.9 % per check: the validation suite makes about 60 such checks. By
Bonferroni's inequality a correct engine fails at least one of them with
probability at most 60 × 0.1 % ≈ 6 % on a given ``--seed`` (less in practice:
checks on one scenario are positively correlated), while a half-width is only
~1.3 times that of a 99 % interval, so real errors of a few per cent still show.

Bias: a run starts empty and measures contacts arriving in ``[warmup, horizon)``.
For the stationary cases :mod:`tests.validation.erlang_exact` gives the exact
expected value of that window, so each check also reports the start-up bias
(expected window value minus stationary value), and the tests require it to be
below a tenth of the interval's half-width.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import simcc
from simcc.analysis import theory
from simcc.analysis.stats import Estimate, estimate, unpaired_difference
from tests.validation import erlang_exact
from tests.validation.ciw_network import ciw_two_tier

CONFIDENCE = 0.999
"""Two-sided level of every confidence interval in the validation suite."""

BIAS_SHARE = 0.1
"""The start-up bias must be below this share of the interval's half-width."""

HOUR = 3600.0
ERLANG_METRICS = ("abandonment_rate", "asa", "service_level", "occupancy")


@dataclass(frozen=True)
class Check:
    """One simulated estimate against its reference value."""

    case: str
    metric: str
    reference: float
    estimate: Estimate
    bias: float = 0.0
    """Expected value of the measured window minus ``reference`` (start-up bias)."""

    @property
    def ok(self) -> bool:
        e = self.estimate
        if e.std == 0 or math.isnan(e.std):  # every replication gave the same number
            return bool(math.isclose(e.mean, self.reference, rel_tol=1e-9, abs_tol=1e-12))
        return e.contains(self.reference)

    @property
    def bias_ok(self) -> bool:
        return abs(self.bias) <= max(BIAS_SHARE * self.estimate.half_width, 1e-12)

    def line(self) -> str:
        e = self.estimate
        return (
            f"{self.case} {self.metric}: exact {self.reference:.5g}, simulated {e.mean:.5g} "
            f"[{e.ci_low:.5g}, {e.ci_high:.5g}] (n={e.n}), bias {self.bias:+.2g}"
        )


def describe_failures(checks: list[Check]) -> str:
    bad = [c for c in checks if not c.ok]
    return "exact value outside the CI:\n" + "\n".join(c.line() for c in bad)


@dataclass(frozen=True)
class Claim:
    """A check with no interval to contain a value: a count that must be exact, or a
    direction (a paired difference whose interval lies below 0)."""

    case: str
    what: str
    expected: str
    observed: str
    ok: bool

    def line(self) -> str:
        return f"{self.case} {self.what}: expected {self.expected}, observed {self.observed}"


def describe_claims(claims: list[Claim]) -> str:
    return "claims that do not hold:\n" + "\n".join(c.line() for c in claims if not c.ok)


# ============================================================================ Erlang A and C


def erlang_metrics(m: theory.QueueMeasures) -> dict[str, float]:
    """Exact Erlang values under the metric names the checks compare."""
    return {
        "abandonment_rate": m.abandonment_rate,
        "asa": m.asa,
        "service_level": theory.service_level_sla(m),
        "occupancy": m.occupancy,
    }


@dataclass(frozen=True)
class ErlangCase:
    """One pool, one call type, exponential handle time and patience (``inf``: Erlang C)."""

    name: str
    label: str
    rate_per_hour: float
    aht: float
    agents: int
    patience: float
    horizon_hours: float
    warmup_hours: float
    replications: int = 40
    threshold: float = 20.0
    short_abandon: float = 0.0

    @property
    def lam(self) -> float:
        return self.rate_per_hour / HOUR

    @property
    def mu(self) -> float:
        return 1.0 / self.aht

    @property
    def theta(self) -> float:
        return 0.0 if math.isinf(self.patience) else 1.0 / self.patience

    @property
    def load(self) -> float:
        """Offered load per agent, λ / (nμ)."""
        return self.lam / (self.agents * self.mu)

    def scenario(self) -> simcc.Scenario:
        return simcc.scenario_from_dict(self.data())

    def data(self) -> dict[str, Any]:
        """The scenario as a dict (as a user would write it)."""
        patience: Any = "inf"
        if not math.isinf(self.patience):
            patience = {"dist": "exponential", "mean": self.patience}
        return {
            "name": f"validation {self.name}",
            "horizon": self.horizon_hours * HOUR,
            "warmup": self.warmup_hours * HOUR,
            "call_types": {
                "calls": {"arrivals": {"rate": f"{self.rate_per_hour}/h"}, "path": ["pool"]}
            },
            "customers": {"patience": patience},
            "pools": {
                "pool": {
                    "agents": self.agents,
                    "handle_time": {"dist": "exponential", "mean": self.aht},
                }
            },
            "transfer": {"policy": "cold"},
            "sla": {"answer": {"threshold": self.threshold, "short_abandon": self.short_abandon}},
        }

    def exact(self) -> dict[str, float]:
        """Stationary values from :mod:`simcc.analysis.theory`, under the metric names."""
        m = theory.erlang_a(
            self.lam,
            self.mu,
            self.theta,
            self.agents,
            threshold=self.threshold,
            short_abandon=self.short_abandon,
        )
        return erlang_metrics(m)

    def window(self) -> dict[str, float]:
        """Exact expected values of the simulated window (starting empty)."""
        return erlang_exact.expected_window(
            self.lam,
            self.mu,
            self.theta,
            self.agents,
            self.warmup_hours * HOUR,
            self.horizon_hours * HOUR,
            self.threshold,
            self.short_abandon,
        ).as_dict()


ERLANG_A = [
    ErlangCase("A1", "under-loaded", 96, 300, 12, 180, 48, 0.5),
    ErlangCase("A2", "critically loaded", 180, 300, 15, 240, 24, 0.5),
    ErlangCase("A3", "over-loaded", 240, 300, 16, 240, 24, 0.5),
    ErlangCase("A4", "over-loaded, 2 agents", 28.8, 300, 2, 120, 120, 0.5),
    ErlangCase(
        "A5", "critical, short abandons", 360, 300, 30, 60, 12, 0.5, threshold=30, short_abandon=10
    ),
]
"""Erlang A (M/M/n+M) grid: offered load per agent 0.67, 1.0, 1.25, 1.2, 1.0."""

ERLANG_C = [
    ErlangCase("C1", "M/M/1, ρ = 0.5", 30, 60, 1, math.inf, 120, 1),
    ErlangCase("C2", "ρ = 0.8", 96, 300, 10, math.inf, 96, 2, replications=80),
    ErlangCase("C3", "ρ = 0.9", 216, 300, 20, math.inf, 72, 4, replications=80),
]
"""Erlang C (M/M/n) grid; ρ ≤ 0.9 so that a day or two of simulated time suffices."""


@dataclass(frozen=True)
class OverflowCase:
    """An Erlang A case whose agents are split between a desk and an overflow pool.

    With ``after: 0`` and one call type, a caller takes an idle agent of either
    pool and waits in both queues in arrival order, so the first agent of
    either pool to free answers the longest waiting caller: the two pools are
    one M/M/n+M system with their agents together, and the Erlang A values
    of ``base`` are exact.
    """

    name: str
    base: ErlangCase
    desk_agents: int

    @property
    def label(self) -> str:
        n = self.base.agents
        return f"{self.base.name} as {self.desk_agents} + {n - self.desk_agents} agents"

    def scenario(self) -> simcc.Scenario:
        data = self.base.data()
        data["name"] = f"validation {self.name}"
        data["call_types"]["calls"]["overflow"] = {"pool": "backup", "after": 0}
        handle = data["pools"]["pool"]["handle_time"]
        data["pools"] = {
            "pool": {"agents": self.desk_agents, "handle_time": handle},
            "backup": {"agents": self.base.agents - self.desk_agents, "handle_time": handle},
        }
        return simcc.scenario_from_dict(data)


OVERFLOW = [
    OverflowCase("O1", ERLANG_A[3], 1),
    OverflowCase("O2", ERLANG_A[1], 5),
]
"""Overflow with ``after: 0`` against Erlang A for the agents of both pools together."""


def run_overflow(case: OverflowCase, seed: int, jobs: int = 2) -> list[Check]:
    """Replicate the split case; check its metrics against the unsplit case's exact values."""
    base = case.base
    reps = simcc.replicate(
        case.scenario(), base.replications, case_seed(seed, case.name), jobs=jobs
    )
    summary = reps.summary(CONFIDENCE)
    exact, window = base.exact(), base.window()
    table = reps.table
    backup = base.agents - case.desk_agents
    occupancy = (
        case.desk_agents * table["occupancy_pool"] + backup * table["occupancy_backup"]
    ) / base.agents
    checks = [
        Check(case.name, metric, exact[metric], summary[metric], window[metric] - exact[metric])
        for metric in ("abandonment_rate", "asa", "service_level")
    ]
    checks.append(
        Check(
            case.name,
            "occupancy",
            exact["occupancy"],
            estimate(occupancy.to_numpy(), CONFIDENCE),
            window["occupancy"] - exact["occupancy"],
        )
    )
    return checks


def case_seed(seed: int, name: str) -> int:
    """A seed of its own for each case, derived from the suite's ``--seed``."""
    return seed * 1000 + sum(ord(ch) * 31**i for i, ch in enumerate(name)) % 997


def run_erlang(case: ErlangCase, seed: int, jobs: int = 2) -> list[Check]:
    """Replicate the case and check each metric against its exact value."""
    reps = simcc.replicate(
        case.scenario(), case.replications, case_seed(seed, case.name), jobs=jobs
    )
    summary = reps.summary(CONFIDENCE)
    exact = case.exact()
    window = case.window()
    checks = []
    for metric in ERLANG_METRICS:
        column = "occupancy_pool" if metric == "occupancy" else metric
        checks.append(
            Check(case.name, metric, exact[metric], summary[column], window[metric] - exact[metric])
        )
    if math.isinf(case.patience):  # Erlang C: nobody may abandon
        assert float(reps.table["abandoned"].sum()) == 0.0
    return checks


# ============================================================================ time-varying


@dataclass(frozen=True)
class IntradayCase:
    """One pool whose arrival rate and staffing change every ``interval_hours``."""

    rates_per_hour: tuple[float, ...] = (120.0, 300.0, 60.0)
    agents: tuple[int, ...] = (11, 24, 6)
    interval_hours: float = 8.0
    aht: float = 300.0
    patience: float = 240.0
    settle_hours: float = 1.0
    guard_hours: float = 0.5
    replications: int = 60
    threshold: float = 20.0

    def scenario(self) -> simcc.Scenario:
        interval = self.interval_hours * HOUR
        return simcc.scenario_from_dict(
            {
                "name": "validation intraday",
                "horizon": interval * len(self.rates_per_hour),
                "call_types": {
                    "calls": {
                        "arrivals": {
                            "interval": interval,
                            "rates": [f"{r}/h" for r in self.rates_per_hour],
                        },
                        "path": ["pool"],
                    }
                },
                "customers": {"patience": {"dist": "exponential", "mean": self.patience}},
                "pools": {
                    "pool": {
                        "agents": {"interval": interval, "counts": list(self.agents)},
                        "handle_time": {"dist": "exponential", "mean": self.aht},
                    }
                },
                "sla": {"answer": {"threshold": self.threshold}},
            }
        )

    def windows(self) -> list[tuple[float, float]]:
        """The measured part of each interval: after the settling time, before the guard."""
        step = self.interval_hours * HOUR
        return [
            (i * step + self.settle_hours * HOUR, (i + 1) * step - self.guard_hours * HOUR)
            for i in range(len(self.rates_per_hour))
        ]

    def exact(self, i: int) -> dict[str, float]:
        m = theory.erlang_a(
            self.rates_per_hour[i] / HOUR,
            1.0 / self.aht,
            1.0 / self.patience,
            self.agents[i],
            threshold=self.threshold,
        )
        return erlang_metrics(m)

    def window(self, i: int) -> dict[str, float]:
        """Expected window values, the interval starting from the previous one's steady state.

        An approximation for ``i > 0``: agents leaving at a shift end are removed at
        once here, whereas in simcc they finish the contact in hand first. The
        difference fades within minutes, long before the settling time ends.
        """
        lam, mu, theta = self.rates_per_hour[i] / HOUR, 1.0 / self.aht, 1.0 / self.patience
        initial = None
        if i > 0:
            prev = (self.rates_per_hour[i - 1] / HOUR, mu, theta, self.agents[i - 1])
            initial = erlang_exact.stationary_distribution(*prev, erlang_exact.states_needed(*prev))
        return erlang_exact.expected_window(
            lam,
            mu,
            theta,
            self.agents[i],
            self.settle_hours * HOUR,
            (self.interval_hours - self.guard_hours) * HOUR,
            self.threshold,
            initial=initial,
        ).as_dict()


def interval_metrics(
    contacts: pd.DataFrame,
    agents: pd.DataFrame,
    start: float,
    end: float,
    staffed: int,
    threshold: float,
    short_abandon: float = 0.0,
) -> dict[str, float]:
    """MODEL.md §4 metrics of one replication for contacts arriving in ``[start, end)``."""
    c = contacts[(contacts["arrival"] >= start) & (contacts["arrival"] < end)]
    offered = len(c)
    outcome = c["outcome"].astype(str)
    abandoned = outcome.str.startswith("abandoned")
    answered = c["answer"].notna()
    short = (outcome == "abandoned_queue") & (c["wait"] <= short_abandon)
    within = answered & (c["wait"] <= threshold)
    busy = (agents["end"].clip(start, end) - agents["start"].clip(start, end)).sum()
    return {
        "abandonment_rate": abandoned.sum() / offered,
        "asa": float(c.loc[answered, "wait"].mean()),
        "service_level": within.sum() / (offered - short.sum()),
        "occupancy": float(busy) / (staffed * (end - start)),
    }


def run_intraday(case: IntradayCase, seed: int, jobs: int = 2) -> list[Check]:
    """Per interval, the replications' metrics against Erlang A at that interval's rate."""
    reps = simcc.replicate(
        case.scenario(),
        case.replications,
        case_seed(seed, "intraday"),
        jobs=jobs,
        keep_records=True,
    )
    assert reps.records is not None
    contacts = reps.records["contacts"]
    agents = reps.records["agents"]
    rows: dict[int, list[dict[str, float]]] = {i: [] for i in range(len(case.agents))}
    for rep in range(case.replications):
        c = contacts[contacts["replication"] == rep]
        a = agents[agents["replication"] == rep]
        for i, (start, end) in enumerate(case.windows()):
            rows[i].append(interval_metrics(c, a, start, end, case.agents[i], case.threshold))
    checks = []
    for i in rows:
        frame = pd.DataFrame(rows[i])
        exact, window = case.exact(i), case.window(i)
        for metric in ERLANG_METRICS:
            checks.append(
                Check(
                    f"interval {i + 1}",
                    metric,
                    exact[metric],
                    estimate(frame[metric].to_numpy(), CONFIDENCE),
                    window[metric] - exact[metric],
                )
            )
    return checks


def staffing_in_windows(case: IntradayCase, staffing: pd.DataFrame) -> list[tuple[int, int]]:
    """(min, max) agents present during each measured window, from the staffing records."""
    out = []
    times = staffing["time"].to_numpy()
    present = staffing["present"].to_numpy()
    for start, end in case.windows():
        before = np.flatnonzero(times <= start)
        at_start = int(present[before[-1]])
        inside = present[(times > start) & (times < end)]
        values = [at_start, *inside.tolist()]
        out.append((min(values), max(values)))
    return out


# ============================================================================ Ciw


@dataclass(frozen=True)
class TwoTierCase:
    """Front line → specialists by cold transfer, reneging in both queues."""

    name: str = "two-tier"
    rate_per_hour: float = 180.0
    agents_1: int = 12
    aht_1: float = 240.0
    agents_2: int = 6
    aht_2: float = 480.0
    patience_1: float = 180.0
    patience_2: float = 240.0
    p_escalate: float = 0.35
    horizon_hours: float = 24.0
    warmup_hours: float = 1.0
    replications: int = 40
    metrics: tuple[str, ...] = field(
        default=(
            "abandonment_queue_rate",
            "abandonment_transfer_rate",
            "asa",
            "escalation_rate",
            "throughput_1",
            "throughput_2",
            "mean_wait_2",
        )
    )

    def scenario(self) -> simcc.Scenario:
        exp = "exponential"
        return simcc.scenario_from_dict(
            {
                "name": "validation two-tier",
                "horizon": self.horizon_hours * HOUR,
                "warmup": self.warmup_hours * HOUR,
                "call_types": {
                    "calls": {
                        "arrivals": {"rate": f"{self.rate_per_hour}/h"},
                        "path": ["tier1", "tier2"],
                    }
                },
                "customers": {
                    "patience": {"dist": exp, "mean": self.patience_1},
                    "transfer_patience": {"dist": exp, "mean": self.patience_2},
                },
                "pools": {
                    "tier1": {
                        "tier": 1,
                        "agents": self.agents_1,
                        "handle_time": {"dist": exp, "mean": self.aht_1},
                        "resolve": 1.0 - self.p_escalate,
                    },
                    "tier2": {
                        "tier": 2,
                        "agents": self.agents_2,
                        "handle_time": {"dist": exp, "mean": self.aht_2},
                        "resolve": 1.0,
                    },
                },
                "transfer": {
                    "policy": "cold",
                    "cold": {
                        "transfer_time": 0,
                        "rediscovery_time": 0,
                        "misroute_probability": 0.0,
                    },
                },
            }
        )

    def ciw_kwargs(self) -> dict[str, Any]:
        return {
            "arrival_rate": self.rate_per_hour / HOUR,
            "service_rate_1": 1.0 / self.aht_1,
            "service_rate_2": 1.0 / self.aht_2,
            "agents_1": self.agents_1,
            "agents_2": self.agents_2,
            "patience_rate_1": 1.0 / self.patience_1,
            "patience_rate_2": 1.0 / self.patience_2,
            "p_escalate": self.p_escalate,
            "horizon": self.horizon_hours * HOUR,
            "warmup": self.warmup_hours * HOUR,
        }


def simcc_two_tier_metrics(
    contacts: pd.DataFrame, transfers: pd.DataFrame, warmup: float, horizon: float
) -> dict[str, float]:
    """The Ciw reference's metrics, computed from one simcc replication's records."""
    c = contacts[(contacts["arrival"] >= warmup) & (contacts["arrival"] < horizon)]
    offered = len(c)
    outcome = c["outcome"].astype(str)
    answered_1 = c["answer"].notna()
    escalated = c["escalations"] >= 1
    legs = transfers[transfers["contact_id"].isin(c["contact_id"])]
    engaged_2 = legs[(legs["outcome"].astype(str) == "engaged") & (legs["to_pool"] == "tier2")]
    served_2 = escalated & (outcome != "abandoned_transfer_queue")
    return {
        "offered": float(offered),
        "abandonment_queue_rate": float((outcome == "abandoned_queue").sum()) / offered,
        "abandonment_transfer_rate": float((outcome == "abandoned_transfer_queue").sum()) / offered,
        "asa": float(c.loc[answered_1, "wait"].mean()),
        "escalation_rate": float((escalated & answered_1).sum()) / float(answered_1.sum()),
        "throughput_1": float(answered_1.sum()) / offered,
        "throughput_2": float(engaged_2["contact_id"].nunique()) / offered,
        "mean_wait_2": float(c.loc[served_2, "transfer_wait"].mean()),
    }


def _ciw_run(args: tuple[dict[str, Any], int]) -> dict[str, Any]:
    kwargs, seed = args
    return ciw_two_tier(**kwargs, seed=seed)


def run_two_tier(case: TwoTierCase, seed: int, jobs: int = 2) -> tuple[list[Check], dict]:
    """Both engines' replications; a check per metric on the difference simcc − Ciw.

    Returns the checks (reference 0, estimate the Welch interval of the difference)
    and the per-engine summaries, for the docs.
    """
    scenario = case.scenario()
    reps = simcc.replicate(
        scenario, case.replications, case_seed(seed, case.name), jobs=jobs, keep_records=True
    )
    assert reps.records is not None
    contacts, transfers = reps.records["contacts"], reps.records["transfers"]
    ours = pd.DataFrame(
        [
            simcc_two_tier_metrics(
                contacts[contacts["replication"] == rep],
                transfers[transfers["replication"] == rep],
                scenario.warmup,
                scenario.horizon,
            )
            for rep in range(case.replications)
        ]
    )
    # simcc's own metric table must agree with the records-based reconstruction
    for name in ("abandonment_queue_rate", "abandonment_transfer_rate", "asa", "escalation_rate"):
        np.testing.assert_allclose(ours[name], reps.table[name], rtol=1e-12)
    ciw_seeds = [
        (case.ciw_kwargs(), case_seed(seed, "ciw") * 1000 + i) for i in range(case.replications)
    ]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        theirs = pd.DataFrame(list(pool.map(_ciw_run, ciw_seeds)))
    checks = [
        Check(
            case.name,
            metric,
            0.0,
            unpaired_difference(theirs[metric].to_numpy(), ours[metric].to_numpy(), CONFIDENCE),
        )
        for metric in case.metrics
    ]
    summaries = {
        "simcc": {m: estimate(ours[m].to_numpy(), CONFIDENCE) for m in case.metrics},
        "ciw": {m: estimate(theirs[m].to_numpy(), CONFIDENCE) for m in case.metrics},
    }
    return checks, summaries
