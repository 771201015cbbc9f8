"""``simcc theory FILE``: exact Erlang C / Erlang A values for a single-pool scenario."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.cli import app
from simcc.cli.common import console, err, load, user_errors


def theory_inputs(scenario: object) -> tuple[dict[str, float], list[str]]:
    """(λ, μ, θ, n, threshold, short_abandon) of a scenario; warnings where it is not M/M/n+M."""
    from simcc.dists import Deterministic, Exponential

    s = scenario
    warnings: list[str] = []
    pools = list(s.pools.values())  # type: ignore[attr-defined]
    if len(pools) != 1:
        warnings.append(f"{len(pools)} pools: the formulas describe one pool; using the first")
    pool = pools[0]
    if len(set(pool.agents.counts)) > 1:
        warnings.append("staffing changes by interval: using the first interval's agents")
    rate = sum(ct.arrivals.mean_rate(s.horizon) for ct in s.call_types.values())  # type: ignore[attr-defined]
    if any(ct.arrivals.rate is None for ct in s.call_types.values()):  # type: ignore[attr-defined]
        warnings.append("time-varying arrivals: using the mean rate over the horizon")
    handles = list(pool.handle_time.values())
    means = {h.mean for h in handles}
    if len(means) > 1:
        warnings.append("handle time differs by call type: using the arrival-weighted mean")
    mean = (
        sum(
            pool.for_type(pool.handle_time, name).mean * ct.arrivals.mean_rate(s.horizon)  # type: ignore[attr-defined]
            for name, ct in s.call_types.items()  # type: ignore[attr-defined]
        )
        / rate
    )
    if not all(isinstance(h, Exponential) for h in handles):
        warnings.append("handle time is not exponential: Erlang formulas are approximate")
    if any(not isinstance(w, Deterministic) or w.value > 0 for w in pool.wrap_up.values()):
        warnings.append("wrap-up time is not modelled by the formulas")
    patience = s.customers.patience  # type: ignore[attr-defined]
    if isinstance(patience, Deterministic) and math.isinf(patience.value):
        theta = 0.0
    elif isinstance(patience, Exponential):
        theta = 1.0 / patience.mean
    else:
        theta = 1.0 / patience.mean
        warnings.append("patience is not exponential: using Erlang A with its mean")
    if len(s.segments) > 1:  # type: ignore[attr-defined]
        warnings.append("several segments: the formulas ignore their priorities and patience")
    if any(len(ct.path) > 1 for ct in s.call_types.values()):  # type: ignore[attr-defined]
        warnings.append("escalation paths: the formulas ignore transfers")
    if s.customers.recontact is not None:  # type: ignore[attr-defined]
        warnings.append("re-contacts are not in the formulas")
    values = {
        "arrival_rate": rate,
        "service_rate": 1.0 / mean,
        "patience_rate": theta,
        "agents": float(pool.agents.counts[0]),
        "threshold": s.sla.answer.threshold,  # type: ignore[attr-defined]
        "short_abandon": s.sla.answer.short_abandon,  # type: ignore[attr-defined]
    }
    return values, warnings


@app.command()
def theory(file: Path = typer.Argument(..., help="Single-pool scenario YAML file.")) -> None:
    """Print exact Erlang A (or Erlang C, with infinite patience) values for a scenario."""
    from simcc.analysis.theory import erlang_a, service_level_sla

    with user_errors():
        scenario = load(file)
        v, warnings = theory_inputs(scenario)
        for w in warnings:
            err.print(f"warning: {w}", markup=False)
        lam, mu, theta, n = (
            v["arrival_rate"],
            v["service_rate"],
            v["patience_rate"],
            int(v["agents"]),
        )
        if theta == 0 and lam >= n * mu:
            err.print(
                f"error: with infinite patience the queue is unstable: offered load "
                f"{lam / mu:.1f} Erlangs ≥ {n} agents",
                markup=False,
            )
            raise typer.Exit(2)
        m = erlang_a(lam, mu, theta, n, v["threshold"], v["short_abandon"])
        model = "Erlang C (M/M/n)" if theta == 0 else "Erlang A (M/M/n+M)"
        table = Table(title=f"{scenario.display_name} — {model}", title_justify="left", box=None)
        table.add_column("metric")
        table.add_column("exact", justify="right")
        table.add_row("offered load", f"{m.offered_load:.2f} Erlangs")
        table.add_row("agents", str(n))
        table.add_row("probability of waiting", fmt.value("rate", m.p_wait))
        table.add_row("abandonment_rate", fmt.value("abandonment_rate", m.abandonment_rate))
        table.add_row("asa", fmt.value("asa", m.asa))
        table.add_row("service_level", fmt.value("service_level", service_level_sla(m)))
        table.add_row(f"occupancy_{next(iter(scenario.pools))}", fmt.value("rate", m.occupancy))
        console.print(table)
