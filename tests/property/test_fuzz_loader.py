"""Fuzzing the loader: it returns a Scenario or raises ScenarioError, never anything else.

Three kinds of documents: valid ones (built from a strategy that only makes
correct scenarios, so they must load), broken ones (valid ones with a key
deleted or misspelt, or a value replaced by junk of the wrong type or by an
extreme number) and
random YAML text.  Every scenario accepted, valid or broken, is also run for
half an hour of simulated time (at most a few hundred contacts): what
validation accepts, the run must do, without an internal error — the load
check may still refuse it with a ScenarioError (a day that never ends).
The values include the edges of every bound (cv, the longest duration,
priorities).  The budget is fixed so the suite stays quick; the ``slow``
test runs ten times as many.
"""

from __future__ import annotations

import contextlib
import copy
import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from simcc.checks import check
from simcc.dists import MAX_CV, MAX_SECONDS, MIN_CV
from simcc.runner import simulate
from simcc.scenario import Scenario, ScenarioError, loads_scenario
from simcc.scenario.limits import MAX_PRIORITY

BUDGET = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RUN_BUDGET = settings(BUDGET, max_examples=100)
LONG_BUDGET = settings(BUDGET, max_examples=1000)
SHORT = {"horizon": "30m", "warmup": 0, "drain": "30m"}
"""The override that makes an accepted scenario a few simulated minutes long."""
MAX_CONTACTS = 300

POOLS = ["front", "desk", "expert", "back"]
CALL_TYPES = ["billing", "technical", "legal"]

durations = st.one_of(
    st.integers(1, 3600),
    st.sampled_from(["45s", "5m", "1.5m", "2h", "90"]),
)
edge_durations = st.one_of(durations, st.sampled_from([MAX_SECONDS, 1e-6]))
cvs = st.one_of(st.floats(0.05, 3), st.sampled_from([MIN_CV, MAX_CV]))
priorities = st.one_of(st.integers(-3, 3), st.sampled_from([MAX_PRIORITY, -MAX_PRIORITY]))
positive_rates = st.one_of(st.integers(1, 500), st.sampled_from(["180/h", "3/m", "0.05/s"]))
probabilities = st.floats(0, 1)


@st.composite
def distributions(draw: st.DrawFn) -> Any:
    kind = draw(
        st.sampled_from(
            [
                "bare",
                "exponential",
                "lognormal",
                "gamma",
                "erlang",
                "uniform",
                "triangular",
                "empirical",
                "deterministic",
            ]
        )
    )
    mean = draw(edge_durations)
    if kind == "bare":
        return mean
    if kind == "exponential":
        return {"dist": kind, "mean": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(cvs)}
    if kind == "erlang":
        return {"dist": kind, "mean": mean, "k": draw(st.integers(1, 10))}
    if kind == "deterministic":
        return {"dist": kind, "value": mean}
    low = draw(st.integers(0, 300))
    high = low + draw(st.integers(1, 300))
    if kind == "uniform":
        return {"dist": kind, "low": low, "high": high}
    if kind == "triangular":
        return {"dist": kind, "low": low, "mode": draw(st.integers(low, high)), "high": high}
    return {"dist": kind, "values": draw(st.lists(st.integers(0, 600), min_size=1, max_size=5))}


@st.composite
def valid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A correct scenario document, as a planner might write it."""
    pools = draw(st.lists(st.sampled_from(POOLS), min_size=1, max_size=4, unique=True))
    types = draw(st.lists(st.sampled_from(CALL_TYPES), min_size=1, max_size=3, unique=True))
    horizon_hours = draw(st.integers(1, 12))
    doc: dict[str, Any] = {"name": draw(st.text(max_size=10)), "horizon": f"{horizon_hours}h"}
    call_types = {}
    for name in types:
        path = draw(st.lists(st.sampled_from(pools), min_size=1, max_size=len(pools), unique=True))
        if draw(st.booleans()):
            arrivals: dict[str, Any] = {"rate": draw(positive_rates)}
        else:
            rates = draw(st.lists(st.integers(0, 200), min_size=1, max_size=4))
            rates[0] = rates[0] or 1
            arrivals = {"interval": "30m", "rates": rates, "repeat": draw(st.booleans())}
        call_types[name] = {"arrivals": arrivals, "path": path, "priority": draw(priorities)}
    doc["call_types"] = call_types
    doc["pools"] = {
        name: {
            "tier": draw(st.integers(1, 3)),
            "agents": draw(st.integers(0, 30)),
            "handle_time": draw(distributions()),
            "wrap_up": draw(st.one_of(st.just(0), distributions())),
            "resolve": draw(probabilities),
            "cost_per_hour": draw(st.integers(0, 100)),
        }
        for name in pools
    }
    if draw(st.booleans()):
        share = draw(st.floats(0, 1))
        doc["segments"] = {"standard": {"share": share}, "vip": {"share": 1 - share, "priority": 0}}
    if draw(st.booleans()):
        doc["customers"] = {
            "patience": draw(st.one_of(st.sampled_from(["inf", 0]), distributions())),
            "recontact": {
                "probability": {"abandoned": draw(probabilities)},
                "delay": draw(st.sampled_from(["1h", "30s", 0])),
            },
        }
    doc["transfer"] = {
        "policy": draw(
            st.sampled_from(["cold", "warm", "conference", "callback", "email", "self_service"])
        ),
        "cold": {
            "transfer_time": draw(distributions()),
            "misroute_probability": draw(probabilities),
        },
        "warm": {"consult_time": draw(distributions()), "max_consult_wait": draw(durations)},
    }
    doc["sla"] = {"answer": {"threshold": draw(durations), "target": draw(probabilities)}}
    return doc


junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.sampled_from(["inf", "-5m", "nan", "180/h", "", "exponential", "front", "0"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


extremes = st.sampled_from([1e300, 2**64, -(2**64), 2**31, 1e-300, 1e-160, 1e-7, 1e10])
"""Numbers past what the samplers and the records hold (a broken value may be one)."""


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a nested document."""
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += paths(value, (*prefix, i))
    return out


