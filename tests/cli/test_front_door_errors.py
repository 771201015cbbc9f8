"""Bad front-door, virtual-hold and volume input (MODEL.md §8) gets one located message, exit 2.

The cases edit tests/cli/test_errors.py's small valid scenario; the line
numbers they name are lines of that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.located import assert_refused
from tests.cli.test_errors import BASE, edit

PATH = "    path: [front, desk]\n"
END = BASE.count("\n")  # the line of BASE's last line; appended lines follow it


def call_type(line: str) -> str:
    """BASE with one more line in the billing call type (line 7)."""
    return edit(PATH, PATH + "    " + line + "\n")


CASES: dict[str, tuple[str, int | None, list[str]]] = {
    "containment above one": (
        call_type("front_door: {time: 30s, containment: 1.5}"),
        7,
        [
            "call_types.billing.front_door.containment",
            "must be a probability between 0 and 1, got 1.5",
        ],
    ),
    "containment negative": (
        call_type("front_door: {containment: -0.2}"),
        7,
        ["call_types.billing.front_door.containment", "must be ≥ 0"],
    ),
    "front door context unknown": (
        call_type("front_door: {containment: 0.2, context: partial}"),
        7,
        ["call_types.billing.front_door.context", "partial"],
    ),
    "front door time never ends": (
        call_type("front_door: {time: inf, containment: 0.2}"),
        7,
        ["call_types.billing.front_door.time", "finite"],
    ),
    "virtual hold accept above one": (
        call_type("virtual_hold: {offer_when_wait_over: 1m, accept: 2}"),
        7,
        [
            "call_types.billing.virtual_hold.accept",
            "must be a probability between 0 and 1, got 2",
        ],
    ),
    "virtual hold negative threshold": (
        call_type("virtual_hold: {offer_when_wait_over: -30s, accept: 0.5}"),
        7,
        ["call_types.billing.virtual_hold.offer_when_wait_over", "must be ≥ 0"],
    ),
    "virtual hold without accept": (
        call_type("virtual_hold: {offer_when_wait_over: 1m}"),
        7,
        ["call_types.billing.virtual_hold", "accept"],
    ),
    "negative volume_cv": (
        BASE + "arrivals: {volume_cv: -0.1}\n",
        END + 1,
        ["arrivals.volume_cv", "must be ≥ 0, got -0.1"],
    ),
    "volume_cv on a replayed trace": (
        edit("arrivals: {rate: 60/h}", "arrivals: {times: [10, 20]}")
        + "arrivals: {volume_cv: 0.2}\n",
        5,
        ["call_types.billing.arrivals.times", "arrivals.volume_cv", "known volume"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_front_door_input_gets_one_located_message_and_exit_code_2(
    case: str, tmp_path: Path
) -> None:
    text, line, fragments = CASES[case]
    assert_refused(text, tmp_path, fragments, line)
