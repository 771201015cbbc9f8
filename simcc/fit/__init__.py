"""Fit a scenario to a contact centre's call log (``simcc fit``).

* :mod:`simcc.fit.logs` reads a log into a clean calls table and reports what
  it skipped and why (:func:`load_anonymous_bank`, :func:`load_csv`).
* :mod:`simcc.fit.estimate` estimates arrival rates, handle times, patience
  (censoring-aware) and segments from that table; :mod:`simcc.fit.staffing`
  the pools and the agents available in them; :mod:`simcc.fit.overflow`
  which call types overflow to the general agents, and after how long.
* :class:`~simcc.fit.options.FitOptions` holds every choice the fit makes,
  each default written once.
* :mod:`simcc.fit.build` assembles a MODEL.md §6 scenario for an average day
  (:func:`fit_log`), with comments saying where each number came from
  (:mod:`simcc.fit.patience` decides the patience blocks,
  :mod:`simcc.fit.writing` writes the YAML); :mod:`simcc.fit.observed` gives
  the log's observed metrics for comparison with simulation.
* :mod:`simcc.fit.check` simulates a fit and sets it beside the log;
  :mod:`simcc.fit.calibrate` does so for every weekday of the bank's log
  (docs/calibration.md).
"""

from simcc.fit.build import Fit, fit_log, fit_scenario
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
from simcc.fit.observed import observed_metrics, observed_metrics_table
from simcc.fit.options import FitOptions
from simcc.fit.staffing import PoolPlan, infer_pools, infer_staffing
from simcc.fit.writing import dump_yaml_with_comments

__all__ = [
    "Fit",
    "FitOptions",
    "HandleTimeFit",
    "KaplanMeier",
    "LoadReport",
    "LogFormatError",
    "LogLoad",
    "PatienceFit",
    "PoolPlan",
    "arrival_rates",
    "dump_yaml_with_comments",
    "exponential_patience",
    "fit_handle_times",
    "fit_log",
    "fit_lognormal",
    "fit_patience",
    "fit_scenario",
    "infer_agents",
    "infer_pools",
    "infer_staffing",
    "kaplan_meier",
    "load_anonymous_bank",
    "load_csv",
    "observed_metrics",
    "observed_metrics_table",
    "offered",
    "priority_share",
    "select_days",
]
