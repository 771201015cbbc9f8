"""Reading a comparison in words: verdicts, the bottom line and why, derived from the numbers.

Nothing here is written by hand for a policy: every sentence comes from the
means, the paired differences and their 95 % confidence intervals of a
comparison (``simcc compare``), so it says the same for warm against cold as
for two staffing plans.

- :func:`verdict`: one paired difference in words (``warm lowers abandonment
  by 2.1 points (95 % CI 1.6 to 2.6 points) — better``);
- :func:`bottom_line`: which variant wins on the customer outcomes
  (:data:`OUTCOMES`), by how much, at what cost per resolved case, and what
  the winner gives up;
- :func:`mechanism`: one sentence tying the biggest change of a share of
  contacts to the pool numbers that explain it (time in consult and
  conference, AHT, occupancy, hold and queue waits);
- :func:`target_checks`: whether each variant meets the file's own targets
  (``sla.answer.target`` for the service level).

A difference counts only when its interval excludes zero; with one
replication nothing does.  docs/report.md gives the rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from simcc.analysis import format as fmt
from simcc.analysis.metrics import HEADLINE as METRIC_HEADLINE
from simcc.analysis.stats import Estimate, excludes_zero

HEADLINE = tuple(name for name in METRIC_HEADLINE if fmt.kind(name) != "count")
"""Metrics that get a verdict in a comparison (MODEL.md §4, counts left out)."""

LOWER_IS_BETTER = {
    "abandonment_rate",
    "abandonment_queue_rate",
    "abandonment_hold_rate",
    "abandonment_transfer_rate",
    "repeat_escalation_rate",
    "recontact_rate",
    "asa",
    "mean_hold_time",
    "customer_effort",
    "cost_per_contact",
    "cost_per_resolved_case",
    "callback_unreached_rate",
    "mean_transfer_wait",
    "time_to_escalation",
    "resolution_time",
    "resolution_time_after_escalation",
    "case_resolution_time",
    "complaint_rate",
    "cost_per_escalated_contact",
    "cost_per_unescalated_contact",
    "penalty_cost_per_contact",
}
HIGHER_IS_BETTER = {
    "fcr",
    "first_touch_resolution",
    "service_level",
    "escalation_sla_rate",
    "sla_compliance",
    "resolution_sla_rate",
    "transfer_success_rate",
}
"""Direction of good; other metrics (escalation rate, AHT, occupancy) are reported without
a judgement: more or less of them is neither better nor worse in itself."""

NOUNS = {
    "abandonment_rate": "abandonment",
    "abandonment_queue_rate": "abandonment in the first queue",
    "abandonment_hold_rate": "abandonment on hold",
    "abandonment_transfer_rate": "abandonment in the queue after a transfer",
    "fcr": "first-contact resolution (FCR)",
    "first_touch_resolution": "first-touch resolution",
    "escalation_rate": "the escalation rate",
    "repeat_escalation_rate": "repeat escalation",
    "recontact_rate": "re-contacts",
    "service_level": "the service level",
    "escalation_sla_rate": "escalations engaged within their SLA",
    "sla_compliance": "SLA compliance",
    "asa": "ASA",
    "mean_hold_time": "the mean hold time",
    "customer_effort": "customer effort (tellings of the story)",
    "cost_per_contact": "the cost per contact",
    "cost_per_resolved_case": "the cost per resolved case",
}

OUTCOMES = ("abandonment_rate", "service_level", "fcr")
"""The customer outcomes that decide which variant wins (:func:`bottom_line`)."""

COST = "cost_per_resolved_case"
"""What winning costs: agent cost per truly resolved case (penalties included once priced)."""

QUEUE_METRICS = ("service_level", "abandonment_queue_rate", "sla_compliance", "abandonment_rate")
"""Shares decided in the first queue: its pool's occupancy explains them."""

HANDOFF_METRICS = (
    "abandonment_hold_rate",
    "abandonment_transfer_rate",
    "escalation_sla_rate",
    "repeat_escalation_rate",
)
"""Shares decided after a hand-off: the hold, the next queue and the receiving pools."""

ABANDONMENT_PARTS = ("abandonment_queue_rate", "abandonment_hold_rate", "abandonment_transfer_rate")


@dataclass(frozen=True)
class Verdict:
    """A plain-language reading of one paired difference; ``tone``: better, worse, neutral…"""

    metric: str
    text: str
    tone: str


