"""How metrics read to a planner: percentages, seconds or minutes, money, counts.

Labels and footnotes are defined here once, for the console and the report
alike.  Money shows with an optional currency (``currency="€"`` →
``€9.66``; a code such as ``"EUR"`` follows the number: ``9.66 EUR``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simcc.analysis.stats import Estimate

COUNTS = {"arrived", "offered", "abandoned", "answered", "unfinished"}
TIMES = {
    "asa",
    "mean_hold_time",
    "mean_transfer_wait",
    "time_to_escalation",
    "resolution_time",
    "resolution_time_after_escalation",
    "case_resolution_time",
}
MONEY = {
    "cost_per_contact",
    "cost_per_resolved_case",
    "cost_per_escalated_contact",
    "cost_per_unescalated_contact",
    "penalty_cost_per_contact",
}
PLAIN = {"customer_effort"}

LABELS = {
    "arrived": "Arrived contacts",
    "offered": "Offered contacts",
    "abandoned": "Abandoned contacts",
    "answered": "Answered contacts",
    "unfinished": "Unfinished at drain limit",
    "abandonment_rate": "Abandonment (all)",
    "abandonment_queue_rate": "  in first queue",
    "abandonment_hold_rate": "  on hold in transfer",
    "abandonment_transfer_rate": "  in queue after transfer",
    "fcr": "First-contact resolution",
    "first_touch_resolution": "First-touch resolution",
    "escalation_rate": "Escalation rate",
    "repeat_escalation_rate": "Repeat escalation",
    "recontact_rate": "Re-contact rate",
    "service_level": "Service level",
    "escalation_sla_rate": "Escalation SLA met",
    "sla_compliance": "SLA compliance",
    "asa": "ASA (answer wait)",
    "mean_hold_time": "Mean hold in transfer",
    "customer_effort": "Customer effort (tellings)",
    "cost_per_contact": "Cost per contact",
    "cost_per_resolved_case": "Cost per resolved case",
    "time_to_escalation": "Time to escalation",
    "resolution_time": "Resolution time",
    "resolution_time_after_escalation": "  after escalation",
    "case_resolution_time": "Case resolution time",
    "resolution_sla_rate": "Resolution SLA met",
    "complaint_rate": "Complaint rate",
    "transfer_success_rate": "Transfer success (first try)",
    "cost_per_escalated_contact": "Cost per escalated contact",
    "cost_per_unescalated_contact": "Cost per unescalated contact",
    "penalty_cost_per_contact": "SLA penalty per contact",
    "containment_rate": "Contained by the front door",
    "virtual_hold_rate": "Accepted a call back at arrival",
    "callback_unreached_rate": "Callback unreached",
    "mean_transfer_wait": "Mean wait after hand-off",
    "overflow_rate": "Answered by overflow pool",
}

LOWER_BOUND = {"customer_effort": 1.0}
"""Metrics whose smallest possible value is not 0 (every contact tells its story once)."""

ANSWERED_NOTE = (
    "Answered + abandoned can exceed offered: a contact answered at the front and later "
    "lost on hold or in a later queue counts in both."
)
"""Footnote for any table that shows answered, abandoned and offered contacts."""

CLIPPED_NOTE = (
    "A confidence bound past what the quantity can take (below 0, or above 100\u00a0% for a "
    "share) is shown at that limit."
)
"""Footnote for a table where :func:`interval` clipped a bound (see :func:`clipped`)."""

ONE_SIDED_NOTE = (
    "x (≤ b): the 95 % CI runs from the least the quantity can take (0) to b; x (≥ b): from b "
    "to the most (100\u00a0% for a share). Shown where x ± the half-width would pass them."
)
"""Footnote for a table where :func:`plus_minus` showed a one-sided bound."""

SIGNIFICANT_NOTE = "* the 95% CI of the paired difference excludes zero"
"""Footnote for the mark after a paired difference whose interval excludes zero."""


def kind(name: str) -> str:
    """``count``, ``time``, ``money``, ``plain`` or ``rate`` (a fraction shown in %)."""
    if name in COUNTS:
        return "count"
    if name in TIMES or name.startswith("aht_"):
        return "time"
    if name in MONEY:
        return "money"
    if name in PLAIN:
        return "plain"
    return "rate"


def amount(metric: str, text: str) -> float:
    """A value of ``metric`` as typed on the command line: a time with or without a unit
    (``30s``, ``2m``; a bare number is seconds), anything else a number, which for a rate
    may be a percentage (``5%`` is 0.05).  ValueError if it is not one."""
    from simcc.units import parse_duration, parse_share

    text = text.strip()
    if kind(metric) == "time":
        return parse_duration(text)
    if kind(metric) == "rate":
        return parse_share(text)
    value = float(text)
    if math.isnan(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def label(name: str) -> str:
    """Readable label of a metric (the metric name itself for unknown ones)."""
    if name in LABELS:
        return LABELS[name]
    for prefix, text in (
        ("aht_", "AHT"),
        ("occupancy_", "Occupancy"),
        ("resolution_sla_rate_", "Resolution SLA met at"),
    ):
        if name.startswith(prefix):
            return f"{text} {name[len(prefix) :]}"
    if name.startswith("transfer_time_share_"):
        pool = name[len("transfer_time_share_") :]
        return f"{pool[:1].upper()}{pool[1:]} time in consult/conference"
    return name


def title(name: str) -> str:
    """A label that stands alone (a chart title): ``Abandonment in first queue``,
    ``Resolution time after escalation`` (:func:`full_label`)."""
    return full_label(name)


def opening_seconds(opens_at: object) -> float | None:
    """When the centre opens, in seconds after midnight: ``"08:00"``, a ``datetime.time``,
    or seconds (None: not given, times stay in hours since opening)."""
    if opens_at is None:
        return None
    if isinstance(opens_at, int | float):
        return float(opens_at)
    if hasattr(opens_at, "hour") and hasattr(opens_at, "minute"):
        return 3600.0 * opens_at.hour + 60.0 * opens_at.minute  # type: ignore[attr-defined]
    hours, _, minutes = str(opens_at).strip().partition(":")
    try:
        return 3600.0 * int(hours) + 60.0 * int(minutes or 0)
    except ValueError:
        raise ValueError(f"opening time {opens_at!r} is not HH:MM") from None


def clock(seconds: float, opens_at: object) -> str:
    """A time since opening as the clock shows it (``09:30``), or ``1.5 h`` with no opening."""
    start = opening_seconds(opens_at)
    if start is None:
        return f"{seconds / 3600:g} h"
    minutes = round((start + seconds) / 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def display_order(names: list[str]) -> list[str]:
    """Metric names in table order, the escalation rate moved next to the consult/conference
    time of the pools (one is the share of contacts handed on, the other the share of
    agents' time the hand-offs take)."""
    shares = [n for n in names if n.startswith("transfer_time_share_")]
    if not shares or "escalation_rate" not in names:
        return list(names)
    rest = [n for n in names if n != "escalation_rate"]
    at = rest.index(shares[0])
    return [*rest[:at], "escalation_rate", *rest[at:]]


def bounds(name: str) -> tuple[float, float]:
    """The values a metric can take: a share lies in [0, 1], anything else is at least 0."""
    low = LOWER_BOUND.get(name, 0.0)
    return (low, 1.0) if kind(name) == "rate" else (low, math.inf)


def value(
    name: str, x: float, signed: bool = False, currency: str | None = None, extra: int = 0
) -> str:
    """One number in the metric's unit: ``12.3%``, ``42s``, ``3.5m``, ``4.12``.

    ``signed`` shows a difference: ``+2.1 pt``, ``−3s``; a difference that
    rounds to zero shows as ``0`` without a sign.  ``extra``: decimals beyond
    the usual ones.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = _unsigned(kind(name), abs(x), signed, extra)
    nonzero = _shows_digit(text)
    sign = ("+" if x > 0 else "−") if signed and nonzero else "−" if x < 0 and nonzero else ""
    if currency and kind(name) == "money":
        return f"{sign}{currency}{text}" if len(currency) == 1 else f"{sign}{text} {currency}"
    return sign + text


def _unsigned(k: str, x: float, signed: bool, extra: int) -> str:
    if k == "rate":
        return f"{100 * x:.{1 + extra}f} pt" if signed else f"{100 * x:.{1 + extra}f}%"
    if k == "time":
        if x < 120:
            return f"{x:.{(0 if x >= 10 else 1) + extra}f}s"
        return f"{x / 60:.{1 + extra}f}m"
    if k == "money":
        return f"{x:.{2 + extra}f}"
    if k == "count":
        return f"{x:,.{extra}f}"
    return f"{x:.{2 + extra}f}"


def clipped(name: str, e: Estimate) -> bool:
    """Whether :func:`interval` shows a bound of this (non-difference) estimate clipped."""
    low, high = bounds(name)
    return e.n >= 2 and (e.ci_low < low or e.ci_high > high)


def interval(name: str, e: Estimate, signed: bool = False, currency: str | None = None) -> str:
    """The CI as ``lo – hi`` in the metric's unit ('' with a single replication).

    A bound that is not zero never shows as zero: decimals are added until
    each bound shows a digit, so an interval that excludes 0 reads so on
    screen.  An estimate (not a difference, ``signed=False``) has its bounds
    clipped to what the metric can take (:func:`bounds`; :data:`CLIPPED_NOTE`).
    """
    if e.n < 2 or math.isnan(e.ci_low):
        return ""
    lo, hi = e.ci_low, e.ci_high
    if not signed:
        low, high = bounds(name)
        lo, hi = min(max(lo, low), high), min(max(hi, low), high)
    for extra in range(6):
        texts = [value(name, x, signed, currency, extra) for x in (lo, hi)]
        if all(_shows_digit(t) for x, t in zip((lo, hi), texts, strict=True) if x != 0):
            break
    return f"{texts[0]} – {texts[1]}"


def plus_minus(name: str, e: Estimate) -> str:
    """The mean and, with replications, its 95 % CI's half-width: ``12.5% ±1.2%``.

    Where mean ± half-width would pass what the metric can take (:func:`bounds`:
    a share below 0 % or above 100 %, a time below 0), the CI runs from that
    limit and only its other bound is shown: ``0.8% (≤ 2.3%)``, ``99.0% (≥ 97.0%)``
    (:data:`ONE_SIDED_NOTE`); past both, the whole range.
    """
    text = value(name, e.mean)
    half = (e.ci_high - e.ci_low) / 2
    if e.n < 2 or not math.isfinite(half):
        return text
    low, high = bounds(name)
    below, above = e.ci_low < low, e.ci_high > high
    if below and above:
        return f"{text} ({value(name, low)} – {value(name, high)})"
    if below:
        return f"{text} (≤ {value(name, e.ci_high)})"
    if above:
        return f"{text} (≥ {value(name, e.ci_low)})"
    return f"{text} ±{value(name, half)}"


def _shows_digit(text: str) -> bool:
    return any(ch in "123456789" for ch in text)


def count_interval(e: Estimate, digits: int = 1) -> str:
    """The CI of a mean count (agents busy: ``17.4 – 20.4``) with ``digits`` decimals,
    clipped to what a count can take (:func:`bounds`, as :func:`interval` clips; '' with a
    single replication)."""
    if e.n < 2 or math.isnan(e.ci_low):
        return ""
    low, high = bounds("answered")
    lo, hi = (min(max(x, low), high) for x in (e.ci_low, e.ci_high))
    return f"{lo:.{digits}f} – {hi:.{digits}f}"


def count_clipped(e: Estimate) -> bool:
    """Whether :func:`count_interval` shows a bound clipped."""
    return clipped("answered", e)


def clock_time(seconds: float, opens_at: object) -> str:
    """A time as the tables write it: the clock (``09:30``, :func:`clock`) given the opening,
    else hours and minutes since opening (``10:30``), as the console's interval tables do."""
    if opening_seconds(opens_at) is not None:
        return clock(seconds, opens_at)
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def full_label(name: str) -> str:
    """A label that stands alone, an indented one with its parent's: ``Resolution time after
    escalation``, ``Abandonment in first queue`` (the parent's bracket left out)."""
    text = label(name)
    if not text.startswith("  "):
        return text
    parent = ""
    for key, shown in LABELS.items():
        if key == name:
            break
        if not shown.startswith("  "):
            parent = shown.split(" (")[0]
    return f"{parent} {text.strip()}".strip()


def sentence_label(name: str) -> str:
    """:func:`full_label` inside a sentence: the first letter lowered unless it starts an
    acronym (``resolution time after escalation``, ``SLA penalty per contact``)."""
    text = full_label(name)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
