"""Sanity checks before a run: loads no pool can carry, pools nobody staffs, runs too big,
and (:func:`policy_warnings`, said beside them) policies that run on their defaults.

A scenario can be valid and still absurd.  When more work arrives at a pool
than its agents can do and customers never hang up, its queue grows for as
long as arrivals last: the run fills memory and its numbers mean nothing.
:func:`check` estimates the load offered to every pool *before* running and
returns warnings in the planner's words, and a scenario whose runaway queues
are capped (``queue_capacity``: a customer who finds the queue full gets a
busy signal, recorded as ``abandoned_queue`` with wait 0).

The load is an estimate, from mean rates and mean times
(:mod:`simcc.scenario.workload`, the staffing searches' estimate too): the
arrivals of each call type flow along its escalation path; at each pool a
share ``resolve`` ends there and the rest is escalated to the next pool (a
self-service redirect goes nowhere).  A pool's busy time per contact is its
handle time (scaled by its agent groups' handle factors) and wrap-up plus the
transfer steps its agents do (transfer line, consult, conference,
rediscovery, call-back dialling).  Re-contacts, misroutes and abandonment are
left out, so the estimate errs on the side of a lighter load for re-contacts
and a heavier one for abandonment.  With overflow routing,
every contact counts at its entry pool, and an overloaded entry pool's excess
is also counted at its first overflow pool (see :func:`_with_overflow`).

The warnings start with the file's own (:attr:`Scenario.file_warnings
<simcc.scenario.Scenario.file_warnings>`, from :mod:`simcc.scenario.hints`):
valid values that are almost surely slips, each at its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from simcc.scenario import PatienceKind, Pool, Scenario, ScenarioError
from simcc.scenario.transfer import defaults_text
from simcc.scenario.workload import mean_of, pool_work

HEAVY_OVERLOAD = 1.2
"""Offered load per agent above which a pool whose customers do give up is flagged."""
QUEUE_CAP_PER_AGENT = 10
QUEUE_CAP_BASE = 100
BIG_RUN_CONTACTS = 10_000_000
"""Contacts per replication above which a run is flagged as big."""
MB_PER_MILLION_CONTACTS = 220
"""Measured peak memory per million contacts of one replication (records and metrics)."""
MAX_RECONTACTS_PER_CASE = 1_000_000
"""Re-contacts of one case over the horizon beyond which a re-contact loop is endless."""


def queue_cap(agents: int) -> int:
    """The queue capacity set on a runaway pool: 10 × its most agents + 100."""
    return QUEUE_CAP_PER_AGENT * agents + QUEUE_CAP_BASE


@dataclass(frozen=True)
class PoolLoad:
    """Estimated work offered to one pool against its staff."""

    pool: str
    offered: float
    """Offered load in Erlangs: contacts per second × mean busy seconds per contact."""
    agents: int
    """The most agents on duty in any interval."""
    arrivals: float
    """Contacts (and consults) per second reaching the pool."""
    call_types: tuple[str, ...]
    """Call types that reach the pool."""
    unbounded: bool
    """Some contact waiting in its queue may wait without limit (infinite patience)."""
    cappable: bool
    """Live customers join its queue, so a ``queue_capacity`` would bound it."""
    overflow: float = 0.0
    """Erlangs of :attr:`offered` that overflow from other pools (an estimate)."""

    @property
    def utilisation(self) -> float:
        """Offered load per agent; above 1 the pool cannot keep up."""
        if self.agents == 0:
            return math.inf if self.offered > 0 else 0.0
        return self.offered / self.agents


@dataclass
class Checked:
    """The outcome of :func:`check`: the scenario to run and what to tell the user."""

    scenario: Scenario
    warnings: list[str] = field(default_factory=list)
    loads: dict[str, PoolLoad] = field(default_factory=dict)
    capped: dict[str, int] = field(default_factory=dict)
    """Pools whose queue was capped by the check, and the capacity set."""


def check(scenario: Scenario, cap_queues: bool = True) -> Checked:
    """Warn about loads the pools cannot carry; cap runaway queues if ``cap_queues``.

    Raises :class:`~simcc.scenario.ScenarioError` for a day that would never
    end (see :func:`recontact_loops`).
    """
    loads = offered_loads(scenario)
    result = Checked(scenario, warnings=list(scenario.file_warnings), loads=loads)
    for load in loads.values():
        result.warnings += _pool_warnings(scenario, load, cap_queues, result.capped)
    big = _big_run_warning(scenario)
    if big:
        result.warnings.append(big)
    if result.capped:
        changes = {f"pools.{name}.queue_capacity": cap for name, cap in result.capped.items()}
        result.scenario = scenario.with_changes(changes)
    endless = recontact_loops(result.scenario, result.capped)
    if endless:
        where = str(scenario.source) if scenario.source else "<scenario>"
        problems = [f"{where}: {problem}" for problem in endless]
        raise ScenarioError("\n".join(problems), problems)
    result.warnings += instant_recontact_risks(result.scenario)
    return result


def policy_warnings(scenario: Scenario) -> list[str]:
    """One line per transfer policy in use that has no block in the file: it runs on defaults.

    ``--policy cold`` on a file without ``transfer.cold`` transfers in 0 s and never
    misroutes; the line says so.  A centre where no call type escalates never transfers,
    so it gets no line.
    """
    if all(len(call_type.path) < 2 for call_type in scenario.call_types.values()):
        return []
    where = f"{scenario.source}: " if scenario.source is not None else ""
    return [
        f"{where}policy {name} has no `transfer.{name}` block of its own, so it runs on the "
        f"defaults: {defaults_text(name)}"
        for name in scenario.transfer.defaulted()
    ]


def offered_loads(scenario: Scenario) -> dict[str, PoolLoad]:
    """The estimated load offered to each pool (see the module docstring)."""
    work = pool_work(scenario)
    waits = _unbounded_waits(scenario)
    loads = {
        name: PoolLoad(
            pool=name,
            offered=work[name].offered,
            agents=pool.max_agents * pool.concurrency,  # a chat agent is k servers
            arrivals=work[name].arrivals,
            call_types=work[name].call_types,
            unbounded=waits[name][0],
            cappable=waits[name][1],
        )
        for name, pool in scenario.pools.items()
    }
    return _with_overflow(scenario, loads)


def _with_overflow(scenario: Scenario, loads: dict[str, PoolLoad]) -> dict[str, PoolLoad]:
    """Add to each call type's first overflow pool the work its entry pool cannot do.

    A fluid estimate: of an overloaded entry pool's work beyond its agents,
    the call type's share moves to its first overflow pool (at that pool's
    handle time). The entry pool keeps its whole load, so both may be warned
    about: where the overflowed calls end up depends on ``after`` and on
    which pool frees first.
    """
    out = dict(loads)
    for ct_name, ct in scenario.call_types.items():
        if not ct.overflow:
            continue
        entry = loads[ct.path[0]]
        if entry.offered <= entry.agents or entry.offered <= 0:
            continue
        entry_spec = scenario.pools[ct.path[0]]
        own = mean_of(entry_spec.for_type(entry_spec.handle_time, ct_name))
        target_name = ct.overflow[0].pool
        spec = scenario.pools[target_name]
        theirs = mean_of(spec.for_type(spec.handle_time, ct_name))
        rate = ct.arrivals.mean_rate(scenario.horizon) * ct.offered_share
        share = min(rate * own / entry.offered, 1.0)  # the call type's part of the entry work
        spill = (entry.offered - entry.agents) * share
        if own > 0:
            spill *= theirs / own
        target = out[target_name]
        types = target.call_types
        if ct_name not in types:
            types = (*types, ct_name)
        out[target_name] = replace(
            target,
            offered=target.offered + spill,
            call_types=types,
            overflow=target.overflow + spill,
        )
    return out


def _unbounded_waits(scenario: Scenario) -> dict[str, tuple[bool, bool]]:
    """Per pool: (someone in its queue may wait forever, live customers join it)."""
    out = {name: (False, False) for name in scenario.pools}
    mailed: set[str] = set()  # pools e-mails queue at: never capped (an e-mail is never refused)
    t = scenario.transfer
    for ct_name, ct in scenario.call_types.items():
        patient = _waits_forever(scenario, ct_name, "patience")
        patient_transfer = _waits_forever(scenario, ct_name, "transfer_patience")
        paths = ct.paths()
        for entry in [*(path[0] for path in paths), *(step.pool for step in ct.overflow)]:
            out[entry] = (out[entry][0] or patient, True)
            if ct.channel == "email":
                mailed.add(entry)
        for pool in [pool for path in paths for pool in path[1:]]:
            unbounded, cappable = out[pool]
            if t.policy in ("cold", "rules"):
                out[pool] = (unbounded or patient_transfer, True)
            elif t.policy in ("warm", "conference"):
                wait = getattr(t, t.policy).max_consult_wait
                out[pool] = (unbounded or math.isinf(wait), True)
            elif t.policy in ("callback", "email"):
                out[pool] = (True, cappable)  # callbacks and tickets never give up
    for pool in mailed:
        out[pool] = (out[pool][0], False)
    return out


def _waits_forever(scenario: Scenario, call_type: str, kind: PatienceKind) -> bool:
    """Some segment's callers of ``call_type`` never give up in that kind of wait.

    The patience is the engine's, from :meth:`~simcc.scenario.Scenario.patience`.
    """
    return any(
        math.isinf(scenario.patience(call_type, segment, kind).mean)
        for segment in scenario.segments
    )


def _overflow_relief(scenario: Scenario, load: PoolLoad) -> str:
    """The pool's call types that overflow to other pools, as words ('' if none)."""
    parts = []
    for name in load.call_types:
        ct = scenario.call_types[name]
        if ct.path[0] == load.pool and ct.overflow:
            parts.append(f"{name} call (overflow to {', '.join(o.pool for o in ct.overflow)})")
    return "; ".join(parts)


