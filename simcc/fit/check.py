"""Does the fitted scenario behave like the log? Simulated against observed metrics.

:func:`check_fit` runs replications of a :class:`~simcc.fit.build.Fit`'s
scenario and sets its abandonment rate, ASA and service level beside the
log's own values over the same clock span: for each chosen day, and for all
of them pooled (all their calls counted together) when there are several.
The relative error is simulated mean / observed − 1. With
``arrivals="replay"`` a fitted day's callers arrive at the log's own times
(:mod:`simcc.fit.replay`) instead of the fit's Poisson rates: the same day,
like for like.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simcc.analysis.stats import Estimate
from simcc.fit.build import Fit
from simcc.fit.logs import NO_SERVER
from simcc.fit.observed import counted_calls, observed_metrics
from simcc.fit.replay import ARRIVALS, Arrivals, replay_scenario
from simcc.fit.writing import fmt_clock

__all__ = ["CHECKED", "Check", "check_fit", "observed_over"]

CHECKED: tuple[str, ...] = ("abandonment_rate", "asa", "service_level")
"""The metrics a check compares (MODEL.md §4 names)."""

ALL_DAYS = "all"


@dataclass
class Check:
    """Simulated metrics of a fitted scenario beside the log's observed ones.

    ``simulated`` maps metric names to estimates over replications;
    ``observed`` maps ``YYMMDD`` (and ``all`` for several days pooled) to
    the log's metrics over the scenario's span. ``by_pool`` (when asked for)
    has, per entry pool, the offered calls, abandonment rate and ASA,
    observed (all days pooled) and simulated (mean over replications).
    ``arrivals`` says how the simulated callers arrived: ``fitted`` (the
    fit's Poisson rates) or ``replay`` (the log's own arrival times).
    """

    fit: Fit
    replications: int
    seed: int
    simulated: dict[str, Estimate]
    observed: dict[str, dict[str, Any]]
    by_pool: pd.DataFrame | None = None
    arrivals: Arrivals = "fitted"

    def rows(self) -> pd.DataFrame:
        """One row per (days, metric): observed, simulated mean and CI, relative error."""
        records = []
        for days, obs in self.observed.items():
            for metric in ("offered", *CHECKED):
                sim = self.simulated[metric]
                value = float(obs[metric])
                records.append(
                    {
                        "days": days,
                        "metric": metric,
                        "observed": value,
                        "simulated": sim.mean,
                        "ci_low": sim.ci_low,
                        "ci_high": sim.ci_high,
                        "rel_error": _rel_error(sim.mean, value),
                    }
                )
        return pd.DataFrame(records)

    def errors(self, days: str) -> dict[str, float]:
        """Relative error of each checked metric against ``days``' observed values."""
        obs = self.observed[days]
        return {m: _rel_error(self.simulated[m].mean, float(obs[m])) for m in CHECKED}

    @property
    def reference(self) -> str:
        """The observed row the simulation stands for: the day, or all days pooled."""
        return ALL_DAYS if ALL_DAYS in self.observed else next(iter(self.observed))

    def to_json(self) -> dict[str, Any]:
        """The ``check.json`` document."""
        return {
            "scenario": self.fit.scenario.get("name"),
            "days": [f"{d:%y%m%d}" for d in self.fit.days],
            "span": {"from": fmt_clock(self.fit.span[0]), "to": fmt_clock(self.fit.span[1])},
            "replications": self.replications,
            "seed": self.seed,
            "arrivals": self.arrivals,
            "simulated": {
                m: self.simulated[m].as_dict() | {"n": self.simulated[m].n}
                for m in ("offered", *CHECKED)
            },
            "observed": {
                days: {k: v for k, v in obs.items() if k != "date"}
                for days, obs in self.observed.items()
            },
            "comparison": self.rows().to_dict(orient="records"),
        }

    def lines(self) -> list[str]:
        """The comparison as text: the simulation with its CI, then observed rows with errors."""
        sim = self.simulated
        out = [
            f"simulated ({self.replications} replications, seed {self.seed}"
            f"{'; arrivals replayed from the log' if self.arrivals == 'replay' else ''}; 95% CI): "
            f"abandonment {_pct(sim['abandonment_rate'].mean)} "
            f"[{_pct(sim['abandonment_rate'].ci_low)}, {_pct(sim['abandonment_rate'].ci_high)}], "
            f"ASA {sim['asa'].mean:.1f} s [{sim['asa'].ci_low:.1f}, {sim['asa'].ci_high:.1f}], "
            f"service level (20 s) {_pct(sim['service_level'].mean)} "
            f"[{_pct(sim['service_level'].ci_low)}, {_pct(sim['service_level'].ci_high)}]; "
            f"offered {sim['offered'].mean:.0f}",
            f"{'observed':<12} {'offered':>7}  {'abandonment (err)':<19} {'ASA (err)':<17} "
            "service level (err)",
        ]
        for days, obs in self.observed.items():
            err = self.errors(days)
            label = f"{len(self.fit.days)} days" if days == ALL_DAYS else days
            abandonment = f"{_pct(obs['abandonment_rate'])} ({_signed(err['abandonment_rate'])})"
            asa = f"{obs['asa']:.1f} s ({_signed(err['asa'])})"
            level = f"{_pct(obs['service_level'])} ({_signed(err['service_level'])})"
            out.append(f"{label:<12} {obs['offered']:>7.0f}  {abandonment:<19} {asa:<17} {level}")
        return out


