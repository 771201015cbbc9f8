"""Sweeps: a grid of scenario fields × replications, one tidy table.

A sweep sets fields of a scenario by their dotted YAML paths, each to a list
of values, and simulates every combination (the grid)::

    --set pools.tier2.agents=6..14        # 6, 7, …, 14 (inclusive)
    --set pools.tier2.agents=6..14..2     # 6, 8, …, 14
    --set transfer.policy=warm,cold       # a list
    --set customers.patience.mean=2m,4m   # values are YAML scalars: "2m" stays text

Every grid point runs replications 0..n−1 with the same seed (common random
numbers across the grid), so neighbouring points differ by the field, not by
luck.  The result has one row per grid point × replication: a column per
swept field (named by its path), ``replication``, and a column per metric.
Every grid point's scenario is validated before any simulation starts.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

import numpy as np
import pandas as pd
import yaml

from simcc.analysis.stats import estimate, ratio_estimate
from simcc.experiments.engine import (
    Execution,
    ExecutionOptions,
    Point,
    estimating_engine,
    metrics_frame,
)
from simcc.experiments.journal import ExperimentError
from simcc.scenario import Scenario, ScenarioError
from simcc.scenario.errors import closest

_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*(?:\.\.\s*(\d+)\s*)?$")
RESERVED = {
    "seed": "not a field to sweep: every grid point uses the same seed "
    "(common random numbers); use --seed",
    "replications": "not a field to sweep; use --replications",
}


def parse_values(text: str) -> list[Any]:
    """The values of a ``--set``: ``a..b`` or ``a..b..step`` (integers, inclusive) or a
    comma-separated list of YAML scalars (``6``, ``0.5``, ``5m``, ``warm``, ``[30, 40]``).
    """
    match = _RANGE.match(text)
    if match:
        low, high = int(match[1]), int(match[2])
        step = int(match[3]) if match[3] is not None else 1
        if step < 1:
            raise ExperimentError(f"{text!r}: the step of a range must be at least 1")
        if high < low:
            raise ExperimentError(f"{text!r}: empty range (write the smaller number first)")
        return list(range(low, high + 1, step))
    values = []
    for item in _split(text):
        if not item.strip():
            raise ExperimentError(f"{text!r}: empty value in the list")
        try:
            values.append(yaml.safe_load(item))
        except yaml.YAMLError:
            raise ExperimentError(f"{text!r}: {item.strip()!r} is not a YAML value") from None
    return values


def _split(text: str) -> list[str]:
    """Split at commas outside brackets, braces and quotes."""
    items, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        current += char
    return [*items, current]


def parse_set(spec: str) -> tuple[str, list[Any]]:
    """``"pools.tier2.agents=6..14"`` → ``("pools.tier2.agents", [6, …, 14])``."""
    path, sep, values = spec.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise ExperimentError(
            f"--set {spec}: expected PATH=VALUES, e.g. pools.tier2.agents=6..14 "
            "or transfer.policy=warm,cold"
        )
    try:
        return path, parse_values(values)
    except ExperimentError as exc:
        raise ExperimentError(f"--set {spec}: {exc}") from None


def parse_grid(specs: Sequence[str]) -> dict[str, list[Any]]:
    """The grid of several ``--set`` options (each path at most once)."""
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        path, values = parse_set(spec)
        if path in grid:
            raise ExperimentError(f"--set {spec}: {path} is set twice; list its values once")
        grid[path] = values
    return grid


def _explain_path(scenario: Scenario, path: str) -> None:
    """When the scenario rejects a ``--set``, say so if the path itself is the problem."""
    try:
        check_path(scenario, path)
    except ExperimentError as exc:
        raise ExperimentError(f"--set {path}: {exc}") from None


def check_path(scenario: Scenario, path: str) -> None:
    """Refuse a dotted path that leads nowhere in the validated scenario, with a hint.

    Sections are looked up in the scenario with its defaults filled in, so a
    path to a field the file leaves out is fine; the last key is left to the
    scenario's own validation (it knows which keys a section takes).
    """
    node: Any = scenario.model_dump(by_alias=True)
    parts = path.split(".")
    for depth, key in enumerate(parts[:-1]):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise ExperimentError(f"{where}: expected an index below {len(node)}")
            node = node[int(key)]
        elif isinstance(node, dict):
            if key not in node:
                inside = ".".join(parts[:depth]) or "the scenario"
                hint = closest(key, node)
                raise ExperimentError(
                    f"{where}: unknown; {inside} has "
                    + ", ".join(str(k) for k in node)
                    + (f" (did you mean {hint!r}?)" if hint else "")
                )
            node = node[key]
        if node is None:
            return  # an optional section not given in the file: setting it creates it
        if not isinstance(node, dict | list):
            raise ExperimentError(f"{where}: is a value ({node!r}), not a section")


def grid_points(scenario: Scenario, grid: Mapping[str, Sequence[Any]]) -> list[Point]:
    """Every combination of the grid as a validated scenario (first path varies slowest).

    Raises :class:`ExperimentError` naming the ``--set`` (or the combination)
    that the scenario rejects, before anything is simulated.
    """
    if not grid:
        raise ExperimentError("nothing to sweep: give at least one --set PATH=VALUES")
    for path, values in grid.items():
        if path.split(".")[0] in RESERVED:
            raise ExperimentError(f"--set {path}: {RESERVED[path.split('.')[0]]}")
        if not values:
            raise ExperimentError(f"--set {path}: no values")
        for value in values:
            try:
                scenario.with_changes({path: value})
            except ScenarioError as exc:
                _explain_path(scenario, path)
                raise ExperimentError(f"--set {path}={_show(value)}: {exc}") from None
    points = []
    paths = list(grid)
    for combination in itertools.product(*grid.values()):
        changes = dict(zip(paths, combination, strict=True))
        try:
            points.append(Point(combination, scenario.with_changes(changes)))
        except ScenarioError as exc:
            where = ", ".join(f"{p}={_show(v)}" for p, v in changes.items())
            raise ExperimentError(f"grid point {where}: {exc}") from None
    return points


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[Any]],
    replications: int | None = None,
    seed: int | None = None,
    *,
    estimator: str = "mean",
    by: Sequence[str] = (),
    execution: Execution | None = None,
    **options: Unpack[ExecutionOptions],
) -> pd.DataFrame:
    """Simulate every point of ``grid`` on ``scenario``, with common random numbers.

    Args:
        scenario: the base scenario.
        grid: ``{dotted path: values}``, e.g. ``{"pools.tier2.agents": [6, 8, 10]}``.
        replications: per grid point (default: the scenario's).
        seed: for every grid point (default: the scenario's).
        estimator: ``"mean"`` (default) or ``"ratio"``: the table also keeps each ratio
            metric's numerator and denominator (``NAME.num``, ``NAME.den``) and
            :func:`summarize` gives ratios of totals with delta-method CIs.
        by: also measure every metric by these groups (``call_type``, ``segment``,
            ``need``, ``channel``): one more column per metric and group, named
            ``NAME[by=group]`` (``service_level[channel=voice]``).
        execution: how to run: local processes or a Dask scheduler, a journal to keep
            finished replications in and resume from, a progress callback
            (:class:`~simcc.experiments.engine.Execution`); its fields may be given
            as keywords instead (``jobs=2``, ``journal=path, resume=True``…).

    Returns:
        One row per grid point × replication: a column per path, ``replication``,
        then one column per metric.  ``attrs`` holds the seed, the paths and the
        estimator.
    """
    points = grid_points(scenario, grid)
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    paths = list(grid)
    execute = Execution.of(execution, **options)
    with estimating_engine("sweep", points, seed, execute, estimator, by) as engine:
        results = engine.run(points, n, seed)
        keys = {path: [p.key[i] for p in points] for i, path in enumerate(paths)}  # type: ignore[index]
        table = metrics_frame(keys, results)
        engine.finish()
    table.attrs.update({"seed": seed, "fields": paths, "estimator": estimator, "by": list(by)})
    return table


def summarize(
    table: pd.DataFrame, by: Sequence[str], level: float = 0.95, estimator: str | None = None
) -> pd.DataFrame:
    """Mean, std and CI of every metric per group: columns ``by…``, metric, mean, std,
    ci_low, ci_high, n (a sweep table grouped by its fields, say).

    ``estimator`` (default: the table's ``attrs``, else ``"mean"``): ``"ratio"`` takes
    a ratio metric as the ratio of its ``NAME.num`` and ``NAME.den`` column totals.
    """
    how = estimator or table.attrs.get("estimator", "mean")
    parts = tuple(c for c in table.columns if str(c).endswith((".num", ".den")))
    metrics = [c for c in table.columns if c not in (*by, "replication", *parts)]
    rows = []
    for key, group in table.groupby(list(by), sort=False):
        head = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for metric in metrics:
            if how == "ratio" and f"{metric}.num" in group:
                num, den = (group[f"{metric}.{p}"].to_numpy(dtype=float) for p in ("num", "den"))
                e = ratio_estimate(num, den, level)
            else:
                e = estimate(group[metric].to_numpy(dtype=float), level)
            rows.append(head | {"metric": metric} | e.as_dict() | {"n": e.n})
    columns = [*by, "metric", "mean", "std", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=columns).astype({"n": np.int64})
