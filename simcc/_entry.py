"""The ``simcc`` program: Ctrl-C while it is still starting prints one line, not a traceback.

The console script imports this small module first; the command line itself
(:mod:`simcc.cli`, with typer and the commands) loads inside :func:`main`,
where an interrupt is caught.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Load the command line and run it; exit 130 if interrupted while loading."""
    try:
        from simcc.cli import main as run_command_line
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    run_command_line()
