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

_EXPERIMENTS = ("Comparison", "StaffingResult", "compare", "staff", "sweep")


def __getattr__(name: str) -> object:
    """``simcc.compare``, ``simcc.sweep``, ``simcc.staff``: imported on first use.

    (They pull in scipy.stats, which every worker process would otherwise pay
    for at start-up.)
    """
    if name in _EXPERIMENTS:
        from simcc import experiments

        return getattr(experiments, name)
    raise AttributeError(f"module 'simcc' has no attribute {name!r}")


__all__ = [
    "Comparison",
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
