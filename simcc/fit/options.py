"""The choices :func:`simcc.fit.build.fit_log` makes, as one value: :class:`FitOptions`.

Every default is written here once; ``simcc fit``, :mod:`simcc.fit.calibrate`
and the tests start from ``FitOptions()`` and change what they mean to change
(``FitOptions(pools="one")`` or ``options.replace(pools="one")``). A value is
checked when it is made: an unknown choice is a :class:`ValueError` naming the
field and the choices.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = [
    "HALF_HOUR",
    "MIN_BREAK",
    "QUARTER_HOUR",
    "BreakThreshold",
    "FitOptions",
    "HandleTimeMethod",
    "PatienceBy",
    "PatienceEstimator",
    "SessionEdges",
    "StaffingMethod",
    "WrapUp",
]

HALF_HOUR = 1800.0
QUARTER_HOUR = 900.0
MIN_BREAK = 1200.0
"""Idle gaps longer than this (20 min) are breaks, in a busy pool (chosen on weeks 1–2 of
October; see docs/calibration.md)."""

StaffingMethod = Literal["available", "sessions", "distinct"]
HandleTimeMethod = Literal["auto", "mle", "moments"]
PatienceBy = Literal["segment", "call_type", "pool"]
PatienceEstimator = Literal["auto", "exponential", "km", "change_point"]
PoolsChoice = Literal["auto", "one"]
RareTypes = Literal["merge", "drop"]
OverflowChoice = Literal["auto", "off"]
WrapUp = Literal["pickup", "pickup_mean", "pickup_spread", "none"]
SessionEdges = Literal["both", "none"]
BreakThreshold = Literal["day", "rate"]


@dataclass(frozen=True)
class FitOptions:
    """How a scenario is fitted to a log; ``FitOptions()`` is what ``simcc fit`` does.

    Arrivals and the day's span:

    * ``interval``: arrival-rate interval, seconds (half hours).
    * ``min_peak_share``: the day runs from the first to the last ``interval``
      whose total arrival rate reaches this share of the peak.
    * ``min_type_share``: call types with a smaller share of the offered calls
      are merged into the most frequent type (``rare_types="merge"``) or
      dropped (``"drop"``).

    Pools and agents:

    * ``pools``: ``auto`` gives a call type whose calls nearly all go to
      agents who take nothing else a pool of its own
      (:func:`~simcc.fit.staffing.infer_pools`); ``one`` puts every agent in
      one pool.
    * ``staffing_interval``, ``staffing_method``, ``max_gap``: agents per
      interval (seconds) by :func:`~simcc.fit.staffing.infer_staffing`'s
      method; ``max_gap`` (seconds) is the break threshold, None = inferred
      per pool and never under ``min_break`` (seconds).
    * ``break_threshold``: how the inferred break threshold is set (with
      ``max_gap`` None): ``day``, one per pool and day from the median of
      its quiet idle gaps; ``rate``, one that follows the pool's calls per
      agent on duty through the day (a gap is a break past the ``1 − TAIL``
      quantile of an agent's wait for its next call at that rate, with
      :data:`simcc.fit.breaks.TAIL` the tail; :mod:`simcc.fit.breaks`).
    * ``wrap_up``: ``pickup`` gives each pool a deterministic wrap-up, its
      agents' median pick-up delay in the log (from the end of a call to the
      next caller, who was already waiting; see
      :func:`~simcc.fit.staffing.pickup_delay`), and counts that time after
      each call as on duty; ``pickup_mean`` the same with the mean pick-up
      delay; ``pickup_spread`` a wrap-up drawn from the pick-up delays
      themselves (100 of their quantiles, an empirical distribution), their
      mean counted as on duty after each call; ``none`` has no wrap-up, and
      the pick-up delays are time off duty like any idle time while callers
      waited.
    * ``answered_gaps``: an idle gap counts only when it ends with a call the
      agent took at once; a gap that ends with a caller who arrived during it
      and waited shows the agent was away (False: every gap under the break
      threshold counts).
    * ``away_first``: within an idle gap (and the idle edge before a
      session's first call), the agent's time away comes first: the idle
      time counts only from the last moment in it when one of the pool's
      callers waited (False: every second of it while nobody waited).
    * ``session_edges``: ``both`` counts an agent idle for the pool's mean
      quiet gap before the first call of a session (after a break or at the
      start of the day) when it took that call at once, and after the last
      one; ``none`` counts a session from its first call to its last.
    * ``skill_pools``: the general agents who, by the log, never take some of
      the general pool's call types get pools of their own by the types they
      take, which every caller of those types waits in too
      (:mod:`simcc.fit.skills`); False: every general agent takes every type.
    * ``overflow``: ``auto`` lets the general pool take a dedicated type's
      calls when the log shows it did (``min_overflow_share`` of them and at
      least ``min_overflow_calls``), with ``after`` calibrated by simulation
      (``overflow_replications`` replications from ``seed``); ``off`` routes
      every call to its own pool.

    Handle times and patience:

    * ``handle_time_method``: lognormal with the sample's mean and cv
      (``moments``, which keeps the offered load exact), the
      maximum-likelihood fit (``mle``), or the MLE unless its mean misses the
      sample mean by more than ``max_mean_error`` (``auto``).
    * ``handle_time_interval``: handle times per hour of the day (seconds; a
      multiple of ``interval``): each call type becomes one call type per
      hour with the hour's handle-time factor
      (:func:`~simcc.fit.hours.split_by_hour`); None (the default): one
      handle time per call type for the whole day. Off by default: on weeks
      1–2 it tilts ASA over on 8 of 10 days, and it multiplies the fitted
      file's call types (docs/calibration.md).
    * ``priority_first``: priority customers go first in the queue. The bank
      gives them 1.5 minutes of credit, which simcc cannot express; in its log
      they waited 0.7 times as long as the others, far from going first, so by
      default they keep their place and differ only in patience.
    * ``patience_by``: patience per segment (standard / priority, kept apart
      when they differ), per call type (``call_types.<name>.patience``), or
      ``pool``: per segment fitted on the general pool's callers alone, and
      each other pool's call types their own (the desk's callers do not set
      the general pool's patience).
    * ``patience_estimator``: ``auto`` keeps the censored exponential when it
      stays within ``patience_tolerance`` (or 3 SE) of the Kaplan–Meier curve
      and uses the empirical Kaplan–Meier distribution otherwise; ``km``
      always uses Kaplan–Meier, ``exponential`` always the exponential;
      ``change_point`` a hazard with one rate before the 60 s announcement
      and another after it (:func:`~simcc.fit.estimate.change_point_patience`),
      written as empirical values.

    What the scenario says about itself:

    * ``sla_threshold``: the service-level threshold, seconds.
    * ``replications``: the scenario's ``replications``.
    """

    interval: float = HALF_HOUR
    min_peak_share: float = 0.05
    min_type_share: float = 0.02
    rare_types: RareTypes = "merge"
    pools: PoolsChoice = "auto"
    staffing_interval: float = QUARTER_HOUR
    staffing_method: StaffingMethod = "available"
    max_gap: float | None = None
    min_break: float = MIN_BREAK
    break_threshold: BreakThreshold = "day"
    wrap_up: WrapUp = "pickup"
    answered_gaps: bool = True
    away_first: bool = False
    session_edges: SessionEdges = "both"
    skill_pools: bool = False
    overflow: OverflowChoice = "auto"
    min_overflow_share: float = 0.05
    min_overflow_calls: int = 10
    overflow_replications: int = 5
    seed: int = 1
    handle_time_method: HandleTimeMethod = "moments"
    handle_time_interval: float | None = None
    max_mean_error: float = 0.10
    priority_first: bool = False
    patience_by: PatienceBy = "segment"
    patience_estimator: PatienceEstimator = "auto"
    patience_tolerance: float = 0.02
    sla_threshold: float = 20.0
    replications: int = 10

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if value not in choices:
                raise ValueError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
        for name in ("interval", "staffing_interval"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name}: expected a positive number, got {getattr(self, name)!r}")
        band = self.handle_time_interval
        if band is not None and not (band > 0 and round(band / self.interval, 9) % 1 == 0):
            raise ValueError(
                f"handle_time_interval: expected a multiple of interval ({self.interval:g} s) "
                f"or None, got {band!r}"
            )

    def replace(self, **changes: Any) -> FitOptions:
        """A copy with ``changes`` (field names as keywords)."""
        return dataclasses.replace(self, **changes)

    def changed(self) -> dict[str, Any]:
        """The fields whose value differs from the default, in field order."""
        default = FitOptions()
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }


_CHOICES: dict[str, tuple[str, ...]] = {
    "rare_types": get_args(RareTypes),
    "pools": get_args(PoolsChoice),
    "staffing_method": get_args(StaffingMethod),
    "overflow": get_args(OverflowChoice),
    "wrap_up": get_args(WrapUp),
    "session_edges": get_args(SessionEdges),
    "break_threshold": get_args(BreakThreshold),
    "handle_time_method": get_args(HandleTimeMethod),
    "patience_by": get_args(PatienceBy),
    "patience_estimator": get_args(PatienceEstimator),
}
