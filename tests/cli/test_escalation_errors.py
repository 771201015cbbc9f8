"""Bad escalation input (MODEL.md §7) gets one located message and exit code 2.

The cases edit tests/cli/test_errors.py's small valid scenario; the line
numbers they name are lines of that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.located import assert_refused
from tests.cli.test_errors import BASE, edit

PATH = "    path: [front, desk]\n"


def needs(text: str) -> str:
    return edit(PATH, PATH + "    needs:\n" + text)


def appended(text: str) -> str:
    return BASE + text


END = BASE.count("\n")  # the line of BASE's last line; appended lines follow it

CASES: dict[str, tuple[str, int | None, list[str]]] = {
    "need shares": (
        needs("      routine: {share: 0.7}\n      authority: {share: 0.2, path: [front]}\n"),
        7,
        ["call_types.billing.needs", "shares must sum to 1, got 0.9"],
    ),
    "need path unknown pool": (
        needs("      routine: {share: 0.5}\n      legal: {share: 0.5, path: [front, lawyer]}\n"),
        9,
        ["call_types.billing.needs.legal.path", "unknown pool 'lawyer'"],
    ),
    "need path pool lacking the skill": (
        needs(
            "      routine: {share: 0.5}\n      legal: {share: 0.5, path: [front, desk]}\n"
        ).replace("    tier: 2\n", "    tier: 2\n    skills: []\n"),
        9,
        ["call_types.billing.needs.legal.path", "'desk'", "do not include 'billing'"],
    ),
    "complaint to an unknown pool": (
        appended("customers:\n  complaint: {base: 0.1, to: tier9}\n"),
        END + 2,
        ["customers.complaint.to", "unknown pool 'tier9'"],
    ),
    "negative per_wait_minute": (
        appended("customers:\n  complaint: {per_wait_minute: -0.1}\n"),
        END + 2,
        ["customers.complaint.per_wait_minute", "-0.1"],
    ),
    "repeat contact attempt 0": (
        appended("escalation:\n  repeat_contact: {attempt: 0, to: desk}\n"),
        END + 2,
        ["escalation.repeat_contact.attempt", "2"],
    ),
    "repeat contact to an unknown pool": (
        appended("escalation:\n  repeat_contact: {attempt: 3, to: dsk}\n"),
        END + 2,
        ["escalation.repeat_contact.to", "unknown pool 'dsk'", "did you mean 'desk'"],
    ),
    "case age to an unknown pool": (
        appended("escalation:\n  case_age: {after: 1d, to: legal}\n"),
        END + 2,
        ["escalation.case_age.to", "unknown pool 'legal'"],
    ),
    "context factor zero": (
        edit(
            "  warm: {max_consult_wait: 2m}\n",
            "  warm: {max_consult_wait: 2m}\n  context:\n    warm: {handle_factor: 0}\n",
        ),
        20,
        ["transfer.context.warm.handle_factor", "0"],
    ),
    "context resolve factor negative": (
        edit(
            "  warm: {max_consult_wait: 2m}\n",
            "  warm: {max_consult_wait: 2m}\n  context:\n    cold: {resolve_factor: -1}\n",
        ),
        20,
        ["transfer.context.cold.resolve_factor"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_escalation_input_gets_one_located_message_and_exit_code_2(
    case: str, tmp_path: Path
) -> None:
    text, line, fragments = CASES[case]
    assert_refused(text, tmp_path, fragments, line)
