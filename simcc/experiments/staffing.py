"""Staffing search: the fewest agents per pool that meet every target, per policy.

A planner states targets on metrics (``service_level>=0.8``,
``abandonment_rate<=0.05``) and names the pools whose staffing may change.
For each transfer policy the search:

1. **Estimates** each pool's staffing from queueing theory: the pool's offered
   load is the arrival rate of the call types reaching it times their mean
   busy time (handle + wrap-up + the transfer steps its agents do, scaled by
   its agent groups); a pool further down an escalation path gets the
   upstream flow times the probability the upstream pool does not resolve
   (:mod:`simcc.scenario.workload`, the load check's estimate).
   :func:`simcc.analysis.theory.min_agents` (Erlang A with the customers'
   patience, Erlang C when they never hang up) turns the load and the
   service-level / abandonment targets into agents.  Shifts, re-contacts and
   the waits of a hand-off are ignored here: this is only the starting point.
2. **Confirms by simulation**: a staffing meets a target when the metric's
   95 % confidence interval over the replications lies on the right side of
   it — the conservative reading (``ci_low >= target`` for ``>=``,
   ``ci_high <= target`` for ``<=``).  With ``conservative=False`` the mean is
   compared instead.  Every staffing tried runs the same replications with the
   same seed (common random numbers), so two staffings differ by the agents,
   not by luck.
3. **Searches pool by pool** (coordinate descent): while the staffing misses
   a target, every searched pool gains agents (1, 2, 4… at a time); then, for
   each pool in the order given, agents are taken away while every target is
   still met (stepping down 1, 2, 4… and bisecting the last step).  Rounds
   repeat until no pool changes.
4. **Trades agents between pools**: where one agent more in a pool lets
   another pool lose two or more with every target still met, the trade is
   made and step 3 runs again from there.  The result is a staffing where
   removing an agent from any one searched pool breaks a target, and no such
   trade saves an agent.

A searched pool gets a constant number of agents over the day (a shift
pattern in the file is replaced).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Unpack

import pandas as pd

from simcc.analysis import format as fmt
from simcc.analysis.metrics import POOL_METRICS, scenario_metric_names
from simcc.analysis.stats import Estimate, estimate
from simcc.analysis.theory import min_agents
from simcc.experiments.engine import Engine, Execution, ExecutionOptions, Point, point_id
from simcc.experiments.journal import ExperimentError
from simcc.scenario import Scenario, ScenarioError
from simcc.scenario.errors import did_you_mean
from simcc.scenario.workload import pool_work

_TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|=>|=<|>|<|=|:[A-Za-z]*:)\s*(.+?)\s*$")
_OPERATORS = {"=>": ">=", "=<": "<=", ":ge:": ">=", ":le:": "<="}
"""Other spellings of a bound: ``:ge:`` and ``:le:`` need no quoting in a shell."""
FORMS = 'METRIC:ge:VALUE or METRIC:le:VALUE (or, quoted, "METRIC>=VALUE" / "METRIC<=VALUE")'
"""How a target is written, for messages."""

Staffing = dict[str, int]
"""Agents per searched pool."""


@dataclass(frozen=True)
class Target:
    """A metric and the side of a bound it must be on: ``service_level >= 0.8``."""

    metric: str
    op: str  # ">=" or "<="
    value: float

    def met(self, e: Estimate, conservative: bool = True) -> bool:
        """Whether a metric's estimate meets the target (its CI bound, or its mean)."""
        if self.op == ">=":
            x = e.ci_low if conservative else e.mean
            return not math.isnan(x) and x >= self.value
        x = e.ci_high if conservative else e.mean
        return not math.isnan(x) and x <= self.value

    def __str__(self) -> str:
        return (
            f"{self.metric} {'≥' if self.op == '>=' else '≤'} {fmt.value(self.metric, self.value)}"
        )


