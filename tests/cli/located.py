"""The shape every refused scenario file must have (the developers' brief: bad input gets one
clear message naming the file, the line and the YAML path, exit code 2, never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner

from simcc.cli import app


def assert_refused(
    text: str, tmp_path: Path, fragments: Sequence[str], line: int | None = None
) -> str:
    """``simcc validate`` of ``text`` (as ``centre.yaml``) exits 2 with an ``error:`` message
    that names the file (at ``line``, if given) and holds every fragment; its output."""
    path = tmp_path / "centre.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert output.startswith("error: "), output
    assert str(path) in output, output
    if line is not None:
        assert f"{path}:{line}:" in output, output
    for fragment in fragments:
        assert fragment in output, (fragment, output)
    return output
