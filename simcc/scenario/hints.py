"""Plausible mistakes in a valid scenario: warnings at the file's line, not errors.

A scenario can load and still not say what the planner meant.  Each warning
here is for a value that is allowed but almost surely a slip of the pen:

- a bare number is seconds, so ``horizon: 24`` is a 24-second day: a horizon
  written without a unit and under :data:`SHORT_HORIZON` seconds is flagged,
  and so is a handle time written without a unit under :data:`SHORT_HANDLE`
  seconds (no agent handles a contact that fast; ``mean: 5`` meant 5 minutes);
- ``arrivals.volume_cv`` above 1 (a day-to-day spread larger than the volume
  itself) is most likely a percent written as a number (``10`` for 10 %): the
  warning says in how many replications almost nothing would arrive;
- a ``rates`` or ``counts`` list longer than the horizon has intervals: its
  last items are never used (arrivals stop at the horizon; a shift plan that
  does not repeat holds its last used count after it).

:func:`file_warnings` returns each as ``FILE:LINE: yaml.path: message``; the
unit checks read the text as written, so they apply to YAML files only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, Protocol

from simcc.scenario.demand import CallType, Volume
from simcc.scenario.pools import Pool, Staffing
from simcc.scenario.reading import Index
from simcc.units import duration_text, seconds_meant

SHORT_HORIZON = 600.0
"""Seconds: a horizon written as a bare number below this is flagged (10 minutes)."""
SHORT_HANDLE = 10.0
"""Seconds: a handle time written as a bare number below this is flagged."""
HIGH_VOLUME_CV = 1.0
"""``arrivals.volume_cv`` above this is flagged as a likely percent."""
_BARE_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


class HintFields(Protocol):
    """What the hints read of a :class:`~simcc.scenario.Scenario` (which calls them)."""

    horizon: float
    call_types: dict[str, CallType]
    pools: dict[str, Pool]
    arrivals: Volume


def file_warnings(scenario: HintFields, index: Index, where: str) -> list[str]:
    """Every plausible mistake of the scenario, as ``FILE:LINE: yaml.path: message``."""
    found: list[tuple[list[Any], str]] = []
    found += _bare_units(scenario, index)
    found += _volume_cv(scenario)
    found += _long_lists(scenario)
    out = []
    for loc, message in found:
        line = index.line(loc)
        path = ".".join(str(p) for p in loc if not isinstance(p, int))
        text = (f":{line}" if line else "") + f": {path}: {message}"
        out.append(f"{where}{text}" if where else text.removeprefix(": "))
    return out


# ------------------------------------------------------------------ numbers without a unit


def _bare(index: Index, loc: list[Any]) -> float | None:
    """The number at ``loc`` if the file wrote it without a unit (``24``, not ``24h``)."""
    text = index.text(loc)
    if text is None or not _BARE_NUMBER.fullmatch(text.strip()):
        return None
    return float(text)


def short_horizon(index: Index) -> str | None:
    """The message for a horizon written as a bare number of seconds under ten minutes.

    Also said beside the errors it causes (a warm-up or an interval longer than
    a 12-second horizon), where it is the one thing to fix.
    """
    horizon = _bare(index, ["horizon"])
    if horizon is not None and 0 < horizon < SHORT_HORIZON:
        return seconds_meant("a horizon", horizon, "h")
    return None


def _bare_units(scenario: HintFields, index: Index) -> Iterator[tuple[list[Any], str]]:
    horizon = short_horizon(index)
    if horizon is not None:
        yield ["horizon"], horizon
    for name, pool in scenario.pools.items():
        for loc in _handle_time_places(name, pool):
            mean = _bare(index, loc)
            if mean is not None and 0 < mean < SHORT_HANDLE:
                yield loc, seconds_meant("a handle time", mean, "m")


def _handle_time_places(pool: str, spec: Pool) -> Iterator[list[Any]]:
    """Where a pool's handle-time means may be written: bare, ``mean:``/``value:``, per type."""
    base: list[Any] = ["pools", pool, "handle_time"]
    tables = [base] if "*" in spec.handle_time else [[*base, ct] for ct in spec.handle_time]
    for table in tables:
        yield from (table, [*table, "mean"], [*table, "value"])


# ------------------------------------------------------------------ uncertain volume


def _volume_cv(scenario: HintFields) -> Iterator[tuple[list[Any], str]]:
    cv = scenario.arrivals.volume_cv
    if cv <= HIGH_VOLUME_CV:
        return
    empty = _gamma_below(0.01, cv)
    yield (
        ["arrivals", "volume_cv"],
        (
            f"{cv:g} is the cv of the day's volume (its standard deviation over its mean), "
            f"not a percent: in about {empty:.0%} of replications fewer than 1 % of the "
            f"expected contacts arrive; if you meant {cv:g} %, write {cv / 100:g}"
        ),
    )


def _gamma_below(x: float, cv: float) -> float:
    """P(G < x) for the busyness factor G: gamma of mean 1 and cv ``cv`` (shape 1/cv²)."""
    shape, z = 1.0 / cv**2, x / cv**2  # scale cv², so that the mean is 1
    # the series of the regularised lower incomplete gamma function, P(shape, z), z small
    term = math.exp(shape * math.log(z) - z - math.lgamma(shape + 1))
    total, n = term, 0
    while term > 1e-15 * total and n < 1000:
        n += 1
        term *= z / (shape + n)
        total += term
    return min(total, 1.0)


# ------------------------------------------------------------------ lists longer than the horizon


def _long_lists(scenario: HintFields) -> Iterator[tuple[list[Any], str]]:
    for name, ct in scenario.call_types.items():
        arrivals = ct.arrivals
        if arrivals.interval is not None and arrivals.rates is not None:
            used = _intervals(scenario.horizon, arrivals.interval)
            if len(arrivals.rates) > used:
                yield (
                    ["call_types", name, "arrivals", "rates", used],
                    _cut(
                        "rates",
                        len(arrivals.rates),
                        used,
                        arrivals.interval,
                        scenario.horizon,
                        "arrivals stop at the horizon",
                    ),
                )
    for name, pool in scenario.pools.items():
        plans = [(["pools", name, "agents"], pool.agents)]
        plans += [
            (["pools", name, "groups", group, "agents"], spec.agents)
            for group, spec in (pool.groups or {}).items()
        ]
        for loc, plan in plans:
            yield from _long_plan(loc, plan, scenario.horizon)


def _long_plan(loc: list[Any], plan: Staffing, horizon: float) -> Iterator[tuple[list[Any], str]]:
    if plan.interval is None or plan.repeat:
        return  # a repeated plan goes on after the horizon while contacts are in the system
    used = _intervals(horizon, plan.interval)
    if len(plan.counts) > used:
        yield (
            [*loc, "counts", used],
            _cut(
                "counts",
                len(plan.counts),
                used,
                plan.interval,
                horizon,
                f"the {_ordinal(used)} count holds after the horizon while contacts finish",
            ),
        )


def _intervals(horizon: float, interval: float) -> int:
    """How many intervals of the plan start before the horizon."""
    return max(1, math.ceil(horizon / interval - 1e-9))


def _cut(what: str, given: int, used: int, interval: float, horizon: float, why: str) -> str:
    extra = given - used
    unused = f"the last {extra} are" if extra > 1 else "the last one is"
    return (
        f"{given} {what} of {duration_text(interval)} each, but the horizon "
        f"({duration_text(horizon)}) has {used} interval{'s' if used > 1 else ''}: {unused} "
        f"never used ({why})"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
