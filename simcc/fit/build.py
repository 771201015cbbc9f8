"""Turn a calls table into a scenario (MODEL.md §6) for the average chosen day.

:func:`fit_scenario` estimates every number with :mod:`simcc.fit.estimate`
and returns, beside the scenario dict, comment lines saying where each number
came from; :func:`dump_yaml_with_comments` writes both as one readable YAML
file. :func:`observed_metrics` gives the log's own abandonment rate, ASA and
service level per day, for comparison with simulated ones.

The scenario's clock starts at the first half hour with calls (time 0 = that
clock time, written in the comments), and its horizon ends with the last half
hour with calls. One pool, ``agents``, serves every call type; the log has no
transfers, wrap-up or escalations, so those keep their defaults.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from simcc.fit.estimate import (
    HALF_HOUR,
    HandleTimeFit,
    PatienceFit,
    arrival_rates,
    fit_handle_times,
    fit_patience,
    infer_agents,
    offered,
    on_days,
    select_days,
)

__all__ = [
    "dump_yaml_with_comments",
    "fit_scenario",
    "observed_metrics",
    "observed_metrics_table",
]

POOL = "agents"
PRIORITY_LEVEL = 2

DaysArg = str | Sequence[str] | Sequence[dt.date]


# --------------------------------------------------------------------------- scenario


def fit_scenario(
    calls: pd.DataFrame,
    days: DaysArg,
    *,
    name: str | None = None,
    source: str | None = None,
    interval: float = HALF_HOUR,
    min_type_share: float = 0.02,
    rare_types: Literal["merge", "drop"] = "merge",
    min_peak_share: float = 0.05,
    handle_time_method: Literal["auto", "mle", "moments"] = "auto",
    max_mean_error: float = 0.10,
    patience_by: Literal["segment", "call_type"] = "segment",
    patience_tolerance: float = 0.02,
    sla_threshold: float = 20.0,
) -> tuple[dict[str, Any], list[str]]:
    """A scenario for the average of ``days`` and the comments that explain it.

    ``days`` is a :func:`~simcc.fit.estimate.select_days` spec or a list of
    dates. Call types with under ``min_type_share`` of the offered calls are
    merged into the most frequent type (or dropped). The day runs from the
    first to the last interval whose total arrival rate reaches
    ``min_peak_share`` of the peak. Handle times are MLE lognormals, except
    with ``auto`` where the MLE's mean misses the sample mean by more than
    ``max_mean_error``: then the lognormal with the sample's mean and cv.
    Patience is fitted per segment (standard / priority, kept apart when they
    differ) or, with ``patience_by="call_type"``, per call type under a
    ``patience`` key that §6 does not define yet.
    """
    chosen = _resolve_days(calls, days)
    mine = on_days(calls, chosen)
    comments = _header_comments(chosen, source)
    asking = mine[offered(mine)].copy()
    type_map, notes = _call_type_map(asking, min_type_share, rare_types)
    comments += notes
    asking["ctype"] = asking["type"].map(type_map)
    asking = asking[asking["ctype"].notna()]

    rates = arrival_rates(asking, chosen, interval, by="ctype")
    first, last = _span(rates.sum(axis=1).to_numpy(), min_peak_share)
    start, horizon = first * interval, (last - first + 1) * interval
    comments += _span_comments(asking, start, horizon, interval, min_peak_share, len(mine))

    agents = infer_agents(mine, chosen, interval).to_numpy()[first : last + 1]
    counts, agent_notes = _agent_counts(agents, rates.sum(axis=1).to_numpy()[first : last + 1])
    comments += agent_notes

    served = mine.assign(ctype=mine["type"].map(type_map))
    served = served[served["ctype"].notna()]
    fits = fit_handle_times(served, by="ctype")
    handle, handle_notes = _handle_times(fits, handle_time_method, max_mean_error)
    comments += handle_notes
    for t in rates.columns:
        if str(t) not in handle:
            handle[str(t)] = _pooled_handle_time(served, handle_time_method, max_mean_error)
            comments.append(f"  {t}: under 2 served calls; uses the fit of all call types.")

    types = [str(t) for t in rates.columns]
    call_types = {
        t: {
            "arrivals": _arrivals(rates[t].to_numpy()[first : last + 1], interval),
            "path": [POOL],
        }
        for t in types
    }
    scenario: dict[str, Any] = {
        "name": name or _default_name(chosen),
        "horizon": _duration(horizon),
        "warmup": 0,
        "call_types": call_types,
    }
    queued = asking[asking["queued"]]
    patience = _patience(queued, asking, types, patience_by, patience_tolerance)
    scenario.update(patience.blocks(call_types))
    comments += patience.comments
    scenario["pools"] = {POOL: _pool(types, counts, handle, interval)}
    scenario["transfer"] = {"policy": "cold"}
    scenario["sla"] = {"answer": {"threshold": _duration(sla_threshold)}}
    comments += [
        "pools.agents: one pool for all call types; wrap-up (after-call work) is not in the "
        "log, so it is left at 0 (it is inside the service times if agents did it on line).",
        "transfer.policy cold: the log records no transfers; "
        f"sla.answer.threshold {_duration(sla_threshold)}.",
    ]
    return scenario, comments


def _arrivals(rates: np.ndarray, interval: float) -> dict[str, Any]:
    """A piecewise-constant arrivals block."""
    return {"interval": _duration(interval), "rates": [_rate(r) for r in rates]}


def _pool(
    types: list[str], counts: list[int], handle: dict[str, dict[str, object]], interval: float
) -> dict[str, Any]:
    """The single pool serving every call type."""
    return {
        "tier": 1,
        "agents": {"interval": _duration(interval), "counts": counts},
        "skills": types,
        "handle_time": {t: handle[t] for t in types},
    }


def _resolve_days(calls: pd.DataFrame, days: DaysArg) -> list[dt.date]:
    """Dates from a day spec or a list of dates; ValueError when none has calls."""
    if isinstance(days, str) or all(isinstance(d, str) for d in days):
        chosen = select_days(calls, days)  # type: ignore[arg-type]
    else:
        present = set(calls["date"])
        chosen = sorted(d for d in days if d in present)  # type: ignore[misc]
    if not chosen:
        raise ValueError(f"no calls on the chosen days {days!r}")
    return chosen


def _default_name(days: list[dt.date]) -> str:
    """A name saying which days were averaged."""
    if len(days) == 1:
        return f"Fitted day {days[0]:%Y-%m-%d}"
    return f"Fitted average of {len(days)} days, {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}"


def _header_comments(days: list[dt.date], source: str | None) -> list[str]:
    """Where the data came from and which days were averaged."""
    names = sorted({d.strftime("%a") for d in days}, key=_day_order)
    out = [f"Fitted by simcc.fit from {source or 'a call log'}."]
    out.append(
        f"Average day of {len(days)} day(s): {', '.join(f'{d:%y%m%d}' for d in days)} "
        f"({', '.join(names)})."
    )
    kinds = {n if n in ("Fri", "Sat") else "Sun–Thu" for n in names}
    if len(kinds) > 1:
        out.append(
            f"WARNING: the days mix {' / '.join(sorted(kinds))}, whose opening hours differ "
            "(Sun–Thu full days, Friday closes at 14:00, Saturday opens in the evening): "
            "the average day blends them."
        )
    return out


def _day_order(day_name: str) -> int:
    """Sort key for weekday abbreviations starting with Sunday (the bank's week)."""
    return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].index(day_name)


