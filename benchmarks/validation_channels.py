"""The sections of docs/validation.md for MODEL.md §8: front door, chat, uncertain volume,
virtual hold.  Each builds from (seed, jobs) its lines and the checks of
``tests/validation/front_door_cases.py`` and ``chat_cases.py``, which the tests run too.
"""

from __future__ import annotations

from validation_format import LEVEL, Section, ci, claims_table, flat, fmt, verdict, wrap

from simcc.analysis import theory
from tests.validation.cases import Check, Claim
from tests.validation.chat_cases import CHAT, CHAT_METRICS, QUEUE_STATES, run_chat
from tests.validation.front_door_cases import (
    CONTAINMENT,
    CRN_BASE,
    CRN_HOLD,
    CRN_HOURS,
    CRN_LEVEL,
    CRN_PAIRS,
    DOOR,
    DOOR_TIME,
    HOLD_BASE,
    HOLD_HOURS,
    HOURS,
    RATE_PER_HOUR,
    VOLUME_AGENTS,
    VOLUME_CVS,
    VOLUME_REPLICATIONS,
    run_door,
    run_hold_counts,
    run_hold_crn,
    run_volume,
)


def door(seed: int, jobs: int) -> tuple[list[str], list[Check | Claim]]:
    runs = {base.name: run_door(base, seed, jobs) for base in DOOR}
    checks = {name: run[0] for name, run in runs.items()}
    thinned = [run[1] for run in runs.values()]
    names = " and ".join(b.name for b in DOOR)
    lines = wrap(
        f"The Erlang A cases {names} again, behind a front door: contacts arrive at "
        f"λ/(1 − p) with containment p = {CONTAINMENT:g}; the door takes an exponential "
        f"time of mean {DOOR_TIME:g} s (`context: kept`), settles a share p (outcome "
        "`self_served`) and lets the rest queue when they leave it. Thinning a Poisson "
        "stream independently and delaying each contact by an i.i.d. time leaves a Poisson "
        "stream, at rate (1 − p)·λ/(1 − p) = λ once the first door times have passed (the "
        "warm-up is 40 of them), so the pool behind the door is the base case's Erlang A "
        "and its exact values are the base case's; `containment_rate` (self-served over "
        "arrived) must hold p, and every replication offer fewer contacts than arrived "
        "(the last table). Same horizons, warm-ups and replications as the base cases.",
    )
    lines += [
        "",
        "| case | arrivals at the door | reaching the pool | agents | metric | exact | "
        f"simulated | {LEVEL} CI | start-up bias | in CI |",
        "|---|---:|---:|---:|---|---:|---:|---|---:|:-:|",
    ]
    for base in DOOR:
        for i, c in enumerate(checks[base.name]):
            head = (
                f"{base.name} {base.label} | {base.rate_per_hour / (1 - CONTAINMENT):g}/h | "
                f"{base.rate_per_hour:g}/h | {base.agents}"
                if i == 0
                else " | | | "
            )
            lines.append(
                f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | "
                f"{ci(c)} | {c.bias:+.1e} | {verdict(c)} |"
            )
    lines += ["", *claims_table(thinned)]
    return lines, [*flat(checks), *thinned]


def chat(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_chat(case, seed, jobs) for case in CHAT}
    lines = wrap(
        "A pool of n agents with `concurrency: k`, `concurrency_factor: 1`, `channel: chat`, "
        "exponential handle time and patience: every session is a server of its own, so the "
        "number of chats in the pool is the birth–death chain of Erlang A with n·k servers, "
        f"and {', '.join(f'`{m}`' for m in CHAT_METRICS)} must match Erlang A for n·k agents "
        "(each case is an Erlang A case of the first table with its agents grouped k at a "
        "time; same horizon, warm-up, replications, and the same exact start-up bias).",
        "Occupancy counts an agent busy while it holds at least one session, so it is not "
        "Erlang A's: it depends on how sessions are spread over agents. With the engine's "
        "rule (a new chat goes to the least-loaded agent; a session that ends frees its own "
        "agent's slot, which takes the head of the queue) the agents' loads form a Markov "
        "chain on (agents at each load, queue length), solved exactly "
        f"(`tests/validation/chat_cases.py`, the queue cut at {QUEUE_STATES}); occupancy is "
        "1 − E[idle agents]/n. With k = 1 it equals Erlang A's occupancy to 1e-9, and it "
        "always lies between the sessions' occupancy and k times it (both tested). The "
        "*sessions* column is Erlang A's occupancy of the n·k servers, for contrast.",
    )
    lines += [
        "",
        "| case | agents × sessions | as | metric | reference | exact | sessions | simulated | "
        f"{LEVEL} CI | start-up bias | in CI |",
        "|---|---:|---|---|---|---:|---:|---:|---|---:|:-:|",
    ]
    for case in CHAT:
        b = case.base
        sessions = theory.erlang_a(b.lam, b.mu, b.theta, b.agents).occupancy
        for i, c in enumerate(checks[case.name]):
            head = (
                f"{case.name} | {case.agents} × {case.sessions} | {b.name}" if i == 0 else " | | "
            )
            chain = c.metric == "occupancy"
            lines.append(
                f"| {head} | {c.metric} | {'load chain' if chain else 'Erlang A, n·k'} | "
                f"{fmt(c.reference)} | {fmt(sessions) if chain else ''} | "
                f"{fmt(c.estimate.mean)} | {ci(c)} | {'' if chain else f'{c.bias:+.1e}'} | "
                f"{verdict(c)} |"
            )
    return lines, flat(checks)


