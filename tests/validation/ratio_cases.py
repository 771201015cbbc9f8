"""Ratio of totals against mean of ratios, on replications whose volume varies.

Shared by ``tests/validation/test_ratio_estimators.py`` and
``benchmarks/validation_tables.py``.  One overloaded Erlang A pool (2 agents,
40 contacts/h, 5-minute handle time, 2-minute patience) starting empty, in
replications of 30 minutes (about 20 contacts each, so a replication's volume
varies by about ±22 %) and of 8 hours (about 320).

The exact reference is the expected value of the simulated window,
:func:`tests.validation.erlang_exact.expected_window`: the expected number of
abandoned contacts over the expected number offered (likewise for service
level and ASA), from the Markov chain's transient law.  That ratio of
expectations is what the ratio-of-totals estimator converges to.  The mean of
per-replication ratios converges to ``E[abandoned / offered]`` instead, which
differs when a replication's rate moves with its volume: a busy half hour
abandons more, yet counts as one replication like a quiet one.  The gap is of
order 1 / (contacts per replication), so it shows in the short replications and
vanishes in the long ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import simcc
from simcc.analysis.stats import Estimate
from tests.validation import erlang_exact
from tests.validation.cases import CONFIDENCE, HOUR, Check, case_seed

RATIO_METRICS = ("abandonment_rate", "service_level", "asa")


@dataclass(frozen=True)
class RatioCase:
    """The pool of the module docstring, in replications of ``minutes``."""

    name: str
    minutes: float
    replications: int
    rate_per_hour: float = 40.0
    agents: int = 2
    aht: float = 300.0
    patience: float = 120.0

    def scenario(self) -> simcc.Scenario:
        return simcc.scenario_from_dict(
            {
                "name": f"ratio {self.name}",
                "horizon": self.minutes * 60,
                "call_types": {
                    "calls": {"arrivals": {"rate": f"{self.rate_per_hour}/h"}, "path": ["pool"]}
                },
                "customers": {"patience": {"dist": "exponential", "mean": self.patience}},
                "pools": {
                    "pool": {
                        "agents": self.agents,
                        "handle_time": {"dist": "exponential", "mean": self.aht},
                    }
                },
                "transfer": {"policy": "cold"},
            }
        )

    def window(self) -> dict[str, float]:
        """Exact expected values of the window (ratios of expectations), from empty."""
        return erlang_exact.expected_window(
            self.rate_per_hour / HOUR,
            1 / self.aht,
            1 / self.patience,
            self.agents,
            0.0,
            self.minutes * 60,
        ).as_dict()


RATIO_CASES = [RatioCase("R1", 30, 2000), RatioCase("R2", 480, 200)]
"""Short replications (the estimators differ) and long ones (they agree)."""


@dataclass(frozen=True)
class RatioRow:
    """One metric of one case under both estimators; the check is the ratio estimator's."""

    check: Check
    mean_of_ratios: Estimate
    offered_cv: float
    """Coefficient of variation of the replications' offered contacts."""


def run_ratio(case: RatioCase, seed: int, jobs: int = 2) -> list[RatioRow]:
    reps = simcc.replicate(
        case.scenario(), case.replications, case_seed(seed, case.name), jobs=jobs, estimator="ratio"
    )
    ratio = reps.summary(CONFIDENCE)
    plain = reps.summary(CONFIDENCE, estimator="mean")
    exact = case.window()
    offered = reps.table["offered"]
    cv = float(offered.std() / offered.mean())
    return [RatioRow(Check(case.name, m, exact[m], ratio[m]), plain[m], cv) for m in RATIO_METRICS]
