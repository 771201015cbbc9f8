"""Estimate a contact centre's model inputs from its calls table.

Pure functions of the table made by :mod:`simcc.fit.logs`: no I/O, no state.

* **Which calls count.** A call is *offered* to the agents when it asked for
  one: it entered the queue or was served (:func:`offered`). Calls that hung up
  without ever queueing left at the voice-response unit (many of them at night
  or while the centre was closed) and are not offered.
* **Arrival rates** per call type and half hour: offered calls counted by the
  half hour of their arrival, divided by the number of chosen days (a day with
  no call in a half hour counts as zero), in calls per hour.
* **Handle time**: lognormal maximum likelihood on served calls with a
  positive service time and a named agent, with the Kolmogorov–Smirnov
  distance and the error of the fitted mean as fit quality.
* **Patience** is censored: an abandoner's wait is its patience, a served
  caller's wait is only a lower bound. Two estimators on the queued calls:
  the exponential MLE θ̂ = abandonments / total waiting time (SE θ̂/√d) and the
  Kaplan–Meier curve. The exponential is kept when it stays close to the KM
  curve at the KM quantiles (:func:`fit_patience`), otherwise patience is an
  empirical distribution read off the KM curve.
  As an option, a hazard with a change point (:func:`change_point_patience`):
  one exponential rate before :data:`CHANGE_POINT` (the bank's announcement
  at 60 s) and another after it, written as empirical values.
* **Agents on duty** are not in the log; :func:`infer_agents` counts distinct
  agents with any service overlapping each half hour (an overcount; the
  builder uses :mod:`simcc.fit.staffing` instead).
* **Priority customers**: the share among queued calls (:func:`priority_share`),
  the only ones whose priority the bank's log records.
* **Days**: :func:`select_days` understands dates, ranges, weekday names.
  The bank is in Israel: its full working days are Sunday to Thursday
  (``weekdays``); Friday it closes at 14:00 and Saturday it opens only in the
  evening after the Sabbath (``weekend``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from simcc.fit.logs import NO_SERVER, UnfittableLog
from simcc.fit.options import HALF_HOUR

__all__ = [
    "CHANGE_POINT",
    "HALF_HOUR",
    "WEEKDAYS",
    "DaysArg",
    "HandleTimeFit",
    "KaplanMeier",
    "PatienceFit",
    "arrival_rates",
    "change_point_patience",
    "change_point_values",
    "estimable",
    "exponential_patience",
    "fit_handle_times",
    "fit_lognormal",
    "fit_patience",
    "infer_agents",
    "kaplan_meier",
    "offered",
    "on_days",
    "outlier_lines",
    "priority_share",
    "resolve_days",
    "select_days",
]

DaysArg = str | Sequence[str] | Sequence[dt.date]
"""Days as :func:`select_days` takes them, or a list of dates."""

WEEKDAYS: dict[str, int] = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_GROUPS: dict[str, tuple[str, ...]] = {
    "weekdays": ("sun", "mon", "tue", "wed", "thu"),
    "weekend": ("fri", "sat"),
}


# --------------------------------------------------------------------------- days


def select_days(calls: pd.DataFrame, spec: str | Sequence[str]) -> list[dt.date]:
    """The dates of ``calls`` that match ``spec`` (union of its items), sorted.

    Items: ``all``; a date ``YYMMDD`` (or ``YYYY-MM-DD``); a range
    ``YYMMDD-YYMMDD`` (inclusive); a weekday ``mon``…``sun`` (or its full name);
    ``weekdays`` = Sunday–Thursday, the bank's full working days; ``weekend`` =
    Friday and Saturday. A string is split on commas. Unknown items raise
    :class:`ValueError`.
    """
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    present = sorted(set(calls["date"]))
    chosen: set[dt.date] = set()
    for item in (s.strip().lower() for s in items):
        if not item:
            continue
        _matches(item, dt.date(2000, 1, 1))  # raises on an unknown item, data or not
        chosen.update(d for d in present if _matches(item, d))
    return sorted(chosen)


def _matches(item: str, day: dt.date) -> bool:
    """Whether one day-spec item selects ``day``."""
    if item == "all":
        return True
    if item in _GROUPS:
        return any(_matches(name, day) for name in _GROUPS[item])
    name = item[:3]
    if item.isalpha() and name in WEEKDAYS and _is_weekday_name(item):
        return day.weekday() == WEEKDAYS[name]
    if "-" in item and len(item) == 13:
        first, last = (_parse_date(part) for part in item.split("-"))
        if first > last:
            raise ValueError(f"day range {item!r} ends before it starts")
        return first <= day <= last
    return day == _parse_date(item)


def _is_weekday_name(item: str) -> bool:
    """``mon``, ``monday``, ``tues``… but not arbitrary words starting like a day."""
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(f.startswith(item) for f in full)


def _parse_date(text: str) -> dt.date:
    """``YYMMDD`` or ``YYYY-MM-DD``; ValueError with the accepted forms otherwise."""
    for fmt in ("%y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"cannot read day {text!r}: use YYMMDD, YYMMDD-YYMMDD, mon..sun, weekdays, weekend or all"
    )


def resolve_days(calls: pd.DataFrame, days: DaysArg) -> list[dt.date]:
    """Dates from a :func:`select_days` spec or a list of dates; ValueError when none has calls."""
    if isinstance(days, str) or all(isinstance(d, str) for d in days):
        chosen = select_days(calls, days)  # type: ignore[arg-type]
    else:
        present = set(calls["date"])
        chosen = sorted(d for d in days if d in present)  # type: ignore[misc]
    if not chosen:
        raise ValueError(f"no calls on the chosen days {days!r}")
    return chosen


def estimable(calls: pd.DataFrame) -> pd.DataFrame:
    """The calls fit to estimate from: all but the loader's outliers (column ``outlier``,
    see :mod:`simcc.fit.logs`; a table without that column has none)."""
    if "outlier" not in calls:
        return calls
    return calls[~calls["outlier"].to_numpy(dtype=bool)]


def outlier_lines(calls: pd.DataFrame) -> list[int]:
    """File lines of the outliers among ``calls`` (see :func:`estimable`)."""
    if "outlier" not in calls or "line" not in calls:
        return []
    return [int(n) for n in calls.loc[calls["outlier"].to_numpy(dtype=bool), "line"]]


def on_days(calls: pd.DataFrame, days: Iterable[dt.date]) -> pd.DataFrame:
    """The calls made on the given days."""
    return calls[calls["date"].isin(list(days))]


def offered(calls: pd.DataFrame) -> pd.Series:
    """Mask of calls that asked for an agent: queued, or served (possibly at once)."""
    return calls["queued"] | (calls["outcome"] == "AGENT")


# --------------------------------------------------------------------------- arrivals


def arrival_rates(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    interval: float = HALF_HOUR,
    by: str = "type",
) -> pd.DataFrame:
    """Mean offered calls per hour by interval of the day (rows) and ``by`` (columns).

    Row labels are interval starts in seconds since midnight; every interval
    from midnight to the last arrival is present. Rates are averaged over all
    ``days``, including days without calls in that interval.
    """
    if not days:
        raise ValueError("no days to average over")
    mine = on_days(calls, days)
    mine = mine[offered(mine)]
    slot = (mine["arrival"] // interval).astype(int)
    counts = mine.groupby([slot, mine[by]]).size().unstack(fill_value=0)
    last = max(int(slot.max()) if len(slot) else 0, _slots_per_day(interval) - 1)
    counts = counts.reindex(range(last + 1), fill_value=0)
    rates = counts * (3600.0 / interval) / len(days)
    rates.index = rates.index * interval
    rates.index.name = "start"
    rates.columns.name = by
    return rates.astype(float)


def _slots_per_day(interval: float) -> int:
    """Number of intervals in a day."""
    return int(np.ceil(86_400.0 / interval))


# --------------------------------------------------------------------------- handle time


@dataclass(frozen=True)
class HandleTimeFit:
    """A lognormal fitted by maximum likelihood, with its fit quality.

    ``mean`` and ``cv`` are the fitted distribution's (the scenario's
    ``{dist: lognormal, mean, cv}``); ``sample_mean`` is the data's;
    ``mean_rel_error`` = mean / sample_mean − 1; ``ks`` the Kolmogorov–Smirnov
    distance between the data and the fit (the log's whole seconds make it a
    little larger than for continuous data).
    """

    n: int
    mu: float
    sigma: float
    mean: float
    cv: float
    sample_mean: float
    sample_cv: float
    mean_rel_error: float
    ks: float

    def as_dist(self, method: str = "mle", digits: int = 1) -> dict[str, object]:
        """The scenario's block: the MLE lognormal, or (``moments``) the lognormal
        with the sample's mean and cv, which keeps the offered load exact."""
        if method not in ("mle", "moments"):
            raise ValueError(f"method must be 'mle' or 'moments', not {method!r}")
        mean, cv = (self.mean, self.cv) if method == "mle" else (self.sample_mean, self.sample_cv)
        return {"dist": "lognormal", "mean": round(mean, digits), "cv": round(cv, 3)}


