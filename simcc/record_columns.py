"""The derived columns of the record tables, from the recorder's arrays (numpy only).

Every writer of the tables uses these: the DataFrames of :mod:`simcc.records`
and the streamed Parquet files of :mod:`simcc.record_files` (written in the
worker processes, which import no pandas).  A derived column is given as an
array, as text (``pools``), or as ``(codes, names)`` for a column of names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simcc.model.records import CHANNELS, Names, Recorder


def contact_derived(
    rec: Recorder,
    warmup: float,
    horizon: float,
    arrays: dict[str, np.ndarray[Any, Any]] | None = None,
) -> dict[str, Any]:
    """The derived fields of :data:`~simcc.model.records.CONTACTS`: ``measured`` (arrived
    in the measurement window), ``pools`` (each contact's path as text), ``channel`` and
    ``last_channel`` as ``(codes, names)``; from ``arrays`` if given (``rec.contact_arrays()``,
    already taken)."""
    if arrays is None:
        arrays = rec.contact_arrays()
    arrival = arrays["arrival"]
    return {
        "measured": (arrival >= warmup) & (arrival < horizon),
        "pools": rec.paths,
        "channel": (arrays["channel"], CHANNELS),
        "last_channel": (arrays["last_channel"], CHANNELS),
    }


def agent_group_codes(
    arrays: dict[str, np.ndarray[Any, Any]], names: Names
) -> tuple[np.ndarray[Any, Any], tuple[str, ...]]:
    """The agent group of each agent-interval row, as ``(codes, group names)``: agent number
    modulo the pool's groups (see :class:`simcc.model.agent_groups.GroupedPool`); code −1
    (missing) for a pool without groups."""
    categories = tuple(dict.fromkeys(g for groups in names.groups for g in groups))
    codes = np.full(len(arrays["pool"]), -1, dtype=np.int32)
    for pool, groups in enumerate(names.groups):
        if groups:
            mine = arrays["pool"] == pool
            lookup = np.array([categories.index(g) for g in groups], dtype=np.int32)
            codes[mine] = lookup[arrays["agent"][mine] % len(groups)]
    return codes, categories