def noun(metric: str) -> str:
    """What a metric is called in a sentence: ``abandonment``, ``ASA``, ``occupancy of front``."""
    if metric in NOUNS:
        return NOUNS[metric]
    for prefix, text in (
        ("aht_", "the AHT of"),
        ("occupancy_", "the occupancy of"),
        ("resolution_sla_rate_", "the resolution SLA met at"),
        ("transfer_time_share_", "the share of transfer time in"),
    ):
        if metric.startswith(prefix):
            return f"{text} {metric[len(prefix) :]}"
    return fmt.sentence_label(metric) or metric


def verdict(metric: str, variant: str, baseline: str, diff: Estimate) -> Verdict:
    """Read ``diff`` (``variant − baseline``, paired, with its 95 % CI) in words.

    ``warm lowers abandonment by 2.1 points (95 % CI 1.6 to 2.6) — better`` when
    the interval excludes zero; ``no clear difference in ASA between warm and
    cold (95 % CI −3 s to +4 s)`` when it holds zero.
    """
    what = noun(metric)
    if not math.isfinite(diff.mean):
        return Verdict(metric, f"{what}: not measured for {variant} or {baseline}", "unclear")
    if diff.n < 2 or not (math.isfinite(diff.ci_low) and math.isfinite(diff.ci_high)):
        text = (
            f"{variant} changes {what} by {_amount(metric, diff.mean, signed=True)} "
            f"against {baseline} (one replication: no confidence interval)"
        )
        return Verdict(metric, text, "unclear")
    lo, hi = diff.ci_low, diff.ci_high
    if lo == hi == diff.mean == 0:
        return Verdict(metric, f"no difference in {what} (the same in every replication)", "same")
    if lo > 0 or hi < 0:
        up = diff.mean > 0
        a, b = sorted((abs(lo), abs(hi)))
        digits = _digits(metric, (diff.mean, lo, hi))
        text = (
            f"{variant} {'raises' if up else 'lowers'} {what} by "
            f"{_amount(metric, abs(diff.mean), digits=digits)} "
            f"(95 % CI {_amount(metric, a, digits=digits, unit=False)} to "
            f"{_amount(metric, b, digits=digits)})"
        )
        tone = _tone(metric, up)
        if tone != "neutral":
            text += f" — {tone}"
        return Verdict(metric, text, tone)
    digits = _digits(metric, (lo, hi))
    text = (
        f"no clear difference in {what} between {variant} and {baseline} "
        f"(95 % CI {_amount(metric, lo, signed=True, digits=digits, unit=False)} to "
        f"{_amount(metric, hi, signed=True, digits=digits)})"
    )
    return Verdict(metric, text, "unclear")


def _tone(metric: str, up: bool) -> str:
    if metric in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if metric in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return "neutral"


def _shown(metric: str, x: float) -> tuple[float, str]:
    """A stored value in the unit a sentence uses, and the unit's words."""
    kind = fmt.kind(metric)
    if kind == "rate":
        return 100 * x, "points"
    if kind == "time":
        return x, "s"
    if kind == "count":
        return x, "contacts"
    return x, ""


def _digits(metric: str, values: Iterable[float]) -> int:
    """Decimals that show the largest of ``values`` with two or three significant digits
    and none of the others as a zero it is not."""
    if fmt.kind(metric) == "money":
        return 2
    if fmt.kind(metric) == "time" and max(abs(v) for v in values) >= 120:
        return 1
    shown = [abs(_shown(metric, v)[0]) for v in values]
    digits = 0 if max(shown) >= 10 else 1 if max(shown) >= 1 else 2
    # a bound that is not zero must not print as zero ("0.1 to 30", not "0 to 30")
    while digits < 3 and any(x > 0 and round(x, digits) == 0 for x in shown):
        digits += 1
    return digits


def _amount(
    metric: str, x: float, signed: bool = False, digits: int | None = None, unit: bool = True
) -> str:
    """``2.1 points``, ``+4 s``, ``−1.5 min``, ``0.42``: a number in a sentence."""
    digits = _digits(metric, (x,)) if digits is None else digits
    value, words = _shown(metric, x)
    if words == "s" and digits == 1 and fmt.kind(metric) == "time" and abs(x) >= 120:
        value, words = x / 60, "min"
    text = f"{abs(value):,.{digits}f}"
    if signed:
        text = ("+" if value > 0 else "−" if value < 0 else "±") + text
    elif value < 0:
        text = "−" + text
    return f"{text} {words}" if unit and words else text


