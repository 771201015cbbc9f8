"""Every metric of MODEL.md §4 (and simcc's extras) on small hand-built records.

Each expected value is worked out by hand beside the test, from the rows
written out here; docs/metrics.md gives the definitions these tests pin.
The records are built by :func:`records` alone, from rows keyed by column
name with outcomes, activities and pools by name: when the record module
changes how it stores codes, that helper is the one place to adapt.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcc import records as rec
from simcc.analysis import metrics
from simcc.analysis.escalation import NAMES as ESCALATION
from simcc.analysis.metrics import Window, compute, measure, metric_names

POOLS = ("front", "desk")
NAN = math.nan

# a value for every column metrics may read; rows give the rest by name
CONTACT_DEFAULTS: dict[str, object] = {
    "contact_id": 0,
    "case_id": 0,
    "attempt": 1,
    "call_type": 0,
    "segment": 0,
    "priority": 1,
    "entry_pool": "front",
    "arrival": 0.0,
    "answer": NAN,
    "answer_pool": "front",
    "wait": 0.0,
    "end": 0.0,
    "outcome": "resolved",
    "false_resolution": False,
    "escalations": 0,
    "last_pool": "front",
    "policy": 0,
    "hold_time": 0.0,
    "transfer_wait": 0.0,
    "rediscoveries": 0,
    "first_handoff": NAN,
    "sla_legs": 0,
    "sla_legs_met": 0,
}
AGENT_DEFAULTS: dict[str, object] = {
    "pool": "front",
    "agent": 0,
    "contact_id": 0,
    "activity": "handle",
    "start": 0.0,
    "end": 0.0,
}
STAFFING_DEFAULTS: dict[str, object] = {"pool": "front", "time": 0.0, "scheduled": 0, "present": 0}
POOL_COLUMNS = ("entry_pool", "answer_pool", "last_pool", "pool")


def _code(column: str, name: object) -> object:
    """The stored code of a name: outcomes, activities and pools are kept as small integers."""
    if column == "outcome":
        return rec.OUTCOMES.index(name)
    if column == "activity":
        return rec.ACTIVITIES.index(name)
    if column in POOL_COLUMNS:
        return POOLS.index(name)
    return name


def _table(rows: list[dict[str, object]], defaults: dict[str, object]) -> dict[str, np.ndarray]:
    for row in rows:
        unknown = set(row) - set(defaults)
        assert not unknown, f"not a column: {unknown}"
    out = {}
    for column, default in defaults.items():
        values = [_code(column, row.get(column, default)) for row in rows]
        kind = type(_code(column, default))
        dtype = bool if kind is bool else float if kind is float else np.int64
        out[column] = np.array(values, dtype=dtype)
    return out


def records(
    contacts: list[dict[str, object]],
    agents: list[dict[str, object]] = (),  # type: ignore[assignment]
    staffing: list[dict[str, object]] = (),  # type: ignore[assignment]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The contact, agent-interval and staffing arrays :func:`compute` reads, from named rows."""
    return (
        _table(list(contacts), CONTACT_DEFAULTS),
        _table(list(agents), AGENT_DEFAULTS),
        _table(list(staffing), STAFFING_DEFAULTS),
    )


def window(**kw: object) -> Window:
    """The measurement window [100, 1100) s; answer SLA 20 s with 5 s short abandons."""
    args: dict[str, object] = {
        "warmup": 100.0,
        "horizon": 1100.0,
        "pools": POOLS,
        "cost_per_hour": (36.0, 72.0),
        "threshold": 20.0,
        "short_abandon": 5.0,
    }
    return Window(**{**args, **kw})  # type: ignore[arg-type]


def answered(contact_id: int, arrival: float, wait: float, **fields: object) -> dict[str, object]:
    """A contact answered ``wait`` seconds after arriving (its own case unless told)."""
    row = {"contact_id": contact_id, "case_id": contact_id, "arrival": arrival, "wait": wait}
    return {**row, "answer": arrival + wait, **fields}


def left(contact_id: int, arrival: float, wait: float, **fields: object) -> dict[str, object]:
    """A contact that hung up in the entry queue after ``wait`` seconds (never answered)."""
    row = {"contact_id": contact_id, "case_id": contact_id, "arrival": arrival, "wait": wait}
    return {**row, "outcome": "abandoned_queue", "end": arrival + wait, **fields}


# ---------------------------------------------------------------------------- one small day

