"""What every command shares: error handling, consoles, option types."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console

from simcc.io import OutputError
from simcc.scenario import Scenario, ScenarioError, load_scenario

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

USAGE_ERROR = 2


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into one message and an exit code, never a traceback."""
    try:
        yield
    except ScenarioError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(USAGE_ERROR) from None
    except OutputError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted: finished work was kept; partial work was discarded", markup=False)
        raise typer.Exit(130) from None
    except MemoryError:
        err.print("error: out of memory; try fewer replications or --max-contacts", markup=False)
        raise typer.Exit(1) from None


def load(path: Path) -> Scenario:
    """Load a scenario file (errors become exit code 2 through :func:`user_errors`)."""
    return load_scenario(path)


def is_terminal() -> bool:
    return sys.stderr.isatty()
