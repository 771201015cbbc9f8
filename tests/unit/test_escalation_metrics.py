"""MODEL.md §10's time, SLA and cost metrics of escalation on small hand-built records.

Each expected value is worked out beside the test from the rows written out
here (the helpers of tests/unit/test_metrics.py build the arrays).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcc import records as rec
from simcc.analysis.escalation import NAMES
from simcc.analysis.metrics import compute, measure, metric_names
from tests.unit.test_metrics import POOLS, answered, records, window

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


def test_every_escalation_metric_keeps_its_numerator_and_denominator() -> None:
    c, a, s = records(CONTACTS, AGENTS)
    out, totals = measure(c, a, s, window(resolution_target=(math.nan, 600.0)), handoffs(HANDOFFS))
    assert totals["time_to_escalation"] == (80.0 + 30.0, 2.0)  # as worked out above
    assert totals["resolution_sla_rate"] == (2.0, 3.0)
    assert totals["complaint_rate"] == (1.0, 5.0)
    assert totals["transfer_success_rate"] == (1.0, 3.0)
    assert totals["penalty_cost_per_contact"] == (0.0, 5.0)
    for name in NAMES:
        num, den = totals[name]
        assert num / den == pytest.approx(out[name], rel=1e-12), name


# per tier: hand-ons between the front and the desk, each contact escalated once or twice
TIER_CONTACTS = [
    # 11: to the desk at 150, resolved by the desk at 500 (350 s)
    answered(11, 100, 0, end=500, escalations=1, first_handoff=150, last_pool="desk"),
    # 12: to the desk at 200, hung up on hold at 300
    answered(12, 180, 0, end=300, outcome="abandoned_hold", escalations=1, first_handoff=200),
    # 13: enters at the desk, to the front at 350, resolved by the front at 400 (50 s)
    answered(13, 300, 0, end=400, escalations=1, first_handoff=350, entry_pool="desk"),
    # 14: enters at the desk, to the front at 400, resolved by the front at 600 (200 s)
    answered(14, 380, 0, end=600, escalations=1, first_handoff=400, entry_pool="desk"),
    # 15: to the desk at 500, on to the front at 700, hung up in the front's queue at 800
    answered(15, 450, 0, end=800, outcome="abandoned_transfer_queue", escalations=2,
             first_handoff=500, last_pool="desk"),
    # 16: to the desk at 600, falsely resolved by the desk at 700
    answered(16, 550, 0, end=700, escalations=1, first_handoff=600, last_pool="desk",
             false_resolution=True),
    # 17: to the desk at 800, back to the front at 900, resolved by the front at 1000 (100 s)
    answered(17, 750, 0, end=1000, escalations=2, first_handoff=800),
]  # fmt: skip
TIER_HANDOFFS = [
    {"contact_id": 11, "handoff": 150.0, "engaged": 160.0},
    {"contact_id": 12, "handoff": 200.0, "outcome": "abandoned_hold"},
    {"contact_id": 13, "handoff": 350.0, "engaged": 360.0, "to_pool": 0},
    {"contact_id": 14, "handoff": 400.0, "engaged": 410.0, "to_pool": 0},
    {"contact_id": 15, "handoff": 500.0, "engaged": 510.0},
    {"contact_id": 15, "leg": 2, "handoff": 700.0, "to_pool": 0,
     "outcome": "abandoned_transfer_queue"},
    {"contact_id": 16, "handoff": 600.0, "engaged": 610.0},
    {"contact_id": 17, "handoff": 800.0, "engaged": 810.0},
    {"contact_id": 17, "leg": 2, "handoff": 900.0, "engaged": 910.0, "to_pool": 0},
]  # fmt: skip


def tiers(targets: tuple[float, float]) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    c, a, s = records(TIER_CONTACTS)
    return measure(c, a, s, window(resolution_target=targets), handoffs(TIER_HANDOFFS))


def test_resolution_sla_per_pool_counts_each_contact_at_the_pool_whose_target_applied() -> None:
    # front target 100 s, desk 600 s
    out, totals = tiers((100.0, 600.0))
    # desk: 11 resolved there in 350 s (met); 12 hung up waiting for it and 16 falsely
    # resolved there (missed)
    assert out["resolution_sla_rate_desk"] == pytest.approx(1 / 3)
    assert totals["resolution_sla_rate_desk"] == (1.0, 3.0)
    # front: 13 in 50 s and 17 in 100 s after the hand-off to it (met); 14 in 200 s (missed);
    # 15 hung up in the front's queue, its last hand-on (missed)
    assert out["resolution_sla_rate_front"] == pytest.approx(2 / 4)
    assert totals["resolution_sla_rate_front"] == (2.0, 4.0)
    assert out["resolution_sla_rate"] == pytest.approx(3 / 7)


def test_a_contact_resolved_at_a_pool_without_target_counts_at_its_last_pool_with_one() -> None:
    # only the desk has a target: 13 and 14 never reached it; 17, resolved by the front
    # after the desk, meets it, as does 11; 12, 15 (gone on to the front, lost) and 16 miss
    out, totals = tiers((math.nan, 600.0))
    assert "resolution_sla_rate_front" not in out
    assert out["resolution_sla_rate_desk"] == pytest.approx(2 / 5)
    assert totals["resolution_sla_rate_desk"] == (2.0, 5.0)
    assert out["resolution_sla_rate"] == pytest.approx(2 / 5)


@pytest.mark.parametrize(
    "targets", [(100.0, 600.0), (50.0, 300.0), (200.0, math.nan), (1000.0, 400.0)]
)
def test_the_overall_resolution_sla_rate_is_the_contact_weighted_mean_of_the_pools(
    targets: tuple[float, float],
) -> None:
    out, totals = tiers(targets)
    pools = [p for p, t in zip(POOLS, targets, strict=True) if not math.isnan(t)]
    parts = [totals[f"resolution_sla_rate_{p}"] for p in pools]
    weighted = sum(
        n * out[f"resolution_sla_rate_{p}"] for p, (_, n) in zip(pools, parts, strict=True)
    )
    assert sum(n for _, n in parts) > 0
    assert weighted / sum(n for _, n in parts) == pytest.approx(out["resolution_sla_rate"])


def test_only_pools_with_a_resolution_target_get_a_per_pool_rate_after_the_pool_metrics() -> None:
    out, _ = tiers((math.nan, 600.0))
    assert list(out) == metric_names(POOLS, targeted={"desk"})
    names = metric_names(POOLS, targeted={"desk"})
    assert names.index("resolution_sla_rate_desk") == names.index("transfer_time_share_desk") + 1
    assert not [n for n in tiers((math.nan, math.nan))[0] if n.startswith("resolution_sla_rate_")]
