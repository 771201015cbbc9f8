"""What every chart shares: colours, 95 % CI bands over replications, units, inputs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simcc.analysis import format as fmt

POLICY_COLOURS = {
    "self_service": "#e377c2",
    "conference": "#2ca02c",
    "callback": "#9467bd",
    "email": "#8c564b",
    "rules": "#7f7f7f",
    "warm": "#d62728",
    "cold": "#1f77b4",
}
"""A policy keeps its colour in every chart (matched in the variant's name)."""

ACTIVITY_COLOURS = {
    "handle": "#4c72b0",
    "wrap_up": "#8fb0d8",
    "consult_wait": "#dd8452",
    "consult": "#c44e52",
    "conference": "#8172b3",
    "rediscovery": "#937860",
    "transfer": "#da8bc3",
    "dial": "#55a868",
    "peer_consult": "#ccb974",
}

_SPARE_COLOURS = (
    "#ff7f0e",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
)

VARIANT = "variant"
"""Column naming the policy or scenario a row belongs to."""


# ============================================================================ statistics


@dataclass(frozen=True)
class Band:
    """Mean and 95 % CI per column of a replications × points matrix."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int


def band(matrix: np.ndarray, level: float = 0.95) -> Band:
    """Column means of ``matrix`` (rows = replications) with Student-t CIs (NaN rows ignored)."""
    m = np.atleast_2d(np.asarray(matrix, dtype=float))
    n = np.sum(~np.isnan(m), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(m, axis=0) if m.size else np.full(m.shape[1], np.nan)
        if m.shape[0] < 2:
            return Band(mean, mean.copy(), mean.copy(), int(m.shape[0]))
        std = np.nanstd(m, axis=0, ddof=1)
        t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * std / np.sqrt(np.maximum(n, 1)), 0.0)
    return Band(mean, mean - half, mean + half, int(m.shape[0]))


@dataclass(frozen=True)
class Point:
    """A metric of one variant: mean and CI bounds (CI equal to the mean when unknown)."""

    mean: float
    low: float
    high: float


def variant_estimates(
    comparison: pd.DataFrame | Mapping[str, Any], metrics: Sequence[str]
) -> tuple[list[str], dict[str, dict[str, Point]]]:
    """Variants in order and ``{metric: {variant: Point}}`` from a comparison table or summary."""
    if isinstance(comparison, pd.DataFrame):
        table = comparison if VARIANT in comparison else comparison.assign(**{VARIANT: "run"})
        variants = [str(v) for v in pd.unique(table[VARIANT])]
        out: dict[str, dict[str, Point]] = {}
        for metric in metrics:
            if metric not in table:
                continue
            out[metric] = {}
            for v in variants:
                values = table.loc[table[VARIANT].astype(str) == v, metric].to_numpy(float)
                b = band(values[:, None])
                out[metric][v] = Point(float(b.mean[0]), float(b.low[0]), float(b.high[0]))
        return variants, out
    summary = comparison.get("metrics", {})
    variants = [str(v) for v in comparison.get("variants", [])]
    out = {}
    for metric in metrics:
        per_variant = summary.get(metric)
        if not per_variant:
            continue
        variants = variants or list(per_variant)
        out[metric] = {v: _point(per_variant[v]) for v in variants if v in per_variant}
    return variants, out


def _point(entry: Mapping[str, Any]) -> Point:
    mean = _float(entry.get("mean"))
    low, high = _float(entry.get("ci_low")), _float(entry.get("ci_high"))
    return Point(mean, mean if math.isnan(low) else low, mean if math.isnan(high) else high)


def _float(x: Any) -> float:
    return math.nan if x is None else float(x)


# ============================================================================ units and colours


def unit_scale(
    metric: str, values: Sequence[float] | np.ndarray = (), currency: str | None = None
) -> tuple[float, str]:
    """Factor from the stored value to the shown one, and the unit (``%``, ``s``, ``min``…)."""
    kind = fmt.kind(metric)
    if kind == "rate":
        return 100.0, "%"
    if kind == "time":
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size and np.nanmax(np.abs(finite)) > 300:
            return 1 / 60, "min"
        return 1.0, "s"
    if kind == "money":
        return 1.0, currency or "money"
    if kind == "count":
        return 1.0, "contacts"
    return 1.0, ""


def axis_label(metric: str, unit: str) -> str:
    """``Abandonment (all), %`` — the readable label and the unit."""
    text = fmt.title(metric)
    return f"{text}, {unit}" if unit else text


def time_scale(seconds: np.ndarray | Sequence[float]) -> tuple[float, str]:
    """Seconds, or minutes when the values run past five minutes."""
    return unit_scale("asa", seconds)


def variant_colours(variants: Sequence[str]) -> dict[str, str]:
    """A distinct colour per variant; a variant named after a policy gets that policy's colour."""
    colours: dict[str, str] = {}
    used: set[str] = set()
    for v in variants:
        for policy, colour in POLICY_COLOURS.items():
            if policy in str(v).lower() and colour not in used:
                colours[v] = colour
                used.add(colour)
                break
    spare = (c for c in _SPARE_COLOURS + tuple(POLICY_COLOURS.values()) if c not in used)
    for v in variants:
        if v not in colours:
            colours[v] = next(spare, "#333333")
    return colours


# ============================================================================ inputs


def with_variant(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One table with ``variant`` and ``replication`` columns, from a table or ``{name: table}``."""
    if isinstance(tables, Mapping):
        frames = [_as_records(t).assign(**{VARIANT: str(name)}) for name, t in tables.items()]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    else:
        frame = _as_records(tables)
        if VARIANT not in frame:
            frame = frame.assign(**{VARIANT: ""})
    return frame.assign(**{VARIANT: frame[VARIANT].astype(str)})


def _as_records(table: pd.DataFrame) -> pd.DataFrame:
    return table if "replication" in table else table.assign(replication=0)


def _variants(frame: pd.DataFrame) -> list[str]:
    return [str(v) for v in pd.unique(frame[VARIANT])]


def _replications(frame: pd.DataFrame) -> list[Any]:
    return sorted(pd.unique(frame["replication"]).tolist())


def _legend_name(variant: str) -> str:
    return variant or "run"
