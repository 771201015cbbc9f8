"""The invariant checks catch what they claim to: each is shown a record set broken on purpose.

A property test is only as good as its checks, so every check in
:mod:`tests.property.invariants` first passes on a real run, then must raise on
a copy of its records with one defect planted.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

import simcc
from tests.property import invariants

WARM = {
    "horizon": "2h",
    "call_types": {"billing": {"arrivals": {"rate": "40/h"}, "path": ["front", "desk"]}},
    "customers": {"patience": {"dist": "exponential", "mean": "5m"}},
    "pools": {
        "front": {
            "agents": 3,
            "handle_time": {"dist": "exponential", "mean": "4m"},
            "wrap_up": 20,
            "resolve": 0.5,
        },
        "desk": {"tier": 2, "agents": 2, "handle_time": {"dist": "exponential", "mean": "5m"}},
    },
    "transfer": {"policy": "warm", "warm": {"consult_time": 60, "conference_time": 30}},
}


@pytest.fixture(scope="module")
def run() -> simcc.Result:
    data = copy.deepcopy(WARM)
    data["customers"]["recontact"] = {"probability": {"abandoned": 0.5}, "delay": "5m"}
    result = simcc.simulate(simcc.scenario_from_dict(data), seed=3)
    invariants.check_all(result)  # the real run is clean
    warm = result.transfers[result.transfers["outcome"].astype(str) == "engaged"]
    assert len(warm) >= 3 and (result.contacts["attempt"] > 1).any()
    return result


def test_a_duplicate_or_lost_contact_is_caught(run: simcc.Result) -> None:
    contacts = run.contacts
    with pytest.raises(AssertionError, match="two outcome records"):
        invariants.check_outcomes(pd.concat([contacts, contacts.iloc[[0]]]), True)
    with pytest.raises(AssertionError, match="no outcome record"):
        invariants.check_outcomes(contacts.iloc[1:], True)


def test_an_unfinished_contact_is_caught_when_the_drain_is_unlimited(run: simcc.Result) -> None:
    contacts = run.contacts.copy()
    contacts["outcome"] = contacts["outcome"].astype(object)
    contacts.loc[0, "outcome"] = "unfinished"
    with pytest.raises(AssertionError, match="outcome not allowed"):
        invariants.check_outcomes(contacts, drain_unlimited=True)
    invariants.check_outcomes(contacts, drain_unlimited=False)


def test_disordered_times_are_caught(run: simcc.Result) -> None:
    contacts = run.contacts.copy()
    answered = contacts.index[contacts["answer"].notna()][0]
    contacts.loc[answered, "answer"] = contacts.loc[answered, "end"] + 1.0
    with pytest.raises(AssertionError, match="answer outside"):
        invariants.check_times(contacts)


def test_an_agent_in_two_places_is_caught(run: simcc.Result) -> None:
    agents = run.agents.copy()
    handles = agents.index[agents["activity"].astype(str) == "handle"]
    first, second = handles[0], handles[1]
    clone = agents.loc[[first]].copy()
    clone["contact_id"] = agents.loc[second, "contact_id"]
    clone["start"] = clone["start"] + 1e-3  # the same agent starts another contact meanwhile
    with pytest.raises(AssertionError, match="two places at once"):
        invariants.check_no_double_booking(pd.concat([agents, clone], ignore_index=True))


def test_more_busy_agents_than_present_is_caught(run: simcc.Result) -> None:
    agents = run.agents
    extra = pd.DataFrame(
        {
            "pool": pd.Categorical(["desk"] * 3, categories=agents["pool"].cat.categories),
            "agent": [100, 101, 102],
            "contact_id": [0, 0, 0],
            "activity": pd.Categorical(
                ["handle"] * 3, categories=agents["activity"].cat.categories
            ),
            "start": [10.0, 10.0, 10.0],
            "end": [20.0, 20.0, 20.0],
        }
    )
    with pytest.raises(AssertionError, match="busy but"):
        invariants.check_busy_within_present(
            pd.concat([agents, extra], ignore_index=True), run.staffing, ["front", "desk"]
        )


def test_occupancy_above_one_is_caught() -> None:
    with pytest.raises(AssertionError, match="occupancy_front"):
        invariants.check_occupancy({"occupancy_front": 1.01}, ["front"])
    invariants.check_occupancy({"occupancy_front": math.nan}, ["front"])


def test_a_warm_transfer_without_a_beside_b_is_caught(run: simcc.Result) -> None:
    agents = run.agents
    activity = agents["activity"].astype(str)
    for step in ("conference", "consult"):
        a_rows = agents.index[(activity == step) & (agents["pool"].astype(str) == "front")]
        with pytest.raises(AssertionError, match=step):
            invariants.check_warm_legs(agents.drop(a_rows[:1]), run.transfers)
        shorter = agents.copy()
        shorter.loc[a_rows[0], "end"] -= 1.0
        with pytest.raises(AssertionError, match="end apart"):
            invariants.check_warm_legs(shorter, run.transfers)


def test_attempts_and_legs_out_of_sequence_are_caught(run: simcc.Result) -> None:
    contacts = run.contacts.copy()
    again = contacts.index[contacts["attempt"] > 1][0]
    contacts.loc[again, "attempt"] += 1
    with pytest.raises(AssertionError, match="attempts"):
        invariants.check_attempts(contacts)
    transfers = run.transfers.copy()
    transfers.loc[transfers.index[0], "leg"] = 2
    with pytest.raises(AssertionError, match="legs"):
        invariants.check_legs(transfers, run.contacts)


def test_an_answer_by_a_pool_off_the_routing_is_caught(run: simcc.Result) -> None:
    contacts = run.contacts.copy()
    row = contacts.index[contacts["answer"].notna()][0]
    contacts["answer_pool"] = contacts["answer_pool"].astype(object)
    contacts.loc[row, "answer_pool"] = "desk"  # billing enters at front and has no overflow
    with pytest.raises(AssertionError, match="neither entry nor overflow"):
        invariants.check_answer_pools(contacts, {"billing": set()})
    unanswered = run.contacts.copy()
    never = unanswered["answer"].isna()
    assert never.any()  # the fixture's callers abandon
    unanswered["answer_pool"] = unanswered["answer_pool"].astype(object)
    unanswered.loc[never, "answer_pool"] = "front"
    with pytest.raises(AssertionError, match="answer_pool without an answer"):
        invariants.check_answer_pools(unanswered, {"billing": set()})


def test_busy_steps_count_an_agent_once_across_touching_intervals() -> None:
    rows = pd.DataFrame(
        {
            "pool": pd.Categorical(["p"] * 4),
            "agent": [0, 0, 1, 1],
            "start": [0.0, 5.0, 2.0, 8.0],
            "end": [5.0, 7.0, 3.0, 9.0],
        }
    )
    times, busy = invariants._busy_steps(rows)
    assert times.tolist() == [0.0, 2.0, 3.0, 7.0, 8.0, 9.0]
    assert busy.tolist() == [1, 2, 1, 0, 1, 0]
    assert np.issubdtype(busy.dtype, np.integer)
