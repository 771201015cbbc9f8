"""A progress bar for long runs and experiments: replications done, rate, time left.

:func:`progress_bar` gives a ``progress(done, total)`` callback (the shape
:func:`simcc.replicate` and every experiment function take) drawing a rich
progress bar on stderr; the command line asks for one only when stderr is a
terminal (:func:`simcc.cli.common.progress`), so captured output (tests,
pipes, logs) stays clean.  A module of its own, outside :mod:`simcc.experiments`
(which re-exports it as ``simcc.experiments.progress``), so that ``simcc run``
draws its bar without loading the experiments (pandas, scipy).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Replications per second (or per minute when slower than one a second)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("", style="progress.data.speed")
        if speed >= 1:
            return Text(f"{speed:.1f} rep/s", style="progress.data.speed")
        return Text(f"{speed * 60:.1f} rep/min", style="progress.data.speed")


@contextlib.contextmanager
def progress_bar(
    description: str, console: Console | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar on stderr (or ``console``)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console or Console(stderr=True),
        transient=False,
    )
    with bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