def _servers(scenario: Scenario, load: PoolLoad) -> str:
    """The pool's capacity in words: agents, or a chat pool's sessions."""
    k = scenario.pools[load.pool].concurrency
    if k == 1:
        return f"{load.agents} agents"
    return f"{load.agents} chat sessions ({load.agents // k} agents × {k})"


def _pool_warnings(
    scenario: Scenario, load: PoolLoad, cap_queues: bool, capped: dict[str, int]
) -> list[str]:
    """What to say about one pool, capping its queue where it would run away."""
    if not load.call_types:
        return []
    if load.agents == 0:
        message = (
            f"pool {load.pool!r} has no agents in any interval, but call type(s) "
            f"{', '.join(load.call_types)} reach it"
        )
    elif load.utilisation > 1.0 and (load.unbounded or load.utilisation > HEAVY_OVERLOAD):
        message = (
            f"pool {load.pool!r} is offered about {load.offered:.1f} Erlangs (arrivals × "
            f"busy time per contact) for at most {_servers(scenario, load)} "
            f"({load.utilisation:.0%} of what they can do)"
        )
        if load.overflow > 0:
            message += f", about {load.overflow:.1f} of them overflowing from other pools"
        relief = _overflow_relief(scenario, load)
        if relief:
            message += f" — counting every {relief} here, though overflow may take some"
    else:
        return []
    if not load.unbounded:
        share = 1.0 - 1.0 / load.utilisation
        return [message + f"; at least {share:.0%} of that work cannot be done: expect abandonment"]
    return [_runaway(scenario.pools[load.pool], load, message, cap_queues, capped)]