# ============================================================================ the numbers


@dataclass(frozen=True)
class Numbers:
    """What a comparison measured: each variant's estimates and its paired differences.

    ``estimates[metric][variant]``; ``differences[metric][variant]`` is
    ``variant − baseline`` (the first variant), paired by replication.
    """

    variants: Sequence[str]
    estimates: Mapping[str, Mapping[str, Estimate]]
    differences: Mapping[str, Mapping[str, Estimate]]

    @property
    def baseline(self) -> str:
        return self.variants[0]

    @property
    def pools(self) -> list[str]:
        """The pools, in table order (from the ``occupancy_<pool>`` metrics)."""
        return [m[len("occupancy_") :] for m in self.estimates if m.startswith("occupancy_")]

    def mean(self, metric: str, variant: str) -> float:
        e = self.estimates.get(metric, {}).get(variant)
        return e.mean if e is not None else math.nan

    def diff(self, metric: str, variant: str) -> Estimate | None:
        """The paired difference of ``variant`` against the baseline (None if not measured)."""
        d = self.differences.get(metric, {}).get(variant)
        return d if d is not None and math.isfinite(d.mean) else None

    def changed(self, metric: str, variant: str) -> bool:
        """Whether the metric differs from the baseline's: its paired CI excludes zero."""
        d = self.diff(metric, variant)
        return d is not None and excludes_zero(d)


def _pair(numbers: Numbers, metric: str, first: str, second: str, currency: str | None) -> str:
    """``12.2% against 14.8%``: the metric of two variants."""
    a = fmt.value(metric, numbers.mean(metric, first), currency=currency)
    b = fmt.value(metric, numbers.mean(metric, second), currency=currency)
    return f"{a} against {b}"


SHORT_NOUNS = {
    "fcr": "FCR",
    "customer_effort": "customer effort",
    "escalation_sla_rate": "escalations engaged within SLA",
}


def _short_noun(metric: str) -> str:
    """What a metric is called in a list: ``abandonment``, ``FCR``, ``service level``."""
    return SHORT_NOUNS.get(metric) or noun(metric).removeprefix("the ")


def _points(metric: str, x: float) -> str:
    """A change in a sentence: ``2.7 points`` (one decimal for shares), ``7.4 s``, ``0.13``."""
    return _amount(metric, x, digits=1 if fmt.kind(metric) == "rate" else None)


# ============================================================================ bottom line


@dataclass(frozen=True)
class BottomLine:
    """Who wins between a variant and the baseline, and the sentence that says so.

    ``winner``: the variant or the baseline; None when neither wins outright
    (a trade-off) or nothing differs clearly.
    """

    variant: str
    baseline: str
    winner: str | None
    text: str


def bottom_line(numbers: Numbers, variant: str, currency: str | None = None) -> BottomLine:
    """Which of ``variant`` and the baseline wins on :data:`OUTCOMES`, by how much, at what cost.

    A variant wins when it is clearly better on at least one outcome and
    clearly worse on none.  Then come the cost per resolved case and what
    the winner gives up: the other headline metrics on which it is clearly worse.
    """
    base = numbers.baseline
    better = [m for m in OUTCOMES if _side(numbers, m, variant) == "better"]
    worse = [m for m in OUTCOMES if _side(numbers, m, variant) == "worse"]
    if better and not worse:
        winner, loser, wins = variant, base, better
    elif worse and not better:
        winner, loser, wins = base, variant, worse
    elif better:
        text = (
            f"Neither wins outright: {variant} is better on "
            f"{_changes(numbers, better, variant, base, currency)} but worse on "
            f"{_changes(numbers, worse, variant, base, currency)}."
        )
        return BottomLine(variant, base, None, text + _cost(numbers, variant, base, currency))
    else:
        n = numbers.estimates.get(OUTCOMES[0], {}).get(variant)
        reps = f" over {n.n} replication(s)" if n is not None else ""
        text = (
            f"No clear winner: {_and(_short_noun(m) for m in OUTCOMES)} do not differ clearly "
            f"between {variant} and {base}{reps}."
        )
        return BottomLine(variant, base, None, text + _cost(numbers, variant, base, currency))
    text = f"{winner} beats {loser}: {_changes(numbers, wins, winner, loser, currency)}."
    text += _cost(numbers, winner, loser, currency)
    given = _given_up(numbers, variant, winner, loser, currency)
    if given:
        text += f" In return it does worse on {given}."
    return BottomLine(variant, base, winner, text)


