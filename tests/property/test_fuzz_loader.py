"""Fuzzing the loader: it returns a Scenario or raises ScenarioError, never anything else.

Three kinds of documents: valid ones (built from a strategy that only makes
correct scenarios, so they must load), broken ones (valid ones with a key
deleted or misspelt, or a value replaced by junk of the wrong type) and
random YAML text.  The budget is fixed so the suite stays quick.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcc.scenario import Scenario, ScenarioError, loads_scenario

BUDGET = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

POOLS = ["front", "desk", "expert", "back"]
CALL_TYPES = ["billing", "technical", "legal"]

durations = st.one_of(
    st.integers(1, 3600),
    st.sampled_from(["45s", "5m", "1.5m", "2h", "90"]),
)
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
    mean = draw(durations)
    if kind == "bare":
        return mean
    if kind == "exponential":
        return {"dist": kind, "mean": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(st.floats(0.05, 3))}
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
        call_types[name] = {"arrivals": arrivals, "path": path}
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
            "patience": draw(st.one_of(st.just("inf"), distributions())),
            "recontact": {"probability": {"abandoned": draw(probabilities)}, "delay": "1h"},
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
    """A valid scenario with a few keys deleted or misspelt and values replaced by junk."""
    doc = copy.deepcopy(draw(valid_scenarios()))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(doc)))
        parent = doc
        for part in where[:-1]:
            parent = parent[part]
        key = where[-1]
        action = draw(st.sampled_from(["delete", "rename", "junk", "negative"]))
        if isinstance(parent, list):
            parent[key] = draw(junk)
        elif action == "delete":
            del parent[key]
        elif action == "rename":
            parent[str(key) + draw(st.sampled_from(["x", "_", "s"]))] = parent.pop(key)
        elif action == "negative" and isinstance(parent[key], int | float):
            parent[key] = -abs(parent[key]) - draw(st.integers(0, 2))
        else:
            parent[key] = draw(junk)
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


@BUDGET
@given(junk)
def test_random_documents_load_or_raise_scenario_error(doc: Any) -> None:
    load(dump(doc))


@BUDGET
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>#'\" \n\t0.,?%@`")), max_size=80))
def test_random_yaml_text_loads_or_raises_scenario_error(text: str) -> None:
    load(text)
