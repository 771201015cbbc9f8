"""Why contacts were handed on: hand-offs per replication by reason, per receiving pool.

Counts, not shares: a pool that received four hand-offs in a day is drawn as four,
not as a full 100 % bar, and every bar carries its 95 % CI over replications and
the number of hand-offs it stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simcc.analysis.plots.base import _SPARE_COLOURS, band
from simcc.records import REASONS

TOTAL = "total"


def _hand_ons(transfers: pd.DataFrame) -> pd.DataFrame:
    """The hand-ons: peer consults (policy ``peer``, the owner keeps the contact) left out."""
    return transfers[transfers["policy"].astype(str) != "peer"]


def reason_shares(transfers: pd.DataFrame) -> pd.DataFrame:
    """Share of hand-ons by reason (columns, in code order) per receiving pool (rows), and
    ``all``; peer consults (policy ``peer``, the owner keeps the contact) left out."""
    t = _hand_ons(transfers)
    counts = pd.crosstab(t["to_pool"].astype(str), t["reason"].astype(str))
    counts.loc["all"] = counts.sum()
    counts = counts.reindex(columns=[r for r in REASONS if r in counts.columns])
    return counts.div(counts.sum(axis=1), axis=0).fillna(0.0)


def _row_names(t: pd.DataFrame) -> pd.Series:
    """The bar of each hand-on: its receiving pool, and its variant when there are several."""
    pools = t["to_pool"].astype(str)
    if "variant" in t and t["variant"].astype(str).nunique() > 1:
        return pools + " (" + t["variant"].astype(str) + ")"
    return pools


def reason_counts(
    transfers: pd.DataFrame, replications: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Hand-ons per replication by reason, per receiving pool (rows, and its variant when a
    comparison has several): each reason's mean over replications (columns in code order),
    then ``total`` with ``total_ci_low`` and ``total_ci_high`` (95 % CI over replications),
    ``n`` (hand-ons counted) and ``replications``.

    ``replications``: every replication that ran (a replication without a hand-off to a
    pool counts as zero there); default those in the table.  Peer consults are left out."""
    t = _hand_ons(transfers)
    if "replication" not in t:
        t, replications = t.assign(replication=0), [0]
    reps = list(replications) if replications is not None else sorted(t["replication"].unique())
    t = t.assign(_row=_row_names(t), _reason=t["reason"].astype(str))
    reasons = [r for r in REASONS if r in set(t["_reason"])]
    counts = t.groupby(["_row", "replication", "_reason"]).size().unstack("_reason", fill_value=0)
    out = []
    for row in sorted(set(t["_row"])):
        mine = pd.DataFrame(counts.xs(row, level="_row"))
        matrix = mine.reindex(index=reps, columns=reasons, fill_value=0).to_numpy(float)
        total = band(matrix.sum(axis=1)[:, None])
        means = dict(zip(reasons, matrix.mean(axis=0), strict=True))
        out.append(
            {"row": row, **means, TOTAL: float(total.mean[0]),
             "total_ci_low": max(0.0, float(total.low[0])), "total_ci_high": float(total.high[0]),
             "n": int(matrix.sum()), "replications": len(reps)}
        )  # fmt: skip
    columns = [*reasons, TOTAL, "total_ci_low", "total_ci_high", "n", "replications"]
    return pd.DataFrame(out, columns=["row", *columns]).set_index("row")


def reasons_chart(transfers: pd.DataFrame, replications: Sequence[Any] | None = None) -> Figure:
    """Horizontal stacked bars: each receiving pool's hand-ons per replication split by
    reason, the error bar the 95 % CI of the total (clipped at 0), labelled with the
    hand-ons counted and the replications."""
    counts = reason_counts(transfers, replications)
    reasons = [c for c in counts.columns if c in REASONS]
    fig = Figure(figsize=(8.0, 1.2 + 0.5 * len(counts)), layout="constrained")
    ax = fig.subplots()
    left = pd.Series(0.0, index=counts.index)
    for i, reason in enumerate(reasons):
        ax.barh(counts.index, counts[reason], left=left, label=reason,
                color=_SPARE_COLOURS[i % len(_SPARE_COLOURS)])  # fmt: skip
        left += counts[reason]
    error = np.vstack(
        [counts[TOTAL] - counts["total_ci_low"], counts["total_ci_high"] - counts[TOTAL]]
    )
    ax.errorbar(counts[TOTAL], counts.index, xerr=error, fmt="none", ecolor="black", capsize=3)
    for name, r in counts.iterrows():
        ax.annotate(
            f"  n = {r['n']:,.0f} over {r['replications']:.0f} replication(s)",
            (r["total_ci_high"], name), va="center", fontsize=8,
        )  # fmt: skip
    ax.invert_yaxis()
    ax.set_xlim(0, 1.35 * max(1.0, float(counts["total_ci_high"].max())))
    ax.set_xlabel("hand-offs received per replication (mean; error bar: 95 % CI of the total)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(title="reason", fontsize=8, loc="outside right center")
    return fig
