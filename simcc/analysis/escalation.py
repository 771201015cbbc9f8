"""The time, SLA and cost of escalating (MODEL.md §10), from a replication's records.

These metrics read the contacts table with the hand-offs and the agents'
busy intervals: when a receiving agent first engaged, when the hand-off to
the pool that resolved a contact was asked for, who was busy for which
contact.  :func:`resolution_sla` is shared with ``sla_compliance``, which
also requires every resolution target that applied.  docs/metrics.md gives
each definition and the choices MODEL.md leaves open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from simcc.model.records import LEG_OUTCOMES, OUTCOMES, REASONS
from simcc.scenario import HANDOFF_POLICIES

NAN = math.nan
_ENGAGED = LEG_OUTCOMES.index("engaged")
_FALLBACK = LEG_OUTCOMES.index("fallback")
_COMPLAINT = REASONS.index("complaint")
_MISROUTE = REASONS.index("misroute")
_PEER = HANDOFF_POLICIES.index("peer")
_RESOLVED, _SELF_SERVED = OUTCOMES.index("resolved"), OUTCOMES.index("self_served")

Arrays = dict[str, np.ndarray[Any, Any]]
Ids = np.ndarray[Any, Any]

NAMES = (
    "time_to_escalation",
    "resolution_time",
    "resolution_time_after_escalation",
    "case_resolution_time",
    "resolution_sla_rate",
    "complaint_rate",
    "transfer_success_rate",
    "cost_per_escalated_contact",
    "cost_per_unescalated_contact",
    "penalty_cost_per_contact",
)
"""MODEL.md §10's escalation metrics, in table order."""


class Ratios(Protocol):
    """Where a ratio metric is defined with its numerator and denominator
    (``simcc.analysis.metrics._Ratios``)."""

    def ratio(self, name: str, num: float, den: float) -> None: ...

    def mean(self, name: str, values: np.ndarray[Any, Any], shift: float = 0.0) -> None: ...


@dataclass(frozen=True)
class ResolutionSla:
    """Per measured contact: whether a resolution target applied, whether it was met, and
    the pool whose target it is counted against (-1 where none applied)."""

    applies: np.ndarray[Any, Any]
    met: np.ndarray[Any, Any]
    pool: np.ndarray[Any, Any]

    def by_pool(self, targets: tuple[float, ...]) -> dict[int, tuple[int, int]]:
        """``(met, applied)`` counts of each pool with a target, by pool index.

        Every contact a target applied to is counted at exactly one pool, so the
        counts add up to ``resolution_sla_rate``'s numerator and denominator.
        """
        return {
            i: (int((self.met & (self.pool == i)).sum()), int((self.pool == i).sum()))
            for i, target in enumerate(targets)
            if not math.isnan(target)
        }


def handed_on(handoffs: Arrays) -> Arrays:
    """The hand-off rows that handed a contact on: peer consults (the owner keeps it) apart."""
    policy = handoffs.get("policy")
    if policy is None or not (policy == _PEER).any():
        return handoffs
    keep = policy != _PEER
    return {name: values[keep] for name, values in handoffs.items()}