def _runaway(
    pool: Pool, load: PoolLoad, message: str, cap_queues: bool, capped: dict[str, int]
) -> str:
    """The message for a queue that would grow without bound, capping it if allowed."""
    if not load.cappable:
        return message + (
            "; the callbacks, e-mails and e-mail tickets in its queue never give up, so it "
            "would grow for as long as arrivals last: add agents"
        )
    message += (
        "; some contacts never give up (patience inf), so its queue would grow for as long "
        "as arrivals last"
    )
    if pool.queue_capacity is not None:
        return message + f"; it is capped at {pool.queue_capacity} (queue_capacity)"
    if not cap_queues:
        return message + "; give customers a patience, add agents or set queue_capacity"
    capped[load.pool] = queue_cap(load.agents)
    return (
        message + f". simcc run caps its queue at {capped[load.pool]} waiting contacts "
        f"(pools.{load.pool}.queue_capacity = 10 × agents + 100): a customer who finds it "
        "full gets a busy signal (abandoned_queue). Set queue_capacity or a patience "
        "yourself, or use --no-cap-queues, to choose otherwise"
    )


def expected_contacts(scenario: Scenario) -> float:
    """First contacts expected in one replication (mean rates × horizon)."""
    return sum(ct.arrivals.mean_rate(scenario.horizon) for ct in scenario.call_types.values()) * (
        scenario.horizon
    )


def _big_run_warning(scenario: Scenario) -> str | None:
    contacts = expected_contacts(scenario)
    if contacts < BIG_RUN_CONTACTS:
        return None
    gigabytes = contacts / 1e6 * MB_PER_MILLION_CONTACTS / 1000
    return (
        f"about {contacts:,.0f} contacts per replication: expect about {gigabytes:,.1f} GB "
        "of memory per replication running at once; use --max-contacts, fewer --jobs or a "
        "shorter horizon if that is too much"
    )


