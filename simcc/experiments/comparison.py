"""Comparing variants of a centre with paired confidence intervals.

A *variant* is a scenario under a name: two scenario files, or one file with
its transfer policy switched (warm, cold…).  Every variant runs replications
0..n−1 with the same seed, so replication *i* of each variant sees the same
customers (arrival times, segments, patience, first handle times): common
random numbers.  The difference between two variants is then measured
replication by replication, and its confidence interval (a Student-t interval
of the paired differences) is much narrower than one that treats the variants
as independent samples — a real effect shows with fewer replications.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from simcc.analysis.metrics import split_grouped
from simcc.analysis.stats import (
    Estimate,
    estimate,
    paired_difference,
    paired_ratio_difference,
    ratio_estimate,
    unpaired_difference,
)
from simcc.experiments.engine import (
    Execution,
    ExecutionOptions,
    Point,
    estimating_engine,
    metrics_frame,
)
from simcc.experiments.journal import ExperimentError
from simcc.runner import provenance
from simcc.scenario import Scenario, ScenarioError

KEYS = ("variant", "replication")
"""The columns of :attr:`Comparison.table` before the metrics."""


@dataclass
class Comparison:
    """Variants run with common random numbers: one row per variant × replication.

    ``table`` has the columns ``variant``, ``replication`` and one per metric;
    the first variant is the baseline the differences are measured against.
    """

    variants: list[str]
    scenarios: dict[str, Scenario]
    seed: int
    table: pd.DataFrame
    wall_time: float = math.nan
    estimator: str = "mean"
    """``mean`` (of each replication's value) or ``ratio`` (of totals, for ratio metrics)."""
    totals: pd.DataFrame | None = None
    """With ``ratio``: ``variant``, ``replication`` and each ratio metric's ``NAME.num``
    and ``NAME.den``, in the rows of ``table``."""
    groups: pd.DataFrame | None = None
    """Measured ``by`` groups: ``variant``, ``replication`` and every metric over each
    group's contacts, as ``NAME[by=group]`` columns, in the rows of ``table``."""

    def by_group(self, by: str) -> dict[str, list[dict[str, dict[str, float]]]]:
        """``{variant: [{group: {metric: value}} per replication]}`` for one ``by`` measured
        with the comparison (replication order; a group with no contact in a
        replication is left out of it, as in :meth:`simcc.runner.Result.metrics`)."""
        if self.groups is None or not any(split_grouped(str(c))[1] == by for c in self.groups):
            raise ExperimentError(f"the comparison was not measured by {by!r}")
        out: dict[str, list[dict[str, dict[str, float]]]] = {}
        for variant in self.variants:
            rows = self.groups[self.groups["variant"] == variant].sort_values("replication")
            reps = []
            for row in rows.to_dict("records"):
                rep: dict[str, dict[str, float]] = {}
                for name, value in row.items():
                    metric, their_by, group = split_grouped(str(name))
                    if their_by == by and group is not None:
                        rep.setdefault(group, {})[metric] = value
                reps.append({g: m for g, m in rep.items() if not math.isnan(m["arrived"])})
            out[variant] = reps
        return out

    @property
    def n(self) -> int:
        """Replications per variant."""
        return int((self.table["variant"] == self.variants[0]).sum())

    @property
    def baseline(self) -> str:
        """The first variant, which the others are compared with."""
        return self.variants[0]

    @property
    def metrics(self) -> list[str]:
        """The metric columns of the table, in table order."""
        return [c for c in self.table.columns if c not in KEYS]

    def values(self, variant: str, metric: str) -> pd.Series:
        """One metric of one variant, indexed by replication."""
        rows = self.table[self.table["variant"] == variant]
        return rows.set_index("replication")[metric].sort_index()

    def _ratio(self, metric: str) -> bool:
        """Whether ``metric`` is estimated as a ratio of totals."""
        return (
            self.estimator == "ratio" and self.totals is not None and f"{metric}.num" in self.totals
        )

    def _totals(self, variant: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
        assert self.totals is not None
        rows = self.totals[self.totals["variant"] == variant].set_index("replication")
        rows = rows.sort_index()
        return rows[f"{metric}.num"].to_numpy(), rows[f"{metric}.den"].to_numpy()

    def summary(self, level: float = 0.95) -> dict[str, dict[str, Estimate]]:
        """``{metric: {variant: Estimate}}``: each variant's estimate, std and CI."""
        return {
            metric: {v: self._estimate(v, metric, level) for v in self.variants}
            for metric in self.metrics
        }

    def _estimate(self, variant: str, metric: str, level: float) -> Estimate:
        if self._ratio(metric):
            return ratio_estimate(*self._totals(variant, metric), level)
        return estimate(self.values(variant, metric).to_numpy(), level)

    def difference(self, metric: str, variant: str, level: float = 0.95) -> Estimate:
        """The paired difference ``variant − baseline`` of one metric, with its CI
        (with the ratio estimator, of the two ratios of totals, by the delta method)."""
        if self._ratio(metric):
            base_totals = self._totals(self.baseline, metric)
            return paired_ratio_difference(base_totals, self._totals(variant, metric), level)
        base = self.values(self.baseline, metric)
        other = self.values(variant, metric).reindex(base.index)
        return paired_difference(base.to_numpy(), other.to_numpy(), level)

    def unpaired_difference(self, metric: str, variant: str, level: float = 0.95) -> Estimate:
        """Welch's CI of ``variant − baseline``, ignoring the pairing (for contrast)."""
        base = self.values(self.baseline, metric)
        other = self.values(variant, metric)
        return unpaired_difference(base.to_numpy(), other.to_numpy(), level)

    def differences(self, level: float = 0.95) -> pd.DataFrame:
        """Paired differences against the baseline, one row per metric × other variant.

        Columns: ``metric``, ``variant``, ``mean``, ``ci_low``, ``ci_high``,
        ``excludes_zero`` (the CI lies wholly above or below zero).
        """
        rows = []
        for metric in self.metrics:
            for variant in self.variants[1:]:
                e = self.difference(metric, variant, level)
                rows.append(
                    {
                        "metric": metric,
                        "variant": variant,
                        "mean": e.mean,
                        "ci_low": e.ci_low,
                        "ci_high": e.ci_high,
                        "excludes_zero": excludes_zero(e),
                    }
                )
        columns = ["metric", "variant", "mean", "ci_low", "ci_high", "excludes_zero"]
        return pd.DataFrame(rows, columns=columns)

    def to_json(self, level: float = 0.95) -> dict[str, Any]:
        """The ``summary.json`` document of ``simcc compare``.

        ``{"variants": [...], "metrics": {metric: {variant: {mean, std, ci_low,
        ci_high}}}, "differences": {metric: {variant: {mean, ci_low, ci_high}}}}``
        with the differences of every variant but the first, against the first.
        """
        summary = self.summary(level)
        differences = {
            metric: {v: _mean_and_ci(self.difference(metric, v, level)) for v in self.variants[1:]}
            for metric in self.metrics
        }
        return {
            "variants": list(self.variants),
            "seed": self.seed,
            "replications": self.n,
            "level": level,
            "estimator": self.estimator,
            "metrics": {
                metric: {v: e.as_dict() for v, e in by_variant.items()}
                for metric, by_variant in summary.items()
            },
            "differences": differences,
            "provenance": provenance(self.scenarios[self.baseline], self.seed)
            | {"wall_time_s": self.wall_time},
        }


def _mean_and_ci(e: Estimate) -> dict[str, float]:
    return {"mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high}


def excludes_zero(e: Estimate) -> bool:
    """Whether a difference's CI lies wholly on one side of zero (needs 2+ replications)."""
    return e.n >= 2 and (e.ci_low > 0 or e.ci_high < 0)


def unique_names(names: Sequence[str]) -> list[str]:
    """The names, with `` (2)``, `` (3)``… added to repeats so each is unique."""
    out: list[str] = []
    for name in names:
        candidate, k = name, 2
        while candidate in out:
            candidate, k = f"{name} ({k})", k + 1
        out.append(candidate)
    return out


def policy_variants(scenario: Scenario, policies: Sequence[str]) -> dict[str, Scenario]:
    """One variant per transfer policy of ``scenario``, named by the policy."""
    variants: dict[str, Scenario] = {}
    for name, policy in zip(unique_names(policies), policies, strict=True):
        try:
            variants[name] = scenario.with_policy(policy)
        except ScenarioError as exc:
            raise ExperimentError(f"--policy {policy}: {exc}") from None
    return variants


def as_variants(variants: Sequence[Scenario] | Mapping[str, Scenario]) -> dict[str, Scenario]:
    """Named variants from a mapping, or from scenarios named by their display names."""
    if isinstance(variants, Mapping):
        named = {str(k): v for k, v in variants.items()}
    else:
        scenarios = list(variants)
        named = dict(zip(unique_names([s.display_name for s in scenarios]), scenarios, strict=True))
    if len(named) < 2:
        raise ExperimentError(
            "a comparison needs at least two variants (two scenario files, or --policy twice)"
        )
    return named


def compare(
    variants: Sequence[Scenario] | Mapping[str, Scenario],
    replications: int | None = None,
    seed: int | None = None,
    *,
    estimator: str = "mean",
    by: Sequence[str] = (),
    execution: Execution | None = None,
    **options: Unpack[ExecutionOptions],
) -> Comparison:
    """Run every variant with common random numbers and compare them.

    Args:
        variants: scenarios (named by their display names) or ``{name: scenario}``;
            the first is the baseline.  :func:`policy_variants` makes one per policy.
        replications: per variant (default: the first scenario's).
        seed: for every variant (default: the first scenario's).
        estimator: ``"mean"`` (of each replication's value, the default) or ``"ratio"``:
            rates and other ratio metrics as ratios of totals over replications, and
            their differences by the delta method on the paired replications.
        by: also measure every metric by these groups (``call_type``, ``segment``,
            ``need``, ``channel``) in the same replications: :meth:`Comparison.by_group`.
        execution: how to run: local processes or a Dask scheduler, a journal to keep
            finished replications in and resume from, a progress callback
            (:class:`~simcc.experiments.engine.Execution`); its fields may be given
            as keywords instead (``jobs=2``, ``journal=path, resume=True``…).

    Returns:
        A :class:`Comparison`; ``.table`` has one row per variant × replication.
    """
    named = as_variants(variants)
    first = next(iter(named.values()))
    n = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    points = [Point(name, scenario) for name, scenario in named.items()]
    started = time.perf_counter()
    execute = Execution.of(execution, **options)
    with estimating_engine("comparison", points, seed, execute, estimator, by) as engine:
        results = engine.run(points, n, seed)
        table = metrics_frame({"variant": list(named)}, results)
        engine.finish()
    parts = [c for c in table.columns if c.endswith((".num", ".den"))]
    totals = table[[*KEYS, *parts]] if parts else None
    grouped = [c for c in table.columns if split_grouped(c)[1] is not None]
    groups = table[[*KEYS, *grouped]] if grouped else None
    table = table.drop(columns=parts + grouped)
    elapsed = time.perf_counter() - started
    return Comparison(list(named), named, seed, table, elapsed, estimator, totals, groups)