DAY_CONTACTS = [
    # before the warm-up: simulated, not measured
    answered(0, 50, 10),
    # measured: arrivals in [100, 1100)
    answered(1, 200, 10),
    answered(
        2, 300, 30, escalations=1, transfer_wait=40, rediscoveries=1, sla_legs=1, sla_legs_met=1
    ),
    answered(
        3,
        400,
        5,
        escalations=2,
        false_resolution=True,
        hold_time=60,
        rediscoveries=2,
        sla_legs=2,
        sla_legs_met=1,
    ),
    left(4, 500, 3),  # a short abandon (waited 0 < 3 <= 5 s)
    left(5, 600, 50, case_id=3, attempt=2),  # re-contact of case 3, falsely resolved
    answered(6, 650, 15, escalations=1, outcome="abandoned_hold", hold_time=30, sla_legs=1),
    answered(
        7, 700, 0, escalations=1, outcome="abandoned_transfer_queue", transfer_wait=90, sla_legs=1
    ),
    left(8, 800, 0),  # a busy signal (queue full): refused, not a short abandon
    answered(9, 900, 25, answer_pool="desk"),  # answered by the overflow pool
    answered(10, 950, 10, escalations=1, outcome="callback_unreached", sla_legs=1),
    answered(11, 1000, 4, case_id=4, attempt=2, end=1200),  # case 4 again, ends past the horizon
    answered(12, 1050, 20, outcome="unfinished"),  # still in the system at the drain limit
    # at the horizon: simulated, not measured
    left(13, 1100, 2),
]

DAY_AGENTS = [
    {"pool": "front", "contact_id": 0, "activity": "handle", "start": 60, "end": 160},
    {"pool": "front", "contact_id": 1, "activity": "handle", "start": 210, "end": 330},
    {"pool": "front", "contact_id": 1, "activity": "wrap_up", "start": 330, "end": 360},
    {"pool": "front", "contact_id": 3, "activity": "handle", "start": 405, "end": 505},
    {"pool": "front", "contact_id": 3, "activity": "consult_wait", "start": 505, "end": 525},
    {"pool": "front", "contact_id": 3, "activity": "consult", "start": 525, "end": 565},
    {"pool": "front", "contact_id": 3, "activity": "conference", "start": 565, "end": 585},
    {"pool": "front", "contact_id": 3, "activity": "wrap_up", "start": 585, "end": 605},
    {"pool": "front", "contact_id": 12, "activity": "handle", "start": 1070, "end": 1170},
    {"pool": "desk", "contact_id": 2, "activity": "rediscovery", "start": 360, "end": 420},
    {"pool": "desk", "contact_id": 2, "activity": "handle", "start": 420, "end": 500},
    {"pool": "desk", "contact_id": 3, "activity": "consult", "start": 525, "end": 565},
    {"pool": "desk", "contact_id": 3, "activity": "conference", "start": 565, "end": 585},
    {"pool": "desk", "contact_id": 3, "activity": "handle", "start": 585, "end": 785},
    {"pool": "desk", "contact_id": 3, "activity": "wrap_up", "start": 785, "end": 815},
]

DAY_STAFFING = [
    {"pool": "front", "time": 0, "scheduled": 2, "present": 2},
    # the plan drops to 1 at 1000 s; one agent stays until 1050 s to finish a contact
    {"pool": "front", "time": 1000, "scheduled": 1, "present": 2},
    {"pool": "front", "time": 1050, "scheduled": 1, "present": 1},
    {"pool": "desk", "time": 0, "scheduled": 1, "present": 1},
]

# staffed agent-seconds in [100, 1100): front 2 x (1050 - 100) + 1 x (1100 - 1050) = 1950,
# desk 1 x 1000 = 1000; cost front 1950/3600 h x 36 = 19.5, desk 1000/3600 h x 72 = 20.0
DAY_COST = 39.5

