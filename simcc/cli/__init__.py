"""The ``simcc`` command line: thin commands that load, run and write.

Each command lives in its own module and registers itself on :data:`app`.
Bad input exits with code 2 and one clear message on stderr (never a
traceback); other failures exit non-zero with a message.
"""

from __future__ import annotations

import sys
from types import TracebackType


def _interrupted_quietly(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Ctrl-C while the command line starts (before a command runs): one line instead of
    a traceback; Python then ends by SIGINT as usual (exit status 130)."""
    if issubclass(kind, KeyboardInterrupt):
        print("interrupted", file=sys.stderr, flush=True)
    else:
        _previous_hook(kind, error, tb)


_previous_hook, sys.excepthook = sys.excepthook, _interrupted_quietly

from typing import Annotated  # noqa: E402  (after the hook: Ctrl-C here is quiet too)

import typer  # noqa: E402

from simcc._version import __version__  # noqa: E402

app = typer.Typer(
    name="simcc",
    help="Simulate contact-centre transfer policies: warm, cold, conference, callback, "
    "email and self-service hand-offs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _register_commands() -> None:
    """Import every command module of this package; each registers itself on ``app``.

    Command modules keep heavy imports (pandas, matplotlib, dask) inside the
    command functions, so ``simcc --help`` stays quick.
    """
    import importlib
    import pkgutil

    from typer.core import TyperCommand

    from simcc.cli.usage import PlainCommand

    for module in pkgutil.iter_modules(__path__):
        if module.name not in ("common", "legend", "options", "usage"):
            importlib.import_module(f"{__name__}.{module.name}")
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = PlainCommand


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"simcc {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


_register_commands()


def main() -> None:
    """Entry point of the ``simcc`` console script (SIGTERM stops it like Ctrl-C, exit 130)."""
    from simcc.cli.common import run_app

    run_app(app)
