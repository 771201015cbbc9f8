"""``simcc --version`` and ``--help``: the version written once, plain placeholders."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

import simcc
from simcc.cli import app

runner = CliRunner()

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_checked() -> None:
    assert {"run", "compare", "sweep", "staff", "report", "validate"} <= set(COMMANDS)


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"simcc {simcc.__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_plain_placeholders_not_typer_type_names(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    # Typer's own forms: {file} in the usage line, <path>, <int range>, <list[Path]> in options
    assert not re.search(r"\{\w+\}|<[\w\[\] ]+>", result.stdout), result.stdout


def test_usage_names_arguments_in_capitals() -> None:
    compare = runner.invoke(app, ["compare", "--help"]).stdout
    assert "Usage: simcc compare [OPTIONS] FILES..." in compare
    assert "-n, --replications N" in compare
    assert "--out DIR" in compare
    assert (
        "Usage: simcc report [OPTIONS] OUT_DIR" in runner.invoke(app, ["report", "--help"]).stdout
    )


def test_a_missing_argument_is_named_as_in_the_usage_line() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "Missing argument 'FILE'" in result.stderr
