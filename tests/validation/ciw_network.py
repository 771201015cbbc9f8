"""An independent two-pool contact centre in Ciw, to cross-check simcc.

Contacts arrive (Poisson) at pool 1, the front line. After service there, a
contact is escalated to pool 2 with probability ``p_escalate`` by a cold
transfer with no transfer time and no rediscovery, else it leaves. Both queues
are FCFS with exponential patience (rate ``patience_rate_1`` in pool 1's queue,
``patience_rate_2`` in pool 2's; 0 means no abandonment). Pool 2's service
ends the contact.

Metrics follow MODEL.md section 4: they are measured on contacts *arriving*
in ``[warmup, horizon)``. Arrivals stop at ``horizon`` and Ciw runs on until
the network is empty, so no measured contact is cut off.

How Ciw reports a contact: one record per node visited. A record with
``record_type == "service"`` at node 1 is an answered contact; its
``destination`` is 2 when escalated and -1 when it left. A record with
``record_type == "renege"`` is an abandonment in that node's queue. All of a
contact's records share its ``id_number``; its node-1 record's
``arrival_date`` is its arrival to the system.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import ciw


class _PoissonUntil(ciw.dists.Distribution):
    """Exponential inter-arrival times that stop at ``horizon``.

    Ciw samples the next gap at time ``t`` (the current arrival); a gap that
    would land at or after ``horizon`` becomes infinity, so arrivals form a
    Poisson process on ``[0, horizon)``.
    """

    def __init__(self, rate: float, horizon: float):
        self.gap = ciw.dists.Exponential(rate)
        self.horizon = horizon

    def __repr__(self) -> str:
        return f"PoissonUntil(rate={self.gap.rate}, horizon={self.horizon})"

    def sample(self, t=None, ind=None):
        gap = self.gap.sample(t, ind)
        return gap if t + gap < self.horizon else math.inf


def _patience(rate: float) -> ciw.dists.Distribution | None:
    return ciw.dists.Exponential(rate) if rate > 0 else None


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def ciw_two_tier(
    arrival_rate: float,
    service_rate_1: float,
    service_rate_2: float,
    agents_1: int,
    agents_2: int,
    patience_rate_1: float,
    patience_rate_2: float,
    p_escalate: float,
    horizon: float,
    warmup: float,
    seed: int,
) -> dict[str, Any]:
    """Simulate the two-pool network in Ciw and return simcc-named metrics.

    Returns ``offered``, ``abandonment_queue_rate``, ``abandonment_transfer_rate``,
    ``asa``, ``mean_wait_2``, ``throughput_1``, ``throughput_2`` and
    ``escalation_rate`` (see the module docstring for what is measured).
    Ciw uses the global ``random`` module; this seeds it with ``ciw.seed(seed)``.
    """
    if not 0 <= warmup < horizon:
        raise ValueError(f"need 0 <= warmup < horizon, got warmup={warmup}, horizon={horizon}")
    if not 0 <= p_escalate <= 1:
        raise ValueError(f"p_escalate must be in [0, 1], got {p_escalate}")

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[_PoissonUntil(arrival_rate, horizon), None],
        service_distributions=[
            ciw.dists.Exponential(service_rate_1),
            ciw.dists.Exponential(service_rate_2),
        ],
        number_of_servers=[agents_1, agents_2],
        routing=[[0.0, p_escalate], [0.0, 0.0]],
        reneging_time_distributions=[_patience(patience_rate_1), _patience(patience_rate_2)],
    )
    sim = ciw.Simulation(network)
    # Once the last contact has left no event remains and Ciw stops there.
    sim.simulate_until_max_time(math.inf)
    assert all(node.number_of_individuals == 0 for node in sim.transitive_nodes), (
        "contacts left in the network after the drain"
    )

    by_contact: dict[int, dict[int, Any]] = defaultdict(dict)
    for record in sim.get_all_records(include_incomplete=True):
        assert record.record_type in ("service", "renege"), record
        assert record.node not in by_contact[record.id_number], "a node visited twice"
        by_contact[record.id_number][record.node] = record

    offered = abandoned_1 = abandoned_2 = answered_2 = escalated = 0
    waits_1: list[float] = []
    waits_2: list[float] = []
    for visits in by_contact.values():
        first = visits[1]
        if not warmup <= first.arrival_date < horizon:
            continue
        offered += 1
        if first.record_type == "renege":
            abandoned_1 += 1
            continue
        waits_1.append(first.waiting_time)
        if first.destination != 2:
            assert first.destination == -1 and 2 not in visits, first
            continue
        escalated += 1
        second = visits[2]
        if second.record_type == "renege":
            abandoned_2 += 1
        else:
            answered_2 += 1
            waits_2.append(second.waiting_time)

    answered_1 = len(waits_1)
    return {
        "offered": offered,
        "abandonment_queue_rate": _ratio(abandoned_1, offered),
        "abandonment_transfer_rate": _ratio(abandoned_2, offered),
        "asa": _mean(waits_1),
        "mean_wait_2": _mean(waits_2),
        "throughput_1": _ratio(answered_1, offered),
        "throughput_2": _ratio(answered_2, offered),
        "escalation_rate": _ratio(escalated, answered_1),
    }
