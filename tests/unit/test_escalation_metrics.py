"""MODEL.md §10's time, SLA and cost metrics of escalation on small hand-built records.

Each expected value is worked out beside the test from the rows written out
here (the helpers of tests/unit/test_metrics.py build the arrays).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcc import records as rec
from simcc.analysis.metrics import compute
from tests.unit.test_metrics import answered, records, window

HANDOFF_DEFAULTS: dict[str, object] = {
    "contact_id": 0,
    "leg": 1,
    "reason": "not_resolved",
    "to_pool": 1,
    "outcome": "engaged",
    "handoff": 0.0,
    "engaged": math.nan,
}


def handoffs(rows: list[dict[str, object]]) -> dict[str, np.ndarray]:
    out = {}
    for column, default in HANDOFF_DEFAULTS.items():
        values = [row.get(column, default) for row in rows]
        if column == "reason":
            values = [rec.REASONS.index(v) for v in values]  # type: ignore[arg-type]
        elif column == "outcome":
            values = [rec.LEG_OUTCOMES.index(v) for v in values]  # type: ignore[arg-type]
        dtype = float if isinstance(default, float) else np.int64
        out[column] = np.array(values, dtype=dtype)
    return out


# measured window [100, 1100); pools front (36/h) and desk (72/h)
CONTACTS = [
    # 1: resolved at the front, 60 s after arriving
    answered(1, 100, 10, end=160),
    # 2: escalated at 200 (desk engaged at 230), resolved by the desk at 500
    answered(2, 150, 0, end=500, escalations=1, first_handoff=200, last_pool="desk"),
    # 3: a complaint hand-off at 300 that was never engaged (hung up on hold at 340)
    answered(3, 250, 20, end=340, outcome="abandoned_hold", escalations=1, first_handoff=300),
    # 4: a misrouted cold transfer: wrong pool engaged at 420, the right one at 480
    answered(4, 390, 0, end=900, escalations=2, first_handoff=400, last_pool="desk"),
    # 5: re-contact of case 0 (first seen at 50, before the warm-up), resolved at 700
    answered(5, 600, 0, case_id=0, attempt=2, end=700),
    {"contact_id": 0, "case_id": 0, "arrival": 50.0, "answer": 55.0, "end": 80.0,
     "outcome": "unresolved"},
]  # fmt: skip
HANDOFFS = [
    {"contact_id": 2, "handoff": 200.0, "engaged": 230.0},
    {"contact_id": 3, "reason": "complaint", "handoff": 300.0, "outcome": "abandoned_hold"},
    {"contact_id": 4, "handoff": 400.0, "engaged": 420.0, "to_pool": 0},
    {"contact_id": 4, "leg": 2, "reason": "misroute", "handoff": 430.0, "engaged": 480.0},
]
AGENTS = [
    {"contact_id": 1, "pool": "front", "start": 110, "end": 160},  # 50 s × 36/h
    {"contact_id": 2, "pool": "front", "start": 150, "end": 200},  # 50 s × 36/h
    {"contact_id": 2, "pool": "desk", "start": 230, "end": 500},  # 270 s × 72/h
    {"contact_id": 4, "pool": "desk", "start": 480, "end": 900},  # 420 s × 72/h
]


def run(**kw: object) -> dict[str, float]:
    c, a, s = records(CONTACTS, AGENTS)
    return compute(c, a, s, window(**kw), handoffs(HANDOFFS))


def test_time_to_escalation_runs_from_arrival_to_the_first_engagement() -> None:
    # escalated: 2 (230 - 150 = 80), 3 (never engaged: left out), 4 (420 - 390 = 30)
    assert run()["time_to_escalation"] == pytest.approx((80 + 30) / 2)


def test_resolution_times() -> None:
    out = run()
    # truly resolved: 1 (60), 2 (350), 4 (510), 5 (100)
    assert out["resolution_time"] == pytest.approx((60 + 350 + 510 + 100) / 4)
    # escalated and resolved: 2 (500 - 200), 4 (900 - 400)
    assert out["resolution_time_after_escalation"] == pytest.approx((300 + 500) / 2)
    # cases 1 (60), 2 (350), 4 (510) and case 0, first seen at 50, resolved at 700 (650)
    assert out["case_resolution_time"] == pytest.approx((60 + 350 + 510 + 650) / 4)


def test_complaint_rate_and_transfer_success() -> None:
    out = run()
    assert out["complaint_rate"] == pytest.approx(1 / 5)  # contact 3, of 5 answered
    # hand-offs: 2 (engaged), 3 (hung up), 4 (misrouted first: its re-send is no try of its own)
    assert out["transfer_success_rate"] == pytest.approx(1 / 3)


def test_cost_per_escalated_and_unescalated_contact() -> None:
    out = run()
    escalated = (50 * 36 + 270 * 72 + 420 * 72) / 3600  # contacts 2, 3, 4
    assert out["cost_per_escalated_contact"] == pytest.approx(escalated / 3)
    assert out["cost_per_unescalated_contact"] == pytest.approx(50 * 36 / 3600 / 2)  # 1 and 5


def test_resolution_sla_counts_from_the_hand_off_to_the_resolving_pool() -> None:
    # desk target 10 min: 2 resolved 300 s after its hand-off (met); 4 resolved 470 s after
    # the hand-off to the desk at 430 (met); 3 went to the desk and was never resolved (missed)
    out = run(resolution_target=(math.nan, 600.0))
    assert out["resolution_sla_rate"] == pytest.approx(2 / 3)
    out = run(resolution_target=(math.nan, 400.0))  # 4 misses it now
    assert out["resolution_sla_rate"] == pytest.approx(1 / 3)


def test_sla_compliance_requires_the_resolution_target_that_applied() -> None:
    # answered within 20 s: all five; no escalation targets; resolution met by 2 only
    assert run()["sla_compliance"] == pytest.approx(5 / 5)
    assert run(resolution_target=(math.nan, 400.0))["sla_compliance"] == pytest.approx(3 / 5)


def test_penalty_cost_counts_every_breach_by_kind() -> None:
    out = run(resolution_target=(math.nan, 400.0), penalty=(1.0, 2.0, 5.0))
    assert out["penalty_cost_per_contact"] == pytest.approx(2 * 5.0 / 5)  # 3 and 4 missed
    assert run()["penalty_cost_per_contact"] == 0.0