def _known(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return values[~np.isnan(values)]


class _Rows:
    """Where contact numbers are among ``ids`` (contact numbers ≥ 0, each once): a table
    from contact number to row, built at the first look-up and shared by the others."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.size = len(ids)
        self._row: Ids | None = None

    def of(self, contacts: Ids) -> tuple[Ids, Ids]:
        """Which of ``contacts`` are among the ids, and the row of each of those."""
        if self._row is None:
            ids = self.ids
            self._row = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
            # (a repeated number would keep its first row, as a stable sort finds it)
            self._row[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
        row = self._row
        where = np.full(len(contacts), -1, dtype=np.int64)
        inside = contacts < len(row)
        where[inside] = row[contacts[inside]]
        hit = where >= 0
        return hit, where[hit]


def _per_contact(
    ids: _Rows, rows: np.ndarray[Any, Any], values: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """The smallest of ``values`` per contact of ``ids`` over the rows of ``rows`` (NaN if none)."""
    out = np.full(ids.size, np.inf)
    if len(rows):
        hit, where = ids.of(rows)
        np.minimum.at(out, where, np.where(np.isnan(values[hit]), np.inf, values[hit]))
    out[np.isinf(out)] = NAN
    return out


def resolution_sla(
    contacts: Arrays, m: np.ndarray[Any, Any] | slice, handoffs: Arrays, targets: tuple[float, ...]
) -> ResolutionSla:
    """MODEL.md §10's resolution SLA for each measured contact.

    A target applies to a contact handed on to a pool that has one.  It is met
    when the contact ended truly resolved, and its resolving pool (the last to
    work on it) either has no target or resolved it within its target,
    counted from the first hand-off request to that pool.  It is counted
    against (``pool``) the resolving pool when the contact ended resolved there
    and that pool has a target; otherwise (unresolved, abandoned, or resolved
    at a pool without a target) against the pool of its last hand-on to a pool
    with a target.
    """
    handoffs = handed_on(handoffs)
    ids = contacts["contact_id"][m]
    n = len(ids)
    target = np.asarray(targets, dtype=float)
    if not len(target) or np.isnan(target).all() or not len(handoffs["contact_id"]):
        return ResolutionSla(
            np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
        )
    to_pool = handoffs["to_pool"]
    with_target = ~np.isnan(target[to_pool])
    index = _Rows(ids)
    applies = ~np.isnan(
        _per_contact(index, handoffs["contact_id"][with_target], np.zeros(int(with_target.sum())))
    )
    last = contacts["last_pool"][m]
    # first hand-off request to each contact's last pool
    to_last = np.full(len(to_pool), False)
    if len(to_pool):
        known, where = index.of(handoffs["contact_id"])
        to_last[known] = last[where] == to_pool[known]
    start = _per_contact(index, handoffs["contact_id"][to_last], handoffs["handoff"][to_last])
    truly = (contacts["outcome"][m] == 0) & ~contacts["false_resolution"][m]
    own = target[last]
    within = np.isnan(own) | (contacts["end"][m] - start <= own)
    pool = _last_to(index, handoffs, with_target)
    at_last = applies & (contacts["outcome"][m] == 0) & ~np.isnan(own)
    pool[at_last] = last[at_last]
    return ResolutionSla(applies, applies & truly & within, pool)


def _last_to(ids: _Rows, handoffs: Arrays, rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Per contact of ``ids``: the ``to_pool`` of its latest hand-off of ``rows`` (-1: none)."""
    out = np.full(ids.size, -1, dtype=np.int64)
    contact = handoffs["contact_id"][rows]
    if not len(contact) or not ids.size:
        return out
    order = np.lexsort((handoffs["leg"][rows], handoffs["handoff"][rows], contact))
    contact, to_pool = contact[order], handoffs["to_pool"][rows][order]
    latest = np.r_[contact[1:] != contact[:-1], True]
    known, where = ids.of(contact[latest])
    out[where] = to_pool[latest][known]
    return out


def escalation_metrics(
    r: Ratios,
    contacts: Arrays,
    m: np.ndarray[Any, Any] | slice,
    handoffs: Arrays,
    agents: Arrays,
    agent_seconds: np.ndarray[Any, Any],
    measured_agents: np.ndarray[Any, Any],
    cost_per_hour: tuple[float, ...],
    penalties: tuple[float, float, float],
    breaches: tuple[float, float],
    resolution: ResolutionSla,
) -> None:
    """MODEL.md §10's escalation metrics of one replication (see :data:`NAMES`), each
    defined in ``r`` with its numerator and denominator.

    ``m`` selects every contact arrived in the window, the self-served ones
    (MODEL.md §8) included: they are true resolutions for the resolution times,
    and no agent's work for the costs, which count the offered contacts only.
    ``breaches`` are the answer and escalation SLA breaches of the measured
    contacts, counted by the caller with the other SLA metrics; ``agent_seconds`` each
    agent row's time, as the caller has it (:func:`simcc.analysis.sessions.busy_shares`).
    """
    handoffs = handed_on(handoffs)
    ids = contacts["contact_id"][m]
    arrival, end = contacts["arrival"][m], contacts["end"][m]
    escalated = contacts["escalations"][m] >= 1
    answered = ~np.isnan(contacts["answer"][m])
    outcome = contacts["outcome"][m]
    door = outcome == _SELF_SERVED
    truly = ((outcome == _RESOLVED) & ~contacts["false_resolution"][m]) | door
    offered = len(ids) - int(door.sum())
    index = _Rows(ids)
    engaged = _per_contact(index, handoffs["contact_id"], handoffs["engaged"])
    r.mean("time_to_escalation", _known((engaged - arrival)[escalated]))
    r.mean("resolution_time", _known((end - arrival)[truly]))
    r.mean(
        "resolution_time_after_escalation",
        _known((end - contacts["first_handoff"][m])[truly & escalated]),
    )
    r.mean("case_resolution_time", _case_resolution_time(contacts, m, truly))
    r.ratio("resolution_sla_rate", resolution.met.sum(), resolution.applies.sum())
    complained = ~np.isnan(
        _per_contact(
            index,
            handoffs["contact_id"][handoffs["reason"] == _COMPLAINT],
            np.zeros(int((handoffs["reason"] == _COMPLAINT).sum())),
        )
    )
    r.ratio("complaint_rate", (complained & answered).sum(), answered.sum())
    r.ratio("transfer_success_rate", *_transfer_success(index, handoffs))
    costs = np.asarray(cost_per_hour, dtype=float)
    # agent_seconds: a chat agent's overlapping sessions share its time (busy_shares)
    busy = agent_seconds[measured_agents] * costs[agents["pool"][measured_agents]]
    spent: np.ndarray[Any, Any] = np.zeros(len(ids))
    if len(busy):  # (every measured agent interval is of a contact of ids, each once)
        hit, at = index.of(agents["contact_id"][measured_agents])
        # (a sum in row order, as np.add.at adds: the same bits, without its per-element cost)
        spent = np.bincount(at, weights=(busy / 3600.0)[hit], minlength=len(ids))
    r.ratio("cost_per_escalated_contact", spent[escalated].sum(), escalated.sum())
    unescalated = ~escalated & ~door
    r.ratio("cost_per_unescalated_contact", spent[unescalated].sum(), unescalated.sum())
    missed = resolution.applies.sum() - resolution.met.sum()
    penalty = penalties[0] * breaches[0] + penalties[1] * breaches[1] + penalties[2] * missed
    r.ratio("penalty_cost_per_contact", penalty, offered)


def _case_resolution_time(
    contacts: Arrays, m: np.ndarray[Any, Any] | slice, truly: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Per truly resolved measured contact: end − arrival of the case's first contact."""
    cases = contacts["case_id"]
    if not len(cases):
        return np.zeros(0)
    first = np.full(int(cases.max()) + 1, np.inf)
    np.minimum.at(first, cases, contacts["arrival"])
    resolved_cases = cases[m][truly]
    return _known(contacts["end"][m][truly] - first[resolved_cases])


def _transfer_success(ids: _Rows, handoffs: Arrays) -> tuple[int, int]:
    """Hand-offs of measured contacts whose receiving agent engaged on the first try / hand-offs.

    A hand-off is counted once: the re-send of a misrouted cold transfer and the
    fallback policy's leg belong to the hand-off that failed first (neither is a try of its
    own); it succeeded when its first row engaged and no misroute followed.
    """
    rows = ids.of(handoffs["contact_id"])[0]
    contact = handoffs["contact_id"][rows]
    order = np.lexsort((handoffs["leg"][rows], contact))
    contact, reason = contact[order], handoffs["reason"][rows][order]
    outcome = handoffs["outcome"][rows][order]
    same_prev = np.r_[False, contact[1:] == contact[:-1]]
    same_next = np.r_[contact[1:] == contact[:-1], False]
    prev_fallback = same_prev & np.r_[False, outcome[:-1] == _FALLBACK]
    next_misroute = same_next & np.r_[reason[1:] == _MISROUTE, False]
    first_try = (reason != _MISROUTE) & ~prev_fallback
    success = first_try & (outcome == _ENGAGED) & ~next_misroute
    return int(success.sum()), int(first_try.sum())