@st.composite
def broken_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario with a few keys deleted or misspelt and values replaced by junk
    or, at a number of the document, by an extreme number."""
    doc = copy.deepcopy(draw(valid_scenarios()))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["delete", "rename", "junk", "negative", "extreme"]))
        numbers = [p for p in paths(doc) if isinstance(_at(doc, p), int | float)]
        where = draw(st.sampled_from(numbers if action == "extreme" and numbers else paths(doc)))
        parent = _at(doc, where[:-1])
        key = where[-1]
        if isinstance(parent, list):
            parent[key] = draw(junk)
        elif action == "delete":
            del parent[key]
        elif action == "rename":
            parent[str(key) + draw(st.sampled_from(["x", "_", "s"]))] = parent.pop(key)
        elif action == "negative" and isinstance(parent[key], int | float):
            parent[key] = -abs(parent[key]) - draw(st.integers(0, 2))
        elif action == "extreme" and isinstance(parent[key], int | float):
            parent[key] = draw(extremes)
        else:
            parent[key] = draw(junk)
    return doc


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def load(text: str) -> Scenario | None:
    """The property: a Scenario, or a ScenarioError with a message; anything else fails."""
    try:
        return loads_scenario(text, source="fuzz.yaml")
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.yaml")
        assert exc.problems and all(p.startswith("fuzz.yaml") for p in exc.problems)
        return None


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def run_briefly(scenario: Scenario) -> None:
    """The property of an accepted scenario: a short run gives metrics, or the load check
    refuses it with a ScenarioError; anything else fails."""
    # an interval that does not divide 30 minutes keeps the horizon: MAX_CONTACTS bounds the run
    with contextlib.suppress(ScenarioError):
        scenario = scenario.with_changes(SHORT)
    try:
        checked = check(scenario)
    except ScenarioError as exc:
        assert "customers.recontact" in str(exc)
        event("refused by the load check")
        return
    event("ran")
    result = simulate(checked.scenario, max_contacts=MAX_CONTACTS)
    metrics = result.metrics()
    assert metrics["offered"] <= MAX_CONTACTS * 1_000


@BUDGET
@given(valid_scenarios())
def test_valid_documents_load(doc: dict[str, Any]) -> None:
    scenario = load(dump(doc))
    assert scenario is not None, doc
    assert math.isfinite(scenario.horizon)


@BUDGET
@given(broken_scenarios())
def test_broken_documents_load_or_raise_scenario_error(doc: dict[str, Any]) -> None:
    load(dump(doc))


def _one_pool(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "horizon": "1h",
        "call_types": {"billing": {"arrivals": {"rate": 60}, "path": ["front"]}},
        "pools": {"front": {"agents": 2, "handle_time": "4m"}},
    }
    for path, value in changes.items():
        *parents, last = path.split(".")
        _at(doc, tuple(parents))[last] = value
    return doc


ISSUE_20 = [  # documents the hostile test of issue 20 found accepted, then failing at run time
    _one_pool(**{"pools.front.handle_time": {"dist": "gamma", "mean": "4m", "cv": 1e-300}}),
    _one_pool(**{"pools.front.handle_time": {"dist": "gamma", "mean": "4m", "cv": 1e-160}}),
    _one_pool(**{"call_types.billing.priority": 2**64}),
    _one_pool(
        customers={"patience": 0, "recontact": {"probability": {"abandoned": 1}, "delay": 0}},
        **{"pools.front.agents": 0},
    ),
]


@pytest.mark.timeout(300)
@RUN_BUDGET
@given(st.one_of(valid_scenarios(), broken_scenarios()))
@example(ISSUE_20[0])
@example(ISSUE_20[1])
@example(ISSUE_20[2])
@example(ISSUE_20[3])
def test_accepted_documents_run_a_few_minutes_without_an_internal_error(
    doc: dict[str, Any],
) -> None:
    scenario = load(dump(doc))
    if scenario is not None:
        run_briefly(scenario)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@LONG_BUDGET
@given(st.one_of(valid_scenarios(), broken_scenarios()))
def test_many_accepted_documents_run_without_an_internal_error(doc: dict[str, Any]) -> None:
    scenario = load(dump(doc))
    if scenario is not None:
        run_briefly(scenario)


@BUDGET
@given(junk)
def test_random_documents_load_or_raise_scenario_error(doc: Any) -> None:
    load(dump(doc))


@BUDGET
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>#'\" \n\t0.,?%@`")), max_size=80))
def test_random_yaml_text_loads_or_raises_scenario_error(text: str) -> None:
    load(text)
