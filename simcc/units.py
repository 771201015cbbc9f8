"""Durations and rates as planners write them in scenario files.

A duration is a number of seconds or a string with a unit: ``"45s"``, ``"5m"``,
``"2h"``, ``"1d"`` (``"inf"`` for never); the unit may also be spelled out
(``"90 sec"``, ``"5 mins"``, ``"2 hours"``, ``"1 day"``).  A rate is a number per
hour or a string ``"180/h"``, ``"3/m"``, ``"0.05/s"``, ``"2000/d"`` (or
``"180/hour"``).  Internally every time is in seconds and every rate per second.
"""

from __future__ import annotations

import math
import re

SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_UNIT_ALIASES = {
    **dict.fromkeys(("sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("day", "days"), "d"),
}
"""Units spelled out, as planners write them; each is one of :data:`SECONDS`."""
_UNIT = "|".join(sorted([*SECONDS, *_UNIT_ALIASES], key=len, reverse=True))
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*({_UNIT})?\s*$")
_RATE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_UNIT})\s*$")


def parse_duration(value: object) -> float:
    """Return ``value`` as seconds; raise ValueError saying what is expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 90, '90s', '5m', '2h', got {value!r}")
    if isinstance(value, int | float):
        if math.isnan(value):
            raise ValueError("expected a duration such as 90, '90s', '5m', '2h', got nan")
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("inf", "infinity", "never", ".inf"):
            return math.inf
        match = _DURATION.match(text)
        if match:
            number, unit = match.groups()
            unit = _UNIT_ALIASES.get(unit, unit) if unit else "s"
            return float(number) * SECONDS[unit]
    raise ValueError(f"expected a duration such as 90, '90s', '5m', '2h', '1d', got {value!r}")


def parse_rate(value: object) -> float:
    """Return ``value`` as events per second (bare numbers are per hour)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a rate such as 180 (per hour), '180/h', '3/m', got {value!r}")
    if isinstance(value, int | float) and not math.isnan(value):
        return float(value) / 3600.0
    if isinstance(value, str):
        match = _RATE.match(value.strip().lower())
        if match:
            number, unit = match.groups()
            return float(number) / SECONDS[_UNIT_ALIASES.get(unit, unit)]
        if re.fullmatch(_NUMBER, value.strip()):
            return float(value) / 3600.0
    raise ValueError(f"expected a rate such as 180 (per hour), '180/h', '3/m', got {value!r}")


def seconds_meant(what: str, value: float, unit: str) -> str:
    """The slip of a bare number: ``a horizon of 8 without a unit is 8 seconds …; did
    you mean 8h?``, for a value that is surely not meant in seconds."""
    return (
        f"{what} of {value:g} without a unit is {value:g} seconds (a bare number is "
        f"seconds); did you mean {value:g}{unit}? Write {value:g}s to keep it"
    )


def parse_share(text: str) -> float:
    """A share as planners write it: ``"85%"`` or ``"0.85"`` is 0.85 (ValueError if neither)."""
    text = text.strip()
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if math.isnan(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def duration_text(seconds: float) -> str:
    """A duration as a planner would write it in a scenario: ``90s``, ``-4m``, ``1.5h``, ``inf``."""
    if math.isnan(seconds) or math.isinf(seconds):
        return str(seconds)
    for unit in ("d", "h", "m"):
        size = SECONDS[unit]
        if abs(seconds) >= size and seconds / size == round(seconds / size, 3):
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def format_duration(seconds: float) -> str:
    """Short human form of a duration: ``42.0s``, ``3.5m``, ``2.0h``."""
    if math.isnan(seconds):
        return "–"
    if math.isinf(seconds):
        return "inf"
    if abs(seconds) < 120:
        return f"{seconds:.1f}s"
    if abs(seconds) < 7200:
        return f"{seconds / 60:.1f}m"
    return f"{seconds / 3600:.1f}h"
