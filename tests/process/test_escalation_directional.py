"""Directional checks on the shipped escalation centre, paired on common random numbers.

Each compares two variants of scenarios/centre-escalation.yaml at fixed staffing
over the same replications (same seeds: the same first contacts, with the same
needs) and asserts the sign of the paired difference, its 95 % interval
excluding zero.  The day is shortened to 6 hours to keep the tests quick.
"""

from __future__ import annotations

from typing import Any

import simcc
from simcc.analysis.stats import Estimate, paired_difference
from tests.conftest import SCENARIOS

SHORT = {"horizon": "6h"}


def paired(metric: str, seed: int, a: dict[str, Any], b: dict[str, Any], n: int = 10) -> Estimate:
    """``b − a`` of ``metric``, paired replication by replication."""
    base = simcc.load_scenario(SCENARIOS / "centre-escalation.yaml").with_changes(SHORT)
    x = simcc.replicate(base.with_changes(a), n, seed, jobs=2).table[metric]
    y = simcc.replicate(base.with_changes(b), n, seed, jobs=2).table[metric]
    return paired_difference(x.to_numpy(), y.to_numpy())


def test_a_better_warm_briefing_raises_first_contact_resolution(seed: int) -> None:
    poor = {"transfer.context.warm.resolve_factor": 0.6}
    good = {"transfer.context.warm.resolve_factor": 1.0}
    d = paired("fcr", seed, poor, good)
    assert d.ci_low > 0, d


def test_sending_repeat_callers_to_a_tier_2_with_spare_agents_shortens_case_resolution(
    seed: int,
) -> None:
    spare = {"pools.tier2.agents": 30}
    front = {**spare, "escalation.repeat_contact": {"attempt": 2, "to": "front"}}
    tier2 = {**spare, "escalation.repeat_contact": {"attempt": 2, "to": "tier2"}}
    d = paired("case_resolution_time", seed, front, tier2)
    assert d.ci_high < 0, d
