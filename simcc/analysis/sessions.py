"""Agent time of chat agents, whose sessions overlap (MODEL.md §8).

An agent of a pool with ``concurrency`` above 1 holds several sessions at
once; each session is its own row of the agent table.  Agent-time metrics
count the agent busy while it holds at least one session, so overlapping
rows must not add up.  :func:`busy_shares` gives each row its *share* of the
agent's time: the integral over the row's interval of ``1 / sessions in
hand``.  The shares of one agent add up to the length of the union of its
intervals (its busy time), and split it fairly between the contacts it was
spent on (for the cost metrics).  :func:`busy_spans` gives that union itself,
span by span (for the per-interval tables).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Arrays = dict[str, np.ndarray[Any, Any]]


def busy_shares(
    agents: Arrays, concurrency: tuple[int, ...], lengths: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Each agent-table row's share of its agent's busy time (seconds).

    Rows of pools of concurrency 1 keep their length (``lengths``: ``end − start``, which
    the caller has already).
    """
    start, end = agents["start"], agents["end"]
    shares = lengths.astype(float)
    for rows in _by_agent(agents["pool"], agents["agent"], concurrency):
        shares[rows] = _shares(start[rows], end[rows])
    return shares


def _by_agent(
    pool: np.ndarray[Any, Any], agent: np.ndarray[Any, Any], concurrency: tuple[int, ...]
) -> list[np.ndarray[Any, Any]]:
    """The rows of each agent of the pools of concurrency above 1, each in table order: by
    pool, then by agent number (one stable sort per pool, not a mask per agent)."""
    out = []
    for p, k in enumerate(concurrency):
        if k <= 1:
            continue
        in_pool = np.flatnonzero(pool == p)
        rows = in_pool[np.argsort(agent[in_pool], kind="stable")]
        cuts = np.flatnonzero(np.diff(agent[rows])) + 1
        out += np.split(rows, cuts) if len(rows) else []
    return out


def _shares(start: np.ndarray[Any, Any], end: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The shares of one agent's intervals: ``∫ 1 / load(t) dt`` over each."""
    times = np.unique(np.concatenate([start, end]))
    # load on each elementary segment [times[i], times[i + 1]): intervals open over it
    change = np.zeros(len(times))
    np.add.at(change, np.searchsorted(times, start), 1.0)
    np.add.at(change, np.searchsorted(times, end), -1.0)
    load = np.cumsum(change)[:-1]
    rate = np.divide(1.0, load, out=np.zeros_like(load), where=load > 0)
    integral = np.concatenate([[0.0], np.cumsum(rate * np.diff(times))])
    return integral[np.searchsorted(times, end)] - integral[np.searchsorted(times, start)]


def busy_spans(agents: Arrays, concurrency: tuple[int, ...]) -> Arrays:
    """The agent table's ``pool``, ``start`` and ``end`` with each chat agent's overlapping
    sessions merged into busy spans (the rows of other pools as they are)."""
    pool, agent, start, end = agents["pool"], agents["agent"], agents["start"], agents["end"]
    plain = ~np.isin(pool, [p for p, k in enumerate(concurrency) if k > 1])
    pools, starts, ends = [pool[plain]], [start[plain]], [end[plain]]
    for rows in _by_agent(pool, agent, concurrency):
        order = np.argsort(start[rows], kind="stable")
        s, e = start[rows][order], end[rows][order]
        reach = np.maximum.accumulate(e)
        new = np.concatenate([[True], s[1:] > reach[:-1]])  # a gap before: a new span
        first = np.flatnonzero(new)
        starts.append(s[first])
        ends.append(np.maximum.reduceat(e, first))
        pools.append(np.full(len(first), pool[rows[0]], dtype=pool.dtype))
    return {
        "pool": np.concatenate(pools),
        "start": np.concatenate(starts),
        "end": np.concatenate(ends),
    }