# ============================================================================ re-contact loops


def recontact_loops(scenario: Scenario, capped: dict[str, int] | None = None) -> list[str]:
    """Re-contact loops that would never let the day end, as ``yaml.path: message``.

    A customer who abandons the first queue calls again with the probability
    of ``abandoned_queue`` (or ``abandoned``), after the re-contact ``delay``.
    With probability 1, a contact that abandons at once (patience 0, or a busy
    signal from a full ``queue_capacity``) and a delay of 0 call again at the
    same instant: the clock never moves on, and the run never ends.  A delay
    and a patience so short that one case would call more than
    :data:`MAX_RECONTACTS_PER_CASE` times over the horizon count as 0, and a
    probability so near 1 that it would call that many times on average
    counts as 1.
    ``capped``: the queue capacities the check itself set.
    """
    recontact = scenario.customers.recontact
    certain = 1.0 - 1.0 / MAX_RECONTACTS_PER_CASE
    if recontact is None or recontact.probability_of("abandoned_queue") < certain:
        return []
    key = "abandoned_queue" if "abandoned_queue" in recontact.probability else "abandoned"
    delay = recontact.delay.mean
    shortest = scenario.horizon / MAX_RECONTACTS_PER_CASE
    if delay >= shortest:
        return []
    start = (
        f"customers.recontact: a customer who abandons the queue calls again "
        f"(probability.{key} {recontact.probability_of('abandoned_queue'):.12g}) after a delay of "
        f"{_seconds(delay)}"
    )
    end = (
        "so the same case calls again and again at the same moment and the day never ends; "
        "give customers.recontact.delay a duration, or a probability below 1"
    )
    problems = []
    for ct_name in scenario.call_types:
        for segment in scenario.segments:
            patience = scenario.patience(ct_name, segment, "patience").mean
            if delay + patience < shortest:
                who = f"callers of {ct_name!r}" + (
                    f" in segment {segment!r}" if len(scenario.segments) > 1 else ""
                )
                problems.append(
                    f"{start}, and {who} have a patience of {_seconds(patience)}: one who finds "
                    f"every agent of {scenario.call_types[ct_name].path[0]!r} busy abandons at "
                    f"once, {end}"
                )
                break
    entries = dict.fromkeys(ct.path[0] for ct in scenario.call_types.values())
    for name in entries:
        capacity = scenario.pools[name].queue_capacity
        if capacity is None:
            continue
        why = (
            f"the queue cap simcc run sets (pools.{name}.queue_capacity {capacity}; "
            "--no-cap-queues leaves it uncapped)"
            if name in (capped or {})
            else f"pools.{name}.queue_capacity {capacity}"
        )
        problems.append(
            f"{start}, and a caller who finds the queue of {name!r} full ({why}) gets a busy "
            f"signal at once, {end}"
        )
    return problems


_HANDLED_OUTCOMES = (
    "abandoned_hold",
    "abandoned_transfer_queue",
    "unresolved",
    "false_resolution",
    "callback_unreached",
)


def instant_recontact_risks(scenario: Scenario) -> list[str]:
    """Warnings about re-contacts that may loop at one instant after a handled contact.

    Outcomes other than abandoning the first queue come after the entry pool's
    handle time; with a re-contact probability 1, a delay of 0 and a handle
    time of 0 a case could call again for ever at one instant, if such a
    contact ends that way without any time passing.
    """
    recontact = scenario.customers.recontact
    if recontact is None:
        return []
    shortest = scenario.horizon / MAX_RECONTACTS_PER_CASE
    delay = recontact.delay.mean
    outcomes = [key for key in _HANDLED_OUTCOMES if recontact.probability_of(key) >= 1]
    if not outcomes or delay >= shortest:
        return []
    warnings = []
    for ct_name, ct in scenario.call_types.items():
        pool = scenario.pools[ct.path[0]]
        handle = pool.for_type(pool.handle_time, ct_name).mean
        if delay + handle < shortest:
            warnings.append(
                f"customers.recontact: a customer calls again at once (delay "
                f"{_seconds(delay)}) with probability 1 after {', '.join(outcomes)}, and "
                f"pool {ct.path[0]!r} handles {ct_name!r} in {_seconds(handle)}: a contact "
                "that ends so without any time passing calls again at the same moment, and "
                "the run would not end"
            )
    return warnings


def _seconds(value: float) -> str:
    from simcc.units import duration_text

    return duration_text(value)
