"""Property tests: generated valid scenarios never break the engine's invariants.

Hypothesis draws scenarios from :mod:`tests.property.strategies` (every policy,
distribution kind, shift plan, callback retry, e-mail chase, re-contact and
segment option) and runs each one; :mod:`tests.property.invariants` checks the
records. A second run with the same seed must reproduce every record bit for
bit. The example budget is fixed (``EXAMPLES``) so the suite stays quick; the
examples explored derive from ``--seed``.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

import simcc
from tests.property import invariants
from tests.property.strategies import scenarios

EXAMPLES = 120
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(x) and math.isnan(b[k])) or x == b[k] for k, x in a.items()
    )


def test_generated_scenarios_keep_every_invariant(seed: int) -> None:
    @BUDGET
    @given(data=scenarios(), run_seed=st.integers(0, 2**32 - 1))
    def check(data: dict, run_seed: int) -> None:
        scenario = simcc.scenario_from_dict(data)
        result = simcc.simulate(scenario, seed=run_seed)
        invariants.check_all(result)
        again = simcc.simulate(scenario, seed=run_seed)
        for name in ("contacts", "agents", "transfers", "staffing"):
            pd.testing.assert_frame_equal(getattr(result, name), getattr(again, name))
        assert _same(result.metrics(), again.metrics())

    hypothesis_seed(seed)(check)()
