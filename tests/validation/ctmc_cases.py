"""simcc against the exact two-pool chain of :mod:`tests.validation.ctmc_transfer`.

Shared by ``tests/validation/test_ctmc_transfer.py`` and
``benchmarks/validation_tables.py``. One centre (:data:`CENTRE`: 2 front agents,
1 desk agent, direct calls at the desk too, capped queues) under four hand-offs:
``warm`` (``max_consult_wait: inf``), ``warm`` with ``max_consult_wait: 0`` and a
``cold`` fallback, ``conference`` and ``callback`` (reach 0.7, one attempt,
exponential dial time). Every time is exponential and wrap-up is 0, so the
chain is exact; simcc's 99.9 % interval of each metric must contain its value.
The runs are long and stationary: a 2-hour warm-up is hundreds of relaxation
times of so small a centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import simcc
from tests.validation import ctmc_transfer
from tests.validation.cases import CONFIDENCE, HOUR, Check, case_seed

CENTRE: dict[str, float] = {
    "lam1": 20 / HOUR,
    "lam2": 3 / HOUR,
    "n1": 2,
    "n2": 1,
    "mu1": 1 / 240,
    "mu2": 1 / 180,
    "r1": 0.6,
    "theta": 1 / 300,
    "theta_hold": 1 / 180,
    "theta_transfer": 1 / 150,
    "consult": 1 / 45,
    "conference": 1 / 20,
    "dial": 1 / 30,
    "reach": 0.7,
    "cap1": 4,
    "cap2": 3,
}
"""Rates per second (times are their inverses), agents and queue caps."""

METRICS = {
    "warm": (
        "abandonment_queue_rate",
        "abandonment_hold_rate",
        "abandonment_transfer_rate",
        "escalation_rate",
        "mean_hold_time",
        "occupancy_front",
        "occupancy_desk",
    ),
    "warm_cold_fallback": (
        "abandonment_queue_rate",
        "abandonment_hold_rate",
        "abandonment_transfer_rate",
        "escalation_rate",
        "mean_hold_time",
        "mean_transfer_wait",
        "occupancy_front",
        "occupancy_desk",
    ),
    "conference": (
        "abandonment_queue_rate",
        "abandonment_hold_rate",
        "escalation_rate",
        "mean_hold_time",
        "occupancy_front",
        "occupancy_desk",
    ),
    "callback": (
        "abandonment_queue_rate",
        "callback_unreached_rate",
        "escalation_rate",
        "mean_transfer_wait",
        "occupancy_front",
        "occupancy_desk",
    ),
}
"""The metrics each case checks (those its policy can move)."""


def _exp(rate: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": 1.0 / rate}


@dataclass(frozen=True)
class TransferCase:
    """The centre under one hand-off policy."""

    name: str
    policy: str
    label: str
    horizon_hours: float = 1000.0
    warmup_hours: float = 2.0
    replications: int = 20

    def centre(self) -> ctmc_transfer.Centre:
        return ctmc_transfer.Centre(self.policy, **CENTRE)  # type: ignore[arg-type]

    def exact(self) -> dict[str, float]:
        return ctmc_transfer.metrics(self.centre())

    def scenario(self) -> simcc.Scenario:
        return simcc.scenario_from_dict(self.data())

    def data(self) -> dict[str, Any]:
        m = CENTRE
        policy = "warm" if self.policy == "warm_cold_fallback" else self.policy
        return {
            "name": f"validation {self.name}",
            "horizon": self.horizon_hours * HOUR,
            "warmup": self.warmup_hours * HOUR,
            "call_types": {
                "calls": {"arrivals": {"rate": f"{m['lam1'] * HOUR}/h"}, "path": ["front", "desk"]},
                "direct": {"arrivals": {"rate": f"{m['lam2'] * HOUR}/h"}, "path": ["desk"]},
            },
            "customers": {
                "patience": _exp(m["theta"]),
                "hold_patience": _exp(m["theta_hold"]),
                "transfer_patience": _exp(m["theta_transfer"]),
            },
            "pools": {
                "front": {
                    "agents": int(m["n1"]),
                    "handle_time": _exp(m["mu1"]),
                    "resolve": m["r1"],
                    "queue_capacity": int(m["cap1"]),
                },
                "desk": {
                    "tier": 2,
                    "agents": int(m["n2"]),
                    "handle_time": _exp(m["mu2"]),
                    "queue_capacity": int(m["cap2"]),
                },
            },
            "transfer": {
                "policy": policy,
                "transfer_priority": True,
                "cold": {"transfer_time": 0, "rediscovery_time": 0, "misroute_probability": 0},
                "warm": {
                    "consult_time": _exp(m["consult"]),
                    "conference_time": _exp(m["conference"]),
                    "max_consult_wait": 0 if self.policy == "warm_cold_fallback" else "inf",
                    "fallback": "cold",
                },
                "conference": {"consult_time": _exp(m["consult"]), "max_consult_wait": "inf"},
                "callback": {
                    "transfer_time": 0,
                    "reach_probability": m["reach"],
                    "max_attempts": 1,
                    "dial_time": _exp(m["dial"]),
                    "context_factor": 0,
                },
            },
        }


TRANSFER_CASES = [
    TransferCase("T1", "warm", "warm, max_consult_wait inf"),
    TransferCase("T2", "warm_cold_fallback", "warm, max_consult_wait 0, cold fallback"),
    TransferCase("T3", "conference", "conference, max_consult_wait inf"),
    TransferCase("T4", "callback", "callback, reach 0.7, one attempt"),
]


def run_transfer(case: TransferCase, seed: int, jobs: int = 2) -> list[Check]:
    """Replicate the case; each metric against the chain's exact value."""
    reps = simcc.replicate(
        case.scenario(), case.replications, case_seed(seed, case.name), jobs=jobs
    )
    summary = reps.summary(CONFIDENCE)
    exact = case.exact()
    return [
        Check(case.name, metric, exact[metric], summary[metric]) for metric in METRICS[case.policy]
    ]
