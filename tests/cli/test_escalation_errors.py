"""Bad escalation input (MODEL.md §7) gets one located message and exit code 2.

The cases edit tests/cli/test_errors.py's small valid scenario; the line
numbers they name are lines of that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app
from tests.cli.test_errors import edit

PATH = "    path: [front, desk]\n"


def needs(text: str) -> str:
    return edit(PATH, PATH + "    needs:\n" + text)


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
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_escalation_input_gets_one_located_message_and_exit_code_2(
    case: str, tmp_path: Path
) -> None:
    text, line, fragments = CASES[case]
    path = tmp_path / "centre.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert output.startswith("error: "), output
    if line is not None:
        assert f"{path}:{line}:" in output, output
    for fragment in fragments:
        assert fragment in output, (fragment, output)
