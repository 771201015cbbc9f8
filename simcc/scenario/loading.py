"""Loading a scenario: from a file, from YAML text or from a Python mapping.

Each entry point returns a validated :class:`~simcc.scenario.Scenario` or
raises one :class:`~simcc.scenario.ScenarioError` whose message names the
file, the line, the YAML path and what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simcc.scenario.document import Scenario, validate
from simcc.scenario.errors import ScenarioError, kind
from simcc.scenario.limits import MAX_FILE_BYTES
from simcc.scenario.reading import parse, read_text


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` if it is unusable."""
    path = Path(path)
    text = read_text(path)
    return loads_scenario(text, source=path)


def loads_scenario(text: str, source: str | Path | None = None) -> Scenario:
    """Validate a scenario given as YAML text (``source`` names it in messages)."""
    where = str(source) if source is not None else "<scenario>"
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{where}: too large ({len(text) / 1e6:.1f} MB; a scenario is at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    data, index = parse(text, where)
    if data is None:
        raise ScenarioError(
            f"{where}: the file is empty; a scenario needs horizon, call_types and pools"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{where}: expected a mapping of keys (horizon, call_types, pools, …), got {kind(data)}"
        )
    path = Path(source) if source is not None else None
    base = path.parent if path is not None else Path(".")
    return validate(data, source=path, base_dir=base, index=index)


def scenario_from_dict(data: Mapping[str, Any], base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as a Python mapping (as parsed from YAML)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"<scenario>: expected a mapping, got {kind(data)}")
    return validate(dict(data), source=None, base_dir=Path(base_dir), index=None)