def _side(numbers: Numbers, metric: str, variant: str) -> str:
    """``better``/``worse`` for the variant when the difference is clear, else ``''``."""
    if not numbers.changed(metric, variant):
        return ""
    d = numbers.diff(metric, variant)
    assert d is not None
    tone = _tone(metric, d.mean > 0)
    return tone if tone in ("better", "worse") else ""


def _changes(
    numbers: Numbers, metrics: Sequence[str], first: str, second: str, currency: str | None
) -> str:
    """``abandonment 12.2% against 14.8% (2.7 points lower)``, one per metric."""
    parts = []
    for m in metrics:
        gap = numbers.mean(m, first) - numbers.mean(m, second)
        how = "higher" if gap > 0 else "lower"
        parts.append(
            f"{_short_noun(m)} {_pair(numbers, m, first, second, currency)} "
            f"({_points(m, abs(gap))} {how})"
        )
    return _and(parts)


def _cost(numbers: Numbers, first: str, second: str, currency: str | None) -> str:
    """`` It is also cheaper: 9.52 against 9.66 per resolved case (…).`` or no clear change."""
    d = numbers.diff(COST, first if first != numbers.baseline else second)
    if d is None:
        return ""
    pair = _pair(numbers, COST, first, second, currency)
    if not excludes_zero(d):
        return f" The cost per resolved case does not differ clearly ({pair})."
    gap = numbers.mean(COST, first) - numbers.mean(COST, second)
    word = "cheaper" if gap < 0 else "dearer"
    amount = fmt.value(COST, abs(gap), currency=currency)
    return f" {first} is {word} by {amount} per resolved case ({pair})."


def _given_up(numbers: Numbers, variant: str, winner: str, loser: str, currency: str | None) -> str:
    """The headline metrics, beyond the outcomes and the cost, on which the winner is worse."""
    worse = []
    for m in HEADLINE:
        if m in OUTCOMES or m == COST:
            continue
        side = _side(numbers, m, variant)
        if side and (side == "worse") == (winner == variant):
            worse.append(m)
    if not worse:
        return ""
    return _and(f"{_short_noun(m)} ({_pair(numbers, m, winner, loser, currency)})" for m in worse)


def _and(parts: Iterable[str]) -> str:
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ============================================================================ mechanism


def mechanism(numbers: Numbers, variant: str, entry_pools: Sequence[str] = ()) -> str:
    """One sentence tying the change that carries the bottom line to its cause.

    The change explained is the largest (in percentage points, as printed) of
    the customer outcomes that decide the bottom line (:data:`OUTCOMES`), with
    ties going to the first; when none changes clearly, the largest among the
    other shares whose mechanism is known (:data:`EXPLAINED`).  A metric that
    is a sum of parts (:data:`PARTS`: abandonment is first-queue + hold +
    after-transfer abandonment) is decomposed: the part that moves most in
    the direction of the total carries it and is named with its paired CI,
    and so is a clear part that moves against it.  FCR counts an abandoned
    contact as unresolved, so a change of FCR that abandonment mirrors is
    read as that change of abandonment.  The cause is looked for where the
    carrying share is decided: in the first queue, the occupancy of the entry
    pool (``entry_pools``; default the first pool) and what fills it (time in
    consult and conference, AHT); after a hand-off, the hold and the wait in
    the next queue; for resolution, the tellings of the story and repeat
    escalations.
    """
    metric = _headline_change(numbers, variant)
    base = numbers.baseline
    if metric is None:
        return (
            f"No share of contacts differs clearly between {variant} and {base}: "
            "there is no change to explain."
        )
    carrier, against = _carrier(numbers, metric, variant)
    effect = _effect(numbers, carrier, variant)
    if carrier != metric:
        total = _effect(numbers, metric, variant)
        effect += f", which carries the change of {noun(metric)}: {total}"
    effect += "".join(f"; {_effect(numbers, m, variant)} against it" for m in against)
    second = "abandonment_queue_rate"
    also = carrier in QUEUE_METRICS and second not in (carrier, metric, *against)
    if also and numbers.changed(second, variant):
        effect += f" and {_effect(numbers, second, variant)}"
    if carrier in HANDOFF_METRICS:
        cause = _handoff_cause(numbers, variant)
    elif carrier in QUEUE_METRICS:
        cause = _queue_cause(numbers, variant, entry_pools)
    else:
        cause = _resolution_cause(numbers, variant)
    if not cause:
        return (
            f"Under {variant}, {effect} against {base}; the pool numbers show no clear change "
            "that explains it."
        )
    return f"Under {variant}, {cause}: {effect}."


