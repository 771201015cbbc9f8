"""The ``simcc`` program: Ctrl-C while it is still starting prints one line, not a traceback.

The console script imports this small module first; the command line itself
(:mod:`simcc.cli`, with typer and the commands) loads inside :func:`main`,
where an interrupt is caught.  For ``simcc run`` the fork server starts
before that (:func:`start_workers_early`), so its imports run on another
core while typer loads.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Load the command line and run it; exit 130 if interrupted while loading."""
    try:
        start_workers_early(sys.argv)
        from simcc.cli import main as run_command_line
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    run_command_line()


def start_workers_early(argv: list[str]) -> None:
    """If ``argv`` is a ``simcc run`` that will start worker processes, start their fork
    server now (:func:`simcc.workers.start_early`), before typer parses the command line.

    A cheap look at the words, not a parse: anything unclear (``--help``, ``--``,
    ``--scheduler``, a value that is not a number) leaves the start to the command
    itself, which calls :func:`~simcc.workers.start_early` again once parsed (it does
    nothing if the server is running).
    """
    words = argv[2:]
    if argv[1:2] != ["run"] or any(w in ("--", "--help") or w.startswith("--sch") for w in words):
        return
    try:
        jobs = _number(words, "-j", "--jobs")
        replications = _number(words, "-n", "--replications")
    except ValueError:
        return
    if replications == 1:
        return
    from simcc.workers import start_early

    records = any(w == "--report" or w == "--out" or w.startswith("--out=") for w in words)
    start_early(jobs, records=records)


def _number(words: list[str], short: str, long: str) -> int | None:
    """The last value of option ``short``/``long`` in ``words`` (``-j 2``, ``-j2``,
    ``--jobs 2``, ``--jobs=2``); ``None`` if absent; ``ValueError`` if not a number."""
    found = None
    for i, word in enumerate(words):
        if word in (short, long):
            found = words[i + 1] if i + 1 < len(words) else ""
        elif word.startswith(long + "="):
            found = word[len(long) + 1 :]
        elif word.startswith(short) and not word.startswith("--"):
            found = word[len(short) :]
    return None if found is None else int(found)