def fit_lognormal(values: npt.ArrayLike) -> HandleTimeFit:
    """Lognormal MLE: μ̂, σ̂ = mean and (1/n) standard deviation of log values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2 or np.any(x <= 0):
        raise ValueError("a lognormal fit needs at least two positive values")
    logs = np.log(x)
    mu, sigma = float(logs.mean()), float(logs.std())
    mean = float(np.exp(mu + sigma**2 / 2))
    cv = float(np.sqrt(np.expm1(sigma**2)))
    ks = float(stats.kstest(x, stats.lognorm(s=sigma, scale=np.exp(mu)).cdf).statistic)
    sample_mean = float(x.mean())
    return HandleTimeFit(
        n=len(x),
        mu=mu,
        sigma=sigma,
        mean=mean,
        cv=cv,
        sample_mean=sample_mean,
        sample_cv=float(x.std(ddof=1) / sample_mean),
        mean_rel_error=mean / sample_mean - 1,
        ks=ks,
    )


def handled(calls: pd.DataFrame, named_agent_only: bool = True) -> pd.DataFrame:
    """Served calls with a positive service time (and, by default, a named agent).

    The bank's log has a few hundred "served" calls with no agent and a
    service of a few seconds; they are not agent work and would bias the fit.
    """
    mask = (calls["outcome"] == "AGENT") & (calls["service"] > 0)
    if named_agent_only:
        mask &= calls["server"] != NO_SERVER
    return calls[mask]


def fit_handle_times(
    calls: pd.DataFrame, by: str = "type", named_agent_only: bool = True
) -> dict[str, HandleTimeFit]:
    """A lognormal handle-time fit per value of ``by`` (groups of < 2 calls left out)."""
    served = handled(calls, named_agent_only)
    return {
        str(key): fit_lognormal(group["service"])
        for key, group in served.groupby(by)
        if len(group) >= 2
    }


# --------------------------------------------------------------------------- patience


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier survival curve of right-censored durations.

    ``times`` are the distinct event times; ``survival[i]`` is S just after
    ``times[i]``; ``std_err`` is Greenwood's. The curve is known up to
    ``max_time``, the largest observation (event or censored).
    """

    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray
    max_time: float

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """S(t) (right-continuous step function; 1 before the first event)."""
        idx = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right") - 1
        surv = np.concatenate([[1.0], self.survival])
        return surv[idx + 1]

    def std_err_at(self, t: float | np.ndarray) -> np.ndarray:
        """Greenwood standard error of S(t)."""
        idx = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right") - 1
        se = np.concatenate([[0.0], self.std_err])
        return se[idx + 1]

    def quantile(self, p: float) -> float:
        """Smallest event time with S ≤ 1 − p; NaN when the curve never gets there."""
        hit = np.nonzero(self.survival <= 1 - p + 1e-12)[0]
        return float(self.times[hit[0]]) if len(hit) else float("nan")

    @property
    def last_survival(self) -> float:
        """S after the last event (1 when there is none)."""
        return float(self.survival[-1]) if len(self.survival) else 1.0