def _call_type_map(
    asking: pd.DataFrame, min_share: float, rare: str
) -> tuple[dict[str, str | None], list[str]]:
    """Log type → scenario call type (None = dropped), with notes on rare types."""
    counts = {str(t): int(n) for t, n in asking["type"].value_counts().items()}
    total = sum(counts.values())
    main = next(iter(counts))
    mapping: dict[str, str | None] = {}
    notes = [
        "call_types: one per log type; offered calls (queued or served; callers who hung up "
        "without queueing left at the voice-response unit and are not counted): "
        + ", ".join(f"{t} {n} ({n / total:.1%})" for t, n in counts.items())
        + "."
    ]
    for t, n in counts.items():
        if n >= min_share * total:
            mapping[t] = t
        elif rare == "merge":
            mapping[t] = main
            notes.append(f"  {t}: under {min_share:.0%} of calls, merged into {main}.")
        else:
            mapping[t] = None
            notes.append(f"  {t}: under {min_share:.0%} of calls, dropped ({n} calls).")
    return mapping, notes


def _span(total: np.ndarray, min_peak_share: float) -> tuple[int, int]:
    """First and last interval whose total rate reaches ``min_peak_share`` of the peak."""
    busy = np.nonzero(total >= min_peak_share * total.max())[0]
    if total.max() <= 0 or len(busy) == 0:
        raise ValueError("no arrivals on the chosen days")
    return int(busy[0]), int(busy[-1])


