"""Breaks: when an agent's idle gap between two calls is a break, not a wait for the next call.

The log shows an agent's calls, not its breaks. An idle agent on duty waits
for its next call; a long gap is a break (or the end of a shift). Two rules
say which gaps are breaks (``FitOptions(break_threshold=...)``), both never
under a floor (``min_break``, 20 min):

``day`` (the default)
    One threshold per pool and day: the ``1 − tail`` quantile of the
    exponential with the median of the pool's quiet idle gaps
    (:func:`break_threshold`). In a quiet pool it reads
    the long waits of its quietest hours as breaks.
``rate``
    A threshold that follows the pool's call rate through the day
    (:func:`rate_rule`). Derivation: while an agent of pool *p* is idle, its
    next call comes at the rate of the pool's calls per agent on duty,
    r(s) = λ(s) / n(s) — λ the calls the pool's agents took per second, by
    their arrival (the fitted arrival rate, less the callers who hung up
    before an agent took them, which end no agent's gap; with overflow or
    skill pools, the pool's share of its types' calls, as the staffing
    counts its work), averaged over the chosen days per half hour; n the
    pool's mean agents on duty per staffing interval (at least 1: the idle
    agent is on duty). With a Poisson stream thinned among the agents, the
    agent's wait W from a gap's start t has
    P(W > w) = exp(−(R(t + w) − R(t))), R the integral of r, so the ``1 −
    tail`` quantile w*(t) solves R(t + w*) − R(t) = ln(1 / tail) (3.0 for
    ``tail`` = 0.05: about three calls' worth of the agent's share). A gap
    [t, t + g) is a break when g > max(floor, w*(t)), that is when g exceeds
    the floor *and* R(t + g) − R(t) > ln(1 / tail). In a busy hour the
    threshold is short (the floor); in a quiet one, long; a gap that lies in
    hours without calls is never a break (R does not grow there).

n is what the staffing estimate counts, with these very breaks: the
estimate starts from the ``day`` rule's count and is repeated with the
rate rule until the count per interval stops moving (:func:`settle`). The
rate per *on-duty* agent is a lower bound on an idle agent's rate when
calls go to the idle agents (only n − busy of them share the calls), so
w*(t) is, if anything, long: a wait is rarely read as a break, and
a break shorter than w*(t) counts as on duty.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simcc.fit.estimate import on_days
from simcc.fit.logs import NO_SERVER
from simcc.fit.options import HALF_HOUR, MIN_BREAK
from simcc.fit.timeline import GRID, coverage, services_of

__all__ = [
    "ROUNDS",
    "TAIL",
    "BreakRule",
    "break_threshold",
    "idle_gaps",
    "quiet_gaps",
    "rate_rule",
    "settle",
    "work_rate",
]

TAIL = 0.05
"""Share of an on-duty agent's waits for its next call longer than the break threshold."""
ROUNDS = 10
"""At most this many passes of the staffing estimate with the rate rule (on the bank's
weekdays of weeks 1–2 it settles, or alternates between two counts, within 6)."""
SETTLED = 0.01
"""The count per interval has settled when no interval moves by more than this (agents)."""