def parse_target(text: str, metrics: Sequence[str]) -> Target:
    """``"service_level>=0.8"`` or ``service_level:ge:0.8`` (a value may be ``80%``; a time
    ``asa<=30s``) as a :class:`Target`."""
    match = _TARGET.match(text)
    grouped = re.match(r"^\s*([A-Za-z_]\w*)\[[^\]]*\]", text)
    if grouped:
        raise ExperimentError(
            f"--target {text}: a metric of one group cannot be a staffing target (only the "
            f"whole centre's metrics are): --target {grouped.group(1)}{text[grouped.end() :]}"
        )
    if not match:
        if text.strip() in metrics:  # what a shell leaves of an unquoted service_level>=0.8
            raise ExperimentError(
                f"--target {text}: no bound; unquoted, >= and <= are shell redirections (the "
                "shell wrote the rest to a file named like '=0.8'): write "
                f'{text.strip()}:ge:0.8 or quote it, "{text.strip()}>=0.8"'
            )
        raise ExperimentError(
            f"--target {text}: expected {FORMS}, "
            "e.g. service_level:ge:0.8 or abandonment_rate:le:0.05"
        )
    metric, op, raw = match.groups()
    if metric not in metrics:
        raise ExperimentError(
            f"--target {text}: unknown metric {metric!r}"
            + did_you_mean(metric, metrics)
            + f" (metrics: {', '.join(metrics)})"
        )
    op = _OPERATORS.get(op, op)
    if op.startswith(":"):
        raise ExperimentError(
            f"--target {text}: unknown bound {op!r}; use :ge: (at least) or :le: (at most)"
        )
    if op not in (">=", "<="):
        raise ExperimentError(f"--target {text}: use >= or <= (a target is a bound): {FORMS}")
    return Target(metric, op, _target_value(text, metric, raw))


def _target_value(text: str, metric: str, raw: str) -> float:
    try:
        value = fmt.amount(metric, raw)
    except ValueError:
        raise ExperimentError(f"--target {text}: {raw!r} is not a number") from None
    if fmt.kind(metric) == "rate" and not 0.0 <= value <= 1.0:
        raise ExperimentError(
            f"--target {text}: {metric} is a fraction; give a value in [0, 1] or a percentage"
        )
    return value


# --------------------------------------------------------------------------- estimate


