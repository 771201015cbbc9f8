"""How uncertain a day's volume is: ``arrivals.volume_cv`` from several days' counts (MODEL.md §8).

Poisson arrivals at a known rate give day-to-day counts whose variance equals
their mean.  With a busyness factor G per day (mean 1, cv c) the count over the
fitted span has mean m and variance m + (c m)², so

    c² = (variance − mean) / mean²,

floored at 0 when the days vary no more than Poisson does.  It needs at least
two days fitted together; the sample variance of a few days is itself
uncertain, so the fit's comment gives the number of days with the estimate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class VolumeFit:
    """The offered calls per day over the fitted span: days, mean and sample variance."""

    days: int
    mean: float
    variance: float

    @property
    def cv(self) -> float:
        """The busyness factor's cv: the day-to-day spread beyond Poisson (0 if none)."""
        if self.mean <= 0:
            return 0.0
        return math.sqrt(max(self.variance - self.mean, 0.0)) / self.mean

    def comment(self) -> str:
        """What the fit says about it (comment and report)."""
        if self.cv == 0.0:
            return (
                f"arrivals.volume_cv 0: over {self.days} days the offered calls per day "
                f"(mean {self.mean:.1f}, variance {self.variance:.1f}) vary no more than "
                "Poisson arrivals do, so the volume is taken as known"
            )
        return (
            f"arrivals.volume_cv {self.cv:.3f}: over {self.days} days the offered calls per "
            f"day have mean {self.mean:.1f} and variance {self.variance:.1f}, more than the "
            "mean a Poisson day would give; each replication draws one busyness factor with "
            "this cv (c² = (variance − mean) / mean²)"
        )


def fit_volume(
    asking: pd.DataFrame, days: Sequence[dt.date], start: float, horizon: float
) -> VolumeFit | None:
    """Day-to-day counts of the offered calls ``asking`` arriving in the clock span
    ``[start, start + horizon)`` of each of ``days``; None with fewer than two days."""
    if len(days) < 2:
        return None
    inside = asking[(asking["arrival"] >= start) & (asking["arrival"] < start + horizon)]
    counts = inside.groupby("date").size().reindex(list(days), fill_value=0).astype(float)
    return VolumeFit(len(days), float(counts.mean()), float(counts.var(ddof=1)))
