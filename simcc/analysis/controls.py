"""Control variates: what a replication drew whose mean the scenario gives exactly.

Two controls per replication (``--control-variates``):

- ``arrivals``: the first contacts (``attempt == 1``) that arrive in the
  measurement window ``[warmup, horizon)``.  Their mean is the arrival rate
  integrated over the window, summed over call types.
- ``first_handle_sum``: the sum of those contacts' first-leg handle-time
  draws at their entry pool (drawn at arrival, whether the contact is
  answered or not, before any escalation trigger cuts it short).  Draws are
  independent of the arrival process, so its mean is the expected arrivals of
  each call type times its mean handle time (Wald's identity).

The engine draws every first contact's handle time from its own stream
(``first_handle:<call type>``, :mod:`simcc.model.arrivals`), one draw per
contact in arrival order.  The records do not keep the draws of contacts
that were never answered, so they are drawn again here from the same stream:
the *k*-th first contact of a call type got the *k*-th draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simcc.rng import Streams

CONTROLS = ("arrivals", "first_handle_sum")
"""The controls' names, in column order."""


def expected_arrivals(scenario: Any, call_type: str) -> float:
    """Mean number of first contacts of ``call_type`` arriving in ``[warmup, horizon)``."""
    arrivals = scenario.call_types[call_type].arrivals
    start, end = scenario.warmup, scenario.horizon
    before = arrivals.mean_rate(start) * start if start > 0 else 0.0
    return float(arrivals.mean_rate(end) * end - before)


def _handle(scenario: Any, call_type: str) -> Any:
    ct = scenario.call_types[call_type]
    spec = scenario.pools[ct.path[0]]
    return spec.for_type(spec.handle_time, call_type)


def control_means(scenario: Any) -> np.ndarray:
    """The exact means of :data:`CONTROLS` for ``scenario``."""
    counts = {name: expected_arrivals(scenario, name) for name in scenario.call_types}
    handle = sum(count * _handle(scenario, name).mean for name, count in counts.items())
    return np.array([sum(counts.values()), handle])


def observed_controls(
    scenario: Any, seed: int, replication: int, contacts: dict[str, np.ndarray]
) -> np.ndarray:
    """The values of :data:`CONTROLS` in one replication, from its contact arrays."""
    streams = Streams(seed, replication)
    arrival = contacts["arrival"]
    order = np.argsort(contacts["contact_id"], kind="stable")
    measured = (arrival >= scenario.warmup) & (arrival < scenario.horizon)
    first = contacts["attempt"] == 1
    count, handle = 0.0, 0.0
    for index, name in enumerate(scenario.call_types):
        mine = order[(first & (contacts["call_type"] == index))[order]]
        draw = _handle(scenario, name).sampler(streams.generator(f"first_handle:{name}"))
        draws = np.array([draw() for _ in range(len(mine))])
        inside = measured[mine]
        count += float(inside.sum())
        handle += float(draws[inside].sum()) if len(draws) else 0.0
    return np.array([count, handle])
