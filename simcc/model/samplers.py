"""The service-time and resolution samplers of a replication, by pool and call type.

A pool's handle time, wrap-up and resolution draws for a call type each have
a stream of their own (:mod:`simcc.rng`), made on first use and then kept in
a list by [pool][call type], so that the engine's per-contact paths look one
up without building its stream name.  :class:`PoolSamplers` is the part of
:class:`~simcc.model.center.Center` that keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simcc.model.pool import Pool
    from simcc.rng import Streams
    from simcc.scenario import Scenario


def no_wrap_up() -> float:
    """The wrap-up of a pool that has none for a call type."""
    return 0.0


class PoolSamplers:
    """Samplers of handle, wrap-up and resolution by pool and call type, made on first use."""

    scenario: Scenario
    streams: Streams
    pools: list[Pool]

    def _init_samplers(self, call_types: list[str], pools: int) -> None:
        self._call_type_names = call_types
        self._samplers: dict[tuple[str, int, int], Callable[[], float]] = {}
        # the samplers of handle, wrap_up and resolve by [pool][call type], made on first use
        self._by_pool: dict[str, list[list[Callable[[], float] | None]]] = {
            kind: [[None] * len(call_types) for _ in range(pools)]
            for kind in ("handle", "wrap_up", "resolve")
        }
        self.wraps = self._by_pool["wrap_up"]
        """The wrap-up samplers made so far, by [pool][call type] (None: not yet made)."""
        self.handles = self._by_pool["handle"]
        """The handle-time samplers made so far, by [pool][call type] (None: not yet made)."""
        self.resolves = self._by_pool["resolve"]
        """The resolution draws made so far, by [pool][call type] (None: not yet made)."""

    def handle(self, pool: int, call_type: int) -> Callable[[], float]:
        """Handle-time sampler of a pool for a call type."""
        return self._by_pool["handle"][pool][call_type] or self._first("handle", pool, call_type)

    def wrap(self, pool: int, call_type: int) -> Callable[[], float]:
        """Wrap-up sampler of a pool for a call type."""
        return self._by_pool["wrap_up"][pool][call_type] or self._first("wrap_up", pool, call_type)

    def resolve_draw(self, pool: int, call_type: int) -> Callable[[], float]:
        """Uniform draws deciding resolution at a pool for a call type."""
        return self._by_pool["resolve"][pool][call_type] or self._first("resolve", pool, call_type)

    def _first(self, kind: str, pool: int, call_type: int) -> Callable[[], float]:
        """A sampler's first use: make it, and keep it by pool and call type."""
        sampler = self._by_pool[kind][pool][call_type] = self._sampler(kind, pool, call_type)
        return sampler

    def _sampler(self, kind: str, pool: int, call_type: int) -> Callable[[], float]:
        key = (kind, pool, call_type)
        sampler = self._samplers.get(key)
        if sampler is None:
            pool_name = self.pools[pool].name
            ct_name = self._call_type_names[call_type]
            stream = f"{kind}:{pool_name}:{ct_name}"
            if kind == "resolve":
                sampler = self.streams.uniform(stream)
            elif kind == "wrap_up":
                spec = self.scenario.pools[pool_name]
                dist = spec.for_type(spec.wrap_up, ct_name)
                if dist is None:  # no wrap-up given for this call type
                    return no_wrap_up
                sampler = dist.sampler(self.streams.generator(stream))
            else:  # handle times: "handle", or "overflow_handle" / "overflow_recontact_handle"
                spec = self.scenario.pools[pool_name]
                dist = spec.for_type(spec.handle_time, ct_name)
                if dist is None:  # a pool standing in for another (when_unstaffed)
                    dist = spec.for_type(spec.handle_time, next(iter(spec.handle_time)))
                sampler = dist.sampler(self.streams.generator(stream))
            self._samplers[key] = sampler
        return sampler
