"""Chat pools against theory (MODEL.md §8): n agents of concurrency k are M/M/(n·k)+M.

Cases, the exact load chain of occupancy and the runner: :mod:`tests.validation.chat_cases`.
"""

from __future__ import annotations

import math

import pytest

from simcc.analysis import theory
from tests.validation.cases import BIAS_SHARE, ERLANG_A, describe_failures
from tests.validation.chat_cases import CHAT, ChatCase, busy_agents_share, run_chat


def test_the_load_chain_with_one_session_per_agent_is_erlang_a_occupancy() -> None:
    case = ERLANG_A[3]
    share = busy_agents_share(case.lam, case.mu, case.theta, case.agents, 1)
    exact = theory.erlang_a(case.lam, case.mu, case.theta, case.agents).occupancy
    assert share == pytest.approx(exact, rel=1e-9)


def test_the_load_chain_lies_between_the_session_bounds() -> None:
    # at least the busy sessions over k per agent, at most one busy agent per session
    for case in CHAT:
        b = case.base
        sessions = theory.erlang_a(b.lam, b.mu, b.theta, b.agents).occupancy
        share = busy_agents_share(b.lam, b.mu, b.theta, case.agents, case.sessions)
        assert sessions <= share <= min(1.0, sessions * case.sessions)


@pytest.mark.parametrize("case", CHAT, ids=lambda c: c.name)
def test_chat_pool_is_erlang_a_with_n_times_k_servers(case: ChatCase, seed: int) -> None:
    checks = run_chat(case, seed)
    assert all(c.ok for c in checks), describe_failures(checks)
    for c in checks[:-1]:
        assert c.bias_ok, f"start-up bias above {BIAS_SHARE:.0%} of the half-width: {c.line()}"
    assert not math.isnan(checks[-1].estimate.mean)