@dataclass(frozen=True)
class BreakRule:
    """Which idle gaps are breaks: longer than ``floor`` and, with ``hazard`` (the
    cumulative rate R of an agent's next call at each second of the grid, R[0] = 0), past
    the ``1 − tail`` quantile of the wait for it (the module's derivation)."""

    floor: float
    hazard: np.ndarray | None = None
    tail: float = TAIL

    def is_break(self, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Per gap [begin, end), whether it is a break (an open end, NaN: always)."""
        begin, end = np.asarray(begin, dtype=float), np.asarray(end, dtype=float)
        out = ~(end - begin <= self.floor)  # NaN: True
        if self.hazard is None:
            return out
        known = np.isfinite(begin) & np.isfinite(end)
        calls = np.zeros(len(begin))
        calls[known] = self._at(end[known]) - self._at(begin[known])
        return out & (~known | (calls > math.log(1 / self.tail)))

    def threshold(self, start: float) -> float:
        """The break threshold of a gap starting at ``start`` (inf: never a break)."""
        if self.hazard is None:
            return self.floor
        target = float(self._at(np.array([start]))[0]) + math.log(1 / self.tail)
        if target >= self.hazard[-1]:
            return math.inf
        return max(self.floor, float(np.searchsorted(self.hazard, target, side="right")) - start)

    def extremes(self, starts: Sequence[float]) -> tuple[float, float]:
        """The shortest and longest finite :meth:`threshold` of gaps starting at ``starts``."""
        finite = [w for w in (self.threshold(float(t)) for t in starts) if math.isfinite(w)]
        return (min(finite), max(finite)) if finite else (self.floor, self.floor)

    def _at(self, t: np.ndarray) -> np.ndarray:
        assert self.hazard is not None
        return np.interp(t, np.arange(len(self.hazard), dtype=float), self.hazard)


# --------------------------------------------------------------------------- the day rule


def idle_gaps(
    day_calls: pd.DataFrame, agents: Sequence[str], types: Sequence[str], by: str = "type"
) -> np.ndarray:
    """One day's idle gaps of ``agents`` (seconds) during which none of the pool's callers waited.

    These gaps are, mostly, agents waiting for their next call; the rest are
    breaks. (Gaps with callers waiting are neither: the agent was elsewhere.)
    """
    start, stop = _quiet_spans(day_calls, agents, types, by)
    return stop - start


def _quiet_spans(
    day_calls: pd.DataFrame, agents: Sequence[str], types: Sequence[str], by: str
) -> tuple[np.ndarray, np.ndarray]:
    """The start and end of each of :func:`idle_gaps`' gaps."""
    services = services_of(day_calls[day_calls["server"] != NO_SERVER], agents)
    end = services["ser_exit"].to_numpy(dtype=float)
    following = services.groupby("server")["ser_start"].shift(-1).to_numpy(dtype=float)
    keep = np.isfinite(following) & (following > end)
    start, stop = end[keep], following[keep]
    queued = day_calls[day_calls["queued"] & day_calls[by].isin(list(types))]
    arrival = queued["arrival"].to_numpy(dtype=float)
    waiting = np.concatenate([[0.0], np.cumsum(coverage(arrival, arrival + queued["wait"]) > 0)])
    s = np.clip(np.floor(start).astype(int), 0, GRID)
    e = np.clip(np.floor(stop).astype(int), 0, GRID)
    quiet = waiting[e] - waiting[s] == 0
    return start[quiet], stop[quiet]


def break_threshold(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    floor: float = MIN_BREAK,
    tail: float = TAIL,
) -> float:
    """The idle gap beyond which an agent of this pool is taken to be on a break.

    Waiting for the next call, an agent's idle gaps look exponential; breaks
    are their long tail. The threshold is the ``1 − tail`` quantile of the
    exponential with the median of the pool's quiet idle gaps
    (:func:`idle_gaps`), and never under ``floor``: in a busy pool (median
    gap 2 min in the bank's general pool) it is ``floor`` (20 min); in a
    quiet one (the internet desk, median 9 min) it is longer (about 40 min),
    for there an agent waits long for each call.
    """
    begin, end = quiet_gaps(calls, days, agents, types, by)
    gaps = end - begin
    if len(gaps) == 0:
        return floor
    return max(floor, float(np.median(gaps)) * np.log(1 / tail) / np.log(2))


def quiet_gaps(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    agents: Sequence[str],
    types: Sequence[str],
    by: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The start and end of :func:`idle_gaps` of every day in ``days``."""
    spans = [_quiet_spans(on_days(calls, [day]), agents, types, by) for day in days]
    return (
        np.concatenate([b for b, _ in spans] or [np.zeros(0)]),
        np.concatenate([e for _, e in spans] or [np.zeros(0)]),
    )


# --------------------------------------------------------------------------- the rate rule


def work_rate(
    calls: pd.DataFrame,
    days: int,
    mine: pd.Series,
    length: int,
    interval: float = HALF_HOUR,
) -> np.ndarray:
    """Per second of a ``length``-second grid, the pool's calls taken per second: the
    calls of ``calls`` (the chosen ``days``' calls) where ``mine``, with a named agent, by
    arrival, per ``interval``, averaged over the days."""
    taken = calls[mine & (calls["server"] != NO_SERVER) & calls["ser_start"].notna()]
    step = round(interval)
    slots = np.clip(np.floor(taken["arrival"].to_numpy(dtype=float) / step).astype(int), 0, None)
    per_slot = np.bincount(slots, minlength=-(-length // step)) / (max(days, 1) * step)
    return np.repeat(per_slot, step)[:length]


def rate_rule(rate: np.ndarray, on_duty: np.ndarray, floor: float, tail: float = TAIL) -> BreakRule:
    """The rate rule from the pool's ``rate`` of calls and its mean agents ``on_duty``,
    both per second of the grid."""
    per_agent = rate / np.maximum(on_duty, 1.0)
    return BreakRule(floor, np.concatenate([[0.0], np.cumsum(per_agent)]), tail)


def settle(
    count: Callable[[BreakRule], np.ndarray],
    per_second: np.ndarray,
    rate: np.ndarray,
    step: int,
    floor: float,
) -> tuple[np.ndarray, BreakRule]:
    """The pool's agents per second counted with the rate rule, and the rule.

    ``count`` counts the agents per second of the grid with a rule,
    ``per_second`` is the count to start from (with the ``day`` rule),
    ``rate`` the pool's :func:`work_rate` and ``step`` the staffing interval
    (seconds): n per interval gives the rule, the rule a new count, until no
    interval moves by more than :data:`SETTLED` (at most :data:`ROUNDS`).
    The count is not monotone in the rule (a gap that stops being a break
    loses its session edges and, when a caller waited for its end, counts
    nothing), so it can alternate between two counts, a gap flipping each
    time: then it ends at the mean of the two.
    """
    rule = BreakRule(floor)
    seen = [per_second]

    def rule_of(count: np.ndarray) -> BreakRule:
        return rate_rule(rate, np.repeat(_means(count, step), step), floor)

    for _ in range(ROUNDS):
        rule = rule_of(seen[-1])
        per_second = count(rule)
        if _settled(per_second, seen[-1], step):
            break
        if len(seen) >= 2 and _settled(per_second, seen[-2], step):  # two counts in turn
            per_second = (per_second + seen[-1]) / 2
            rule = rule_of(per_second)
            break
        seen.append(per_second)
    return per_second, rule


def _means(per_second: np.ndarray, step: int) -> np.ndarray:
    return per_second.reshape(-1, step).mean(axis=1)


def _settled(a: np.ndarray, b: np.ndarray, step: int) -> bool:
    """No interval's mean differs by more than :data:`SETTLED` between counts ``a`` and ``b``."""
    return bool(np.max(np.abs(_means(a, step) - _means(b, step))) <= SETTLED)
