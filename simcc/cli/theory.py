"""``simcc theory FILE``: exact values for a single-pool scenario.

Exponential patience gives Erlang A (M/M/n+M), infinite patience Erlang C
(M/M/n), any other patience distribution M/M/n+G (:mod:`simcc.analysis.theory`).
Where the formulas do not describe the scenario exactly, a warning says why;
where no formula applies (a queue that grows without bound, a chain too long
to compute), one line says so and the exit code is 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.cli import app
from simcc.cli.common import USAGE_ERROR, console, err, load, say_error, user_errors


@dataclass(frozen=True)
class TheoryInputs:
    """What the formulas read from a scenario: rates per second, agents, patience."""

    arrival_rate: float
    mean_handle: float
    agents: int
    patience: object
    """A :mod:`simcc.dists` distribution."""
    threshold: float
    short_abandon: float


def theory_inputs(scenario: object) -> tuple[TheoryInputs, list[str]]:
    """The inputs of the formulas, and warnings where the scenario is not M/M/n+G."""
    from simcc.dists import Deterministic, Exponential

    s = scenario
    warnings: list[str] = []
    # what reaches a pool: the arrivals its front doors do not settle (MODEL.md §8)
    offered = {
        name: ct.arrivals.mean_rate(s.horizon) * ct.offered_share  # type: ignore[attr-defined]
        for name, ct in s.call_types.items()  # type: ignore[attr-defined]
    }
    name, pool = _entry_pool(s, offered)
    call_types = {k: ct for k, ct in s.call_types.items() if ct.path[0] == name}  # type: ignore[attr-defined]
    if len(s.pools) != 1:  # type: ignore[attr-defined]
        others = sorted(set(s.call_types) - set(call_types))  # type: ignore[attr-defined]
        warnings.append(
            f"{len(s.pools)} pools: the formulas describe one pool; using {name!r}, which "  # type: ignore[attr-defined]
            "most arrivals enter"
            + (f", and the call types that enter it (not {', '.join(others)})" if others else "")
        )
    if len(set(pool.agents.counts)) > 1:
        warnings.append("staffing changes by interval: using the first interval's agents")
    rate = sum(offered[k] for k in call_types)
    if any(ct.arrivals.rate is None for ct in call_types.values()):
        warnings.append("time-varying arrivals: using the mean rate over the horizon")
    if s.arrivals.volume_cv > 0:  # type: ignore[attr-defined]
        warnings.append(
            "arrivals.volume_cv: the formulas are for a known volume; the simulation "
            "scales each replication's rates by a random factor"
        )
    handles = list(pool.handle_time.values())
    if len({h.mean for h in handles}) > 1:
        warnings.append("handle time differs by call type: using the arrival-weighted mean")
    mean = (
        sum(
            pool.for_type(pool.handle_time, name).mean
            * ct.arrivals.mean_rate(s.horizon)  # type: ignore[attr-defined]
            * ct.offered_share
            for name, ct in call_types.items()
        )
        / rate
    )
    if not all(isinstance(h, Exponential) for h in handles):
        warnings.append("handle time is not exponential: the formulas are approximate")
    if any(not isinstance(w, Deterministic) or w.value > 0 for w in pool.wrap_up.values()):
        warnings.append("wrap-up time is not modelled by the formulas")
    patience = s.customers.patience  # type: ignore[attr-defined]
    if any(ct.patience is not None for ct in call_types.values()):
        warnings.append("call types have their own patience: using the customers' patience")
    if len(s.segments) > 1:  # type: ignore[attr-defined]
        warnings.append("several segments: the formulas ignore their priorities and patience")
    if any(len(ct.path) > 1 for ct in call_types.values()):
        warnings.append("escalation paths: the formulas ignore transfers")
    if s.customers.recontact is not None:  # type: ignore[attr-defined]
        warnings.append("re-contacts are not in the formulas")
    if pool.queue_capacity is not None:
        warnings.append("queue_capacity: the formulas assume an unlimited queue")
    inputs = TheoryInputs(
        arrival_rate=rate,
        mean_handle=mean,
        agents=int(pool.agents.counts[0]),
        patience=patience,
        threshold=s.sla.answer.threshold,  # type: ignore[attr-defined]
        short_abandon=s.sla.answer.short_abandon,  # type: ignore[attr-defined]
    )
    return inputs, warnings


def _entry_pool(s: object, offered: dict[str, float]) -> tuple[str, Any]:
    """The pool the most arrivals enter (the first pool on a tie), by name."""
    into = dict.fromkeys(s.pools, 0.0)  # type: ignore[attr-defined]
    for name, ct in s.call_types.items():  # type: ignore[attr-defined]
        into[ct.path[0]] += offered[name]
    name = max(into, key=lambda p: into[p])
    return name, s.pools[name]  # type: ignore[attr-defined]


def model_name(patience: object) -> str:
    from simcc.dists import Deterministic, Exponential

    if isinstance(patience, Exponential):
        return "Erlang A (M/M/n+M)"
    if isinstance(patience, Deterministic) and math.isinf(patience.value):
        return "Erlang C (M/M/n)"
    return f"M/M/n+G, patience {patience.describe()}"  # type: ignore[attr-defined]


def exact_measures(v: TheoryInputs) -> object:
    """The exact :class:`~simcc.analysis.theory.QueueMeasures`; ValueError where none applies."""
    from simcc.analysis.theory import QueueMeasures, erlang_a, mmng
    from simcc.dists import Deterministic, Exponential

    lam, n, p = v.arrival_rate, v.agents, v.patience
    never = isinstance(p, Deterministic) and math.isinf(p.value)
    if v.mean_handle == 0 and n > 0:  # nobody is ever busy: everyone is answered at once
        zero = dict.fromkeys(("offered_load", "p_wait", "abandonment_rate", "asa"), 0.0)
        return QueueMeasures(
            agents=n,
            **zero,
            mean_wait=0.0,
            service_level=1.0,
            short_abandon=0.0,
            occupancy=0.0,
            mean_queue=0.0,
            threshold=v.threshold,
            short_abandon_threshold=v.short_abandon,
        )
    mu = 1.0 / v.mean_handle if v.mean_handle > 0 else 1.0  # (0 agents: μ plays no part)
    if never and lam >= n * mu:
        noun = "no agents" if n == 0 else f"an offered load of {lam / mu:.1f} Erlangs ≥ {n} agents"
        raise ValueError(f"with infinite patience and {noun} the queue grows without bound")
    if n > 0 and (never or isinstance(p, Exponential)):
        theta = 0.0 if never else 1.0 / p.mean  # type: ignore[attr-defined]
        return erlang_a(lam, mu, theta, n, v.threshold, v.short_abandon)
    m = mmng(lam, mu, n, p, v.threshold, v.short_abandon)
    return replace(m, offered_load=lam * v.mean_handle)


@app.command()
def theory(file: Path = typer.Argument(..., help="Single-pool scenario YAML file.")) -> None:
    """Print exact Erlang C, Erlang A or M/M/n+G values for a one-pool scenario."""
    from simcc.analysis.theory import service_level_sla

    with user_errors():
        scenario = load(file)
        v, warnings = theory_inputs(scenario)
        for w in warnings:
            err.print(f"warning: {w}", markup=False)
        try:
            m = exact_measures(v)
        except ValueError as exc:
            say_error(f"{file}: theory does not apply: {exc}")
            raise typer.Exit(USAGE_ERROR) from None
        console.print(f"{scenario.display_name} — {model_name(v.patience)}", markup=False)
        table = Table(box=None)
        table.add_column("metric")
        # exact for the queue named above; with a warning, an approximation of this scenario
        table.add_column("approximate" if warnings else "exact", justify="right")
        table.add_row("offered load", f"{m.offered_load:.2f} Erlangs")  # type: ignore[attr-defined]
        table.add_row("agents", str(v.agents))
        table.add_row("probability of waiting", fmt.value("rate", m.p_wait))  # type: ignore[attr-defined]
        table.add_row("abandonment_rate", fmt.value("abandonment_rate", m.abandonment_rate))  # type: ignore[attr-defined]
        table.add_row("asa", fmt.value("asa", m.asa))  # type: ignore[attr-defined]
        table.add_row("mean wait (all contacts)", fmt.value("asa", m.mean_wait))  # type: ignore[attr-defined]
        # every caller a short abandon (patience 0 and no agents): 0 / 0, as in the metrics
        level = service_level_sla(m) if m.short_abandon < 1.0 else math.nan  # type: ignore[arg-type, attr-defined]
        table.add_row("service_level", fmt.value("service_level", level))
        occupancy = m.occupancy  # type: ignore[attr-defined]
        table.add_row(f"occupancy_{next(iter(scenario.pools))}", fmt.value("rate", occupancy))
        console.print(table)
        if v.agents == 0:
            console.print("No agents: every caller waits out its patience and abandons.")
        elif v.mean_handle == 0:
            console.print("Handle time 0: agents are never busy, every caller is answered at once.")