DAY_EXPECTED = {
    # measured: contacts 1..12, none settled by a front door
    "arrived": 12,
    "offered": 12,
    # abandoned_queue 4, 5, 8; abandoned_hold 6; abandoned_transfer_queue 7
    "abandoned": 5,
    "abandonment_rate": 5 / 12,
    "abandonment_queue_rate": 3 / 12,
    "abandonment_hold_rate": 1 / 12,
    "abandonment_transfer_rate": 1 / 12,
    # first contacts (attempt 1): all but 5 and 11 -> 10; truly resolved: 1, 2, 9
    # (3 was resolved falsely; 11 is truly resolved but a second attempt)
    "fcr": 3 / 10,
    # resolved with no escalation: 1, 9, 11 (3 was escalated)
    "first_touch_resolution": 3 / 12,
    # answered: 1, 2, 3, 6, 7, 9, 10, 11, 12 -> 9; escalated: 2, 3, 6, 7, 10 -> 5
    "escalation_rate": 5 / 9,
    # escalated twice or more: 3
    "repeat_escalation_rate": 1 / 5,
    # attempt > 1: 5, 11
    "recontact_rate": 2 / 12,
    # answered within 20 s: 1 (10), 3 (5), 6 (15), 7 (0), 10 (10), 11 (4), 12 (20) -> 7;
    # not 2 (30) nor 9 (25). Short abandons: 4 only (8 is a busy signal, 5 waited 50 s)
    "service_level": 7 / (12 - 1),
    # contacts with an SLA hand-off: 2, 3, 6, 7, 10; every one met: 2 only
    "escalation_sla_rate": 1 / 5,
    # answered within 20 s and every SLA hand-off met: 1, 11, 12 (no SLA hand-off);
    # 3, 6, 7, 10 missed one
    "sla_compliance": 3 / 12,
    # waits of the answered: 10 + 30 + 5 + 15 + 0 + 25 + 10 + 4 + 20 = 119 over 9
    "asa": 119 / 9,
    # hold over the escalated: 0 + 60 + 30 + 0 + 0 = 90 over 5
    "mean_hold_time": 90 / 5,
    # 1 + retellings over the answered: (1 + 2) / 9
    "customer_effort": 1 + 3 / 9,
    "cost_per_contact": DAY_COST / 12,
    # cases truly resolved: 1, 2, 9 and 4 (by contact 11) -> 4
    "cost_per_resolved_case": DAY_COST / 4,
    # no front door, no virtual hold (their own tests: tests/process/test_front_door.py)
    "containment_rate": 0.0,
    "virtual_hold_rate": 0.0,
    # busy seconds on measured contacts per distinct contact, whole intervals (contact 12's
    # runs past the horizon): front 1: 120 + 30, 3: 100 + 20 + 40 + 20 + 20, 12: 100 -> 450 / 3;
    # contact 0 arrived before the warm-up and does not count
    "aht_front": 450 / 3,
    # desk 2: 60 + 80, 3: 40 + 20 + 200 + 30 -> 430 / 2
    "aht_desk": 430 / 2,
    # busy seconds clipped to [100, 1100), whoever the contact: front 0: 160 - 100 = 60,
    # 1: 150, 3: 200, 12: 1100 - 1070 = 30 -> 440 over 1950 staffed
    "occupancy_front": 440 / 1950,
    "occupancy_desk": 430 / 1000,
    # consult_wait + consult + conference over the busy seconds of aht
    "transfer_time_share_front": (20 + 40 + 20) / 450,
    "transfer_time_share_desk": (40 + 20) / 430,
    "answered": 9,
    "unfinished": 1,
    "callback_unreached_rate": 1 / 12,
    # time in receiving queues over the escalated: (40 + 0 + 0 + 90 + 0) / 5
    "mean_transfer_wait": 130 / 5,
    # answered by another pool than the entry pool: 9, over 9 answered
    "overflow_rate": 1 / 9,
}


def test_every_metric_on_a_small_day():
    out = compute(*records(DAY_CONTACTS, DAY_AGENTS, DAY_STAFFING), window())
    assert list(out) == metric_names(POOLS)
    # MODEL.md §10's escalation metrics have their own test (tests/unit/test_escalation_metrics.py)
    assert set(DAY_EXPECTED) | set(ESCALATION) == set(out)
    assert {k: out[k] for k in DAY_EXPECTED} == pytest.approx(DAY_EXPECTED, rel=1e-12)


def test_every_ratio_metric_is_its_numerator_over_its_denominator_and_only_counts_lack_one():
    out, totals = measure(*records(DAY_CONTACTS, DAY_AGENTS, DAY_STAFFING), window())
    assert set(totals) == set(out) - {"arrived", "offered", "abandoned", "answered", "unfinished"}
    for name, (num, den) in totals.items():
        if den == 0:  # the day has no hand-off rows: e.g. no transfer tried
            assert math.isnan(out[name]), name
        else:
            assert num / den == pytest.approx(out[name], rel=1e-12), name
    # by hand: 12 contacts offered, 1 unreached callback among them
    assert totals["callback_unreached_rate"] == (1.0, 12.0)
    assert totals["abandonment_rate"][1] == 12.0


