"""How local worker processes start, and how they stop when their parent is gone.

:class:`~simcc.runner.ProcessExecutor` starts its workers with the method
:func:`start_method` picks, and :func:`start_worker` runs first in each: the
worker leaves Ctrl-C to its parent, and a watchdog thread ends it within a
second of its parent's death (``kill -9`` on the command, say), so no worker
lives on holding memory.

``forkserver`` and ``spawn`` import the main module again in each worker.  A
plain script that calls :func:`simcc.replicate` at top level, without
``if __name__ == "__main__":``, would then run again in every worker; for it
:func:`start_method` picks ``fork`` (Linux, no other thread running), which
imports nothing, or else runs the replications in this process.
"""

from __future__ import annotations

import ast
import gc
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import multiprocessing.context


def start_worker(parent: int) -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it stops the workers itself),
    and a worker whose parent is gone (``kill -9``) exits within a second.

    First it freezes the objects it was forked with (the fork server's preloaded modules,
    :func:`gc.freeze`): the garbage collector then never walks them, so it neither
    spends time on them nor writes to their pages, which stay shared with the fork
    server instead of being copied into each worker (MMCAb, 400 days: 7.6-8.3 k page
    faults a worker before, 5.3-6.3 k after)."""
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


PARENT_POLL_S = 0.5
"""How often a worker checks that the process that started it is still there."""


def _watch_parent(parent: int) -> None:
    while alive(parent):
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed parent not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def start_method() -> str | None:
    """How :class:`ProcessExecutor` starts workers: ``forkserver`` (POSIX) or ``spawn``.

    Both import the main module again in each worker.  A script that does its
    work at top level, with no ``if __name__ == "__main__":`` around the call,
    would run again there: then ``fork`` (Linux, no other threads running),
    which imports nothing, or ``None``: run in this process.
    """
    if not _main_runs_again_in_workers():
        return "forkserver" if os.name == "posix" else "spawn"
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return None


def _main_runs_again_in_workers() -> bool:
    """Whether the call comes from the top level of a main script, outside a
    ``if __name__ == "__main__":`` block (so importing it again would repeat it)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str):
        return False  # python -c, an interactive session, a notebook
    if path == "<stdin>":
        return True  # `python - < script.py`: a worker would fail to import it
    if not path.endswith(".py"):
        return False
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    guards = [
        (node.lineno, node.end_lineno or node.lineno) for node in tree.body if _is_main_guard(node)
    ]
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is vars(main):
            return not any(first <= frame.f_lineno <= last for first, last in guards)
        frame = frame.f_back
    return not guards


def _is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either way round)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    names = {n.id for n in sides if isinstance(n, ast.Name)}
    texts = {n.value for n in sides if isinstance(n, ast.Constant)}
    return names == {"__name__"} and texts == {"__main__"}


WORKER_MODULES = ("simcc.runner", "simcc.model.center", "simcc.analysis.metrics", "numpy.random")
"""What a worker process imports before its first task (NumPy loads ``numpy.random``
on first use: about 20 ms in each worker otherwise)."""

RECORD_MODULES = ("simcc.record_files",)
"""What a worker also needs to send records as Arrow tables (``simcc run --out``):
pyarrow, about 0.1 s a worker otherwise, on its first replication."""


def worker_context(
    method: str | None, preload: tuple[str, ...] = WORKER_MODULES
) -> multiprocessing.context.BaseContext:
    """The multiprocessing context workers start in; under ``forkserver`` the server
    imports ``preload`` once, and each worker forks from it ready (a server already
    running keeps what it loaded)."""
    import multiprocessing  # (on use: every command imports this module, few start workers)

    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(preload))
    return context


def start_early(jobs: int | None = None, records: bool = False) -> None:
    """Start the fork server now, if replications will run in worker processes, so that it
    imports the engine (and with ``records`` pyarrow: :data:`RECORD_MODULES`) on another
    core while this process still loads the scenario and prepares the outputs; the
    workers fork from it later.

    Nothing happens under another start method or with one job.  If no worker is ever
    asked for, the server exits with this process.
    """
    if (jobs or available_cores()) <= 1 or start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    worker_context("forkserver", WORKER_MODULES + (RECORD_MODULES if records else ()))
    forkserver.ensure_running()


def available_cores() -> int:
    """Cores this process may run on (the default for ``--jobs``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