PARTS = {"abandonment_rate": ABANDONMENT_PARTS}
"""Metrics that are the sum of other metrics (same denominator), so whose paired difference
is the sum of the parts' differences."""

EXPLAINED = (
    *QUEUE_METRICS,
    *HANDOFF_METRICS,
    *ABANDONMENT_PARTS,
    "first_touch_resolution",
    "recontact_rate",
)
"""Shares, besides :data:`OUTCOMES`, whose change :func:`mechanism` can tie to a cause."""


def _effect(numbers: Numbers, metric: str, variant: str) -> str:
    """``the service level rises by 12.0 points (95 % CI 10.2 to 13.8 points)``."""
    d = numbers.diff(metric, variant)
    assert d is not None
    text = f"{noun(metric)} {'rises' if d.mean > 0 else 'falls'} by {_points(metric, abs(d.mean))}"
    if d.n >= 2 and math.isfinite(d.ci_low) and math.isfinite(d.ci_high):
        a, b = sorted((abs(d.ci_low), abs(d.ci_high)))
        digits = _ci_digits(a) if fmt.kind(metric) == "rate" else None
        text += (
            f" (95 % CI {_amount(metric, a, digits=digits, unit=False)} to "
            f"{_amount(metric, b, digits=digits)})"
        )
    return text


def _ci_digits(low: float) -> int:
    """Decimals of points for a share's CI: one, or as many (up to four) as it takes for a
    bound that is not zero not to read as 0.0 (an interval that excludes zero reads so)."""
    digits = 1
    while low and round(100 * low, digits) == 0 and digits < 4:
        digits += 1
    return digits


def _headline_change(numbers: Numbers, variant: str) -> str | None:
    """The clear change to explain: the largest outcome (ties to the first of
    :data:`OUTCOMES`), else the largest :data:`EXPLAINED` share; FCR mirrored by
    abandonment gives way to abandonment."""

    def size(m: str) -> float:
        return round(100 * _abs_diff(numbers, m, variant), 1)

    for group in (OUTCOMES, EXPLAINED):
        clear = [m for m in group if numbers.changed(m, variant)]
        if clear:
            best = max(clear, key=size)  # max keeps the first of equal sizes
            break
    else:
        return None
    ab = "abandonment_rate"
    if best == "fcr" and numbers.changed(ab, variant):
        fcr, abandoned = numbers.diff("fcr", variant), numbers.diff(ab, variant)
        assert fcr is not None and abandoned is not None
        if fcr.mean * abandoned.mean < 0 and abs(abandoned.mean) >= abs(fcr.mean) / 2:
            return ab
    return best


def _carrier(numbers: Numbers, metric: str, variant: str) -> tuple[str, list[str]]:
    """The part of ``metric`` whose clear change carries it, and the clear parts that move
    against it (``metric`` itself and none when it has no parts or none changes clearly)."""
    total = numbers.diff(metric, variant)
    parts = [m for m in PARTS.get(metric, ()) if numbers.changed(m, variant)]
    if total is None or not parts:
        return metric, []

    def along(m: str) -> float:
        d = numbers.diff(m, variant)
        return d.mean * math.copysign(1.0, total.mean) if d is not None else 0.0

    best = max(parts, key=along)
    if along(best) <= 0:
        return metric, []
    return best, [m for m in parts if along(m) < 0]