def _span_comments(
    asking: pd.DataFrame,
    start: float,
    horizon: float,
    interval: float,
    min_peak_share: float,
    n_rows: int,
) -> list[str]:
    """Explain the day's span, the start offset and what fell outside."""
    outside = int(((asking["arrival"] < start) | (asking["arrival"] >= start + horizon)).sum())
    offered_count = len(asking)
    left = n_rows - offered_count
    return [
        f"Time 0 of the scenario is {_clock(start)} on the clock (start offset "
        f"{_duration(start)} = {start:.0f} s): add it to scenario times to get clock times.",
        f"horizon {_duration(horizon)}: from {_clock(start)} to {_clock(start + horizon)}, the "
        f"first to the last {_duration(interval)} interval whose mean arrival rate reaches "
        f"{min_peak_share:.0%} of the peak; {outside} of {offered_count} offered calls "
        "fall outside and are left out.",
        f"  ({left} more calls on these days did not ask for an agent or were of a dropped type.)",
        f"arrivals: offered calls per {_duration(interval)} by arrival (= leaving the "
        "voice-response unit), per type, mean over the days (a day without calls counts as 0), "
        "in calls per hour; Poisson within each interval.",
    ]


def _agent_counts(agents: np.ndarray, total_rate: np.ndarray) -> tuple[list[int], list[str]]:
    """Staffing per interval; at least 1 where calls arrive, with the method's caveat."""
    raised = (agents < 1) & (total_rate > 0)
    counts = [int(a) for a in np.where(raised, 1, agents)]
    notes = [
        "pools.agents.agents: not in the log; per day and interval, the number of distinct "
        "agents with any service overlapping the interval, averaged over the days and rounded.",
        "  Bias: an agent who took one call in the interval counts for all of it (over), an "
        "agent on duty but idle all interval is missed (under).",
    ]
    if raised.any():
        notes.append(f"  {int(raised.sum())} interval(s) with calls but no agent raised to 1.")
    return counts, notes