def volume(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {cv: run_volume(cv, seed, jobs) for cv in VOLUME_CVS}
    mean = RATE_PER_HOUR * HOURS
    lines = wrap(
        f"One pool of {VOLUME_AGENTS} agents (1-minute handle time: nobody waits), "
        f"{RATE_PER_HOUR:g} contacts/h, with `arrivals.volume_cv` c, in "
        f"{VOLUME_REPLICATIONS} replications of {HOURS:g} h. Each replication draws one "
        "gamma factor G (mean 1, CV c) from a stream of its own; given G the arrivals are "
        "Poisson at Gλ, so `offered` over [0, T) has mean λT and variance λT + (cλT)² "
        "(Poisson–gamma). The mean is checked with the Student-t interval; the variance "
        "with the χ² interval of the sample variance s², [(n − 1)s²/χ²(1 − α/2), "
        "(n − 1)s²/χ²(α/2)] with n − 1 degrees of freedom, which contains σ² exactly when "
        "s² lies in the interval where σ² puts it (the test's form). The χ² law is exact "
        "for normal counts; a Poisson–gamma count has an excess kurtosis (0.14 at "
        "c = 0.15, 0.54 at c = 0.3, nearly the gamma factor's 6c²) that widens the spread "
        "of s² by about 3 % and 13 %, so the interval's real level is about 99.85 % and "
        f"99.65 % rather than {LEVEL} (normal approximation to s²). The *Poisson alone* "
        "column is λT, the variance without the factor: "
        "the interval at c = 0.15 already excludes it (tested).",
    )
    lines += [
        "",
        f"| volume_cv | metric | exact | Poisson alone | simulated | {LEVEL} CI | in CI |",
        "|---:|---|---:|---:|---:|---|:-:|",
    ]
    for cv in VOLUME_CVS:
        for i, c in enumerate(checks[cv]):
            poisson = fmt(mean) if c.metric == "offered variance" else ""
            lines.append(
                f"| {f'{cv:g}' if i == 0 else ''} | {c.metric} | {fmt(c.reference)} | {poisson} | "
                f"{fmt(c.estimate.mean)} | {ci(c)} | {verdict(c)} |"
            )
    return lines, flat(checks)


def hold(seed: int, jobs: int) -> tuple[list[str], list[Claim]]:
    counts = run_hold_counts(seed)
    crn = run_hold_crn(seed, jobs)
    offer = ", ".join(f"{k}: {v}" for k, v in CRN_HOLD.items())
    lines = wrap(
        f"{HOLD_BASE.name} ({HOLD_BASE.label}) over {HOLD_HOURS:g} h with `virtual_hold: "
        "{offer_when_wait_over: 0, accept: 1}` and `transfer.callback.dial_time: 10s`: "
        "every caller who finds no idle agent is offered a call back and takes it, keeps "
        "its place, never abandons, and is dialled when its turn comes. These are counts on "
        "one run's records (its seed derived from the suite's), each to hold exactly.",
    )
    lines += ["", *claims_table(counts), ""]
    lines += wrap(
        f"Directional, on common random numbers: {CRN_BASE.name} ({CRN_BASE.agents} agents, "
        f"{CRN_BASE.label}) over {CRN_HOURS:g} h without and with `virtual_hold: {{{offer}}}`, "
        f"{CRN_PAIRS} replications each on the same seeds, so the same callers arrive "
        "(checked pair by pair). Queue abandonment must fall: the paired "
        f"{CRN_LEVEL:.0%} interval of the difference (with − without) lies below 0. There "
        "is no exact value to compare to; the check is that the lever moves the right way.",
    )
    lines += ["", *claims_table(crn)]
    return lines, [*counts, *crn]


SECTIONS = [
    Section("door", "## A front door before an Erlang A pool", door),
    Section("chat", "## Chat: n agents × k sessions is Erlang A with n·k servers", chat),
    Section("volume", "## Uncertain volume: the variance of offered", volume),
    Section("hold", "## Virtual hold: nobody abandons, every waiting caller is dialled", hold),
]
"""In the order of the page."""
