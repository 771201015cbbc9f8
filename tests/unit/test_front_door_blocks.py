"""MODEL.md §8's blocks before the queue: their defaults, and the replication's volume factor."""

from __future__ import annotations

import math

import numpy as np

import simcc
from simcc.model.arrivals import volume_factor
from simcc.rng import Streams

CENTRE = {
    "horizon": "2h",
    "call_types": {"billing": {"arrivals": {"rate": "60/h"}, "path": ["front"]}},
    "pools": {"front": {"agents": 2, "handle_time": "3m"}},
}


def test_a_front_door_loses_the_context_and_settles_nothing_unless_told():
    s = simcc.scenario_from_dict(CENTRE).with_changes(
        {"call_types.billing.front_door": {"time": "45s"}}
    )
    door = s.call_types["billing"].front_door
    assert door is not None and door.context == "lost" and door.containment == 0.0
    assert door.time.mean == 45


def test_the_share_offered_to_agents_is_what_the_door_does_not_settle():
    s = simcc.scenario_from_dict(CENTRE)
    assert s.call_types["billing"].offered_share == 1.0
    s = s.with_changes({"call_types.billing.front_door": {"containment": 0.3}})
    assert math.isclose(s.call_types["billing"].offered_share, 0.7)


def test_a_known_volume_is_the_default_and_a_factor_of_exactly_one():
    assert simcc.scenario_from_dict(CENTRE).arrivals.volume_cv == 0.0
    assert volume_factor(0.0, Streams(7, 0)) == 1.0


def test_the_volume_factor_is_one_draw_per_replication_from_a_stream_of_its_own():
    first = [volume_factor(0.2, Streams(7, rep)) for rep in range(4)]
    assert first == [volume_factor(0.2, Streams(7, rep)) for rep in range(4)]  # reproducible
    assert len(set(first)) == 4  # one per replication
    streams = Streams(7, 0)
    before = streams.generator("arrivals:billing").random()
    volume_factor(0.2, streams)
    assert Streams(7, 0).generator("arrivals:billing").random() == before  # shifts no stream


def test_the_volume_factor_has_mean_one_and_the_asked_cv():
    factors = np.array([volume_factor(0.25, Streams(3, rep)) for rep in range(4000)])
    # standard errors: 0.25 / sqrt(4000) = 0.004 for the mean, about 0.003 for the cv
    assert abs(factors.mean() - 1.0) < 0.02
    assert abs(factors.std(ddof=1) / factors.mean() - 0.25) < 0.02


def test_the_volume_factor_scales_every_arrival_of_the_replication():
    s = simcc.scenario_from_dict(CENTRE).with_changes({"pools.front.agents": 50})
    plain = simcc.simulate(s, seed=4).contacts["arrival"].sort_values().to_numpy()
    scaled = simcc.simulate(s.with_changes({"arrivals.volume_cv": 0.3}), seed=4)
    factor = volume_factor(0.3, Streams(4, 0))
    arrival = scaled.contacts["arrival"].sort_values().to_numpy()
    # the same unit gaps divided by factor × rate: every arrival time shrinks by the factor
    n = min(len(plain), len(arrival))
    assert np.allclose(arrival[:n] * factor, plain[:n], rtol=1e-12)
