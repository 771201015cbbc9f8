"""simcc against Ciw, an independent engine, on a two-tier network (MODEL.md §5).

Front line (12 agents, AHT 4 min, exponential patience 3 min) → specialists
(6 agents, AHT 8 min, exponential patience 4 min in their queue) by a cold
transfer with no transfer time, no rediscovery and no misroute; 35 % of answered
contacts are escalated. 180 contacts/h make the front line critically loaded
and the specialists over-loaded, so both queues see waiting and abandonment.

Both engines run independent replications (Ciw: ``tests/validation/ciw_network.py``);
for every common metric the 99.9 % Welch interval of the difference of their
means must contain 0: abandonment in each queue, the front line's ASA, the
escalation rate, contacts answered by each pool per offered contact, and the
mean wait in the specialists' queue of the contacts they answered.
"""

from __future__ import annotations

import pytest

from simcc.analysis import theory
from tests.validation.cases import TwoTierCase, describe_failures, run_two_tier

CASE = TwoTierCase()


def test_both_queues_wait_and_abandon() -> None:
    """The chosen loads exercise reneging in both queues (from the front line's Erlang A)."""
    front = theory.erlang_a(
        CASE.rate_per_hour / 3600, 1 / CASE.aht_1, 1 / CASE.patience_1, CASE.agents_1
    )
    assert front.abandonment_rate > 0.05 and front.p_wait > 0.3
    escalated_load = CASE.rate_per_hour / 3600 * (1 - front.abandonment_rate) * CASE.p_escalate
    assert escalated_load * CASE.aht_2 > CASE.agents_2  # the specialists are over-loaded


@pytest.mark.slow
def test_simcc_agrees_with_ciw(seed: int) -> None:
    checks, summaries = run_two_tier(CASE, seed)
    assert {c.metric for c in checks} == set(CASE.metrics)
    for engine in ("simcc", "ciw"):
        s = summaries[engine]
        assert s["abandonment_transfer_rate"].mean > 0.01, engine
        assert s["mean_wait_2"].mean > 10.0, engine
    assert all(c.ok for c in checks), describe_failures(checks)