def observed_over(
    calls: pd.DataFrame, days: list[dt.date], span: tuple[float, float], threshold: float = 20.0
) -> dict[str, Any]:
    """The log's metrics over several days pooled: all their calls counted together.

    ``offered`` is the mean per day (comparable with one simulated day);
    rates and ASA are over all the days' calls; the loader's outliers are left out.
    """
    asked = counted_calls(calls, days, span)
    answered = asked[asked["outcome"] == "AGENT"]
    waits = answered["wait"].where(answered["queued"], 0.0)
    n = len(asked)
    return {
        "offered": n / len(days),
        "answered": len(answered) / len(days),
        "abandoned": (n - len(answered)) / len(days),
        "abandonment_rate": (n - len(answered)) / n if n else math.nan,
        "asa": float(waits.mean()) if len(answered) else math.nan,
        "service_level": float((waits <= threshold).sum() / n) if n else math.nan,
    }


def check_fit(
    fit: Fit,
    calls: pd.DataFrame,
    replications: int = 10,
    seed: int | None = None,
    *,
    jobs: int | None = None,
    by_pool: bool = False,
    arrivals: Arrivals = "fitted",
) -> Check:
    """Simulate ``fit``'s scenario and compare with the log on each of its days.

    ``arrivals="replay"`` (a fit of one day) replays that day's own arrival
    times instead of the fitted rates; everything else stays as fitted.
    """
    from simcc.runner import replicate
    from simcc.scenario import scenario_from_dict

    if arrivals not in ARRIVALS:
        raise ValueError(f"arrivals must be one of {', '.join(ARRIVALS)}, not {arrivals!r}")
    spec = replay_scenario(fit, calls) if arrivals == "replay" else fit.scenario
    scenario = scenario_from_dict(spec)
    reps = replicate(scenario, replications, seed, jobs=jobs, keep_records=by_pool)
    threshold = float(scenario.sla.answer.threshold)
    observed: dict[str, dict[str, Any]] = {}
    if len(fit.days) > 1:
        observed[ALL_DAYS] = observed_over(calls, fit.days, fit.span, threshold)
    for day in fit.days:
        observed[f"{day:%y%m%d}"] = observed_metrics(calls, day, threshold=threshold, span=fit.span)
    pools = None
    if by_pool and reps.records is not None:
        pools = _by_pool(fit, calls, reps.records["contacts"])
    return Check(fit, reps.n, reps.seed, reps.summary(), observed, pools, arrivals)


def _by_pool(fit: Fit, calls: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Offered, abandonment rate, ASA and overflow per entry pool: observed (pooled) and simulated.

    *Overflow* is the share of the answered calls whose first agent was not
    of the entry pool: in the log, calls with a named agent taken by an agent
    of another pool; in the simulation, contacts answered by an overflow pool.
    The skill pools split from an entry pool (:mod:`simcc.fit.skills`) count
    as that pool here: no call enters them.
    """
    asked = counted_calls(calls, fit.days, fit.span)
    pool = asked["type"].map(fit.type_map).map(fit.pools.pool_of)
    asked = asked.assign(pool=pool, abandoned=asked["outcome"] == "HANG")
    asked = asked.assign(wait=asked["wait"].where(asked["queued"], 0.0))
    sim = contacts[contacts["measured"] & (contacts["attempt"] == 1)]
    sim = sim.assign(
        pool=sim["entry_pool"].astype(str),
        abandoned=sim["outcome"].astype(str).str.startswith("abandoned"),
    )
    rows = []
    for name in [p for p in fit.pools.pools if p not in fit.pools.skills]:
        family = fit.pools.family(name)
        agents = [a for p in family for a in fit.pools.agents.get(p, [])]
        obs = asked[asked["pool"] == name]
        got = sim[sim["pool"] == name]
        per_rep = got.groupby("replication").agg(
            offered=("abandoned", "size"), abandoned=("abandoned", "mean")
        )
        answered = got[~got["abandoned"]].groupby("replication")["wait"].mean()
        named = obs[(obs["outcome"] == "AGENT") & (obs["server"] != NO_SERVER)]
        elsewhere_observed = (~named["server"].isin(agents)).mean()
        sim_answered = got[got["answer"].notna()]
        by_rep = sim_answered["replication"]
        elsewhere = (~sim_answered["answer_pool"].astype(str).isin(family)).groupby(by_rep).mean()
        rows.append(
            {
                "pool": name,
                "offered_observed": len(obs) / len(fit.days),
                "offered_simulated": float(per_rep["offered"].mean()),
                "abandonment_observed": float(obs["abandoned"].mean()),
                "abandonment_simulated": float(per_rep["abandoned"].mean()),
                "asa_observed": float(obs.loc[~obs["abandoned"], "wait"].mean()),
                "asa_simulated": float(answered.mean()),
                "overflow_observed": float(elsewhere_observed),
                "overflow_simulated": float(elsewhere.mean()),
            }
        )
    return pd.DataFrame(rows).set_index("pool")


def _rel_error(simulated: float, observed: float) -> float:
    """simulated / observed − 1 (NaN when the observed value is 0 or missing)."""
    if not observed or math.isnan(observed):
        return math.nan
    return simulated / observed - 1


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def _signed(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:+.0f}%"
