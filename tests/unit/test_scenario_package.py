"""The scenario package: the names it offers, and the libraries it stays clear of."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simcc.dists
import simcc.scenario
import simcc.units

SIMCC = Path(simcc.scenario.__file__).resolve().parents[1]

# Every public name the single-file simcc/scenario.py offered (fc71ee0), less the dead
# OUTCOMES (simcc.records.OUTCOMES is the one in use).
DEFINED = [
    "AnswerSla",
    "Arrivals",
    "CallType",
    "CallbackPolicy",
    "ColdPolicy",
    "Condition",
    "ConferencePolicy",
    "Customers",
    "EmailPolicy",
    "FiniteSeconds",
    "MAX_AGENTS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INTERVALS",
    "MAX_NODES",
    "MAX_REPLICATIONS",
    "Overflow",
    "POLICIES",
    "PerTypeDist",
    "PerTypeProbability",
    "PolicyName",
    "Pool",
    "PositiveRate",
    "Probability",
    "RatePerSecond",
    "Recontact",
    "RecontactKey",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Segment",
    "SelfServicePolicy",
    "Sla",
    "Staffing",
    "Transfer",
    "WarmPolicy",
    "load_scenario",
    "loads_scenario",
    "scenario_from_dict",
]
FROM_DISTS = ("DIST_NAMES", "Distribution", "NEVER", "Seconds", "ZERO")
FROM_UNITS = ("duration_text", "parse_rate")


@pytest.mark.parametrize("name", [*DEFINED, *FROM_DISTS, *FROM_UNITS, "_suggest"])
def test_every_name_the_single_module_offered_is_still_importable(name: str) -> None:
    exec(f"from simcc.scenario import {name}", {})
    assert name in simcc.scenario.__all__ or name == "_suggest"


@pytest.mark.parametrize(
    ("module", "names"), [(simcc.dists, FROM_DISTS), (simcc.units, FROM_UNITS)]
)
def test_names_from_other_modules_are_theirs_not_copies(
    module: object, names: tuple[str, ...]
) -> None:
    for name in names:
        assert getattr(simcc.scenario, name) is getattr(module, name)


def _source(module: str) -> Path | None:
    """The file of a simcc module, None if ``module`` names no module of the package."""
    path = SIMCC.parent.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """Modules named by the import statements in ``path`` (anywhere in it, not only on top)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_scenario_package_never_imports_simpy_pandas_or_matplotlib() -> None:
    pending = ["simcc.scenario"]
    seen: set[str] = set()
    outside: set[str] = set()
    while pending:
        module = pending.pop()
        path = _source(module)
        if module in seen or path is None:
            continue
        seen.add(module)
        for name in _imports(path):
            if name.startswith("simcc."):
                pending.append(name)
            else:
                outside.add(name.split(".")[0])
    assert "simcc.scenario.document" in seen  # the walk did follow the package
    assert outside.isdisjoint({"simpy", "pandas", "matplotlib"}), sorted(outside)
