"""M/M/n+G validation cases: one pool, exponential handle time, non-exponential patience.

Shared by ``tests/validation/test_mmng.py`` and ``benchmarks/validation_tables.py``.
The exact values are :func:`simcc.analysis.theory.mmng` (the virtual-waiting-time
density); each simulated metric's 99.9 % interval must contain them.

``p_wait`` and ``mean_wait`` are measured from the contact records: the share
of offered contacts *not* answered at once (a caller who abandons found every
agent busy, even with patience 0), and the mean wait of all offered contacts,
abandoners included. Unlike the Erlang cases there is no exact start-up bias here
(the number in system is not a Markov chain when patience is not exponential);
each case's warm-up lasts at least 12 handle times and 15 mean patiences, after
which an empty start is forgotten to far below the intervals' width (the Erlang
cases, with the same warm-ups, show biases of 1e-4 of a half-width and less).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import simcc
from simcc.analysis import theory
from simcc.analysis.stats import estimate
from tests.validation.cases import CONFIDENCE, HOUR, Check, case_seed

MMNG_METRICS = ("abandonment_rate", "asa", "mean_wait", "service_level", "p_wait", "occupancy")

EMPIRICAL_PATIENCE = (5, 12, 20, 31, 45, 50, 52, 55, 57, 58, 60, 60, 75, 110, 180, 320)
"""A patience sample with the bump at 50–60 s the October log shows (seconds)."""


def _dist(spec: dict[str, Any]) -> object:
    from pydantic import TypeAdapter

    from simcc.dists import Distribution

    return TypeAdapter(Distribution).validate_python(spec)


@dataclass(frozen=True)
class MmngCase:
    """One pool, Poisson arrivals, exponential handle time, the given patience."""

    name: str
    label: str
    rate_per_hour: float
    aht: float
    agents: int
    patience: dict[str, Any] = field(hash=False)
    horizon_hours: float = 24.0
    warmup_hours: float = 1.0
    replications: int = 40
    threshold: float = 20.0
    short_abandon: float = 0.0

    @property
    def lam(self) -> float:
        return self.rate_per_hour / HOUR

    @property
    def load(self) -> float:
        return self.lam * self.aht / self.agents

    def patience_mean(self) -> float:
        return float(_dist(self.patience).mean)  # type: ignore[attr-defined]

    def describe_patience(self) -> str:
        text = str(_dist(self.patience).describe())  # type: ignore[attr-defined]
        return f"deterministic {text}" if self.patience["dist"] == "deterministic" else text

    def scenario(self) -> simcc.Scenario:
        return simcc.scenario_from_dict(
            {
                "name": f"validation {self.name}",
                "horizon": self.horizon_hours * HOUR,
                "warmup": self.warmup_hours * HOUR,
                "call_types": {
                    "calls": {"arrivals": {"rate": f"{self.rate_per_hour}/h"}, "path": ["pool"]}
                },
                "customers": {"patience": self.patience},
                "pools": {
                    "pool": {
                        "agents": self.agents,
                        "handle_time": {"dist": "exponential", "mean": self.aht},
                    }
                },
                "sla": {
                    "answer": {"threshold": self.threshold, "short_abandon": self.short_abandon}
                },
            }
        )

    def measures(self) -> theory.QueueMeasures:
        return theory.mmng(
            self.lam,
            1.0 / self.aht,
            self.agents,
            _dist(self.patience),
            self.threshold,
            self.short_abandon,
        )

    def exact(self) -> dict[str, float]:
        m = self.measures()
        return {
            "abandonment_rate": m.abandonment_rate,
            "asa": m.asa,
            "mean_wait": m.mean_wait,
            "service_level": theory.service_level_sla(m),
            "p_wait": m.p_wait,
            "occupancy": m.occupancy,
        }


MMNG = [
    MmngCase(
        "G1", "deterministic, over-loaded", 240, 300, 16, {"dist": "deterministic", "value": 120}
    ),
    MmngCase("G2", "uniform, critical", 180, 300, 15, {"dist": "uniform", "low": 0, "high": 240}),
    MmngCase(
        "G3",
        "lognormal, under-loaded",
        120,
        300,
        12,
        {"dist": "lognormal", "mean": 180, "cv": 1.0},
        short_abandon=5,
    ),
    MmngCase(
        "G4",
        "empirical, over-loaded",
        200,
        300,
        15,
        {"dist": "empirical", "values": list(EMPIRICAL_PATIENCE)},
    ),
]
"""Deterministic, uniform, lognormal and empirical patience at loads 1.25, 1.0, 0.83, 1.11."""

MZ = MmngCase(
    "MZ",
    "Mandelbaum–Zeltyn worked case",
    2880,
    60,
    50,
    {"dist": "exponential", "mean": 120},
    horizon_hours=8,
    warmup_hours=0.5,
)
"""n = 50, λ = 48/min, AHT 1 min, exponential patience of mean 2 min."""

MZ_PUBLISHED = {"abandonment_rate": 0.031, "mean_wait": 3.7, "occupancy": 0.93}
"""Mandelbaum & Zeltyn's rounded values: P(abandon) 3.1 %, mean wait 3.7 s, occupancy 93 %."""

FLUID_LOAD = 1.2
FLUID = [
    MmngCase(
        f"F{n}",
        f"n = {n}, load {FLUID_LOAD}",
        FLUID_LOAD * n / 300 * HOUR,
        300,
        n,
        {"dist": "lognormal", "mean": 120, "cv": 0.8},
        horizon_hours=8,
        replications=20,
    )
    for n in (10, 40, 160)
]
"""Over-loaded pools growing at fixed load: abandonment → 1 − nμ/λ = 1 − 1/1.2."""

FLUID_LIMIT = 1.0 - 1.0 / FLUID_LOAD


def run_mmng(case: MmngCase, seed: int, jobs: int = 2) -> list[Check]:
    """Replicate the case; each metric against its exact M/M/n+G value."""
    reps = simcc.replicate(
        case.scenario(),
        case.replications,
        case_seed(seed, case.name),
        jobs=jobs,
        keep_records=True,
    )
    assert reps.records is not None
    contacts = reps.records["contacts"]
    measured = contacts[contacts["measured"]]
    at_once = measured["answer"].notna() & (measured["wait"] == 0)
    per_rep = at_once.groupby(measured["replication"]).agg(["sum", "size"])
    from_records = {
        "p_wait": (1.0 - per_rep["sum"] / per_rep["size"]).to_numpy(dtype=float),
        "mean_wait": measured.groupby("replication")["wait"].mean().to_numpy(dtype=float),
    }
    summary = reps.summary(CONFIDENCE)
    exact = case.exact()
    checks = []
    for metric in MMNG_METRICS:
        if metric in from_records:
            est = estimate(np.asarray(from_records[metric]), CONFIDENCE)
        else:
            est = summary["occupancy_pool" if metric == "occupancy" else metric]
        checks.append(Check(case.name, metric, exact[metric], est))
    return checks


def fluid_gaps() -> list[float]:
    """Exact abandonment minus the fluid limit, for the FLUID cases in order of n."""
    return [c.measures().abandonment_rate - FLUID_LIMIT for c in FLUID]


def is_decreasing(values: list[float]) -> bool:
    return all(b < a for a, b in itertools.pairwise(values)) and not any(
        math.isnan(v) for v in values
    )
