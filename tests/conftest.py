"""Shared test options: ``--seed`` moves every statistical test to other random numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--seed",
        action="store",
        type=int,
        default=20261123,
        help="base seed of the statistical (validation) tests",
    )


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> int:
    """The base seed for statistical tests (``pytest --seed N`` to change it)."""
    return int(request.config.getoption("--seed"))
