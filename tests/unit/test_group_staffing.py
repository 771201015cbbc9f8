"""A grouped pool's new staffing is shared among its agent groups in the file's mix.

``Scenario.with_changes`` (behind ``simcc staff``, the interval staffing and
``simcc sweep pools.P.agents=…``) apportions a grouped pool's agents by
largest remainders of the groups' mean agents in the file.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from simcc.scenario import loads_scenario
from simcc.scenario.group_staffing import apportion

GROUPED = """\
horizon: 2h
call_types:
  general: {arrivals: {rate: 60/h}, path: [front]}
pools:
  front:
    handle_time: 4m
    groups:
      novice: {agents: 5, handle_factor: 1.2}
      senior: {agents: {interval: 1h, counts: [2, 6]}, handle_factor: 0.8}
"""


def test_a_constant_staffing_is_split_in_the_groups_mean_mix() -> None:
    staffed = loads_scenario(GROUPED, source="c.yaml").with_changes({"pools.front.agents": 13})
    groups = staffed.pools["front"].groups
    assert groups is not None
    # shares 5 : 4 (the senior group's mean over the day) → quotas 7.22 and 5.78
    assert groups["novice"].agents.counts == [7]
    assert groups["senior"].agents.counts == [6]
    assert staffed.pools["front"].agents.counts == [13]


def test_an_interval_staffing_is_split_interval_by_interval() -> None:
    plan = {"interval": "1h", "counts": [9, 0]}
    staffed = loads_scenario(GROUPED, source="c.yaml").with_changes({"pools.front.agents": plan})
    groups = staffed.pools["front"].groups
    assert groups is not None
    assert groups["novice"].agents.counts == [5, 0]
    assert groups["senior"].agents.counts == [4, 0]
    assert groups["senior"].agents.interval == 3600
    assert staffed.pools["front"].agents.counts == [9, 0]


def test_groups_whose_agents_are_set_by_hand_are_left_as_written() -> None:
    staffed = loads_scenario(GROUPED, source="c.yaml").with_changes(
        {"pools.front.agents": 8, "pools.front.groups.senior.agents": 3}
    )
    groups = staffed.pools["front"].groups
    assert groups is not None
    assert groups["senior"].agents.counts == [3]  # not split: 8 = novice 5 + senior 3
    assert groups["novice"].agents.counts == [5]


def test_another_group_field_set_beside_the_agents_does_not_stop_the_split() -> None:
    staffed = loads_scenario(GROUPED, source="c.yaml").with_changes(
        {"pools.front.agents": 13, "pools.front.groups.senior.handle_factor": 0.9}
    )
    groups = staffed.pools["front"].groups
    assert groups is not None
    assert (groups["novice"].agents.counts, groups["senior"].agents.counts) == ([7], [6])
    assert groups["senior"].handle_factor == 0.9


def test_one_count_over_one_interval_is_a_constant_staffing() -> None:
    plan = {"interval": "2h", "counts": [9]}
    staffed = loads_scenario(GROUPED, source="c.yaml").with_changes({"pools.front.agents": plan})
    groups = staffed.pools["front"].groups
    assert groups is not None
    assert (groups["novice"].agents.counts, groups["senior"].agents.counts) == ([5], [4])


def test_a_tie_goes_to_the_group_written_first() -> None:
    assert apportion(3, [1.0, 1.0]) == [2, 1]
    assert apportion(5, [0.0, 0.0, 0.0]) == [2, 2, 1]


@given(
    st.integers(min_value=0, max_value=500),
    st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=6),
)
def test_parts_add_up_and_stay_within_one_of_their_quota(total: int, shares: list[float]) -> None:
    parts = apportion(total, shares)
    assert sum(parts) == total
    weight = sum(shares)
    quotas = (
        [total * s / weight for s in shares] if weight > 0 else [total / len(shares)] * len(shares)
    )
    for part, quota in zip(parts, quotas, strict=True):
        assert math.floor(quota) <= part <= math.ceil(quota)
