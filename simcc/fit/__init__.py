"""Fit a scenario to a contact centre's call log (``simcc fit``).

* :mod:`simcc.fit.logs` reads a log into a clean calls table and reports what
  it skipped and why (:func:`load_anonymous_bank`, :func:`load_csv`).
* :mod:`simcc.fit.estimate` estimates arrival rates, handle times, patience
  (censoring-aware), agents on duty and segments from that table.
* :mod:`simcc.fit.build` assembles a MODEL.md §6 scenario for an average day,
  with comments saying where each number came from, and the log's observed
  metrics for comparison with simulation.
"""

from simcc.fit.build import (
    dump_yaml_with_comments,
    fit_scenario,
    observed_metrics,
    observed_metrics_table,
)
from simcc.fit.estimate import (
    HandleTimeFit,
    KaplanMeier,
    PatienceFit,
    arrival_rates,
    exponential_patience,
    fit_handle_times,
    fit_lognormal,
    fit_patience,
    infer_agents,
    kaplan_meier,
    offered,
    priority_share,
    select_days,
)
from simcc.fit.logs import LoadReport, LogFormatError, LogLoad, load_anonymous_bank, load_csv

__all__ = [
    "HandleTimeFit",
    "KaplanMeier",
    "LoadReport",
    "LogFormatError",
    "LogLoad",
    "PatienceFit",
    "arrival_rates",
    "dump_yaml_with_comments",
    "exponential_patience",
    "fit_handle_times",
    "fit_lognormal",
    "fit_patience",
    "fit_scenario",
    "infer_agents",
    "kaplan_meier",
    "load_anonymous_bank",
    "load_csv",
    "observed_metrics",
    "observed_metrics_table",
    "offered",
    "priority_share",
    "select_days",
]
