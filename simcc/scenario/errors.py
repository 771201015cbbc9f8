"""A scenario that cannot be used: :class:`ScenarioError`, and the wording of its messages.

Every problem reads ``FILE:LINE: YAML.PATH: what is wrong``; several problems
are counted first, then listed one a line (:func:`join`).  The values a
message quotes are written short, as the planner would (:func:`short`,
:func:`kind`).
"""

from __future__ import annotations

import difflib
from typing import Any


def closest(word: str, choices: Any) -> str | None:
    """The choice ``word`` is most likely a misspelling of (difflib's, at 0.6), else one
    that differs only in case (``VIP`` for ``vip``); None if neither."""
    names = [str(c) for c in choices]
    match = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in names}
        match = [lowered[word.lower()]] if word.lower() in lowered else []
    return match[0] if match else None


def suggest(word: Any, choices: Any, prefix: str = "did you mean") -> str:
    """``did you mean 'X'?`` (after ``prefix``) with :func:`closest`'s choice, or ""."""
    match = closest(str(word), choices)
    return f"{prefix} {match!r}?" if match else ""


def did_you_mean(word: Any, choices: Any) -> str:
    """``; did you mean 'X'?``, the end of a message naming something unknown, or ""."""
    return suggest(word, choices, prefix="; did you mean")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says where and why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


def join(where: str, problems: list[str]) -> str:
    """One problem on one line; several as a count, then one line each."""
    if len(problems) == 1:
        return f"{where}{problems[0]}"
    return f"{where}: {len(problems)} problems\n" + "\n".join(f"  {where}{p}" for p in problems)


def short(value: Any, width: int = 60) -> str:
    """A value for a message: ``None`` as nothing, long values cut."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value) if not isinstance(value, int) or isinstance(value, bool) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def kind(value: Any) -> str:
    """``a list``, ``a number``, ``text 'abc'``: what a YAML value is, for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number ({short(value)})"
    if isinstance(value, str):
        return f"text {short(value)}"
    return type(value).__name__