def _queue_cause(numbers: Numbers, variant: str, entry_pools: Sequence[str]) -> str:
    pools = [p for p in entry_pools if p in numbers.pools] or numbers.pools[:1]
    if not pools:
        return ""
    pool = max(pools, key=lambda p: _abs_diff(numbers, f"occupancy_{p}", variant))
    base = numbers.baseline
    clauses = []
    share = f"transfer_time_share_{pool}"
    if numbers.changed(share, variant):
        mine, theirs = (fmt.value(share, numbers.mean(share, v)) for v in (variant, base))
        clauses.append(
            f"{pool} agents spend {mine} of their busy time in consult and conference "
            f"({base}: {theirs})"
        )
    aht = f"aht_{pool}"
    if numbers.changed(aht, variant):
        clauses.append(
            f"{pool} AHT is {fmt.value(aht, numbers.mean(aht, variant))} "
            f"({base}: {fmt.value(aht, numbers.mean(aht, base))})"
        )
    occupancy = f"occupancy_{pool}"
    if not numbers.changed(occupancy, variant):
        return ""
    d = numbers.diff(occupancy, variant)
    assert d is not None
    clauses.append(
        f"{pool} occupancy {'rises' if d.mean > 0 else 'falls'} from "
        f"{fmt.value(occupancy, numbers.mean(occupancy, base))} to "
        f"{fmt.value(occupancy, numbers.mean(occupancy, variant))}"
    )
    return "; ".join(clauses)


def _handoff_cause(numbers: Numbers, variant: str) -> str:
    base = numbers.baseline
    clauses = []
    for metric, what in (
        ("mean_hold_time", "escalated customers hold with the agent for"),
        ("mean_transfer_wait", "escalated customers wait after the hand-off for"),
    ):
        if numbers.changed(metric, variant):
            clauses.append(
                f"{what} {fmt.value(metric, numbers.mean(metric, variant))} on average "
                f"({base}: {fmt.value(metric, numbers.mean(metric, base))})"
            )
    receiving = [p for p in numbers.pools[1:] if numbers.changed(f"occupancy_{p}", variant)]
    if receiving:
        pool = max(receiving, key=lambda p: _abs_diff(numbers, f"occupancy_{p}", variant))
        occupancy = f"occupancy_{pool}"
        clauses.append(
            f"{pool} occupancy is {fmt.value(occupancy, numbers.mean(occupancy, variant))} "
            f"({base}: {fmt.value(occupancy, numbers.mean(occupancy, base))})"
        )
    return "; ".join(clauses)


def _resolution_cause(numbers: Numbers, variant: str) -> str:
    base = numbers.baseline
    clauses = []
    for metric, what in (
        ("customer_effort", "customers tell their story {} times on average"),
        ("repeat_escalation_rate", "{} of escalated contacts are escalated again"),
    ):
        if numbers.changed(metric, variant):
            clauses.append(
                what.format(fmt.value(metric, numbers.mean(metric, variant)))
                + f" ({base}: {fmt.value(metric, numbers.mean(metric, base))})"
            )
    return "; ".join(clauses)


def _abs_diff(numbers: Numbers, metric: str, variant: str) -> float:
    d = numbers.diff(metric, variant)
    return abs(d.mean) if d is not None else 0.0


# ============================================================================ targets


@dataclass(frozen=True)
class TargetCheck:
    """Whether one variant meets one target: ``met``, ``missed`` or ``unclear`` (CI holds it)."""

    variant: str
    metric: str
    target: float
    status: str
    text: str


def target_checks(numbers: Numbers, service_level_target: float | None) -> list[TargetCheck]:
    """Each variant against the file's targets (``sla.answer.target`` for the service level).

    Met or missed by the mean; when the 95 % CI holds the target, the text
    says that more replications could still turn the answer.
    """
    if service_level_target is None or "service_level" not in numbers.estimates:
        return []
    metric, target = "service_level", service_level_target
    goal = f"the service-level target of {fmt.value(metric, target)}"
    out = []
    for v in numbers.variants:
        e = numbers.estimates[metric].get(v)
        if e is None or not math.isfinite(e.mean):
            continue
        status = "met" if e.mean >= target else "missed"
        shown = fmt.value(metric, e.mean)
        ci = fmt.interval(metric, e)
        text = f"{v} {'meets' if status == 'met' else 'misses'} {goal}: {shown}"
        if ci:
            text += f" (95 % CI {ci})"
        if e.n >= 2 and e.ci_low <= target <= e.ci_high:
            status = "unclear"
            text += "; the interval holds the target, so more replications may still turn it"
        out.append(TargetCheck(v, metric, target, status, text))
    return out