def _handle_times(
    fits: dict[str, HandleTimeFit], method: str, max_mean_error: float
) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Handle-time blocks per call type and a note per fit."""
    blocks: dict[str, dict[str, object]] = {}
    notes = [
        "handle_time: lognormal by maximum likelihood on served calls with service > 0 and "
        "a named agent; KS = Kolmogorov–Smirnov distance, err = fitted mean / sample mean − 1."
    ]
    for t, fit in fits.items():
        use = method
        if method == "auto":
            use = "moments" if abs(fit.mean_rel_error) > max_mean_error else "mle"
        blocks[t] = fit.as_dist(use)
        chosen = (
            "MLE"
            if use == "mle"
            else "sample mean and cv (MLE mean off by more than "
            f"{max_mean_error:.0%}: short services skew the log scale)"
        )
        notes.append(
            f"  {t}: n={fit.n}, MLE mean {fit.mean:.1f} s cv {fit.cv:.2f}, sample mean "
            f"{fit.sample_mean:.1f} s cv {fit.sample_cv:.2f}, KS {fit.ks:.3f}, "
            f"err {fit.mean_rel_error:+.1%}; uses {chosen}."
        )
    return blocks, notes


def _pooled_handle_time(
    served: pd.DataFrame, method: str, max_mean_error: float
) -> dict[str, object]:
    """The handle-time block fitted to all call types together."""
    pooled = fit_handle_times(served.assign(all="all"), by="all")
    if not pooled:
        raise ValueError("no served calls with a service time on the chosen days")
    block, _ = _handle_times(pooled, method, max_mean_error)
    return block["all"]


# --------------------------------------------------------------------------- patience


class _Patience:
    """The scenario's patience blocks and the notes that explain them."""

    def __init__(self) -> None:
        self.customers: dict[str, Any] = {}
        self.segments: dict[str, dict[str, Any]] = {}
        self.per_type: dict[str, Any] = {}
        self.comments: list[str] = []

    def blocks(self, call_types: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """``segments`` and ``customers`` blocks; per-type patience goes into ``call_types``."""
        for t, dist in self.per_type.items():
            call_types[t]["patience"] = dist
        out: dict[str, Any] = {}
        if self.segments:
            out["segments"] = self.segments
        out["customers"] = self.customers
        return out


def _patience(
    queued: pd.DataFrame,
    asking: pd.DataFrame,
    types: list[str],
    by: str,
    tolerance: float,
) -> _Patience:
    """Fit patience (pooled, per segment, per type) and decide what goes where."""
    out = _Patience()
    out.comments += [
        "customers.patience: queued callers; an abandoner's wait is its patience, a served "
        "caller's wait a lower bound (right-censored). Exponential MLE θ = abandonments / total",
        "  waiting time, kept when within "
        f"{tolerance:.0%} (or 3 SE) of the Kaplan–Meier survival at its 5 %, 10 %, … quantiles;",
        "  else an empirical distribution of 100 values read off the KM curve (exponential tail "
        "past the wait that 50 callers reached).",
    ]
    pooled = _fit(queued, tolerance)
    out.comments.append(_describe("all queued callers", pooled))
    is_vip = queued["priority"] == PRIORITY_LEVEL
    share = float((asking["priority"] == PRIORITY_LEVEL).mean())
    std_fit = _fit(queued[~is_vip], tolerance)
    vip_fit = _fit(queued[is_vip], tolerance)
    differ = share > 0 and _differ(std_fit, vip_fit)
    for label, fit in (("standard (priority 0/1)", std_fit), ("priority (2)", vip_fit)):
        if fit is not None:
            out.comments.append(_describe(label, fit))
    if share > 0:
        out.segments = {
            "standard": {"share": round(1 - share, 4)},
            "priority": {"share": round(share, 4), "priority": 0},
        }
        out.comments.append(
            f"segments: priority customers (log priority 2) are {share:.1%} of offered calls. "
            "The bank gives them 1.5 min of credit in the queue; here they go first (priority 0)."
        )
    if by == "call_type":
        out.customers["patience"] = _dist(pooled)
        for t in types:
            fit = _fit(queued[queued["ctype"] == t], tolerance)
            out.per_type[t] = _dist(fit)
            out.comments.append(_describe(f"call type {t}", fit))
        out.comments.append(
            "call_types.*.patience: per-type patience, a key MODEL.md §6 does not define yet."
        )
    elif differ:
        out.customers["patience"] = _dist(std_fit)
        out.segments["priority"]["patience"] = _dist(vip_fit)
        out.comments.append(
            "  Segments differ (θ more than 3 SE and 10 % apart): standard patience in "
            "customers, priority patience in segments.priority."
        )
    else:
        out.customers["patience"] = _dist(pooled)
        out.comments.append("  Segments do not differ: one patience for all (pooled fit).")
    if by != "call_type":
        out.comments += [
            "  Per call type (for information; §6 has no per-type patience):",
            *(_describe(f"  {t}", _fit(queued[queued["ctype"] == t], tolerance)) for t in types),
        ]
    return out


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


def _dist(fit: PatienceFit | None) -> dict[str, object] | str:
    """The patience block of a fit; ``inf`` when nobody queued."""
    return "inf" if fit is None else fit.as_dist()


def _describe(label: str, fit: PatienceFit | None) -> str:
    """One comment line with a patience fit's numbers and the choice made."""
    if fit is None:
        return f"  {label}: nobody queued; patience inf."
    if fit.theta == 0:
        return f"  {label}: {fit.n_queued} queued, no abandonment; patience inf."
    choice = "exponential" if fit.exponential_ok else "empirical (KM)"
    median = _km_median(fit)
    return (
        f"  {label}: {fit.n_queued} queued, {fit.n_abandoned} abandoned; exponential mean "
        f"{fit.mean:.0f} s (±{fit.theta_se / fit.theta:.0%}); KM median {median}; worst gap "
        f"{fit.max_gap:.3f} (allowed {fit.gap_allowed:.3f}) → {choice}."
    )


def _km_median(fit: PatienceFit) -> str:
    """The KM median patience, or 'not reached'."""
    if fit.km is None:
        return "n/a"
    q = fit.km.quantile(0.5)
    return "not reached" if np.isnan(q) or q > fit.reliable_until else f"{q:.0f} s"


# --------------------------------------------------------------------------- formatting


def _duration(seconds: float) -> str:
    """Seconds as the scenario's duration string: ``17h``, ``30m``, ``45s``."""
    s = round(float(seconds), 3)
    if s and s % 3600 == 0:
        return f"{int(s // 3600)}h"
    if s and s % 60 == 0:
        return f"{int(s // 60)}m"
    return f"{s:g}s"


def _rate(per_hour: float) -> str:
    """A rate as ``"12.5/h"``."""
    return f"{round(float(per_hour), 2):g}/h"


def _clock(seconds: float) -> str:
    """Seconds since midnight as ``HH:MM``."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _ScenarioDumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaf mappings and lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_leaf(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = all(_is_leaf(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=all(map(_is_scalar, data))
    )


_ScenarioDumper.add_representer(dict, _represent_dict)
_ScenarioDumper.add_representer(list, _represent_list)


def dump_yaml_with_comments(
    scenario: dict[str, Any], comments: Sequence[str], width: int = 100
) -> str:
    """The scenario as YAML under a ``#`` comment header.

    Each comment becomes one or more ``#`` lines (long ones are wrapped, keeping
    their indent); ``yaml.safe_load`` of the result gives ``scenario`` back.
    """
    header = "".join(f"# {line}\n" for text in comments for line in _wrap(text, width - 2))
    body = yaml.dump(
        scenario,
        Dumper=_ScenarioDumper,
        sort_keys=False,
        allow_unicode=True,
        width=width,
    )
    return header + ("\n" if header else "") + body


def _wrap(text: str, width: int) -> list[str]:
    """Wrap one comment to ``width``, continuation lines indented 2 more than the first."""
    indent = " " * (len(text) - len(text.lstrip()))
    lines = textwrap.wrap(
        text.strip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )
    return lines or [""]


# --------------------------------------------------------------------------- observed


def observed_metrics(
    calls: pd.DataFrame,
    day: dt.date | str,
    *,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
    span: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The log's own metrics for one day, named as in MODEL.md §4.

    ``offered`` = calls that asked for an agent: queued, or served at once
    (callers who hung up without queueing left at the voice-response unit and
    are counted apart as ``left_before_queue``). ``abandoned`` = offered calls
    that hung up (HANG). ``abandonment_rate`` = abandoned / offered. ``asa`` =
    mean wait of answered calls, unqueued ones counting 0. ``service_level`` =
    answered with wait ≤ ``threshold`` / (offered − abandoned with wait ≤
    ``short_abandon``; none when it is 0). ``span`` = (from, to) seconds since
    midnight keeps only calls arriving in [from, to).
    """
    when = _parse_day(day)
    mine = calls[calls["date"] == when]
    if span is not None:
        mine = mine[(mine["arrival"] >= span[0]) & (mine["arrival"] < span[1])]
    asked = mine[offered(mine)]
    answered = asked[asked["outcome"] == "AGENT"]
    abandoned = asked[asked["outcome"] == "HANG"]
    short = int((abandoned["wait"] <= short_abandon).sum()) if short_abandon > 0 else 0
    base = len(asked) - short
    waits = answered["wait"].where(answered["queued"], 0.0)
    return {
        "date": when,
        "offered": len(asked),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "left_before_queue": len(mine) - len(asked),
        "abandonment_rate": len(abandoned) / len(asked) if len(asked) else float("nan"),
        "asa": float(waits.mean()) if len(answered) else float("nan"),
        "service_level": float((waits <= threshold).sum() / base) if base else float("nan"),
    }


def observed_metrics_table(calls: pd.DataFrame, days: DaysArg, **kwargs: Any) -> pd.DataFrame:
    """:func:`observed_metrics` for each chosen day, one row per day."""
    rows = [observed_metrics(calls, d, **kwargs) for d in _resolve_days(calls, days)]
    return pd.DataFrame(rows).set_index("date")


def _parse_day(day: dt.date | str) -> dt.date:
    """A date, or ``YYMMDD`` / ``YYYY-MM-DD`` text."""
    if isinstance(day, dt.date):
        return day
    for fmt in ("%y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"cannot read day {day!r}: use YYMMDD or YYYY-MM-DD")
