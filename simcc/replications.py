"""Many replications of one scenario: their metrics, records and estimates.

:class:`Replications` holds a row of metrics per replication (and, when kept,
their records and each ratio's totals), and estimates every metric over the
replications with its confidence interval: the mean of the replications'
values, the ratio of totals (delta method) or the control-variates estimator
(:data:`ESTIMATORS`).  :func:`simcc.runner.replicate` makes one.
"""

from __future__ import annotations

import functools
import math
import platform
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from simcc._version import __version__
from simcc.analysis import metrics as _metrics
from simcc.analysis.metrics import Totals
from simcc.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from simcc.analysis.stats import Adjusted, Estimate
    from simcc.runner import TaskResult


def provenance(scenario: Scenario, seed: int) -> dict[str, Any]:
    """What a result was made from: scenario name, seed and versions."""
    import simpy

    return {
        "scenario": scenario.display_name,
        "seed": seed,
        "simcc": __version__,
        "simpy": simpy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


ESTIMATORS = ("mean", "ratio", "control-variates")
"""How :meth:`Replications.summary` estimates a metric over replications:

- ``mean``: the mean of the replications' values (of each replication's ratio,
  for a rate), with a Student-t CI — the default;
- ``ratio``: for a ratio metric, the ratio of totals over replications
  (``Σ numerators / Σ denominators``) with a delta-method CI; other metrics
  (counts) as ``mean``;
- ``control-variates``: the mean adjusted by the controls of
  :mod:`simcc.analysis.controls`, with its CI on ``n − 1 − q`` degrees of freedom.
"""


class MetricRows:
    """Rows of numbers, one per replication, kept as they came from the workers until a
    DataFrame of them is asked for.

    The summary needs each metric's column and ``replications.parquet`` an Arrow table,
    neither of which needs pandas: building the table of replications without it spares
    ``simcc run`` about 0.4 s of imports (docs/performance.md, "Where the time goes",
    round five).  :meth:`frame` is what ``pandas.DataFrame(rows)`` gives: one column
    per key in the order keys first appear, a missing value NaN.
    """

    def __init__(self, rows: list[dict[str, float]]) -> None:
        self.rows = rows
        self.names = list(dict.fromkeys(name for row in rows for name in row))

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> np.ndarray[Any, Any]:
        """One metric over the replications, as floats (NaN where a row lacks it)."""
        return np.array([row.get(name, math.nan) for row in self.rows], dtype=float)

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows)

    def arrow(self) -> pa.Table:
        """The rows as the Arrow table (and pandas metadata) that ``pandas.DataFrame.to_parquet``
        writes, without pandas when every row has every column and every value is a
        float, ``replication`` an int (what :meth:`Replications.from_results` holds)."""
        import pyarrow as pa

        names = self.names
        plain = all(
            len(row) == len(names)
            and type(row.get("replication")) is int
            and all(type(v) is float for k, v in row.items() if k != "replication")
            for row in self.rows
        )
        if not plain or not self.rows or "replication" not in names:
            return pa.Table.from_pandas(self.frame(), preserve_index=False)
        columns = {
            name: np.array([row[name] for row in self.rows], dtype=np.int64)
            if name == "replication"
            else self.column(name)
            for name in names
        }
        from simcc.record_files import arrow_array  # pa.array would import pandas

        table = pa.table(
            {
                name: arrow_array(values, np.isnan(values) if values.dtype.kind == "f" else None)
                for name, values in columns.items()
            }
        )
        return table.replace_schema_metadata({"pandas": _pandas_metadata(columns)})


def _pandas_metadata(columns: dict[str, np.ndarray[Any, Any]]) -> str:
    """The ``pandas`` schema metadata ``pyarrow.Table.from_pandas(frame,
    preserve_index=False)`` gives a frame of these numeric columns (read back by pandas
    as the same frame)."""
    import importlib.metadata
    import json

    import pyarrow as pa

    document = {
        "index_columns": [],
        "column_indexes": [],
        "columns": [
            {
                "name": name,
                "field_name": name,
                "pandas_type": str(values.dtype),
                "numpy_type": str(values.dtype),
                "metadata": None,
            }
            for name, values in columns.items()
        ],
        "attributes": {},
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": importlib.metadata.version("pandas"),
    }
    return json.dumps(document)