def test_metrics_have_the_names_of_model_md_section_4_in_table_order():
    assert metric_names(POOLS) == [
        "arrived", "offered", "abandoned", "abandonment_rate", "abandonment_queue_rate",
        "abandonment_hold_rate", "abandonment_transfer_rate", "fcr", "first_touch_resolution",
        "escalation_rate", "repeat_escalation_rate", "recontact_rate", "service_level",
        "escalation_sla_rate", "sla_compliance", "asa", "mean_hold_time", "customer_effort",
        "cost_per_contact", "cost_per_resolved_case", *ESCALATION, "containment_rate",
        "virtual_hold_rate", "aht_front", "aht_desk",
        "occupancy_front", "occupancy_desk", "transfer_time_share_front",
        "transfer_time_share_desk", "answered", "unfinished", "callback_unreached_rate",
        "mean_transfer_wait", "overflow_rate",
    ]  # fmt: skip


# ---------------------------------------------------------------------------- the window


def test_only_contacts_arriving_from_the_warmup_and_before_the_horizon_are_counted():
    contacts = [
        answered(1, 99.9, 10),  # just before the warm-up
        answered(2, 100.0, 10),  # at the warm-up: counted
        left(3, 1099.9, 30),  # just before the horizon: counted
        left(4, 1100.0, 30),  # at the horizon: not counted
    ]
    agents = [
        {"contact_id": 1, "start": 109.9, "end": 209.9},
        {"contact_id": 2, "start": 110.0, "end": 170.0},
    ]
    staffing = [{"time": 0, "scheduled": 1, "present": 1}]
    out = compute(*records(contacts, agents, staffing), window())
    assert out["offered"] == 2
    assert out["abandoned"] == 1
    assert out["answered"] == 1
    assert out["abandonment_rate"] == 1 / 2
    # the measured contact 2's handling only: 60 s for one contact
    assert out["aht_front"] == 60.0
    # the pool's busy time in the window is the pool's, whoever it served: 100 + 60 s
    assert out["occupancy_front"] == pytest.approx((100 + 60) / 1000)


def test_staffed_time_counts_present_agents_within_the_window_only():
    # 3 agents from 0, 1 from 600, none from 900 (a closing pool): clipped to [100, 1100)
    # front: 3 x (600 - 100) + 1 x (900 - 600) + 0 = 1800 agent-seconds
    staffing = [
        {"time": 0, "scheduled": 3, "present": 3},
        {"time": 600, "scheduled": 1, "present": 1},
        {"time": 900, "scheduled": 0, "present": 0},
        {"pool": "desk", "time": 1500, "scheduled": 4, "present": 4},  # only after the horizon
    ]
    agents = [{"contact_id": 1, "start": 150, "end": 510}]
    out = compute(*records([answered(1, 140, 10)], agents, staffing), window())
    assert out["occupancy_front"] == pytest.approx(360 / 1800)
    # cost: 1800 s = 0.5 h x 36 per hour = 18 over one contact (desk: 0 staffed, 0 cost)
    assert out["cost_per_contact"] == pytest.approx(18.0)
    assert math.isnan(out["occupancy_desk"])


# ---------------------------------------------------------------------------- service level


def test_service_level_leaves_short_abandons_out_but_keeps_busy_signals():
    contacts = [
        answered(1, 200, 10),  # within 20 s
        answered(2, 300, 30),  # late
        left(3, 400, 4),  # short abandon: 0 < 4 <= 5 s
        left(4, 500, 0),  # busy signal: refused at once, stays in the denominator
        left(5, 600, 5.5),  # waited past the short-abandon limit
    ]
    out = compute(*records(contacts), window())
    # 1 within over 5 offered less 1 short abandon
    assert out["service_level"] == 1 / 4
    # without a short-abandon allowance every abandon stays in: 1 / 5
    assert compute(*records(contacts), window(short_abandon=0.0))["service_level"] == 1 / 5
    # the threshold is inclusive: with 30 s both answered contacts are within: 2 / 4
    assert compute(*records(contacts), window(threshold=30.0))["service_level"] == 2 / 4


# ---------------------------------------------------------------------------- NaN on zero


