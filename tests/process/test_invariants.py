"""The invariants of MODEL.md §5 on every shipped scenario, and determinism across processes.

Each scenario under ``scenarios/`` runs one full replication and its records go
through every check of :mod:`tests.property.invariants` (one outcome per
contact, ordered times, no agent in two places, busy ≤ present at every instant,
occupancy ≤ 1, warm transfers keep A beside B, attempts and legs numbered 1..k).
Then the same replications run in one process and in two must give the same
metrics and records, bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import simcc
from tests.property import invariants

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def test_there_are_shipped_scenarios() -> None:
    assert len(SCENARIOS) >= 2


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_keeps_every_invariant(path: Path, seed: int) -> None:
    scenario = simcc.load_scenario(path)
    result = simcc.simulate(scenario, seed=seed)
    assert len(result.contacts) > 0
    invariants.check_all(result)


def test_same_numbers_at_any_degree_of_parallelism(seed: int) -> None:
    scenario = simcc.load_scenario(SCENARIOS[0]).with_changes({"horizon": "4h", "warmup": "30m"})
    serial = simcc.replicate(scenario, 4, seed, jobs=1, keep_records=True)
    parallel = simcc.replicate(scenario, 4, seed, jobs=2, keep_records=True)
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    assert serial.records is not None and parallel.records is not None
    for name, frame in serial.records.items():
        pd.testing.assert_frame_equal(frame, parallel.records[name])
    one = simcc.simulate(scenario, seed=seed, replication=2)
    row = serial.table[serial.table["replication"] == 2].iloc[0]
    for metric, value in one.metrics().items():
        assert (pd.isna(value) and pd.isna(row[metric])) or value == row[metric], metric


@pytest.mark.parametrize(
    "policy", ["cold", "warm", "conference", "callback", "email", "self_service"]
)
def test_every_policy_keeps_every_invariant_when_overloaded(policy: str, seed: int) -> None:
    """The warm centre with a third of its staff, so hand-offs wait, fall back and abandon."""
    base = simcc.load_scenario(SCENARIOS[0].with_name("centre-warm.yaml"))
    changes: dict[str, object] = {"transfer.policy": policy, "horizon": "4h"}
    for name, pool in base.pools.items():
        counts = [max(1, c // 3) for c in pool.agents.counts]
        changes[f"pools.{name}.agents"] = (
            {"interval": "2h", "counts": counts[:2]} if len(counts) > 1 else counts[0]
        )
    result = simcc.simulate(base.with_changes(changes), seed=seed)
    invariants.check_all(result)
    assert (result.transfers["policy"].astype(str) == policy).any() or policy == "rules"


# --------------------------------------------------------------------------- found by the
# property tests: minimal scenarios, each one contact or two on a replayed trace


def test_opposite_escalation_paths_with_warm_transfers_do_not_deadlock() -> None:
    """Billing escalates to tech and tech to billing, one agent each, warm, defaults.

    With the default ``max_consult_wait`` (inf) and patience (inf), each agent puts
    its customer on hold and waits for the other pool's only agent, who is doing
    the same: a circular wait. Every contact must still end (MODEL.md §5).
    """
    scenario = simcc.scenario_from_dict(
        {
            "horizon": "1h",
            "call_types": {
                "billing": {"arrivals": {"times": [0]}, "path": ["billing_desk", "tech_desk"]},
                "tech": {"arrivals": {"times": [0]}, "path": ["tech_desk", "billing_desk"]},
            },
            "pools": {
                "billing_desk": {"agents": 1, "handle_time": 60, "resolve": 0.0},
                "tech_desk": {"agents": 1, "handle_time": 60, "resolve": 0.0},
            },
            "transfer": {"policy": "warm", "warm": {"consult_time": 30}},
        }
    )
    result = simcc.simulate(scenario, seed=1)
    invariants.check_outcomes(result.contacts, drain_unlimited=True)
    # the consult given up to break the wait falls back (cold): nobody hung up on hold
    outcomes = result.transfers.outcome.astype(str).tolist()
    assert "fallback" in outcomes and "abandoned_hold" not in outcomes


def test_an_unstaffed_target_never_hands_back_to_the_transferring_pool() -> None:
    """Desk is unstaffed for 30 min and names the front line as its stand-in.

    The front line's only agent escalates with a conference transfer: the stand-in
    is its own pool, so it waits for a colleague that does not exist, forever.
    """
    scenario = simcc.scenario_from_dict(
        {
            "horizon": "1h",
            "call_types": {"billing": {"arrivals": {"times": [0]}, "path": ["front", "desk"]}},
            "pools": {
                "front": {"agents": 1, "handle_time": 60, "resolve": 0.0},
                "desk": {
                    "agents": {"interval": "30m", "counts": [0, 1]},
                    "handle_time": 60,
                    "when_unstaffed": "front",
                },
            },
            "transfer": {"policy": "conference", "conference": {"consult_time": 30}},
        }
    )
    result = simcc.simulate(scenario, seed=1)
    invariants.check_outcomes(result.contacts, drain_unlimited=True)


def test_a_chase_and_a_recontact_of_one_contact_are_different_attempts() -> None:
    """An e-mailed ticket waits past ``chase_after`` (the customer calls again: attempt 2),
    then ends unresolved and the customer re-contacts: that call is attempt 3, not 2."""
    scenario = simcc.scenario_from_dict(
        {
            "horizon": "20m",
            "call_types": {
                "billing": {"arrivals": {"times": [0]}, "path": ["front", "desk"]},
                "other": {"arrivals": {"times": [0]}, "path": ["desk"]},
            },
            "customers": {"recontact": {"probability": {"unresolved": 1.0}, "delay": 60}},
            "pools": {
                "front": {"agents": 1, "handle_time": 60, "resolve": 0.0},
                "desk": {
                    "agents": 1,
                    "handle_time": {"billing": 60, "other": 600},
                    "resolve": {"billing": 0.0, "other": 1.0},
                },
            },
            "transfer": {
                "policy": "email",
                "email": {"chase_after": "5m", "chase_probability": 1.0},
            },
        }
    )
    result = simcc.simulate(scenario, seed=1)
    invariants.check_attempts(result.contacts)
