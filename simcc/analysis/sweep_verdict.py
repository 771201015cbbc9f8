"""Who wins in a sweep: the paired difference of two lines at each swept level, in words.

A sweep runs every grid point with the same seed, so at each level of the swept
field (``pools.tech_desk.agents``) replication *i* of each line (policy) sees the
same customers: the difference is taken replication by replication, as in a
comparison.  :func:`level_differences` gives it per level with its 95 % CI;
:func:`who_wins` says whether one line is clearly better at every level, and by
how much over the grid; :func:`difference_table` shows every level.
docs/report.md gives the rules.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from simcc.analysis import format as fmt
from simcc.analysis.explain import HIGHER_IS_BETTER, LOWER_IS_BETTER, noun
from simcc.analysis.page import table_html
from simcc.analysis.stats import Estimate, excludes_zero, paired_difference


@dataclass(frozen=True)
class LevelDifference:
    """``second − first`` at one level of the swept field, paired by replication."""

    level: float
    diff: Estimate


def level_differences(
    results: pd.DataFrame, metric: str, x: str, by: str, first: str, second: str
) -> list[LevelDifference]:
    """The paired difference ``second − first`` of ``metric`` at each level of ``x``
    (replications matched by their ``replication`` number; a level without a pair is left
    out)."""
    if "replication" not in results:
        return []
    names = results[by].astype(str)

    def line(name: str) -> pd.Series:
        rows = results[names == name]
        return rows.groupby([x, "replication"])[metric].mean()

    joined = pd.concat([line(first).rename("a"), line(second).rename("b")], axis=1, join="inner")
    out = []
    for level in sorted(joined.index.get_level_values(0).unique()):
        pair = joined.xs(level, level=0)
        a, b = (pair[c].to_numpy(float) for c in ("a", "b"))
        out.append(LevelDifference(float(level), paired_difference(a, b)))
    return out


def _side(metric: str, d: Estimate) -> str:
    """``better``/``worse`` for the second line (``higher``/``lower`` for a metric without a
    direction of good) when the paired CI excludes zero, else ``''``."""
    if not excludes_zero(d):
        return ""
    up = d.mean > 0
    if metric in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if metric in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return "higher" if up else "lower"


def _sizes(metric: str, gaps: Sequence[float]) -> str:
    """The smallest and the largest size of differences: ``2.1 to 3.4 points``, ``7s to 11s``."""
    a, b = min(abs(g) for g in gaps), max(abs(g) for g in gaps)
    if fmt.kind(metric) == "rate":
        return f"{100 * a:.1f} to {100 * b:.1f} points"
    return f"{fmt.value(metric, a)} to {fmt.value(metric, b)}"


def _levels(values: Sequence[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def who_wins(metric: str, x: str, first: str, second: str, levels: list[LevelDifference]) -> str:
    """One line in words: which of ``first`` and ``second`` is clearly better at every level
    (by the paired 95 % CI), the range of the difference over the grid and each level's CI;
    or at which levels each is better and where nothing is clear."""
    what = noun(metric)
    if not levels:
        return f"{what}: no paired replications to compare {second} with {first}"
    if min(d.diff.n for d in levels) < 2:
        return f"{what}: one replication per level, so no confidence interval"
    sides = [_side(metric, d.diff) for d in levels]
    xs = [d.level for d in levels]
    span = f"{x} from {xs[0]:g} to {xs[-1]:g}" if len(xs) > 1 else f"{x} = {xs[0]:g}"
    if sides[0] and all(s == sides[0] for s in sides):
        if sides[0] in ("better", "worse"):
            winner, loser = (second, first) if sides[0] == "better" else (first, second)
            sign = 1.0 if winner == second else -1.0  # differences as winner − loser
            gaps = [sign * d.diff.mean for d in levels]
            how = "higher" if gaps[0] > 0 else "lower"
            cis = "; ".join(
                f"{d.level:g}: {fmt.interval(metric, _flip(d.diff, sign), signed=True)}"
                for d in levels
            )
            return (
                f"{winner} beats {loser} on {what} at every level swept ({span}): "
                f"{how} by {_sizes(metric, gaps)}; the paired 95 % CI of "
                f"{winner} − {loser} excludes zero at each level ({cis})"
            )
        gaps = [d.diff.mean for d in levels]
        return (
            f"{what} is {sides[0]} under {second} than under {first} at every level swept "
            f"({span}), by {_sizes(metric, gaps)}"
        )
    gaps = [d.diff.mean for d in levels]
    low, high = min(gaps), max(gaps)
    spread = (
        f"{second} − {first} from {fmt.value(metric, low, signed=True)} to "
        f"{fmt.value(metric, high, signed=True)} over the grid"
    )
    if not any(sides):
        return f"no clear difference in {what} between {second} and {first} at any level ({spread})"
    groups = []
    for side in ("better", "worse", "higher", "lower", ""):
        at = [xs[i] for i, s in enumerate(sides) if s == side]
        if at:
            said = f"{side} than {first}" if side else "not clearly different"
            groups.append(f"{said} at {x} = {_levels(at)}")
    return f"{what}: {second} is " + "; ".join(groups) + f" ({spread})"


def _flip(d: Estimate, sign: float) -> Estimate:
    if sign > 0:
        return d
    return Estimate(-d.mean, d.std, -d.ci_high, -d.ci_low, d.n)


def difference_table(
    results: pd.DataFrame, metrics: Sequence[str], x: str, by: str, first: str, second: str
) -> str:
    """A row per level: each metric's paired difference ``second − first`` and its CI."""
    per = {m: level_differences(results, m, x, by, first, second) for m in metrics}
    levels = sorted({d.level for ds in per.values() for d in ds})
    header = [x, *(f"Δ {fmt.full_label(m)}" for m in metrics)]
    rows = []
    for level in levels:
        row = [html.escape(f"{level:g}")]
        for m in metrics:
            d = next((d.diff for d in per[m] if d.level == level), None)
            if d is None:
                row.append("–")
                continue
            mark = "*" if excludes_zero(d) else ""
            ci = fmt.interval(m, d, signed=True)
            row.append(
                f"{html.escape(fmt.value(m, d.mean, signed=True))}{mark}"
                f'<br><span class="ci">{html.escape(ci)}</span>'
            )
        rows.append(row)
    note = (
        f'<p class="note">Paired difference {html.escape(second)} − {html.escape(first)} at '
        "each level (replication by replication: the same seed, the same customers), its "
        f"95 % CI below. {html.escape(fmt.SIGNIFICANT_NOTE)}.</p>"
    )
    return note + table_html(header, rows, name_cols=1, raw=True)
