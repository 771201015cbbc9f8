"""Named random streams: common random numbers across policies and replications.

Every replication has one :class:`numpy.random.SeedSequence` made from the
scenario seed and the replication number; each purpose (``arrivals:billing``,
``patience``, ``handle:front:billing``, ``transfer:warm``…) gets its own
generator spawned from it with a key derived from the purpose's name.  So:

- replication *i* of a scenario gives the same numbers on any machine, in any
  process, at any degree of parallelism;
- two policies run with the same seed see the same customers (arrival times,
  segments, patience, first handle times), because those draws come from
  streams no transfer decision touches;
- adding a stream for a new purpose shifts no other stream.
"""

from __future__ import annotations

import itertools
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

import numpy as np

from simcc.dists import Sampler, batch_sizes, doubles


def stream_key(name: str) -> int:
    """Stable 32-bit key of a stream name (CRC-32, the same on every platform)."""
    return zlib.crc32(name.encode("utf-8"))


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` of a run seeded ``seed``."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication,))


class Streams:
    """The named generators of one replication."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def generator(self, name: str) -> np.random.Generator:
        """The generator for purpose ``name``.

        It is made when first drawn from (:class:`_OnFirstDraw`): a replication
        sets up many streams it never draws from (another policy's, a
        feature's the run does not reach), and making a numpy generator costs
        about 13 µs.  Its numbers depend on the name only, so they are the same
        whenever it is made.
        """
        gen = self._generators.get(name)
        if gen is None:
            key = (self.replication, stream_key(name))
            gen = cast(np.random.Generator, _OnFirstDraw(self.seed, key))
            self._generators[name] = gen
        return gen

    def uniform(self, name: str) -> Sampler:
        """Uniform(0, 1) draws from stream ``name``, one per call."""
        return self._uniforms(name).__next__

    def _uniforms(self, name: str) -> Iterator[float]:
        gen = self.generator(name)

        def batches():  # type: ignore[no-untyped-def]
            for size in batch_sizes():
                yield doubles(gen.random(size))

        return itertools.chain.from_iterable(batches())

    def exponential(self, name: str) -> Sampler:
        """Unit-mean exponential draws from stream ``name`` (scaled by the caller)."""
        gen = self.generator(name)

        def batches():  # type: ignore[no-untyped-def]
            for size in batch_sizes():
                yield doubles(gen.standard_exponential(size))

        return itertools.chain.from_iterable(batches()).__next__

    def choice(self, name: str, probabilities: list[float]) -> Callable[[], int]:
        """Index draws with the given probabilities from stream ``name``: the first index
        whose cumulative probability is above a uniform draw."""
        cumulative = np.cumsum(probabilities)
        cumulative[-1] = 1.0
        uniforms = self._uniforms(name)
        if len(probabilities) == 1:
            return lambda: 0
        # the first index whose bound is above u, found by bisection on the running maximum
        # (the same index, even for a rounded sum that dips), mapped over the draws at C
        # level: no Python frame a draw (a segment is drawn for every arrival); the last
        # bound is 1, above every draw
        bounds = np.maximum.accumulate(cumulative).tolist()
        return map(partial(bisect_right, bounds), uniforms).__next__


class _OnFirstDraw:
    """A stream's numpy generator, made at its first use: it hands every attribute
    (``random``, ``exponential``, …) on to the generator, which it makes then."""

    __slots__ = ("_gen", "_key", "_seed")

    def __init__(self, seed: int, key: tuple[int, int]) -> None:
        self._seed, self._key = seed, key
        self._gen: np.random.Generator | None = None

    def __getattr__(self, name: str) -> Any:
        gen = self._gen
        if gen is None:
            seq = np.random.SeedSequence(entropy=self._seed, spawn_key=self._key)
            gen = self._gen = np.random.Generator(np.random.PCG64(seq))
        return getattr(gen, name)
