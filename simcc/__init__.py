"""simcc — what a transfer policy does to a contact centre's customers and staff.

Quick start::

    import simcc
    scenario = simcc.load_scenario("scenarios/centre-warm.yaml")
    result = simcc.simulate(scenario, seed=1)
    result.contacts        # one row per contact (pandas)
    result.metrics()       # {"offered": ..., "abandonment_rate": ..., ...}
    reps = simcc.replicate(scenario, 10)
    reps.summary_frame()   # mean, std, 95 % CI per metric
    simcc.compare([scenario.with_policy("cold"), scenario], replications=10)  # paired CIs

The scenario (pydantic), the runner (``simulate``, ``replicate``…) and the
experiments (``compare``, ``sweep``, ``staff``…) are imported on first use: ``import simcc`` stays
light, and a module low in the package (the analysis layer, say) can import
``simcc._version`` without loading the runner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from simcc._version import __version__

if TYPE_CHECKING:
    from simcc.experiments import Comparison, Execution, StaffingResult, compare, staff, sweep
    from simcc.runner import Interrupted, Replications, Result, replicate, simulate
    from simcc.scenario import (
        Scenario,
        ScenarioError,
        load_scenario,
        loads_scenario,
        scenario_from_dict,
    )

_LAZY = {
    "Scenario": "simcc.scenario",
    "ScenarioError": "simcc.scenario",
    "load_scenario": "simcc.scenario",
    "loads_scenario": "simcc.scenario",
    "scenario_from_dict": "simcc.scenario",
    "Interrupted": "simcc.runner",
    "Replications": "simcc.runner",
    "Result": "simcc.runner",
    "replicate": "simcc.runner",
    "simulate": "simcc.runner",
    "Comparison": "simcc.experiments",
    "Execution": "simcc.experiments",
    "StaffingResult": "simcc.experiments",
    "compare": "simcc.experiments",
    "staff": "simcc.experiments",
    "sweep": "simcc.experiments",
}
"""Public names imported on first use, and the module each comes from."""


def __getattr__(name: str) -> object:
    """``simcc.replicate``, ``simcc.compare``…: imported on first use.

    (The experiments pull in scipy.stats, which every worker process would
    otherwise pay for at start-up.)
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Comparison",
    "Execution",
    "Interrupted",
    "Replications",
    "Result",
    "Scenario",
    "ScenarioError",
    "StaffingResult",
    "__version__",
    "compare",
    "load_scenario",
    "loads_scenario",
    "replicate",
    "scenario_from_dict",
    "simulate",
    "staff",
    "sweep",
]
