"""Setting a dotted YAML path into a list: an index from 0 that the list has, or a clear error.

``Scenario.with_changes`` (behind ``sweep --set``, ``staff`` and the load
check) refuses an index past the end, one that is not a whole number, a
negative one and a path through a single value, naming the path and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app
from simcc.scenario import ScenarioError, loads_scenario

TEXT = """\
horizon: 1h
call_types:
  billing: {arrivals: {rate: 60/h}, path: [front, desk]}
pools:
  front: {agents: 3, handle_time: 4m, resolve: 0.5}
  desk: {agents: 2, handle_time: 5m}
transfer:
  policy: rules
  rules: [{when: {segment: standard}, policy: warm}, {policy: cold}]
"""


def scenario():  # type: ignore[no-untyped-def]
    return loads_scenario(TEXT, source="centre.yaml")


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (
            "call_types.billing.path.5",
            "call_types.billing.path.5: index 5 is past the end of the list "
            "(it has 2 items, 0 to 1)",
        ),
        ("call_types.billing.path.2", "index 2 is past the end"),
        ("call_types.billing.path.x", "call_types.billing.path.x: 'x' is not a list index"),
        (
            "call_types.billing.path.-1",
            "call_types.billing.path.-1: negative index -1: list items are counted from 0",
        ),
        (
            "call_types.billing.path.1.x",
            "call_types.billing.path.1 is a value ('desk'), not a section with 'x' in it",
        ),
        (
            "transfer.rules.7.policy",
            "transfer.rules.7: index 7 is past the end of the list (it has 2 items",
        ),
        ("transfer.rules.-2.policy", "negative index -2"),
    ],
)
def test_a_list_index_the_list_does_not_have_is_a_scenario_error(path: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario().with_changes({path: "front"})
    assert str(caught.value).startswith("centre.yaml: ")
    assert fragment in str(caught.value)


def test_an_index_the_list_has_sets_that_item() -> None:
    changed = scenario().with_changes({"transfer.rules.1.policy": "callback"})
    assert [rule.policy for rule in changed.transfer.rules] == ["warm", "callback"]
    assert scenario().with_changes({"call_types.billing.path.0": "front"}).call_types[
        "billing"
    ].path == ["front", "desk"]


@pytest.mark.parametrize(
    "spec",
    [
        "call_types.billing.path.5=front",
        "call_types.billing.path.x=front",
        "call_types.billing.path.1.x=1",
        "call_types.billing.path.-1=front",
    ],
)
def test_sweep_set_into_a_list_item_that_is_not_there_exits_2_naming_the_path(
    spec: str, tmp_path: Path
) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(TEXT)
    result = CliRunner().invoke(app, ["sweep", str(path), "--set", spec, "-n", "1", "-j", "1"])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert spec.partition("=")[0].rsplit(".", 1)[0] in result.output
