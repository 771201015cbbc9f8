"""An exact, independent model of a two-pool centre with warm, conference or callback hand-offs.

A continuous-time Markov chain written from MODEL.md §3 and docs/policies.md, sharing
no code with the engine: its states are counted by breadth-first search from the
empty centre, its generator is built explicitly as a ``scipy.sparse`` matrix, and
the stationary distribution comes from :func:`scipy.sparse.linalg.spsolve`. Flow
rates (abandonments, escalations, …) are ``Σ π(s) · rate`` over the transitions
that carry them; time averages (busy agents, customers on hold) are ``Σ π(s)·f(s)``;
means per contact follow by Little's law.

The centre
----------
A *front* pool (``n1`` agents) answers new calls (rate ``λ1``, queue capped at
``cap1``); a *desk* pool (``n2`` agents) takes the front's escalations and, if
``λ2 > 0``, direct calls of its own (queue cap ``cap2``). Every time is
exponential: handle times (front ``1/μ1``, desk ``1/μ2``), patience ``θ`` in
either queue, hold patience ``θh``, transfer patience ``θt``, consult ``1/γc``,
conference ``1/γf``, dial ``1/δ``. A front agent resolves with probability ``r1``
at the end of its handle time, else escalates. Wrap-up is 0.

State (a tuple of counts; a policy leaves the fields it does not use at 0):

* ``q`` callers in the front queue; ``u`` direct callers in the desk queue;
* ``h`` front agents handling; ``w`` front agents waiting for a desk agent, their
  customer on hold and their consult request in the desk queue; ``c`` consults
  (a front and a desk agent); ``f`` three-way conferences; ``g`` front agents doing
  the desk's work after a conference-policy consult;
* ``d`` desk agents handling; ``k`` cold transfers or callbacks in the desk queue;
  ``dial`` desk agents dialling a callback.

simcc's rules, as the chain encodes them
----------------------------------------
* A desk agent who frees takes, in order: a consult request, a transferred contact
  (cold transfer or callback) — all at rank 0, ``transfer_priority: true`` — and
  then a direct caller (rank 1). Requests of one rank are FIFO, and with
  exponential clocks only their number matters.
* ``queue_capacity`` counts live customers only: direct callers and cold
  transfers, never consult requests or callbacks. A caller finding the cap reached
  gets a busy signal (``abandoned_queue``, or ``abandoned_transfer_queue`` for a
  cold transfer).
* ``warm`` (``max_consult_wait: inf``): the customer is on hold from the consult
  request until the conference starts; hanging up (``θh``) while waiting frees
  the front agent, during the consult frees both. After the conference the front
  agent is free and the desk agent handles.
* ``warm`` with ``max_consult_wait: 0`` and ``fallback: cold``: a consult happens
  only if a desk agent is idle at that instant; otherwise the contact is cold
  transferred at once (transfer time 0, no rediscovery, no misroute), the front
  agent is free, and the contact waits in the desk queue with patience ``θt``.
  ``max_consult_wait`` is a fixed duration in simcc: 0 and ``inf`` are the two
  values that keep the model Markovian.
* ``conference``: as warm up to the end of the consult; then the desk agent is
  free and the *front* agent does the desk's work (desk handle time).
* ``callback`` (``max_attempts: 1``, exponential ``dial_time``, ``context_factor:
  0``): the front agent is free at once; the callback waits in the desk queue
  (never abandons, never capped); a desk agent dials it, reaches the customer with
  probability ``reach`` and then handles, else the outcome is
  ``callback_unreached``. Callbacks are not capped, so their queue is cut at
  ``callback_cap``; :func:`solve` reports the probability of the top level, which
  the tests require to be negligible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

POLICIES = ("warm", "warm_cold_fallback", "conference", "callback")


@dataclass(frozen=True)
class Centre:
    """Rates per second; counts of agents and queue caps."""

    policy: str
    lam1: float
    lam2: float
    n1: int
    n2: int
    mu1: float
    mu2: float
    r1: float
    theta: float
    theta_hold: float = 0.0
    theta_transfer: float = 0.0
    consult: float = 0.0
    conference: float = 0.0
    dial: float = 0.0
    reach: float = 1.0
    cap1: int = 4
    cap2: int = 3
    callback_cap: int = 60


@dataclass(frozen=True)
class S:
    """One state of the chain (see the module docstring)."""

    q: int = 0
    h: int = 0
    w: int = 0
    c: int = 0
    f: int = 0
    g: int = 0
    d: int = 0
    k: int = 0
    dial: int = 0
    u: int = 0

    @property
    def front_busy(self) -> int:
        return self.h + self.w + self.c + self.f + self.g

    @property
    def desk_busy(self) -> int:
        return self.c + self.f + self.d + self.dial


Move = tuple[float, S, tuple[str, ...]]  # rate, next state, the events it counts


class Rules:
    """simcc's transitions from a state, for one centre."""

    def __init__(self, m: Centre) -> None:
        if m.policy not in POLICIES:
            raise ValueError(f"unknown policy {m.policy!r}")
        self.m = m

    # ---------------------------------------------------------------- freeing agents

    def free_front(self, s: S) -> S:
        """A front agent frees: it answers the head of the front queue, if any."""
        if s.q > 0:
            return replace(s, q=s.q - 1, h=s.h + 1)
        return s

    def free_desk(self, s: S) -> S:
        """A desk agent frees: a consult request, then a transfer or callback, then a caller."""
        if s.w > 0:
            return replace(s, w=s.w - 1, c=s.c + 1)
        if s.k > 0:
            if self.m.policy == "callback":
                return replace(s, k=s.k - 1, dial=s.dial + 1)
            return replace(s, k=s.k - 1, d=s.d + 1)
        if s.u > 0:
            return replace(s, u=s.u - 1, d=s.d + 1)
        return s

    def desk_idle(self, s: S) -> bool:
        return s.desk_busy < self.m.n2

    def desk_live_waiting(self, s: S) -> int:
        """Waiting customers that count against the desk's queue_capacity."""
        return s.u + (s.k if self.m.policy == "warm_cold_fallback" else 0)

    # ---------------------------------------------------------------- transitions

    def moves(self, s: S) -> Iterator[Move]:
        m = self.m
        # a new call at the front
        if s.front_busy < m.n1:
            yield m.lam1, replace(s, h=s.h + 1), ()
        elif s.q < m.cap1:
            yield m.lam1, replace(s, q=s.q + 1), ()
        else:
            yield m.lam1, s, ("abandoned_queue",)  # busy signal
        if s.q:
            yield s.q * m.theta, replace(s, q=s.q - 1), ("abandoned_queue",)
        # a direct call at the desk
        if m.lam2 > 0:
            if self.desk_idle(s):
                yield m.lam2, replace(s, d=s.d + 1), ()
            elif self.desk_live_waiting(s) < m.cap2:
                yield m.lam2, replace(s, u=s.u + 1), ()
            else:
                yield m.lam2, s, ("abandoned_queue",)
        if s.u:
            yield s.u * m.theta, replace(s, u=s.u - 1), ("abandoned_queue",)
        # front handling ends: resolved, or escalated by the policy
        if s.h:
            done = replace(s, h=s.h - 1)
            yield s.h * m.mu1 * m.r1, self.free_front(done), ()
            handed, events = self.escalate(done)
            yield s.h * m.mu1 * (1.0 - m.r1), handed, ("escalated", *events)
        yield from self.transfer_moves(s)
        if s.d:
            yield s.d * m.mu2, self.free_desk(replace(s, d=s.d - 1)), ()

    def escalate(self, s: S) -> tuple[S, tuple[str, ...]]:
        """The front agent (no longer counted in ``h``) hands the contact on."""
        m = self.m
        if m.policy == "callback":
            s = self.free_front(s)
            if self.desk_idle(s):
                return replace(s, dial=s.dial + 1), ()
            return replace(s, k=min(s.k + 1, m.callback_cap)), ()  # cut: see callback_cap
        if self.desk_idle(s):
            return replace(s, c=s.c + 1), ()  # a desk agent is seized at once: the consult
        if m.policy == "warm_cold_fallback":
            s = self.free_front(s)  # no desk agent now: cold transfer, the front agent is free
            if self.desk_live_waiting(s) < m.cap2:
                return replace(s, k=s.k + 1), ()
            return s, ("abandoned_transfer_queue",)  # the desk queue is full: busy signal
        return replace(s, w=s.w + 1), ()  # wait for a desk agent, the customer on hold

    def transfer_moves(self, s: S) -> Iterator[Move]:
        m = self.m
        if s.w:  # hangs up while the front agent waits for a desk agent
            yield s.w * m.theta_hold, self.free_front(replace(s, w=s.w - 1)), ("abandoned_hold",)
        if s.c:  # hangs up during the consult: both agents are free
            gone = self.free_front(self.free_desk(replace(s, c=s.c - 1)))
            yield s.c * m.theta_hold, gone, ("abandoned_hold",)
            if m.policy == "conference":  # the desk agent leaves; the front agent does its work
                yield s.c * m.consult, self.free_desk(replace(s, c=s.c - 1, g=s.g + 1)), ()
            else:  # warm: on to the three-way conference
                yield s.c * m.consult, replace(s, c=s.c - 1, f=s.f + 1), ()
        if s.f:  # the conference ends: the front agent drops, the desk agent handles
            yield s.f * m.conference, self.free_front(replace(s, f=s.f - 1, d=s.d + 1)), ()
        if s.g:  # the front agent finishes the desk's work
            yield s.g * m.mu2, self.free_front(replace(s, g=s.g - 1)), ()
        if s.k and m.policy == "warm_cold_fallback":
            yield s.k * m.theta_transfer, replace(s, k=s.k - 1), ("abandoned_transfer_queue",)
        if s.dial:
            yield s.dial * m.dial * m.reach, replace(s, dial=s.dial - 1, d=s.d + 1), ()
            unreached = self.free_desk(replace(s, dial=s.dial - 1))
            yield s.dial * m.dial * (1.0 - m.reach), unreached, ("callback_unreached",)


