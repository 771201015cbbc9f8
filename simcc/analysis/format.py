"""How metrics read to a planner: percentages, seconds or minutes, money, counts."""

from __future__ import annotations

import math

from simcc.analysis.stats import Estimate

COUNTS = {"offered", "abandoned", "answered", "unfinished"}
TIMES = {"asa", "mean_hold_time", "mean_transfer_wait"}
MONEY = {"cost_per_contact", "cost_per_resolved_case"}
PLAIN = {"customer_effort"}

LABELS = {
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
    "callback_unreached_rate": "Callback unreached",
    "mean_transfer_wait": "Mean wait after hand-off",
    "overflow_rate": "Answered by overflow pool",
}


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


def label(name: str) -> str:
    """Readable label of a metric (the metric name itself for per-pool ones)."""
    if name in LABELS:
        return LABELS[name]
    for prefix, text in (
        ("aht_", "AHT"),
        ("occupancy_", "Occupancy"),
        ("transfer_time_share_", "Transfer share"),
    ):
        if name.startswith(prefix):
            return f"{text} {name[len(prefix) :]}"
    return name


def value(name: str, x: float, signed: bool = False) -> str:
    """One number in the metric's unit: ``12.3%``, ``42s``, ``3.5m``, ``4.12``.

    ``signed`` shows a difference: ``+2.1 pt``, ``−3s``; a difference that
    rounds to zero shows as ``0`` without a sign.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = _unsigned(kind(name), abs(x), signed)
    if signed and any(ch in "123456789" for ch in text):
        return ("+" if x > 0 else "−") + text
    if not signed and x < 0:
        return "−" + text
    return text


def _unsigned(k: str, x: float, signed: bool) -> str:
    if k == "rate":
        return f"{100 * x:.1f} pt" if signed else f"{100 * x:.1f}%"
    if k == "time":
        if x < 120:
            return f"{x:.0f}s" if x >= 10 else f"{x:.1f}s"
        return f"{x / 60:.1f}m"
    if k == "money":
        return f"{x:.2f}"
    if k == "count":
        return f"{x:,.0f}"
    return f"{x:.2f}"


def interval(name: str, e: Estimate, signed: bool = False) -> str:
    """The CI as ``lo – hi`` in the metric's unit ('' with a single replication)."""
    if e.n < 2 or math.isnan(e.ci_low):
        return ""
    return f"{value(name, e.ci_low, signed)} – {value(name, e.ci_high, signed)}"
