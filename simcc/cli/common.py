"""What every command shares: error handling, consoles, the progress bar.

The options several commands share are declared in :mod:`simcc.cli.options`.

:func:`user_errors` is the one place where the project's errors become a
message and an exit code:

====  =====================================================================
code  meaning
====  =====================================================================
0     done
1     a failure while working (an output could not be written, out of memory,
      an internal error — set ``SIMCC_DEBUG=1`` to see its traceback)
2     bad input: the scenario file, an option, or an unusable ``--out``
130   interrupted (Ctrl-C or SIGTERM); finished work was kept
====  =====================================================================
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
import typer
from rich.console import Console

from simcc.io import OutputError
from simcc.scenario import ScenarioError

if TYPE_CHECKING:
    from simcc.scenario import Scenario


def load_scenario(path: Path) -> Scenario:
    """:func:`simcc.scenario.load_scenario`, imported on first use (``--help`` builds no models)."""
    from simcc.scenario import load_scenario as load_file

    return load_file(path)


_COMMAND_LINE_EXITS = (
    typer.Exit,
    typer.Abort,
    typer.exceptions.TyperException,
    click.exceptions.Exit,
    click.exceptions.Abort,
    click.ClickException,
)
"""Exceptions that already are an exit code or a usage message: passed on untouched."""

console = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DONE = 0
FAILURE = 1
USAGE_ERROR = 2
INTERRUPTED = 130


def say_error(message: str) -> None:
    """Print ``error: message`` on stderr, unwrapped (paths and lines stay whole)."""
    err.print(f"error: {message}", markup=False)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into one message and an exit code, never a traceback.

    While the block runs, SIGTERM behaves like Ctrl-C (KeyboardInterrupt), so a
    batch system stopping the run leaves the same complete files.
    """
    try:
        with terminate_as_interrupt():
            yield
    except _COMMAND_LINE_EXITS:
        raise
    except ScenarioError as exc:
        say_error(str(exc))
        raise typer.Exit(USAGE_ERROR) from None
    except OutputError as exc:
        say_error(str(exc))
        raise typer.Exit(USAGE_ERROR if exc.before_work else FAILURE) from None
    except KeyboardInterrupt:
        err.print("interrupted: finished work was kept; partial work was discarded", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except MemoryError:
        say_error("out of memory; try fewer --jobs, fewer replications or --max-contacts")
        raise typer.Exit(FAILURE) from None
    except Exception as exc:
        from simcc.fit.logs import LogFormatError
        from simcc.runner import ExecutorError

        if isinstance(exc, ExecutorError):  # e.g. a Dask scheduler that cannot be reached
            say_error(str(exc))
            raise typer.Exit(FAILURE) from None
        if isinstance(exc, LogFormatError):  # a call log that cannot be read
            say_error(str(exc))
            raise typer.Exit(USAGE_ERROR) from None
        if os.environ.get("SIMCC_DEBUG"):
            raise
        say_error(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug in simcc — please "
            "report it with the scenario file; set SIMCC_DEBUG=1 to see the traceback"
        )
        raise typer.Exit(FAILURE) from None


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt; the old handler comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def load(path: Path) -> Scenario:
    """Load a scenario file (errors become exit code 2 through :func:`user_errors`)."""
    return load_scenario(path)


def is_terminal() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when stderr is a terminal; ``None`` otherwise."""
    from simcc.experiments.progress import progress_bar

    with progress_bar(description, enabled=is_terminal(), console=err) as update:
        yield update


def finish_outputs(out: Path, scenario: Scenario, report: bool) -> None:
    """Write the scenario beside the results (``scenario.yaml``) and, if asked, the report."""
    from simcc.io import write_text

    write_text(out / "scenario.yaml", scenario.to_yaml())
    if report:
        from simcc.analysis.report import build_report

        path = build_report(out, scenario=scenario)
        console.print(f"wrote {path}", markup=False)
