"""Charts of simulation results for planners: each function takes results, returns a Figure.

The functions read the tables the simulator and the experiment commands
write — never the engine — and draw with matplotlib's object API
(:class:`matplotlib.figure.Figure`, no ``pyplot``), so they never open a
window, never touch the global figure list and render with the Agg canvas
when saved (``fig.savefig("chart.png")``).  In Jupyter, ``display(fig)``
shows them.

Every chart shows the uncertainty of replications: a 95 % Student-t
confidence interval across replications, drawn as error bars or a shaded
band (none with a single replication).  Titles and axis labels use the
metrics' labels and units of :mod:`simcc.analysis.format`; charts over the
day read in clock time when given the opening time (``opens_at="08:00"``),
else in hours since opening, and money carries the currency when given.

Inputs:

- a *comparison table*: one row per variant × replication, columns
  ``variant``, ``replication`` and one per metric (``Comparison.table`` or
  ``replications.parquet`` of ``simcc compare``), or the ``summary.json``
  document of ``simcc compare`` (``{"variants": [...], "metrics": {...}}``);
- record tables (``contacts``, ``transfers``, ``agents``, ``staffing``) with
  an optional ``replication`` column and an optional ``variant`` column, or a
  mapping ``{variant: table}``;
- a *sweep table*: one row per grid point × replication, a column per swept
  field (dotted path), ``replication`` and one per metric.

The charts live in :mod:`~simcc.analysis.plots.compare` (a comparison),
:mod:`~simcc.analysis.plots.records` (waits, the day, agent time) and
:mod:`~simcc.analysis.plots.sweep`; :mod:`~simcc.analysis.plots.base` holds
what they share.  Every public name is importable from here.
"""

from simcc.analysis.plots.base import (
    ACTIVITY_COLOURS,
    POLICY_COLOURS,
    VARIANT,
    Band,
    Point,
    axis_label,
    band,
    time_scale,
    unit_scale,
    variant_colours,
    variant_estimates,
    with_variant,
)
from simcc.analysis.plots.compare import HEADLINE_PLOT, comparison_chart, pool_time_chart
from simcc.analysis.plots.escalation import reason_counts, reason_shares, reasons_chart
from simcc.analysis.plots.records import (
    activity_chart,
    activity_hours,
    intraday_chart,
    mean_count,
    queue_intervals,
    staffing_plan,
    wait_distributions,
)
from simcc.analysis.plots.sweep import (
    SCENARIO_KEYS,
    crossings,
    sweep_axes,
    sweep_chart,
    swept_fields,
)

__all__ = [
    "ACTIVITY_COLOURS",
    "HEADLINE_PLOT",
    "POLICY_COLOURS",
    "SCENARIO_KEYS",
    "VARIANT",
    "Band",
    "Point",
    "activity_chart",
    "activity_hours",
    "axis_label",
    "band",
    "comparison_chart",
    "crossings",
    "intraday_chart",
    "mean_count",
    "pool_time_chart",
    "queue_intervals",
    "reason_counts",
    "reason_shares",
    "reasons_chart",
    "staffing_plan",
    "sweep_axes",
    "sweep_chart",
    "swept_fields",
    "time_scale",
    "unit_scale",
    "variant_colours",
    "variant_estimates",
    "wait_distributions",
    "with_variant",
]
