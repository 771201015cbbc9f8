"""Why contacts were handed on: the share of hand-offs by reason, per receiving pool."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from simcc.analysis.plots.base import _SPARE_COLOURS
from simcc.records import REASONS


def reason_shares(transfers: pd.DataFrame) -> pd.DataFrame:
    """Share of hand-ons by reason (columns, in code order) per receiving pool (rows), and
    ``all``; peer consults (policy ``peer``, the owner keeps the contact) left out."""
    t = transfers[transfers["policy"].astype(str) != "peer"]
    counts = pd.crosstab(t["to_pool"].astype(str), t["reason"].astype(str))
    counts.loc["all"] = counts.sum()
    counts = counts.reindex(columns=[r for r in REASONS if r in counts.columns])
    return counts.div(counts.sum(axis=1), axis=0).fillna(0.0)


def reasons_chart(transfers: pd.DataFrame) -> Figure:
    """Horizontal stacked bars: each receiving pool's hand-ons split by reason (%)."""
    shares = reason_shares(transfers)
    fig = Figure(figsize=(8.0, 1.0 + 0.5 * len(shares)), layout="constrained")
    ax = fig.subplots()
    left = pd.Series(0.0, index=shares.index)
    for i, reason in enumerate(shares.columns):
        values = 100 * shares[reason]
        ax.barh(shares.index, values, left=left, label=reason,
                color=_SPARE_COLOURS[i % len(_SPARE_COLOURS)])  # fmt: skip
        left += values
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of hand-offs to the pool, %")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(title="reason", fontsize=8, loc="outside right center")
    return fig