class Replications:
    """Many replications of one scenario: a metrics row each, and their summary.

    After an early stop (:func:`replicate`'s ``max_contacts`` or
    ``wall_clock``, or Ctrl-C) it holds what was measured, and says what was
    cut short: :meth:`notes` in words, the attributes below in data.

    Attributes:
        table: one row per replication, ``replication`` and every metric (a
            DataFrame; given as :class:`MetricRows`, it is built on first read:
            the summary and ``replications.parquet`` do not need it).
        records: every replication's records, when kept (``keep_records``).
        requested: replications asked for (0 when built by hand: as many as ran
            or were skipped).
        stopped_early: replication → why it was cut short (its numbers cover the
            contacts up to the stop).
        skipped: replications never started: the wall clock had run out.
        interrupted: Ctrl-C (or SIGTERM under the command line) stopped the run.
        totals: per replication, each ratio metric's numerator and denominator
            (columns ``NAME.num``, ``NAME.den``), in the rows of ``table`` (given
            as a function that makes it, it is made on first read).
        controls: per replication, the control variates
            (:data:`simcc.analysis.controls.CONTROLS`).
        estimator: the default estimator of :meth:`summary` (one of :data:`ESTIMATORS`).
        precision: the half-widths :func:`replicate` was asked to reach (metric →
            half-width).
        groups: by → one {group: metrics} per replication, in replication order
            (``replicate(by=…)``).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        table: pd.DataFrame | MetricRows,
        wall_time: float,
        records: dict[str, pd.DataFrame] | None = None,
        requested: int = 0,
        stopped_early: dict[int, str] | None = None,
        skipped: int = 0,
        interrupted: bool = False,
        totals: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
        controls: pd.DataFrame | None = None,
        estimator: str = "mean",
        precision: dict[str, float] | None = None,
        groups: dict[str, list[dict[str, dict[str, float]]]] | None = None,
    ) -> None:
        self.scenario, self.seed, self.wall_time = scenario, seed, wall_time
        self._table = table
        self.records = records
        self.stopped_early = dict(stopped_early or {})
        self.skipped, self.interrupted = skipped, interrupted
        self._totals = totals
        self.controls = controls
        self.estimator = estimator
        self.precision = dict(precision or {})
        self.groups = dict(groups or {})
        self.requested = requested or self.n + skipped
        if self.estimator not in ESTIMATORS:
            raise ValueError(
                f"estimator must be one of {', '.join(ESTIMATORS)}, got {self.estimator!r}"
            )

    def __repr__(self) -> str:
        return (
            f"Replications({self.scenario.display_name!r}, seed={self.seed}, n={self.n}, "
            f"estimator={self.estimator!r})"
        )

    @property
    def table(self) -> pd.DataFrame:
        if isinstance(self._table, MetricRows):
            self._table = self._table.frame()
        return self._table

    @table.setter
    def table(self, table: pd.DataFrame) -> None:
        self._table = table

    @property
    def totals(self) -> pd.DataFrame | None:
        if callable(self._totals):
            self._totals = self._totals()
        return self._totals

    @totals.setter
    def totals(self, totals: pd.DataFrame | Callable[[], pd.DataFrame] | None) -> None:
        self._totals = totals

    @property
    def n(self) -> int:
        return len(self._table)

    def metric_names(self) -> list[str]:
        """The metrics of :attr:`table`, in its column order."""
        rows = self._table
        names = rows.names if isinstance(rows, MetricRows) else list(rows.columns)
        return [name for name in names if name != "replication"]

    def values(self, name: str) -> np.ndarray[Any, Any]:
        """One metric over the replications (a column of :attr:`table`, as an array)."""
        rows = self._table
        return rows.column(name) if isinstance(rows, MetricRows) else rows[name].to_numpy()

    def table_arrow(self) -> pa.Table:
        """:attr:`table` as the Arrow table ``replications.parquet`` holds (what
        ``table.to_parquet(index=False)`` writes: same rows, types and pandas metadata)."""
        import pyarrow as pa

        rows = self._table
        if isinstance(rows, MetricRows):
            return rows.arrow()
        return pa.Table.from_pandas(self.table, preserve_index=False)

    @classmethod
    def from_results(
        cls,
        scenario: Scenario,
        seed: int,
        results: list[TaskResult],
        wall_time: float,
        *,
        requested: int = 0,
        interrupted: bool = False,
        estimator: str = "mean",
    ) -> Replications:
        """Assemble task results (in any order; skipped ones are counted, not kept)."""
        skipped = sum(r.skipped for r in results)
        results = sorted((r for r in results if not r.skipped), key=lambda r: r.replication)
        table = MetricRows([{"replication": r.replication} | r.metrics for r in results])
        records = None
        if any(r.records for r in results):
            import pandas as pd

            records = {
                name: pd.concat(
                    [
                        r.records[name].assign(replication=r.replication)
                        for r in results
                        if r.records
                    ],
                    ignore_index=True,
                )
                for name in ("contacts", "agents", "transfers")
            }
        stopped = {r.replication: r.stopped_early for r in results if r.stopped_early}
        groups: dict[str, list[dict[str, dict[str, float]]]] = {}
        for r in results:
            for by, metrics in (r.groups or {}).items():
                groups.setdefault(by, []).append(metrics)
        reps = cls(
            scenario, seed, table, wall_time, records, requested, stopped, skipped, interrupted
        )
        numbers, totals = [r.replication for r in results], [r.totals for r in results]
        reps.totals = functools.partial(totals_frame, numbers, totals)  # built if asked for
        if results and all(r.controls is not None for r in results):
            import pandas as pd

            from simcc.analysis.controls import CONTROLS

            reps.controls = pd.DataFrame([r.controls for r in results], columns=list(CONTROLS))
        reps.estimator = estimator
        reps.groups = groups
        return reps

    def summary_by(self, by: str, level: float = 0.95) -> dict[str, dict[str, Estimate]]:
        """Every metric's estimate over replications within each group (``call_type``,
        ``segment``, ``need`` or ``channel``), by group name; needs ``replicate(..., by=[by])``.

        A group absent from a replication (no contact of it arrived) has no row there.
        """
        import pandas as pd

        from simcc.analysis.stats import estimate

        if by not in self.groups:
            raise ValueError(f"no metrics by {by!r}: run replicate(..., by=[{by!r}])")
        names = list(dict.fromkeys(g for rep in self.groups[by] for g in rep))
        out: dict[str, dict[str, Estimate]] = {}
        for name in names:
            rows = pd.DataFrame([rep[name] for rep in self.groups[by] if name in rep])
            out[name] = {m: estimate(rows[m].to_numpy(), level) for m in rows.columns}
        return out

    def notes(self) -> list[str]:
        """What was cut short, one line each (for the terminal and ``summary.json``)."""
        notes = [f"replication {i}: {why}" for i, why in sorted(self.stopped_early.items())]
        if self.skipped:
            notes.append(
                f"{self.skipped} of {self.requested} replication(s) not started: "
                "the wall-clock limit was reached"
            )
        if self.interrupted:
            notes.append(f"interrupted after {self.n} of {self.requested} replication(s)")
        return notes

    def summary(self, level: float = 0.95, estimator: str | None = None) -> dict[str, Estimate]:
        """Each metric's estimate, std and confidence interval over replications.

        ``estimator`` (default: :attr:`estimator`) is one of :data:`ESTIMATORS`.
        """
        from simcc.analysis.stats import estimate, ratio_estimate

        how = self._estimator(estimator)
        names = self.metric_names()
        if how == "control-variates":
            return {name: a.estimate for name, a in self.adjusted(level).items()}
        out = {}
        for name in names:
            if how == "ratio" and self.totals is not None and f"{name}.num" in self.totals:
                num, den = self.totals[f"{name}.num"], self.totals[f"{name}.den"]
                out[name] = ratio_estimate(num.to_numpy(), den.to_numpy(), level)
            else:
                out[name] = estimate(self.values(name), level)
        return out

    def variance_reduction(self, level: float = 0.95) -> dict[str, float]:
        """Per metric, variance of the plain mean ÷ that of the control-variates estimate."""
        return {name: a.variance_reduction for name, a in self.adjusted(level).items()}

    def _estimator(self, estimator: str | None) -> str:
        how = self.estimator if estimator is None else estimator
        if how not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {how!r}")
        if how == "ratio" and self.totals is None:
            raise ValueError("the ratio estimator needs the replications' totals (.totals)")
        if how == "control-variates" and self.controls is None:
            raise ValueError(
                "the control-variates estimator needs the controls: "
                "replicate(..., estimator='control-variates')"
            )
        return how

    def adjusted(self, level: float = 0.95) -> dict[str, Adjusted]:
        """Per metric, the control-variates estimate beside the plain mean of the same
        replications (its variance reduction, its CI's width against the plain one's)."""
        from simcc.analysis.controls import control_means
        from simcc.analysis.stats import control_variate_estimate

        self._estimator("control-variates")
        assert self.controls is not None
        controls = self.controls.to_numpy()
        means = control_means(self.scenario)
        return {
            name: control_variate_estimate(self.values(name), controls, means, level)
            for name in self.metric_names()
        }

    def summary_frame(self, level: float = 0.95) -> pd.DataFrame:
        """The summary as a DataFrame, one row per metric."""
        import pandas as pd

        rows = {name: e.as_dict() | {"n": e.n} for name, e in self.summary(level).items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_json(self) -> dict[str, Any]:
        """The ``summary.json`` document of MODEL.md §6 (``estimator`` says how the
        metrics were estimated; a control-variates run also gives each metric's
        ``variance_reduction``)."""
        metrics = {name: _clean(e.as_dict()) for name, e in self.summary().items()}
        if self.estimator == "control-variates":
            for name, factor in self.variance_reduction().items():
                metrics[name]["variance_reduction"] = _clean({"f": factor})["f"]
        document = {
            "scenario": self.scenario.display_name,
            "seed": self.seed,
            "replications": self.n,
            "metrics": metrics,
            "provenance": provenance(self.scenario, self.seed) | {"wall_time_s": self.wall_time},
            "replications_requested": self.requested,
            "stopped_early": self.notes() or None,
            "estimator": self.estimator,
        }
        if self.precision:
            document["precision"] = self.precision_status()
        return document | self._by_json()

    def _by_json(self) -> dict[str, Any]:
        """``{"by": {by: {group: {metric: estimate}}}}`` when metrics were asked by group."""
        if not self.groups:
            return {}
        return {
            "by": {
                by: {
                    group: {name: _clean(e.as_dict()) for name, e in metrics.items()}
                    for group, metrics in self.summary_by(by).items()
                }
                for by in self.groups
            }
        }

    def precision_status(self, level: float = 0.95) -> dict[str, dict[str, float | bool]]:
        """Per metric of :attr:`precision`: the target half-width, the one reached, and
        whether it was reached."""
        summary = self.summary(level)
        out: dict[str, dict[str, float | bool]] = {}
        for name, target in self.precision.items():
            reached = summary[name].half_width if name in summary else math.nan
            out[name] = {
                "target": target,
                "half_width": None if math.isnan(reached) else reached,  # type: ignore[dict-item]
                "reached": bool(reached <= target),
            }
        return out


def totals_frame(replications: list[int], totals: list[Totals]) -> pd.DataFrame:
    """The totals of several replications as a table: ``NAME.num``, ``NAME.den`` columns."""
    import pandas as pd

    rows = [_metrics.flat_totals(t) for t in totals]
    return pd.DataFrame(rows, index=pd.Index(replications, name="replication"))


def _clean(values: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}
