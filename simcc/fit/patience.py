"""Patience in a fitted scenario: which callers' fit goes into which block.

Patience is censored (an abandoner's wait is its patience, a served caller's
wait a lower bound) and fitted by :func:`~simcc.fit.estimate.fit_patience`
for every queued caller together, for the standard and the priority segment
and for each call type. :func:`patience_blocks` then decides what the
scenario uses — one patience for all, standard and priority apart when they
differ, or one per call type — and explains it in comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.estimate import CHANGE_POINT, PatienceFit, fit_patience, priority_share
from simcc.fit.options import FitOptions
from simcc.fit.staffing import GENERAL_POOL

__all__ = [
    "PRIORITY_LEVEL",
    "PatienceBlocks",
    "describe_patience",
    "patience_blocks",
    "patience_line",
]

PRIORITY_LEVEL = 2
"""The log's priority of a priority customer (the Anonymous Bank's 2)."""

_SEGMENT_LABELS = (("standard (priority 0/1)", "standard"), ("priority (2)", "priority"))


@dataclass
class PatienceBlocks:
    """The scenario's patience blocks, the fits behind them and the notes that explain them.

    ``fits`` holds the fit of each group (``all``, ``standard``,
    ``priority`` and each call type; None for a group nobody in queued);
    ``used`` says which group each scenario key uses.
    """

    customers: dict[str, Any] = field(default_factory=dict)
    segments: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_type: dict[str, Any] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    fits: dict[str, PatienceFit | None] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)

    def blocks(self, call_types: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """``segments`` and ``customers`` blocks; per-type patience goes into ``call_types``."""
        for t, dist in self.per_type.items():
            call_types[t]["patience"] = dist
        out: dict[str, Any] = {}
        if self.segments:
            out["segments"] = self.segments
        out["customers"] = self.customers
        return out


def patience_blocks(
    queued: pd.DataFrame,
    asking: pd.DataFrame,
    types: list[str],
    options: FitOptions,
    pool_of: dict[str, str] | None = None,
) -> PatienceBlocks:
    """Fit patience (pooled, per segment, per type) and decide what goes where.

    ``pool_of`` (each call type's pool) is used with ``patience_by="pool"``:
    the segments' patience is then fitted on the general pool's callers, and
    each other pool's call types get their own (:func:`_per_pool`).
    """
    out = PatienceBlocks()
    out.comments.append(_method_comment(options))
    _fit_groups(out, queued, types, options)
    share = priority_share(asking, PRIORITY_LEVEL)
    if share > 0:
        _add_segments(out, share, options.priority_first)
    general = "all"
    if options.patience_by == "pool":
        general = _per_pool(out, queued, types, pool_of or {}, options)
    if options.patience_by == "call_type":
        _per_type(out, types, options)
    elif share > 0 and _differ(
        out.fits[_key(general, "standard")], out.fits[_key(general, "priority")]
    ):
        standard, priority = _key(general, "standard"), _key(general, "priority")
        out.customers["patience"] = _dist(out.fits[standard], options)
        out.segments["priority"]["patience"] = _dist(out.fits[priority], options)
        out.used |= {"customers.patience": standard, "segments.priority.patience": priority}
        out.comments.append(
            "  Segments differ (θ more than 3 SE and 10 % apart): standard patience in "
            "customers, priority patience in segments.priority."
        )
    else:
        out.customers["patience"] = _dist(out.fits[general], options)
        out.used |= {"customers.patience": general}
        out.comments.append("  Segments do not differ: one patience for all (pooled fit).")
    if options.patience_by != "call_type":
        out.comments += [
            "  Per call type (for information; §6 has no per-type patience):",
            *(describe_patience(f"  {t}", out.fits[t], options) for t in types),
        ]
    return out


def _method_comment(options: FitOptions) -> str:
    """The first patience comment: how patience is estimated."""
    head = (
        "customers.patience: queued callers; an abandoner's wait is its patience, a served "
        "caller's wait a lower bound (right-censored). "
    )
    if options.patience_estimator == "exponential":
        return head + "Exponential MLE θ = abandonments / total waiting time."
    if options.patience_estimator == "change_point":
        return head + (
            f"A hazard that changes at the {CHANGE_POINT:.0f} s announcement: one censored "
            f"exponential rate on the waits up to {CHANGE_POINT:.0f} s, another past it, written "
            "as 100 empirical values (its quantiles); the single exponential MLE is shown for "
            "comparison."
        )
    if options.patience_estimator == "km":
        return head + (
            "Empirical distribution of 100 values read off the Kaplan–Meier survival curve "
            "(exponential tail past the wait that 50 callers reached); the exponential MLE "
            "θ = abandonments / total waiting time is shown for comparison."
        )
    return head + (
        "Exponential MLE θ = abandonments / total waiting time, kept when within "
        f"{options.patience_tolerance:.0%} (or 3 SE) of the Kaplan–Meier survival at its "
        "5 %, 10 %, … quantiles; else an empirical distribution of 100 values read off the KM "
        "curve (exponential tail past the wait that 50 callers reached)."
    )


def _fit_groups(
    out: PatienceBlocks, queued: pd.DataFrame, types: list[str], options: FitOptions
) -> None:
    """Fit every group's patience and describe the pooled and the segments' fits."""
    tolerance = options.patience_tolerance
    is_vip = queued["priority"] == PRIORITY_LEVEL
    out.fits["all"] = _fit(queued, tolerance)
    out.fits["standard"] = _fit(queued[~is_vip], tolerance)
    out.fits["priority"] = _fit(queued[is_vip], tolerance)
    for t in types:
        out.fits[t] = _fit(queued[queued["ctype"] == t], tolerance)
    out.comments.append(describe_patience("all queued callers", out.fits["all"], options))
    for label, key in _SEGMENT_LABELS:
        if out.fits[key] is not None:
            out.comments.append(describe_patience(label, out.fits[key], options))


def _add_segments(out: PatienceBlocks, share: float, first: bool) -> None:
    """The standard and priority segments, with the share of priority callers."""
    out.segments = {
        "standard": {"share": round(1 - share, 4)},
        "priority": {"share": round(share, 4), **({"priority": 0} if first else {})},
    }
    out.comments += [
        f"segments: priority customers (log priority 2) are {share:.1%} of the queued calls. "
        "The log records the priority only for calls that queued (a call answered at once "
        "shows priority 0); whether a call queues does not depend on its priority, so the "
        "queued mix is the mix of all calls.",
        "  The bank gives priority callers 1.5 min of credit in the queue; here they go "
        + ("first (priority 0). " if first else "in arrival order with the others. ")
        + "Segments are drawn for every call type alike, although "
        "prospects (NW) and internet callers (IN) are never identified as priority.",
    ]


def _per_type(out: PatienceBlocks, types: list[str], options: FitOptions) -> None:
    """Patience per call type (``patience_by="call_type"``), pooled in ``customers``."""
    out.customers["patience"] = _dist(out.fits["all"], options)
    out.used["customers.patience"] = "all"
    for t in types:
        out.per_type[t] = _dist(out.fits[t], options)
        out.used[f"call_types.{t}.patience"] = t
        out.comments.append(describe_patience(f"call type {t}", out.fits[t], options))
    out.comments.append(
        "call_types.*.patience: per-type patience (simcc's addition to MODEL.md §6; a "
        "segment's own patience would override it)."
    )


def _key(group: str, segment: str) -> str:
    """The fit of ``segment``'s callers in ``group`` (``all``: every queued caller)."""
    return segment if group == "all" else f"{group} {segment}"


def _per_pool(
    out: PatienceBlocks,
    queued: pd.DataFrame,
    types: list[str],
    pool_of: dict[str, str],
    options: FitOptions,
) -> str:
    """``patience_by="pool"``: the segments' fits on the general pool's callers alone, and
    each call type of another pool its own patience (``call_types.<type>.patience``).

    Returns the group whose fits the segments use. A segment's own patience
    overrides a call type's (docs/scenario.md), so the priority segment's
    callers of another pool's types get the general pool's priority patience.
    """
    mine = [t for t in types if pool_of.get(t, GENERAL_POOL) == GENERAL_POOL]
    general = queued[queued["ctype"].isin(mine)]
    is_vip = general["priority"] == PRIORITY_LEVEL
    tolerance = options.patience_tolerance
    out.fits[GENERAL_POOL] = _fit(general, tolerance)
    out.fits[_key(GENERAL_POOL, "standard")] = _fit(general[~is_vip], tolerance)
    out.fits[_key(GENERAL_POOL, "priority")] = _fit(general[is_vip], tolerance)
    for t in (t for t in types if t not in mine):
        out.per_type[t] = _dist(out.fits[t], options)
        out.used[f"call_types.{t}.patience"] = t
    out.comments.append(
        f"  Per pool: the segments' patience is fitted on the {GENERAL_POOL} pool's callers "
        f"({', '.join(mine)}); "
        + "".join(f"call_types.{t}.patience on {t}'s own; " for t in types if t not in mine)
        + "a priority caller of those takes the priority patience (a segment's overrides)."
    )
    for segment in ("standard", "priority"):
        label = f"{GENERAL_POOL} pool, {segment}"
        out.comments.append(
            describe_patience(label, out.fits[_key(GENERAL_POOL, segment)], options)
        )
    return GENERAL_POOL


def _fit(queued: pd.DataFrame, tolerance: float) -> PatienceFit | None:
    """Patience fit of a group of queued calls (None when the group is empty)."""
    if len(queued) == 0:
        return None
    return fit_patience(queued["wait"], queued["outcome"] == "HANG", tolerance=tolerance)


def _differ(a: PatienceFit | None, b: PatienceFit | None) -> bool:
    """Whether two exponential rates differ by over 3 SE and over 10 %."""
    if a is None or b is None:
        return False
    gap = abs(a.theta - b.theta)
    return gap > 3 * np.hypot(a.theta_se, b.theta_se) and gap > 0.1 * max(a.theta, b.theta)


def _dist(fit: PatienceFit | None, options: FitOptions) -> dict[str, object] | str:
    """The patience block of a fit; ``inf`` when nobody queued."""
    return "inf" if fit is None else fit.as_dist(use=options.patience_estimator)


def _choice(fit: PatienceFit, options: FitOptions, km: str) -> str:
    """The form a fit is written in: ``exponential``, the change point's rates or ``km``'s
    wording."""
    if options.patience_estimator == "change_point":
        before, after = (1 / rate for rate in fit.hazards)
        return (
            f"hazard changing at {CHANGE_POINT:.0f} s (mean {before:.0f} s before, "
            f"{after:.0f} s after)"
        )
    return "exponential" if fit.uses_exponential(options.patience_estimator) else km


def describe_patience(label: str, fit: PatienceFit | None, options: FitOptions) -> str:
    """One comment line with a patience fit's numbers and the choice made."""
    if fit is None:
        return f"  {label}: nobody queued; patience inf."
    if fit.theta == 0:
        return f"  {label}: {fit.n_queued} queued, no abandonment; patience inf."
    return (
        f"  {label}: {fit.n_queued} queued, {fit.n_abandoned} abandoned; exponential mean "
        f"{fit.mean:.0f} s (±{fit.theta_se / fit.theta:.0%}); KM median {_km_median(fit)}; "
        f"worst gap {fit.max_gap:.3f} (allowed {fit.gap_allowed:.3f}) → "
        f"{_choice(fit, options, 'empirical (KM)')}."
    )


def patience_line(label: str, fit: PatienceFit | None, options: FitOptions) -> str:
    """A short line for the command's report: the group, its estimate and the choice."""
    if fit is None:
        return f"{label}: nobody queued"
    if fit.theta == 0:
        return f"{label}: {fit.n_queued} queued, no abandonment → inf"
    return (
        f"{label}: {fit.n_queued} queued, {fit.n_abandoned} abandoned; exponential mean "
        f"{fit.mean:.0f} s ±{fit.theta_se / fit.theta:.0%}; gap to KM {fit.max_gap:.3f} "
        f"(allowed {fit.gap_allowed:.3f}) → {_choice(fit, options, 'empirical (Kaplan–Meier)')}"
    )


def _km_median(fit: PatienceFit) -> str:
    """The KM median patience, or 'not reached'."""
    if fit.km is None:
        return "n/a"
    q = fit.km.quantile(0.5)
    return "not reached" if np.isnan(q) or q > fit.reliable_until else f"{q:.0f} s"
