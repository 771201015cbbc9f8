"""Precision-driven replications: how many more a run needs to reach its half-widths.

:func:`simcc.runner.replicate` with ``precision={metric: half_width}`` runs its
first ``n`` replications, then asks :func:`next_batch` how many more, until
every target is reached or the limit :func:`check_precision` set.  The ask
depends only on the replications' values, so the batches (and the result) are
the same at any number of processes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from simcc.analysis import format as fmt
from simcc.analysis.metrics import scenario_metric_names, split_grouped

if TYPE_CHECKING:
    from simcc.runner import Replications


def check_precision(
    scenario: Any, n: int, precision: dict[str, float], max_replications: int | None
) -> int:
    """The most replications a ``precision`` run may make; the targets checked."""
    if max_replications is not None and max_replications < n:
        raise ValueError(f"--max-replications ({max_replications}) is below the replications ({n})")
    names = scenario_metric_names(scenario)
    for name, half in precision.items():
        metric, by, _ = split_grouped(name)
        if by is not None and metric in names:
            raise ValueError(
                f"--precision {name}: a metric of one group cannot be a precision target "
                f"(only the whole centre's metrics are): --precision {metric}={half:g}"
            )
        if name not in names:
            from simcc.scenario.errors import did_you_mean

            raise ValueError(f"--precision: no metric {name!r}" + did_you_mean(name, names))
        if not half > 0:
            raise ValueError(f"--precision: the half-width of {name} must be > 0, got {half:g}")
        if fmt.kind(split_grouped(name)[0]) == "rate" and half >= 1:
            raise ValueError(
                f"--precision {name}={half:g}: {name} is a fraction, so that half-width is "
                f"±{100 * half:g} points; give it as a fraction or a percentage "
                f"(e.g. {name}=0.005 or {name}=0.5%)"
            )
    if precision and n < 2:
        raise ValueError("--precision needs at least 2 replications in the first batch")
    return max_replications if max_replications is not None else 10 * n


def next_batch(reps: Replications, precision: dict[str, float], limit: int) -> int:
    """How many more replications ``precision`` asks for (0: every target is reached).

    Each metric short of its target asks for ``n · (h / target)² − n`` more (the
    half-width shrinks as ``1/√n``), 10 % more for safety, at least 2 and at
    least a tenth of ``n``; the largest ask wins, capped at ``limit``.  It depends
    only on the replications' values, so the batches are the same at any ``jobs``.
    """
    n = reps.n
    summary = reps.summary()
    ask = 0
    for name, target in precision.items():
        half = summary[name].half_width
        if half <= target:
            continue
        need = n if math.isnan(half) else math.ceil(1.1 * n * (half / target) ** 2) - n
        ask = max(ask, need, 2, math.ceil(n / 10))
    return max(0, min(ask, limit - n))