def kaplan_meier(durations: npt.ArrayLike, observed: npt.ArrayLike) -> KaplanMeier:
    """Kaplan–Meier estimate: S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ).

    ``observed`` is True for an event (an abandonment) and False for a
    right-censored duration (a served caller's wait). At a tie, censored
    durations count as still at risk at that time.
    """
    x = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if x.shape != e.shape or len(x) == 0:
        raise ValueError("durations and observed must be non-empty and of equal length")
    times = np.unique(x[e])
    at_risk = len(x) - np.searchsorted(np.sort(x), times, side="left")
    events = np.searchsorted(np.sort(x[e]), times, side="right") - np.searchsorted(
        np.sort(x[e]), times, side="left"
    )
    survival = np.cumprod(1 - events / at_risk)
    with np.errstate(divide="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
    with np.errstate(invalid="ignore"):
        std_err = np.where(survival > 0, survival * np.sqrt(np.cumsum(terms)), 0.0)
    return KaplanMeier(
        times=times,
        at_risk=at_risk.astype(int),
        events=events.astype(int),
        survival=survival,
        std_err=std_err,
        max_time=float(x.max()),
    )


def exponential_patience(waits: npt.ArrayLike, abandoned: npt.ArrayLike) -> tuple[float, float]:
    """Censored exponential MLE of the abandonment rate: θ̂ = d / Σ waits, SE θ̂/√d.

    Returns (θ̂ per second, its standard error); θ̂ = 0 when nobody abandoned.
    """
    w = np.asarray(waits, dtype=float)
    d = int(np.sum(np.asarray(abandoned, dtype=bool)))
    total = float(w.sum())
    if d == 0:
        return 0.0, 0.0
    if total <= 0:
        raise UnfittableLog("abandonments with zero total waiting time: θ is unbounded")
    theta = d / total
    return theta, theta / np.sqrt(d)


CHANGE_POINT = 60.0
"""Where the patience hazard may change (seconds): the Anonymous Bank plays its
announcement at 60 s, and the month's hazard has a bump at 50–60 s."""


def change_point_patience(
    waits: npt.ArrayLike, abandoned: npt.ArrayLike, at: float = CHANGE_POINT
) -> tuple[float, float]:
    """Censored MLE of a hazard that changes at ``at``: (rate before, rate after), per second.

    Each piece is a censored exponential on its own exposure: θ₁ = abandonments
    at waits ≤ ``at`` / Σ min(wait, ``at``), θ₂ = abandonments past ``at`` /
    Σ max(wait − ``at``, 0). A piece with no abandonment or no exposure gets the
    single exponential rate of :func:`exponential_patience` (0 when nobody
    abandoned at all).
    """
    w = np.asarray(waits, dtype=float)
    a = np.asarray(abandoned, dtype=bool)
    theta, _ = exponential_patience(w, a)
    rates = []
    for events, exposure in (
        (int(np.sum(a & (w <= at))), float(np.minimum(w, at).sum())),
        (int(np.sum(a & (w > at))), float(np.maximum(w - at, 0.0).sum())),
    ):
        rates.append(events / exposure if events and exposure > 0 else theta)
    return rates[0], rates[1]


def change_point_values(
    before: float, after: float, at: float = CHANGE_POINT, n: int = 100
) -> list[float]:
    """``n`` patience values at probabilities (i − ½)/n of the hazard ``before`` up to ``at``
    and ``after`` past it (rates per second, both positive): the quantiles of
    H(t) = before·min(t, at) + after·max(t − at, 0) = −ln(1 − p)."""
    out = []
    for p in (np.arange(n) + 0.5) / n:
        h = -np.log(1 - p)
        out.append(h / before if h <= before * at else at + (h - before * at) / after)
    return [float(v) for v in out]


@dataclass(frozen=True)
class PatienceFit:
    """Patience of one group of callers, estimated from censored waits.

    ``theta`` (per second) and ``theta_se`` are the exponential MLE;
    ``exponential_ok`` says whether it was kept (see :func:`fit_patience`):
    ``max_gap`` is |S_KM − S_exp| at the worst checkpoint and ``gap_allowed``
    the tolerance there. ``reliable_until`` is the wait up to which the KM
    curve is trusted (at least ``min_at_risk`` callers waited that long);
    ``tail_theta`` the exponential rate used beyond it. ``values`` is the
    empirical distribution read off the KM curve (used when the exponential
    is rejected). ``hazards`` are the rates before and after :data:`CHANGE_POINT`
    (:func:`change_point_patience`) and ``change_point_values`` their distribution
    (used with ``patience_estimator="change_point"``).
    """

    n_queued: int
    n_abandoned: int
    total_wait: float
    theta: float
    theta_se: float
    km: KaplanMeier | None
    reliable_until: float
    tail_theta: float
    max_gap: float
    gap_allowed: float
    exponential_ok: bool
    values: tuple[float, ...]
    hazards: tuple[float, float] = (0.0, 0.0)
    change_point_values: tuple[float, ...] = ()

    @property
    def mean(self) -> float:
        """Mean patience of the exponential fit, seconds (inf with no abandonment)."""
        return 1 / self.theta if self.theta > 0 else float("inf")

    def uses_exponential(self, use: str = "auto") -> bool:
        """Whether :meth:`as_dist` writes the exponential (else the empirical KM values).

        ``use``: ``auto`` (the exponential when it was kept), ``exponential``,
        ``km`` or ``change_point`` (see :class:`~simcc.fit.options.FitOptions`).
        """
        if use not in ("auto", "exponential", "km", "change_point"):
            raise ValueError(
                f"use must be 'auto', 'exponential', 'km' or 'change_point', not {use!r}"
            )
        return use == "exponential" or (use == "auto" and self.exponential_ok)

    def as_dist(self, digits: int = 1, use: str = "auto") -> dict[str, object] | str:
        """The scenario's patience: exponential, empirical or ``"inf"`` (``use``: see
        :meth:`uses_exponential`)."""
        if self.theta == 0:
            return "inf"
        if self.uses_exponential(use):
            return {"dist": "exponential", "mean": round(self.mean, digits)}
        values = self.change_point_values if use == "change_point" else self.values
        return {"dist": "empirical", "values": [round(v, digits) for v in values]}


def fit_patience(
    waits: npt.ArrayLike,
    abandoned: npt.ArrayLike,
    *,
    tolerance: float = 0.02,
    z: float = 3.0,
    min_at_risk: int = 50,
    n_values: int = 100,
) -> PatienceFit:
    """Fit patience to queued callers' waits (abandoned = observed, else censored).

    The KM curve is trusted up to the wait that at least ``min_at_risk``
    callers reached (its far tail rests on a handful of callers and drops to
    zero at the last abandonment). The exponential is kept when, at each KM
    quantile p = 0.05, 0.10, … reached within that range and at its end,
    |S_KM(t) − e^(−θ̂t)| ≤ max(``tolerance``, ``z`` × Greenwood SE): within
    ``tolerance`` in survival probability (the share of callers), or within
    noise. Otherwise the empirical values of :func:`km_values` are used.
    """
    w = np.asarray(waits, dtype=float)
    a = np.asarray(abandoned, dtype=bool)
    theta, se = exponential_patience(w, a)
    if not a.any():
        return PatienceFit(
            len(w), 0, float(w.sum()), 0.0, 0.0, None, float(w.max(initial=0.0)), 0.0, 0.0,
            tolerance, True, (),
        )  # fmt: skip
    km = kaplan_meier(w, a)
    until = _reliable_until(w, min_at_risk)
    checks = _checkpoints(km, until)
    gaps = np.abs(km.at(checks) - np.exp(-theta * checks))
    allowed = np.maximum(tolerance, z * km.std_err_at(checks))
    worst = int(np.argmax(gaps - allowed))
    tail = _tail_theta(w, a, until) or theta
    hazards = change_point_patience(w, a)
    return PatienceFit(
        n_queued=len(w),
        n_abandoned=int(a.sum()),
        total_wait=float(w.sum()),
        theta=theta,
        theta_se=se,
        km=km,
        reliable_until=until,
        tail_theta=tail,
        max_gap=float(gaps[worst]),
        gap_allowed=float(allowed[worst]),
        exponential_ok=bool(np.all(gaps <= allowed)),
        values=tuple(km_values(km, until, tail, n_values)),
        hazards=hazards,
        change_point_values=tuple(change_point_values(*hazards, n=n_values)),
    )


def _reliable_until(waits: np.ndarray, min_at_risk: int) -> float:
    """The largest wait that at least ``min_at_risk`` callers reached (all, if fewer)."""
    ordered = np.sort(waits)
    k = max(len(ordered) - min_at_risk, 0)
    return float(ordered[k])


def _tail_theta(waits: np.ndarray, abandoned: np.ndarray, start: float) -> float:
    """Exponential rate of the callers who waited past ``start``, from there on (0 if none)."""
    beyond = waits > start
    time = float(np.sum(waits[beyond] - start))
    events = int(np.sum(abandoned & beyond))
    return events / time if events and time > 0 else 0.0


def _checkpoints(km: KaplanMeier, until: float) -> np.ndarray:
    """KM quantiles at p = 0.05, 0.10, … reached by ``until``, plus ``until`` itself."""
    s_end = float(km.at(until))
    ps = np.arange(0.05, 1.0, 0.05)
    qs = [km.quantile(p) for p in ps if 1 - p >= s_end - 1e-12]
    return np.unique(np.array([*qs, until], dtype=float))


def km_values(km: KaplanMeier, until: float, tail_theta: float, n: int = 100) -> list[float]:
    """``n`` patience values at probabilities (i − ½)/n read off the KM curve.

    Up to ``until`` (where the curve is trusted) a value is the KM quantile;
    beyond — most callers are served, so S stays high — it is extrapolated
    with an exponential tail: until + ln(S(until) / (1 − p)) / ``tail_theta``.
    """
    s_end = float(km.at(until))
    out = []
    for p in (np.arange(n) + 0.5) / n:
        if 1 - p >= s_end:
            out.append(km.quantile(p))
        else:
            out.append(until + np.log(s_end / (1 - p)) / tail_theta)
    return [float(v) for v in out]


# --------------------------------------------------------------------------- agents


def infer_agents(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    interval: float = HALF_HOUR,
    *,
    rounded: bool = True,
) -> pd.Series:
    """Distinct agents who served calls in each interval of the day.

    For each day and interval, count the distinct named agents with a service
    overlapping the interval (a service [start, end) touches every interval
    from the one holding its start to the one holding its end); average over
    ``days`` (zero where nobody served) and round (unless ``rounded`` is
    false). Biased both ways: an agent who took a single call in the interval
    counts as on duty for all of it (overcount), an agent on duty but idle —
    or in a break, training, outbound work — for the whole interval is missed
    (undercount). In the Anonymous Bank log the first bias wins by far: the
    count is about twice the capacity callers saw. The scenario builder uses
    :func:`simcc.fit.staffing.infer_staffing` instead; this is its
    ``distinct`` method.
    """
    if not days:
        raise ValueError("no days to average over")
    mine = on_days(calls, days)
    mine = mine[(mine["server"] != NO_SERVER) & mine["ser_start"].notna()]
    start = mine["ser_start"].to_numpy(dtype=float)
    end = np.maximum(mine["ser_exit"].fillna(mine["ser_start"]).to_numpy(dtype=float), start)
    first = (start // interval).astype(int)
    last = np.maximum(np.ceil(end / interval).astype(int) - 1, first)
    reps = last - first + 1
    slots = np.repeat(first, reps) + _ranges(reps)
    busy = pd.DataFrame(
        {
            "date": np.repeat(mine["date"].to_numpy(), reps),
            "slot": slots,
            "server": np.repeat(mine["server"].to_numpy(), reps),
        }
    ).drop_duplicates()
    per_day = busy.groupby(["slot", "date"]).size().unstack(fill_value=0)
    top = max(_slots_per_day(interval), int(slots.max()) + 1 if len(slots) else 0)
    per_day = per_day.reindex(index=range(top), columns=list(days), fill_value=0)
    mean = per_day.mean(axis=1)
    if rounded:
        mean = mean.round().astype(int)
    mean.index = mean.index * interval
    mean.index.name = "start"
    return mean


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(k) for each k in ``lengths``."""
    if len(lengths) == 0:
        return np.zeros(0, dtype=int)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(int(lengths.sum())) - offsets


# --------------------------------------------------------------------------- segments


def priority_share(calls: pd.DataFrame, level: int = 2, queued_only: bool = True) -> float:
    """Share of priority customers (``priority == level``) among offered calls.

    With ``queued_only`` (the default) the share is taken among calls that
    queued. The Anonymous Bank log records the priority (and the customer
    id) only for calls that queued: a call answered at once shows priority 0
    whoever made it. Whether a call queues depends on whether an agent was
    free when it arrived, not on its priority, so the queued calls are a fair
    sample of the mix.
    """
    mine = calls[offered(calls)]
    if queued_only:
        mine = mine[mine["queued"]]
    return float((mine["priority"] == level).mean()) if len(mine) else 0.0
