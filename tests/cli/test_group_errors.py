"""Bad agent groups and contact selection: one located message, exit code 2 (MODEL.md §9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app
from tests.cli.located import assert_refused

BASE = """\
horizon: 2h
call_types:
  billing:
    arrivals: {rate: 60/h}
    path: [front]
  tech:
    arrivals: {rate: 30/h}
    path: [front]
pools:
  front:
    agents: 5
    handle_time: {dist: exponential, mean: 4m}
    groups:
      novice: {agents: 2, handle_factor: 1.3}
      senior: {agents: 3, resolve_factor: 1.2}
    contact_selection: longest_weighted_wait
    weights: {billing: 2}
  other:
    agents: 1
    handle_time: 1m
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# id -> (file text, fragments the message must contain)
CASES: dict[str, tuple[str, list[str]]] = {
    "groups that do not sum": (
        edit("agents: 5", "agents: 6"),
        [
            ":11: pools.front.agents: 6 agents, but the groups sum to 5 (novice 2 + senior 3)",
            "leave `agents` out",
        ],
    ),
    "shift plans of another shape": (
        edit(
            "novice: {agents: 2,",
            "novice: {agents: {interval: 30m, counts: [1, 2]},",
        ).replace("senior: {agents: 3,", "senior: {agents: {interval: 1h, counts: [3, 2]},"),
        ["pools.front.groups: the groups' shift plans must share one interval"],
    ),
    "zero handle factor": (
        edit("handle_factor: 1.3", "handle_factor: 0"),
        [":14: pools.front.groups.novice.handle_factor", "> 0"],
    ),
    "negative resolve factor": (
        edit("resolve_factor: 1.2", "resolve_factor: -1"),
        [":15: pools.front.groups.senior.resolve_factor", "> 0"],
    ),
    "weights of a call type the pool does not serve": (
        edit("weights: {billing: 2}", "weights: {billing: 2, legal: 1}"),
        [":17: pools.front.weights.legal: the pool does not serve call type 'legal'"],
    ),
    "weights of a known call type another pool serves": (
        edit("weights: {billing: 2}", "weights: {billing: 2}")
        + "    contact_selection: longest_weighted_wait\n    weights: {tech: 3}\n",
        ["pools.other.weights.tech: the pool does not serve call type 'tech'"],
    ),
    "weights without longest_weighted_wait": (
        edit("    contact_selection: longest_weighted_wait\n", ""),
        ["pools.front.weights: weights are used by contact_selection: longest_weighted_wait"],
    ),
    "agent selection without groups": (
        BASE + "    agent_selection: most_proficient\n",
        ["pools.other.agent_selection: 'most_proficient' needs agent groups"],
    ),
    "unknown agent selection": (
        edit("    contact_selection:", "    agent_selection: fastest\n    contact_selection:"),
        ["pools.front.agent_selection", "longest_idle"],
    ),
    "no agents and no groups": (
        BASE.replace("    agents: 1\n", ""),
        [":18: pools.other: required key `agents` is missing"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_groups_get_one_clear_message_and_exit_code_2(case: str, tmp_path: Path) -> None:
    text, fragments = CASES[case]
    assert_refused(text, tmp_path, fragments)


def test_the_base_file_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