@dataclass(frozen=True)
class Solution:
    """Stationary flows and time averages of one centre."""

    states: list[S]
    pi: np.ndarray
    flows: dict[str, float]
    """Events per second, by name."""
    top_level: float
    """Stationary probability of the callback queue's cut-off level (0 for other policies)."""

    def average(self, f: Callable[[S], float]) -> float:
        return float(sum(p * f(s) for p, s in zip(self.pi, self.states, strict=True)))


def solve(m: Centre) -> Solution:
    """The stationary distribution of the centre's chain and its flows."""
    rules = Rules(m)
    start = S()
    index = {start: 0}
    states = [start]
    rows, cols, vals = [], [], []
    events: list[tuple[int, float, str]] = []
    i = 0
    while i < len(states):
        s = states[i]
        for rate, nxt, counted in rules.moves(s):
            if rate == 0.0:
                continue
            events.extend((i, rate, event) for event in counted)
            if nxt == s:
                continue
            j = index.get(nxt)
            if j is None:
                j = index[nxt] = len(states)
                states.append(nxt)
            rows.append(i)
            cols.append(j)
            vals.append(rate)
        i += 1
    size = len(states)
    q = sp.csr_matrix((vals, (rows, cols)), shape=(size, size))
    q = q - sp.diags(np.asarray(q.sum(axis=1)).ravel())
    # π Q = 0 with Σ π = 1: transpose, and replace one balance equation by the normalisation
    a = q.T.tolil()
    a[size - 1, :] = np.ones(size)
    b = np.zeros(size)
    b[size - 1] = 1.0
    pi = spsolve(a.tocsc(), b)
    residual = float(np.abs(pi @ q).max())
    if residual > 1e-12 or pi.min() < -1e-12:
        raise ArithmeticError(f"the stationary solve is inaccurate (residual {residual:.1e})")
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    flows: dict[str, float] = {}
    for state, rate, event in events:
        flows[event] = flows.get(event, 0.0) + float(pi[state]) * rate
    top = float(sum(p for p, s in zip(pi, states, strict=True) if s.k >= m.callback_cap))
    return Solution(states, pi, flows, top if m.policy == "callback" else 0.0)


