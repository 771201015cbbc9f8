"""The whole day of a staffing per interval, judged by the scenario-level metrics.

The interval search (:mod:`simcc.experiments.interval_staffing`) judges each
pool × interval cell by the contacts reaching *that pool's queue* in that
interval.  A planner reads a target as a promise about the day: the
scenario-level metric (``simcc run``'s ``abandonment_rate``, …).  The two
differ: the day's ``abandonment_rate`` also counts the customers lost on hold
during a transfer's consult or conference steps, which no pool's queue holds,
and a day's CI is not the cells' CIs.  :func:`check_day` simulates the staffed
day once more (the search's replications and seed: common random numbers, so
these are the days the search judged) and judges every target on the day's
metrics, by its 95 % CI bound or by the mean as the search did.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from simcc.analysis import format as fmt
from simcc.analysis.stats import Estimate, estimate
from simcc.experiments.engine import Engine, Point
from simcc.experiments.staffing import Target
from simcc.scenario import Scenario

LOST_BEYOND_QUEUES = ("abandonment_hold_rate", "abandonment_transfer_rate")
"""Day metrics of the contacts lost outside a pool's entry to its queue in an interval."""


@dataclass(frozen=True)
class DayTarget:
    """One target judged over the whole day."""

    target: Target
    estimate: Estimate
    met: bool


@dataclass
class DayCheck:
    """The staffed day of one policy: each target over the day, and every metric's mean."""

    policy: str
    targets: list[DayTarget]
    conservative: bool = True
    means: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def met(self) -> bool:
        return all(t.met for t in self.targets)

    def why_not(self, day: DayTarget) -> str:
        """Why a target every interval meets is missed over the day, in a sentence."""
        metric = day.target.metric
        parts = [
            f"an interval is judged in each pool's own queue; the day's {metric} is "
            "measured over every contact of the day"
        ]
        if metric == "abandonment_rate":
            lost = [
                (name, self.means.get(name, math.nan))
                for name in ("abandonment_queue_rate", *LOST_BEYOND_QUEUES)
            ]
            queue, hold, after = (fmt.value(metric, v) for _, v in lost)
            parts.append(
                f"it counts the customers lost on hold in a transfer ({hold} of the day's "
                f"contacts) and in a queue after one ({after}), besides those lost in the "
                f"entry queue ({queue}): hold abandonment is in no pool's queue, so the "
                "interval search does not see it (more agents in the receiving pool shorten "
                "the wait for one to consult; a shorter consult, or a shorter "
                "max_consult_wait, shortens the hold)"
            )
        return "; ".join(parts) + "."


def check_day(
    policy: str,
    scenario: Scenario,
    targets: Sequence[Target],
    replications: int,
    seed: int,
    engine: Engine,
    conservative: bool = True,
) -> DayCheck:
    """Simulate the staffed ``scenario`` (``replications``, ``seed``) with an engine doing
    the ordinary run's work, and judge each target on the day's metrics."""
    (rows,) = engine.run([Point(None, scenario)], replications, seed)
    days = []
    for t in targets:
        e = estimate([row[t.metric] for row in rows])
        days.append(DayTarget(t, e, t.met(e, conservative)))
    means = {name: estimate([row[name] for row in rows]).mean for name in rows[0]}
    return DayCheck(policy, days, conservative, means)


def day_table(checks: Sequence[DayCheck]) -> pd.DataFrame:
    """``day-check.csv``: per policy and target the day's mean, 95 % CI and ``met`` over the
    day (every interval of the staffing found meets every target in each pool's queue)."""
    rows = []
    for check in checks:
        for day in check.targets:
            e = day.estimate
            rows.append(
                {
                    "policy": check.policy,
                    "target": str(day.target),
                    "metric": day.target.metric,
                    "op": day.target.op,
                    "value": day.target.value,
                    "mean": e.mean,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "replications": e.n,
                    "met": day.met,
                    "judged_by": "95% CI bound" if check.conservative else "mean",
                }
            )
    return pd.DataFrame(rows)
