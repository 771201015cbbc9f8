"""Regenerate docs/validation.md: simulated versus exact values, with confidence intervals.

Runs exactly the checks of the validation tests, from their case modules in
``tests/validation/`` (``cases.py``, ``mmng_cases.py``, ``ctmc_cases.py``,
``ratio_cases.py``, ``front_door_cases.py``, ``chat_cases.py``), and writes their
tables with the date, seed, replications and machine. The page is a list of
sections (:data:`SECTIONS`): the Erlang A and C grids, overflow and the
time-varying profile, the two-tier network against Ciw (here); M/M/n+G, the
Mandelbaum–Zeltyn case, the fluid limit, the exact chain of warm, conference and
callback hand-offs and the ratio estimators (``validation_exact.py``); the front
door, chat, uncertain volume and virtual hold (``validation_channels.py``); the
number formats are ``validation_format.py``'s. Run from the project root::

    python benchmarks/validation_tables.py            # the suite's default seed
    python benchmarks/validation_tables.py --seed 7   # another seed
    python benchmarks/validation_tables.py --only ratio   # one section, in place

``--only`` takes any section's key (``--help`` lists them) and leaves the header's
counts as they were. The file is written atomically (``simcc.io.write_text``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import ciw  # noqa: E402
import numpy as np  # noqa: E402
import simpy  # noqa: E402
from validation_channels import SECTIONS as CHANNEL_SECTIONS  # noqa: E402
from validation_exact import MODEL_SECTIONS, RATIO  # noqa: E402
from validation_format import (  # noqa: E402
    LEVEL,
    Section,
    ci,
    flat,
    fmt,
    machine,
    static,
    verdict,
    wrap,
)

import simcc  # noqa: E402
from simcc.io import write_text  # noqa: E402
from tests.validation.cases import (  # noqa: E402
    BIAS_SHARE,
    CONFIDENCE,
    ERLANG_A,
    ERLANG_C,
    OVERFLOW,
    Check,
    Claim,
    ErlangCase,
    IntradayCase,
    OverflowCase,
    TwoTierCase,
    run_erlang,
    run_intraday,
    run_overflow,
    run_two_tier,
)

DEFAULT_SEED = 20261123  # the default of ``pytest --seed`` (tests/conftest.py)


def erlang_table(cases: list[ErlangCase], checks: dict[str, list[Check]]) -> list[str]:
    lines = [
        "| case | agents | load λ/(nμ) | patience | metric | exact | simulated | "
        f"{LEVEL} CI | start-up bias | in CI |",
        "|---|---:|---:|---:|---|---:|---:|---|---:|:-:|",
    ]
    for case in cases:
        patience = "∞" if math.isinf(case.patience) else f"{case.patience / 60:g} min"
        for i, c in enumerate(checks[case.name]):
            head = (
                f"{case.name} {case.label} | {case.agents} | {case.load:.2f} | {patience}"
                if i == 0
                else " | | | "
            )
            lines.append(
                f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | "
                f"{ci(c)} | {c.bias:+.1e} | {verdict(c)} |"
            )
    return lines


def erlang_setup(cases: list[ErlangCase]) -> list[str]:
    lines = [
        "| case | arrivals | AHT | agents | patience | threshold | short abandon | "
        "horizon | warm-up | replications |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        patience = "∞" if math.isinf(c.patience) else f"{c.patience:g} s"
        lines.append(
            f"| {c.name} | {c.rate_per_hour:g}/h | {c.aht:g} s | {c.agents} | {patience} | "
            f"{c.threshold:g} s | {c.short_abandon:g} s | {c.horizon_hours:g} h | "
            f"{c.warmup_hours:g} h | {c.replications} |"
        )
    return lines


def overflow_table(cases: list[OverflowCase], checks: dict[str, list[Check]]) -> list[str]:
    lines = [
        f"| case | desk + overflow agents | metric | exact (Erlang A, all agents) | simulated | "
        f"{LEVEL} CI | in CI |",
        "|---|---|---|---:|---:|---|:-:|",
    ]
    for case in cases:
        backup = case.base.agents - case.desk_agents
        for i, c in enumerate(checks[case.name]):
            head = (
                f"{case.name} ({case.base.name}) | {case.desk_agents} + {backup}"
                if i == 0
                else " | "
            )
            lines.append(
                f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | "
                f"{ci(c)} | {verdict(c)} |"
            )
    return lines


def intraday_section(case: IntradayCase, checks: list[Check]) -> list[str]:
    lines = [
        f"Profile: {len(case.agents)} intervals of {case.interval_hours:g} h; rates "
        f"{', '.join(f'{r:g}/h' for r in case.rates_per_hour)}; agents "
        f"{', '.join(str(a) for a in case.agents)}; AHT {case.aht:g} s, exponential "
        f"patience {case.patience:g} s; {case.replications} replications. Measured: "
        f"contacts arriving from {case.settle_hours:g} h after an interval starts to "
        f"{case.guard_hours:g} h before it ends. The bias column is the exact expected "
        "value of that window, starting from the previous interval's steady state (agents "
        "leaving at once), minus the stationary value.",
        "",
        f"| interval | rate | agents | metric | Erlang A | simulated | {LEVEL} CI | "
        "settling bias | in CI |",
        "|---|---:|---:|---|---:|---:|---|---:|:-:|",
    ]
    for c in checks:
        i = int(c.case.split()[-1]) - 1
        first = c.metric == "abandonment_rate"
        head = f"{i + 1} | {case.rates_per_hour[i]:g}/h | {case.agents[i]}" if first else " | | "
        lines.append(
            f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | "
            f"{ci(c)} | {c.bias:+.1e} | {verdict(c)} |"
        )
    return lines


def ciw_section(case: TwoTierCase, checks: list[Check], summaries: dict) -> list[str]:
    lines = [
        f"Network: {case.rate_per_hour:g}/h → front line ({case.agents_1} agents, AHT "
        f"{case.aht_1:g} s, patience {case.patience_1:g} s) → with probability "
        f"{case.p_escalate:g}, cold transfer to specialists ({case.agents_2} agents, AHT "
        f"{case.aht_2:g} s, patience in their queue {case.patience_2:g} s); all times "
        f"exponential, no transfer time, no rediscovery, no re-contacts. Horizon "
        f"{case.horizon_hours:g} h, warm-up {case.warmup_hours:g} h, "
        f"{case.replications} replications per engine.",
        "",
        f"| metric | simcc | {LEVEL} CI | Ciw | {LEVEL} CI | simcc − Ciw | "
        f"{LEVEL} Welch CI | contains 0 |",
        "|---|---:|---|---:|---|---:|---|:-:|",
    ]
    for c in checks:
        ours, theirs = summaries["simcc"][c.metric], summaries["ciw"][c.metric]
        lines.append(
            f"| {c.metric} | {fmt(ours.mean)} | [{fmt(ours.ci_low)}, {fmt(ours.ci_high)}] | "
            f"{fmt(theirs.mean)} | [{fmt(theirs.ci_low)}, {fmt(theirs.ci_high)}] | "
            f"{fmt(c.estimate.mean)} | {ci(c)} | {verdict(c)} |"
        )
    return lines


def erlang_a_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_erlang(case, seed, jobs) for case in ERLANG_A}
    return [*erlang_setup(ERLANG_A), "", *erlang_table(ERLANG_A, checks)], flat(checks)


def erlang_c_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_erlang(case, seed, jobs) for case in ERLANG_C}
    lines = [
        "No contact may abandon (asserted exactly); ASA converges slowly near ρ = 1, hence",
        "ρ ≤ 0.9 and long horizons.",
        "",
        *erlang_setup(ERLANG_C),
        "",
        *erlang_table(ERLANG_C, checks),
    ]
    return lines, flat(checks)


def overflow_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_overflow(case, seed, jobs) for case in OVERFLOW}
    lines = [
        "The Erlang A cases A4 and A2 again, their agents split between the call type's",
        "desk and an overflow pool (`overflow: {pool: backup, after: 0}`), same handle time.",
        "A caller takes an idle agent of either pool and waits in both queues in arrival",
        "order, so the first agent to free answers the longest waiting caller: one M/M/n+M",
        "system, whose exact values are those of the unsplit case (occupancy: both pools",
        "together). A delay of 10 s instead of 0 fails these checks.",
        "",
        *overflow_table(OVERFLOW, checks),
    ]
    return lines, flat(checks)


def intraday_part(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    case = IntradayCase()
    checks = run_intraday(case, seed, jobs)
    return intraday_section(case, checks), checks


def ciw_part(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    case = TwoTierCase()
    checks, summaries = run_two_tier(case, seed, jobs)
    lines = [
        *ciw_section(case, checks, summaries),
        "",
        "`throughput_1` and `throughput_2` are contacts answered by the front line and by the",
        "specialists per offered contact; `mean_wait_2` is the mean wait in the specialists'",
        "queue of the contacts they answered (simcc: `transfer_wait`).",
    ]
    return lines, checks


INVARIANTS = (
    "`tests/property/` throws hypothesis-generated scenarios at the engine (1–4 pools on "
    "tiers, 1–3 call types with paths, every distribution kind, patience that may be "
    "infinite, shift plans, every transfer policy including rules, warm and conference "
    "with `max_consult_wait` and a fallback, callbacks with retries, e-mail with chase, "
    "re-contacts, segments, queue caps, overflow, stand-in pools) and "
    "`tests/process/test_invariants.py` runs every shipped scenario. On each run's records: "
    "every contact ends in exactly one outcome (none `unfinished` when the drain is "
    "unlimited); arrival ≤ answer ≤ end; agent intervals are ordered, never overlap for one "
    "agent, and at no instant are more agents of a pool busy than present; occupancy ≤ 1; "
    "in a warm transfer A's hold, consult and conference intervals match B's; attempts of a "
    "case are 1..k; the same seed reproduces every record bit for bit, and replications are "
    "identical in one process or in two. `tests/property/test_invariant_checks.py` plants a "
    "defect in real records for each check and requires it to be caught."
)

CAN_FAIL = (
    "Copy the `simcc` package and `tests/` to a scratch directory, break the engine there "
    "(e.g. make waiting customers ignore their patience: the entry queue deadline "
    "`c.arrival + c.patience` becomes `math.inf`), and run "
    "`PYTHONPATH=<scratch> pytest <scratch>/tests/validation/test_erlang.py -k erlang_a` "
    "from the scratch directory: the Erlang A tests must fail. The issue note quotes the "
    "outcome of doing exactly that.",
    "The front door's check, the same way: in a scratch copy the door never settles a "
    "contact (`settled = self.contained() < self.containment` in "
    "`simcc/model/front_door.py` made `... and False`), so every contact queues and the "
    "pool behind the door sees λ/(1 − p) instead of λ. Measured on 2026-12-01 with the "
    "default seed, `pytest tests/validation/test_front_door.py -k front_door_before` in "
    "the scratch copy: 2 failed, every metric of both cases outside its interval. In A2 "
    "abandonment is 26.4 % [25.7, 27.2] against the exact 10.8 %, ASA 65.8 s against "
    "23.9 s, service level 21.0 % against 59.4 %, occupancy 97.8 % against 89.2 %; in A4 "
    "abandonment 48.3 % [47.8, 48.8] against 38.2 % and occupancy 83.2 % against 74.1 %; "
    "`containment_rate` is 0 against 0.25 in both.",
)

SECTIONS = [
    Section("erlang-a", "## Erlang A (M/M/n+M): one pool, exponential patience", erlang_a_section),
    Section("erlang-c", "## Erlang C (M/M/n): infinite patience, ρ < 1", erlang_c_section),
    Section(
        "overflow", "## Overflow routing with no wait: two pools that act as one", overflow_section
    ),
    *MODEL_SECTIONS,
    Section("intraday", "## Time-varying arrivals, interval by interval", intraday_part),
    Section("ciw", "## Two-tier network with cold transfers: simcc against Ciw", ciw_part),
    RATIO,
    *CHANNEL_SECTIONS,
    Section(
        "invariants",
        "## Invariants (no numbers to compare: they hold or they do not)",
        static(INVARIANTS),
    ),
    Section("can-fail", "## How we know these tests can fail", static(*CAN_FAIL)),
]
"""Every section of the page after its preface, in order; ``--only KEY`` rebuilds one."""


def replace_section(text: str, heading: str, lines: list[str]) -> str:
    """``text`` with the section under ``heading`` (up to the next ``## ``) replaced by
    ``lines``, or ``lines`` inserted before the invariants section if it is missing."""
    body = "\n".join(lines) + "\n\n"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        return text[:start] + body + (text[end + 1 :] if end >= 0 else "")
    anchor = text.index("## Invariants")
    return text[:anchor] + body + text[anchor:]


def build(section: Section, seed: int, jobs: int) -> tuple[list[str], Sequence[Check | Claim]]:
    """The section's lines, its heading first, and its checks."""
    lines, checks = section.build(seed, jobs)
    return [section.heading, "", *lines], checks


def preface(
    seed: int, jobs: int, elapsed: float, load: str, every: Sequence[Check | Claim]
) -> list[str]:
    """The page's title, run facts and how to read it (the counts of every check)."""
    failed = sum(not c.ok for c in every)
    intervals = sum(isinstance(c, Check) for c in every)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "# Validation: simcc against exact values and an independent engine",
        "",
        "<!-- generated by `python benchmarks/validation_tables.py`; do not edit by hand -->",
        "",
        "MODEL.md §5 and §8 list what the simulator must reproduce. This page shows it does,",
        "with the numbers of the validation tests (`tests/validation/`), regenerated by",
        "`python benchmarks/validation_tables.py [--seed N]`.",
        "",
        f"- Date: {now}; seed {seed} (the default of `pytest --seed`); "
        f"wall time {elapsed:.0f} s with {jobs} worker processes.",
        f"- Machine: {machine()}; load average {load} when the run started.",
        f"- Versions: simcc {simcc.__version__}, SimPy {simpy.__version__}, Ciw "
        f"{ciw.__version__}, NumPy {np.__version__}, Python {platform.python_version()}.",
        f"- Result: {len(every) - failed} of {len(every)} checks pass ({intervals} against "
        f"an interval, {len(every) - intervals} exact counts or directions).",
        "",
        "## How to read the tables",
        "",
        *wrap(
            f"Each *simulated* value is the mean over independent replications, with its "
            f"{LEVEL} Student-t confidence interval; a check passes when the interval contains "
            "the exact value. Metrics follow MODEL.md §4: counted over contacts arriving in "
            "`[warmup, horizon)`, each followed to its end. `service_level` is answered within "
            "the threshold over offered minus abandoned within `short_abandon`, and its exact "
            "value is `theory.service_level_sla`.",
            f"Why {LEVEL} per check: this page makes {intervals} interval checks (the Ciw "
            "sanity tests add 4). By Bonferroni's inequality a correct engine fails any of "
            f"them with probability at most {intervals * (1 - CONFIDENCE):.0%} on a given seed "
            "(less in practice, since checks on one scenario are positively correlated), "
            "while the intervals stay a few per cent of the values wide. The "
            f"{len(every) - intervals} other checks (the front door's and virtual hold's "
            "tables of counts) are counts that must hold exactly, and one directional test "
            "on common random numbers.",
            "*Start-up bias*: a run starts empty. The exact expected value of the measured "
            "window (from the transient birth–death chain, `tests/validation/erlang_exact.py`) "
            "minus the stationary value; the tests require it below "
            f"{BIAS_SHARE:.0%} of the half-width, so the comparison is with what the "
            "simulation estimates, not with its warm-up.",
        ),
        "",
    ]


def document(seed: int, jobs: int) -> tuple[str, int]:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    built = [build(section, seed, jobs) for section in SECTIONS]
    elapsed = time.perf_counter() - started
    every = [c for _, checks in built for c in checks]
    out = preface(seed, jobs, elapsed, load, every)
    for lines, _ in built:
        out += [*lines, ""]
    return "\n".join(out), sum(not c.ok for c in every)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    parser.add_argument(
        "--only",
        choices=[s.key for s in SECTIONS],
        help="regenerate only this section of the existing file, in place (the header's "
        "counts are not updated)",
    )
    args = parser.parse_args()
    if args.only:
        section = next(s for s in SECTIONS if s.key == args.only)
        lines, checks = build(section, args.seed, args.jobs)
        text = replace_section(args.out.read_text(), section.heading, lines)
        write_text(args.out, text)
        failed = sum(not c.ok for c in checks)
        print(f"wrote the {args.only} section of {args.out} ({failed} check(s) failed)")
        return 1 if failed else 0
    text, failed = document(args.seed, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text(args.out, text)
    print(f"wrote {args.out} ({failed} check(s) failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