def _ratios(out: dict[str, float]) -> dict[str, float]:
    counts = ("arrived", "offered", "abandoned", "answered", "unfinished")
    return {k: v for k, v in out.items() if k not in counts}


def test_a_window_with_no_contact_gives_zero_counts_and_nan_for_every_other_metric():
    staffing = [{"time": 0, "scheduled": 1, "present": 1}]
    for contacts in ([], [answered(1, 50, 10), left(2, 1200, 3)]):
        out = compute(*records(contacts, [], staffing), window())
        assert out["offered"] == out["abandoned"] == out["answered"] == out["unfinished"] == 0
        ratios = _ratios(out)
        nan = {k for k, v in ratios.items() if math.isnan(v)}
        # occupancy has a denominator (staffed time) without contacts: 0 busy of 1000 staffed
        assert nan == set(ratios) - {"occupancy_front"}
        assert out["occupancy_front"] == 0.0


def test_a_metric_whose_denominator_is_zero_is_nan_and_the_others_are_not():
    # three answered contacts, none escalated, none truly resolved, no SLA hand-off
    contacts = [
        answered(1, 200, 10, outcome="unresolved"),
        answered(2, 300, 10, outcome="resolved", false_resolution=True),
        left(3, 400, 40),
    ]
    agents = [{"contact_id": 1, "start": 210, "end": 310}]
    out = compute(*records(contacts, agents), window())
    # nothing escalated: the shares of the escalated are undefined, the escalation rate is 0
    assert out["escalation_rate"] == 0.0
    for name in ("repeat_escalation_rate", "escalation_sla_rate", "mean_hold_time"):
        assert math.isnan(out[name]), name
    assert math.isnan(out["mean_transfer_wait"])
    # no true resolution: no cost per resolved case (cost per contact is 0 without staffing)
    assert math.isnan(out["cost_per_resolved_case"])
    assert out["fcr"] == 0.0
    # no staffing: no occupancy; desk handled nothing: no AHT, no transfer share
    assert math.isnan(out["occupancy_front"])
    assert math.isnan(out["aht_desk"])
    assert math.isnan(out["transfer_time_share_desk"])
    assert out["aht_front"] == 100.0
    assert out["transfer_time_share_front"] == 0.0


def test_with_no_answered_contact_the_answered_means_are_nan():
    contacts = [left(1, 200, 10), left(2, 300, 0)]
    out = compute(*records(contacts), window())
    for name in ("asa", "customer_effort", "escalation_rate", "overflow_rate"):
        assert math.isnan(out[name]), name
    assert out["abandonment_queue_rate"] == 1.0
    # contact 1 waited 10 s: a real abandon after the 5 s allowance; contact 2 a busy signal
    assert out["service_level"] == 0.0


def test_cost_per_resolved_case_counts_a_case_once_however_many_of_its_contacts_resolve():
    # an e-mail ticket (contact 1) and its chase call (contact 2) both end truly resolved:
    # one case; contact 3 is another case, resolved falsely; contact 4 abandons
    contacts = [
        answered(1, 200, 10, escalations=1),
        answered(2, 700, 10, case_id=1, attempt=2),
        answered(3, 300, 10, escalations=1, false_resolution=True),
        left(4, 400, 30),
    ]
    staffing = [{"time": 0, "scheduled": 2, "present": 2}]
    out = compute(*records(contacts, [], staffing), window())
    # cost: 2 agents x 1000 s = 2000/3600 h x 36 per hour = 20
    assert out["cost_per_contact"] == pytest.approx(20 / 4)
    assert out["cost_per_resolved_case"] == pytest.approx(20 / 1)
    # fcr: cases with a first contact in the window (1, 3, 4): only case 1's first ended
    # truly resolved
    assert out["fcr"] == pytest.approx(1 / 3)


def test_a_grouped_metric_name_splits_back_into_metric_group_and_name() -> None:
    name = metrics.grouped_name("service_level", "channel", "voice")
    assert name == "service_level[channel=voice]"
    assert metrics.split_grouped(name) == ("service_level", "channel", "voice")
    assert metrics.split_grouped("occupancy_front") == ("occupancy_front", None, None)
    flat = metrics.flat_groups({"need": {"(none)": {"fcr": 0.5}, "legal": {"fcr": 1.0}}})
    assert flat == {"fcr[need=(none)]": 0.5, "fcr[need=legal]": 1.0}
