"""Where replications run: this process, local worker processes, or a Dask cluster.

:class:`SerialExecutor` (this process), :class:`ProcessExecutor` (local worker
processes, ``--jobs``) and :class:`DaskExecutor` (a Dask distributed cluster,
``--scheduler``) each map a task function over tasks and yield the results as
they finish; all are context managers, and :func:`executor_for` picks one from
the command options.  The tasks themselves are :mod:`simcc.runner`'s.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, Self, TypeVar

from simcc.workers import available_cores, start_method, start_worker, worker_context

T = TypeVar("T")
R = TypeVar("R")


class ExecutorError(RuntimeError):
    """An executor that cannot run tasks (e.g. a Dask scheduler that cannot be reached)."""


class SchedulerAddressError(ExecutorError, ValueError):
    """A ``scheduler`` that is not a Dask address at all (bad input, found before any work)."""


def check_scheduler_address(address: str) -> str:
    """``address`` if it reads as a Dask scheduler address (``tcp://host:8786``…)."""
    from distributed.comm import get_address_host_port, parse_address

    try:
        scheme, _ = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        raise SchedulerAddressError(
            f"{address!r} is not a Dask scheduler address ({exc}); expected e.g. tcp://host:8786"
        ) from None
    return address


class Executor(Protocol):
    """Runs tasks and yields their results as they finish (in any order).

    Every executor is a context manager: leaving the ``with`` block releases
    its workers, and leaving it through an exception (Ctrl-C included) stops
    tasks still running without waiting for them.  ``map_unordered`` may be
    called several times inside one ``with`` block; the workers are reused.
    """

    def map_unordered(
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Generator[R, None, None]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    """``with executor:`` keeps the workers for every ``map_unordered`` and closes them at
    the end; used without ``with``, each ``map_unordered`` releases them when it ends."""

    _entered = False
    runs_elsewhere = False
    """Whether tasks run in other processes, leaving this one idle while they run (a
    single task may still run here)."""

    def close(self) -> None:
        """Release the workers (nothing to release by default)."""

    def __enter__(self) -> Self:
        self._entered = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(_Closing):
    """Runs tasks one after another in this process."""

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Generator[R, None, None]:
        for task in tasks:
            yield fn(task)


class ProcessExecutor(_Closing):
    """Runs tasks in a pool of local worker processes (``jobs``; default all cores).

    At most ``2 × jobs`` tasks are handed to the workers at a time, so an
    interruption loses at most the replications that were running.  With one
    job (or one task) the tasks run in this process.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or available_cores()
        self._pool: ProcessPoolExecutor | None = None
        self._method = start_method()
        self.runs_elsewhere = self.jobs > 1 and self._method is not None

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Generator[R, None, None]:
        queue = iter(tasks)
        first = list(itertools.islice(queue, 2))
        queue = itertools.chain(first, queue)  # drawn as workers come free (runner sizes them)
        serial = not self.runs_elsewhere
        if serial or (len(first) <= 1 and self._pool is None):
            yield from SerialExecutor().map_unordered(fn, queue)
            return
        pool = self._workers()
        pending: set[Future[R]] = set()
        finished = False
        try:
            self._top_up(pool, fn, queue, pending)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield _result(future)
                self._top_up(pool, fn, queue, pending)
            finished = True
        finally:
            if not finished:
                self._abort(pending)
            elif not self._entered:
                self.close()

    def _top_up(
        self,
        pool: ProcessPoolExecutor,
        fn: Callable[[T], R],
        queue: Iterator[T],
        pending: set[Future[R]],
    ) -> None:
        while len(pending) < 2 * self.jobs:
            task = next(queue, None)
            if task is None:
                return
            pending.add(pool.submit(fn, task))

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=worker_context(self._method),
                initializer=start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _abort(self, pending: set[Future[Any]]) -> None:
        """Stop at once: cancel what has not started, end the workers running the rest."""
        for future in pending:
            future.cancel()
        if self._pool is None or not any(f.running() for f in pending):
            return
        pool, self._pool = self._pool, None
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
        results = getattr(pool, "_result_queue", None)  # and this
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        if results is not None:
            # A worker ended while it sent a result leaves half a message in the result
            # pipe, and the manager thread waits for the rest of it forever (and the
            # interpreter's exit hook for the manager: `simcc run` hung after Ctrl-C
            # about once in a hundred). With every worker gone, this process holds the
            # pipe's last end open for writing; closed, that read ends (EOF), the pool is
            # broken, and the manager exits.
            results._writer.close()
        if manager is not None:
            # It closes the pool's wake-up pipe as it ends.  Left running, it can close the
            # pipe while the interpreter's exit hook writes to it, and a clean Ctrl-C then
            # ends in a traceback (unlocked in CPython before gh-125451's fix).
            manager.join(timeout=5)

    def close(self) -> None:
        """Let the workers finish and exit."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool:
        raise ExecutorError(
            "a worker process stopped unexpectedly (out of memory, or killed); "
            "replications that had finished are kept"
        ) from None


class DaskExecutor(_Closing):
    """Runs tasks on a Dask distributed cluster.

    ``scheduler`` is an address (``tcp://host:port``), a
    ``dask.distributed.Client`` (left open at the end) or a cluster object
    such as ``LocalCluster`` (a client is made for it and closed at the end).
    Every worker needs simcc installed at the same version.
    """

    runs_elsewhere = True

    def __init__(self, scheduler: Any, timeout: float = 10.0) -> None:
        from dask.distributed import Client

        self._own = not isinstance(scheduler, Client)
        if not self._own:
            self.client = scheduler
            return
        if isinstance(scheduler, str):
            check_scheduler_address(scheduler)  # a bad one would leave a client hanging 20 s
        try:
            self.client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc or type(exc).__name__}"
            ) from None

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Generator[R, None, None]:
        from dask.distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        futures = self.client.map(fn, tasks, pure=False)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                yield future.result()
        finally:
            unfinished = [f for f in futures if not f.done()]
            if unfinished:
                self.client.cancel(unfinished)

    def close(self) -> None:
        """Close the client if this executor made it."""
        if self._own:
            self.client.close()


def executor_for(jobs: int | None = None, scheduler: Any = None) -> Executor:
    """The executor for ``--jobs`` / ``--scheduler`` (Dask when a scheduler is given)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return ProcessExecutor(jobs)