def metrics(m: Centre) -> dict[str, float]:
    """The exact stationary values of simcc's metrics for the centre."""
    sol = solve(m)
    offered = m.lam1 + m.lam2
    flow = sol.flows.get
    escalated = flow("escalated", 0.0)
    answered = offered - flow("abandoned_queue", 0.0)
    if m.policy in ("warm", "conference"):
        on_hold = sol.average(lambda s: s.w + s.c)
    else:
        on_hold = sol.average(lambda s: s.c)  # fallback: hold only during the consult
    waiting_transfer = sol.average(lambda s: s.k)
    out = {
        "abandonment_queue_rate": flow("abandoned_queue", 0.0) / offered,
        "abandonment_hold_rate": flow("abandoned_hold", 0.0) / offered,
        "abandonment_transfer_rate": flow("abandoned_transfer_queue", 0.0) / offered,
        "callback_unreached_rate": flow("callback_unreached", 0.0) / offered,
        "escalation_rate": escalated / answered,
        "escalations_per_hour": escalated * 3600.0,
        "mean_hold_time": on_hold / escalated,  # Little's law on the customers on hold
        "mean_transfer_wait": waiting_transfer / escalated,  # and on those in the desk queue
        "occupancy_front": sol.average(lambda s: s.front_busy) / m.n1,
        "occupancy_desk": sol.average(lambda s: s.desk_busy) / m.n2,
        "states": float(len(sol.states)),
        "top_level": sol.top_level,
    }
    if math.isnan(out["mean_hold_time"]):
        raise ArithmeticError("no escalations")
    return out