def offered_load(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Per pool: (contacts per second reaching it, their mean busy seconds).

    The estimate of :mod:`simcc.scenario.workload`: a call type's arrivals
    reach the first pool of its path (or of each need's path); the share a
    pool does not resolve flows on to the next one, and each pool's busy time
    holds the transfer steps its agents do and its agent groups' factors.
    """
    return {p: (w.arrivals, w.busy) for p, w in pool_work(scenario).items()}


def erlang_estimate(
    scenario: Scenario, pools: Sequence[str], targets: Sequence[Target]
) -> Staffing:
    """Agents per pool from Erlang A/C with the service-level and abandonment targets."""
    loads = offered_load(scenario)
    patience = scenario.customers.patience.mean
    theta = 0.0 if math.isinf(patience) or patience <= 0 else 1.0 / patience
    sla = scenario.sla.answer
    bounds = {t.metric: t.value for t in targets}
    out: Staffing = {}
    for pool in pools:
        rate, busy = loads[pool]
        if rate <= 0 or busy <= 0:
            out[pool] = 1
            continue
        stable = math.floor(rate * busy) + 1
        try:
            out[pool] = min_agents(
                rate,
                1.0 / busy,
                theta,
                target_service_level=bounds.get("service_level"),
                max_abandonment=bounds.get("abandonment_rate"),
                threshold=sla.threshold,
                short_abandon=sla.short_abandon,
            )
        except ValueError:  # no such target, or out of reach of the formulas
            out[pool] = stable
    return out


# --------------------------------------------------------------------------- search


@dataclass
class Evaluation:
    """One staffing simulated: the targets' estimates and whether all were met."""

    policy: str
    staffing: Staffing
    estimates: dict[str, Estimate]
    met: bool
    means: dict[str, float] = field(default_factory=dict, repr=False)
    """The mean of every metric, to explain a target that cannot be met."""


@dataclass
class StaffingResult:
    """What the search found: agents per policy and pool, and every staffing it tried."""

    agents: dict[str, Staffing]
    estimates: dict[str, Staffing]
    targets: list[Target]
    tried: list[Evaluation] = field(default_factory=list)
    replications: int = 0
    seed: int = 0
    conservative: bool = True
    unstaffed: dict[str, str] = field(default_factory=dict)
    """Per policy no staffing up to ``max_agents`` serves: why (``unstaffed.json``)."""

    def found(self, policy: str) -> Evaluation:
        """The evaluation of the staffing found for ``policy``."""
        return next(
            e for e in self.tried if e.policy == policy and e.staffing == self.agents[policy]
        )

    def held_by_no_target(self) -> list[tuple[str, str]]:
        """(policy, pool) where the search ended at one agent, the least it gives, though
        the Erlang estimate wanted more: no target needs that pool's agents."""
        return [
            (policy, pool)
            for policy, staffing in self.agents.items()
            for pool, n in staffing.items()
            if n == 1 and self.estimates[policy][pool] > 1
        ]

    @property
    def table(self) -> pd.DataFrame:
        """One row per policy × pool: ``policy``, ``pool``, ``erlang`` (estimate), ``agents``."""
        rows = [
            {"policy": policy, "pool": pool, "erlang": self.estimates[policy][pool], "agents": n}
            for policy, staffing in self.agents.items()
            for pool, n in staffing.items()
        ]
        return pd.DataFrame(rows, columns=["policy", "pool", "erlang", "agents"])

    @property
    def evaluations(self) -> pd.DataFrame:
        """Every staffing tried: policy, agents per pool, each target's mean and CI, met."""
        rows = []
        for e in self.tried:
            row: dict[str, Any] = {"policy": e.policy} | dict(e.staffing)
            for metric, est in e.estimates.items():
                row |= {
                    f"{metric}_mean": est.mean,
                    f"{metric}_ci_low": est.ci_low,
                    f"{metric}_ci_high": est.ci_high,
                }
            rows.append(row | {"met": e.met})
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Staffing]:
        """The ``staffing.json`` document: ``{policy: {pool: agents}}``."""
        return {policy: dict(staffing) for policy, staffing in self.agents.items()}


class _Search:
    """The search for one policy (descent and trades); remembers every staffing it simulated."""

    def __init__(
        self,
        engine: Engine,
        scenario: Scenario,
        policy: str,
        targets: Sequence[Target],
        replications: int,
        seed: int,
        conservative: bool,
        max_agents: int,
        report: Callable[[Evaluation], None] | None = None,
    ) -> None:
        self.engine, self.scenario, self.policy = engine, scenario, policy
        self.targets, self.n, self.seed = targets, replications, seed
        self.conservative, self.max_agents = conservative, max_agents
        self.report = report
        self.tried: dict[tuple[tuple[str, int], ...], Evaluation] = {}

    def evaluate(self, staffing: Staffing) -> Evaluation:
        key = tuple(staffing.items())
        if key not in self.tried:
            changes = {f"pools.{pool}.agents": n for pool, n in staffing.items()}
            scenario = self.scenario.with_changes(changes)
            (rows,) = self.engine.run([Point(key, scenario)], self.n, self.seed)
            estimates = {t.metric: estimate([row[t.metric] for row in rows]) for t in self.targets}
            met = all(t.met(estimates[t.metric], self.conservative) for t in self.targets)
            means = {name: estimate([row[name] for row in rows]).mean for name in rows[0]}
            self.tried[key] = Evaluation(self.policy, dict(staffing), estimates, met, means)
            if self.report is not None:
                self.report(self.tried[key])
        return self.tried[key]

    def ok(self, staffing: Staffing) -> bool:
        return self.evaluate(staffing).met

    def run(self, start: Staffing) -> Staffing:
        current = self._descend(dict(start))
        for _ in range(100):
            traded = self._trade(current)
            if traded is None:
                return current
            current = self._descend(traded)
        return current

    def _descend(self, current: Staffing) -> Staffing:
        """Raise until every target is met, then lower pool by pool until none changes."""
        for _ in range(100):
            current = self._raise_until_met(current)
            changed = False
            for pool in current:
                lowest = self._lowest(current, pool)
                changed |= lowest != current[pool]
                current[pool] = lowest
            if not changed:
                return current
        return current

    def _trade(self, current: Staffing) -> Staffing | None:
        """A staffing with fewer agents in all, one agent more in some pool letting another
        lose at least two while every target is still met; None when no such trade exists.

        Lowering one pool at a time stops where every pool is at its edge given
        the others, which may be a corner: the first pool lowered to what the
        others' surplus allows, the others then held up by it.
        """
        for gainer in current:
            more = current | {gainer: current[gainer] + 1}
            if current[gainer] >= self.max_agents:
                continue
            for loser in current:
                if loser == gainer or current[loser] < 3:  # a pool keeps one agent at least
                    continue
                traded = more | {loser: current[loser] - 2}
                if self.ok(traded):
                    return traded | {loser: self._lowest(traded, loser)}
        return None

    def _raise_until_met(self, current: Staffing) -> Staffing:
        step = 1
        while not self.ok(current):
            if all(n >= self.max_agents for n in current.values()):
                raise ExperimentError(self._unreachable(current))
            current = {p: min(n + step, self.max_agents) for p, n in current.items()}
            step *= 2
        return current

    def _lowest(self, current: Staffing, pool: str) -> int:
        """Fewest agents in ``pool`` meeting every target, the others as in ``current``."""
        feasible, infeasible, step = current[pool], 0, 1
        while feasible - 1 > infeasible:
            trial = max(feasible - step, infeasible + 1)
            if self.ok(current | {pool: trial}):
                feasible, step = trial, step * 2
            else:
                infeasible = trial
                break
        while feasible - infeasible > 1:  # bisect the last step
            middle = (feasible + infeasible) // 2
            if self.ok(current | {pool: middle}):
                feasible = middle
            else:
                infeasible = middle
        return feasible

    def _unreachable(self, current: Staffing) -> str:
        last = self.evaluate(current)
        first = next(iter(self.tried.values()))
        missed = [t for t in self.targets if not t.met(last.estimates[t.metric], self.conservative)]
        got = [f"{t} (got {fmt.value(t.metric, last.estimates[t.metric].mean)})" for t in missed]
        why = [_why_missed(self.scenario, t, first, last) for t in missed]
        return (
            f"policy {self.policy}: no staffing up to {self.max_agents} agents per pool "
            f"meets every target; still missed: {'; '.join(got)}. Why: {' '.join(why)}"
        )


ENTRY_QUEUE_METRICS = ("service_level", "asa", "abandonment_queue_rate")
"""Metrics measured in the entry queue alone: only the entry pools' staffing moves them."""


def _measured_at(scenario: Scenario, metric: str) -> tuple[list[str], str]:
    """The pools whose staffing moves ``metric``, and where it is measured, in words."""
    for prefix in POOL_METRICS:
        pool = metric.removeprefix(f"{prefix}_")
        if pool != metric and pool in scenario.pools:
            return [pool], f"is measured at pool {pool}"
    paths = scenario.call_types.values()
    if metric in ENTRY_QUEUE_METRICS:
        entry = {ct.path[0] for ct in paths} | {o.pool for ct in paths for o in ct.overflow}
        pools = [p for p in scenario.pools if p in entry]
        return pools, f"is measured in the entry queue, at {', '.join(pools)}"
    on_paths = {p for ct in paths for p in ct.path}
    pools = [p for p in scenario.pools if p in on_paths]
    return pools, f"depends on every pool of the escalation paths ({', '.join(pools)})"


def _why_missed(scenario: Scenario, target: Target, first: Evaluation, last: Evaluation) -> str:
    """One or two sentences: which pools limit a missed target, and why staffing cannot."""
    metric, means = target.metric, last.means
    pools, where = _measured_at(scenario, metric)
    fixed = [p for p in pools if p not in last.staffing]
    parts = []
    if metric == "abandonment_rate":
        parts.append(
            f"{metric} counts every contact lost: "
            f"{fmt.value(metric, means.get('abandonment_queue_rate', math.nan))} in the entry "
            f"queue, {fmt.value(metric, means.get('abandonment_hold_rate', math.nan))} on hold "
            f"in a transfer, {fmt.value(metric, means.get('abandonment_transfer_rate', math.nan))}"
            " in a queue after a transfer"
        )
    if fixed:
        busiest = sorted(fixed, key=lambda p: -_finite(means.get(f"occupancy_{p}")))
        occupancy = ", ".join(
            f"{p} {fmt.value(f'occupancy_{p}', means.get(f'occupancy_{p}', math.nan))} busy"
            for p in busiest
        )
        parts.append(
            f"{metric} {where}, and the search may not change {', '.join(busiest)} "
            f"({occupancy}); add them with --pool, or give no --pool to search every pool"
        )
    else:
        before = fmt.value(metric, first.means.get(metric, math.nan))
        after = fmt.value(metric, means.get(metric, math.nan))
        parts.append(
            f"every pool {metric} depends on is searched, and more agents moved it only from "
            f"{before} to {after}: staffing alone does not reach this target"
        )
        if metric in ("abandonment_rate", "abandonment_hold_rate") and means.get(
            "abandonment_hold_rate", 0.0
        ):
            parts.append(
                "customers lost on hold give up during the consult and conference steps, "
                "which more agents do not shorten"
            )
    return "; ".join(parts) + "."


def _finite(value: float | None) -> float:
    return 0.0 if value is None or math.isnan(value) else value


def staff(
    scenario: Scenario,
    targets: Sequence[str | Target],
    pools: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    *,
    start: Mapping[str, int] | None = None,
    max_agents: int = 1000,
    conservative: bool = True,
    on_evaluation: Callable[[Evaluation], None] | None = None,
    execution: Execution | None = None,
    **options: Unpack[ExecutionOptions],
) -> StaffingResult:
    """Find the fewest agents per pool meeting every target, for each policy.

    Args:
        scenario: the centre.
        targets: ``"service_level>=0.8"``-style strings or :class:`Target`.
        pools: pools whose staffing the search may change (default: all).
        policies: transfer policies to staff for (default: the scenario's).
        replications, seed: per staffing tried (defaults: the scenario's).
        start: starting agents per pool instead of the Erlang estimate.
        max_agents: give up above this many agents in a pool.
        conservative: a target is met by its CI bound (default) or by the mean.
        on_evaluation: called with each staffing once simulated.
        execution: how to run: local processes or a Dask scheduler, a journal that
            keeps every staffing simulated and is reused on resume, a progress
            callback whose total grows as the search goes
            (:class:`~simcc.experiments.engine.Execution`); its fields may be given
            as keywords instead (``jobs=2``, ``journal=path, resume=True``…).

    Returns:
        A :class:`StaffingResult`; ``.to_json()`` is ``{policy: {pool: agents}}`` for the
        policies staffed, ``.unstaffed`` says why each other policy could not be.

    Raises:
        ExperimentError: no policy could be staffed (each one's reason in the message).
    """
    parsed, pools, variants = search_inputs(scenario, targets, pools, policies)
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    first = erlang_estimate(scenario, pools, parsed)
    begin = first | {p: int(v) for p, v in (start or {}).items() if p in pools}
    result = StaffingResult({}, {}, parsed, [], n, seed, conservative)
    how = Execution.of(execution, **options)
    with how.engine(
        "staffing",  # the journal caches every staffing simulated
        point_id(scenario, seed),
        f"staffing search on {scenario.display_name}, seed {seed}",
        seed,
    ) as engine:
        for policy, variant in variants.items():
            search = _Search(
                engine, variant, policy, parsed, n, seed, conservative, max_agents, on_evaluation
            )
            try:
                result.agents[policy] = search.run(begin)
                result.estimates[policy] = dict(first)
            except ExperimentError as exc:  # reported beside the policies staffed
                result.unstaffed[policy] = str(exc)
            result.tried += list(search.tried.values())
        engine.finish()
    if not result.agents:
        raise ExperimentError(" ".join(result.unstaffed.values()))
    return result


def staffing_cost(scenario: Scenario, hours: Mapping[str, float]) -> pd.DataFrame:
    """Paid agent-hours per pool × the pool's ``cost_per_hour`` (its groups' mix for a
    grouped pool), in the scenario's currency: ``pool, agent_hours, cost_per_hour, cost,
    currency``."""
    rows = [
        {
            "pool": pool,
            "agent_hours": h,
            "cost_per_hour": scenario.pools[pool].cost_per_hour,
            "cost": h * scenario.pools[pool].cost_per_hour,
            "currency": scenario.currency or "",
        }
        for pool, h in hours.items()
    ]
    return pd.DataFrame(rows, columns=["pool", "agent_hours", "cost_per_hour", "cost", "currency"])


def search_inputs(
    scenario: Scenario,
    targets: Sequence[str | Target],
    pools: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
) -> tuple[list[Target], list[str], dict[str, Scenario]]:
    """Checked targets, pools (default: all) and one scenario per policy (default: the
    file's); raises :class:`ExperimentError` naming the bad option, before any work."""
    pools = list(scenario.pools) if not pools else list(pools)
    _check_pools(scenario, pools)
    parsed = [t if isinstance(t, Target) else parse_target(t, _metrics(scenario)) for t in targets]
    if not parsed:
        raise ExperimentError("give at least one --target, e.g. service_level:ge:0.8")
    policies = [scenario.transfer.policy] if not policies else list(dict.fromkeys(policies))
    return parsed, pools, {p: _with_policy(scenario, p) for p in policies}


def _metrics(scenario: Scenario) -> list[str]:
    return scenario_metric_names(scenario)


def _check_pools(scenario: Scenario, pools: Sequence[str]) -> None:
    for pool in pools:
        if pool not in scenario.pools:
            raise ExperimentError(
                f"--pool {pool}: unknown pool"
                + did_you_mean(pool, scenario.pools)
                + f" (pools: {', '.join(scenario.pools)})"
            )
    if len(set(pools)) != len(pools):
        raise ExperimentError("--pool: a pool is named twice")


def _with_policy(scenario: Scenario, policy: str) -> Scenario:
    try:
        return scenario.with_policy(policy)
    except ScenarioError as exc:
        raise ExperimentError(f"--policy {policy}: {exc}") from None
