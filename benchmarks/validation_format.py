"""How docs/validation.md writes a check: numbers, intervals, verdicts, and its sections.

Shared by ``benchmarks/validation_tables.py`` (the page and its first sections) and
``benchmarks/validation_channels.py`` (the front door and the channels).
"""

from __future__ import annotations

import math
import os
import platform
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.validation.cases import CONFIDENCE, Check, Claim

LEVEL = f"{CONFIDENCE:.1%}"
WIDTH = 88


@dataclass(frozen=True)
class Section:
    """One ``## `` section of the page: its name for ``--only``, its heading, and how it
    is built from (seed, jobs): its lines (heading excluded) and its checks."""

    key: str
    heading: str
    build: Callable[[int, int], tuple[list[str], Sequence[Check | Claim]]]


def static(*paragraphs: str) -> Callable[[int, int], tuple[list[str], list[Check | Claim]]]:
    """A section of text only: no checks to run."""

    def build(seed: int, jobs: int) -> tuple[list[str], list[Check | Claim]]:
        return wrap(*paragraphs), []

    return build


def wrap(*paragraphs: str) -> list[str]:
    """Paragraphs wrapped to the page's width, a blank line between them."""
    lines: list[str] = []
    for i, p in enumerate(paragraphs):
        lines += [""] if i else []
        lines += textwrap.wrap(p, WIDTH, break_long_words=False, break_on_hyphens=False)
    return lines


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def fmt(x: float) -> str:
    if math.isnan(x):
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.3f}"
    return f"{x:.4f}"


def ci(c: Check) -> str:
    return f"[{fmt(c.estimate.ci_low)}, {fmt(c.estimate.ci_high)}]"


def verdict(c: Check | Claim) -> str:
    return "yes" if c.ok else "**NO**"


def flat(checks: Mapping[Any, list[Check]]) -> list[Check]:
    """The checks of every case, in the cases' order."""
    return [c for v in checks.values() for c in v]


def claims_table(claims: Sequence[Claim]) -> list[str]:
    lines = ["| case | check | expected | observed | holds |", "|---|---|---|---|:-:|"]
    for c in claims:
        lines.append(f"| {c.case} | {c.what} | {c.expected} | {c.observed} | {verdict(c)} |")
    return lines
