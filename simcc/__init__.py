"""simcc — what a transfer policy does to a contact centre's customers and staff.

Quick start::

    import simcc
    scenario = simcc.load_scenario("scenarios/centre-warm.yaml")
    result = simcc.simulate(scenario, seed=1)
    result.contacts        # one row per contact (pandas)
    result.metrics()       # {"offered": ..., "abandonment_rate": ..., ...}
    reps = simcc.replicate(scenario, 10)
    reps.summary_frame()   # mean, std, 95 % CI per metric
"""

__version__ = "0.1.0"

from simcc.runner import Replications, Result, replicate, simulate
from simcc.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
)

__all__ = [
    "Replications",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "loads_scenario",
    "replicate",
    "scenario_from_dict",
    "simulate",
]
