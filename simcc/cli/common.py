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
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
import typer
from rich.console import Console
from rich.measure import Measurement

from simcc.io import Content, OutputError, WriteInterrupted
from simcc.scenario import ScenarioError

if TYPE_CHECKING:
    from rich.table import Table

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


def print_whole(table: Table) -> None:
    """Print a table at its natural width, wider than the console if need be: a narrow
    (or piped) console would otherwise squeeze columns away, and a row is read whole."""
    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    narrow = console.width
    console.width = max(narrow, natural)
    try:
        console.print(table, crop=False)
    finally:
        console.width = narrow


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
    except WriteInterrupted as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except KeyboardInterrupt:
        err.print("interrupted: finished work was kept; partial work was discarded", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except MemoryError:
        say_error("out of memory; try fewer --jobs, fewer replications or --max-contacts")
        raise typer.Exit(FAILURE) from None
    except Exception as exc:
        from simcc.fit.logs import LogFormatError
        from simcc.model.running import NoProgress
        from simcc.runner import ExecutorError

        if isinstance(exc, NoProgress):  # a scenario whose day would never end
            say_error(str(exc))
            raise typer.Exit(USAGE_ERROR) from None

        if isinstance(exc, ExecutorError):  # e.g. a Dask scheduler that cannot be reached
            say_error(str(exc))
            raise typer.Exit(USAGE_ERROR if isinstance(exc, ValueError) else FAILURE) from None
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


def run_app(app: typer.Typer) -> None:
    """Run the command line as a program: Ctrl-C or SIGTERM outside a command's own
    handling (:func:`user_errors`), while it starts or after its outputs are written,
    prints one line and exits 130.  A reader of its output that stops early (``| head``)
    does not stop the command (:mod:`simcc.cli.pipes`)."""
    from simcc.cli.pipes import tolerate_readers_leaving

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_quietly)
    tolerate_readers_leaving()
    app()


def _stop_quietly(signum: int, frame: FrameType | None) -> None:
    err.print("interrupted", markup=False)
    raise SystemExit(INTERRUPTED)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (and Ctrl-C) raise KeyboardInterrupt; the old handlers
    come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, interrupt),
        signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def load(path: Path) -> Scenario:
    """Load a scenario file (errors become exit code 2 through :func:`user_errors`)."""
    return load_scenario(path)


def is_terminal() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when stderr is a terminal; ``None`` otherwise."""
    if not is_terminal():
        yield None
        return
    from simcc.progress import progress_bar  # rich.progress, loaded only for a bar

    with progress_bar(description, console=err) as update:
        yield update


def finish_outputs(
    out: Path, scenario: Scenario, report: bool, files: Mapping[str, Content]
) -> None:
    """Write ``files`` and the scenario (``scenario.yaml``) as one output set
    (:func:`simcc.io.write_outputs`), then, if asked, the report."""
    from simcc.io import write_outputs

    write_outputs(out, {**files, **saved_scenario(scenario)})
    if report:
        from simcc.analysis.report import build_report

        path = build_report(out, scenario=scenario)
        console.print(f"wrote {path}", markup=False)


def saved_scenario(
    scenario: Scenario, name: str = "scenario.yaml", copies: dict[str, Path] | None = None
) -> dict[str, Content]:
    """``name`` (``scenario.yaml``) standing on its own in an output set: each empirical
    ``file:`` it still names is copied beside it (a name of its own) and the path rewritten
    to that copy.  Scenarios saved into one set share ``copies`` (file name → source), so
    a file they all name is copied once."""
    import yaml

    text = scenario.to_yaml(inline_files=False)
    data = yaml.safe_load(text)
    base = scenario.source.parent if scenario.source is not None else Path(".")
    copies = {} if copies is None else copies

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("dist") == "empirical" and isinstance(node.get("file"), str):
                node["file"] = _copy_name(base / node["file"], copies)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    if copies:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return {name: text, **copies}


def _copy_name(source: Path, copies: dict[str, Path]) -> str:
    """The name the copy of ``source`` gets in the output directory."""
    from simcc.io import OUTPUT_NAMES

    for name, path in copies.items():
        if path == source:
            return name
    name = source.name
    if name in copies or name in OUTPUT_NAMES:
        name = f"empirical-{len(copies) + 1}-{source.name}"
    copies[name] = source
    return name
