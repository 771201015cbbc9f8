"""Experiments on a centre: compare variants, sweep a grid, search for staffing.

All three run replications with common random numbers (replication *i* of
every scenario uses the same seed streams), on local processes or a Dask
cluster, and return tidy pandas tables::

    from simcc.experiments import compare, policy_variants, sweep, staff

    cmp = compare(policy_variants(scenario, ["warm", "cold"]), replications=20)
    cmp.table            # variant, replication, one column per metric
    cmp.differences()    # metric, variant, mean, ci_low, ci_high, excludes_zero

    grid = sweep(scenario, {"pools.tier2.agents": [6, 8, 10]}, replications=10)
    # pools.tier2.agents, replication, one column per metric

    plan = staff(scenario, ["service_level>=0.8"], pools=["front"], policies=["warm"])
    plan.to_json()       # {"warm": {"front": 38}}

How they run is one :class:`Execution` value (worker processes or a Dask
scheduler, a journal, resume, a progress callback), or its fields as
keywords::

    sweep(scenario, grid, 10, execution=Execution(jobs=4, journal="out/journal.jsonl"))
    sweep(scenario, grid, 10, jobs=4, journal="out/journal.jsonl")    # the same

With a ``journal`` file every finished replication is kept on disk and
``resume=True`` runs only what is missing (docs/experiments.md).
"""

from simcc.experiments.comparison import Comparison, compare, policy_variants
from simcc.experiments.engine import Engine, Execution, Point
from simcc.experiments.grid import parse_grid, parse_set, parse_values, summarize, sweep
from simcc.experiments.journal import JOURNAL_NAME, ExperimentError, Journal
from simcc.experiments.staffing import StaffingResult, Target, parse_target, staff

__all__ = [
    "JOURNAL_NAME",
    "Comparison",
    "Engine",
    "Execution",
    "ExperimentError",
    "Journal",
    "Point",
    "StaffingResult",
    "Target",
    "compare",
    "parse_grid",
    "parse_set",
    "parse_target",
    "parse_values",
    "policy_variants",
    "staff",
    "summarize",
    "sweep",
]
