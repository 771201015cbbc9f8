"""Regenerate docs/validation.md: simulated versus exact values, with confidence intervals.

Runs exactly the checks of the validation tests (``tests/validation/cases.py``,
``mmng_cases.py``, ``ctmc_cases.py``): the Erlang A and Erlang C grids, M/M/n+G
with non-exponential patience, the Mandelbaum–Zeltyn case, the fluid limit, the
intraday profile interval by interval, the two-tier network against Ciw, the
exact Markov chain of warm, conference and callback hand-offs and the ratio
estimators (``ratio_cases.py``), and writes their
tables with the date, seed, replications and machine. Run from the project root::

    python benchmarks/validation_tables.py            # the suite's default seed
    python benchmarks/validation_tables.py --seed 7   # another seed
    python benchmarks/validation_tables.py --only ratio   # one section, in place

The file is written atomically (``simcc.io.write_text``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ciw  # noqa: E402
import numpy as np  # noqa: E402
import simpy  # noqa: E402

import simcc  # noqa: E402
from simcc.io import write_text  # noqa: E402
from tests.validation.cases import (  # noqa: E402
    BIAS_SHARE,
    CONFIDENCE,
    ERLANG_A,
    ERLANG_C,
    OVERFLOW,
    Check,
    ErlangCase,
    IntradayCase,
    OverflowCase,
    TwoTierCase,
    run_erlang,
    run_intraday,
    run_overflow,
    run_two_tier,
)
from tests.validation.ctmc_cases import (  # noqa: E402
    CENTRE,
    TRANSFER_CASES,
    TransferCase,
    run_transfer,
)
from tests.validation.mmng_cases import (  # noqa: E402
    FLUID,
    FLUID_LIMIT,
    MMNG,
    MZ,
    MZ_PUBLISHED,
    MmngCase,
    run_mmng,
)
from tests.validation.ratio_cases import RATIO_CASES, RatioRow, run_ratio  # noqa: E402

DEFAULT_SEED = 20261123  # the default of ``pytest --seed`` (tests/conftest.py)
LEVEL = f"{CONFIDENCE:.1%}"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def fmt(x: float) -> str:
    if math.isnan(x):
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.3f}"
    return f"{x:.4f}"


def ci(c: Check) -> str:
    return f"[{fmt(c.estimate.ci_low)}, {fmt(c.estimate.ci_high)}]"


def verdict(c: Check) -> str:
    return "yes" if c.ok else "**NO**"


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


def mmng_table(cases: list[MmngCase], checks: dict[str, list[Check]]) -> list[str]:
    from simcc.analysis import theory

    lines = [
        "| case | agents | load λ/(nμ) | patience | metric | exact M/M/n+G | Erlang A, same mean "
        f"| simulated | {LEVEL} CI | in CI |",
        "|---|---:|---:|---|---|---:|---:|---:|---|:-:|",
    ]
    for case in cases:
        patience = case.describe_patience()
        theta = 1.0 / case.patience_mean()
        naive = theory.erlang_a(
            case.lam, 1.0 / case.aht, theta, case.agents, case.threshold, case.short_abandon
        )
        naive_values = {
            "abandonment_rate": naive.abandonment_rate,
            "asa": naive.asa,
            "mean_wait": naive.mean_wait,
            "service_level": theory.service_level_sla(naive),
            "p_wait": naive.p_wait,
            "occupancy": naive.occupancy,
        }
        for i, c in enumerate(checks[case.name]):
            head = (
                f"{case.name} {case.label} | {case.agents} | {case.load:.2f} | {patience}"
                if i == 0
                else " | | | "
            )
            lines.append(
                f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(naive_values[c.metric])} | "
                f"{fmt(c.estimate.mean)} | {ci(c)} | {verdict(c)} |"
            )
    return lines


def mmng_setup(cases: list[MmngCase]) -> list[str]:
    lines = [
        "| case | arrivals | AHT | agents | patience | threshold | short abandon | "
        "horizon | warm-up | replications |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        lines.append(
            f"| {c.name} | {c.rate_per_hour:g}/h | {c.aht:g} s | {c.agents} | "
            f"{c.describe_patience()} | {c.threshold:g} s | {c.short_abandon:g} s | "
            f"{c.horizon_hours:g} h | {c.warmup_hours:g} h | {c.replications} |"
        )
    return lines


def mz_section(checks: list[Check]) -> list[str]:
    published = {"abandonment_rate": "3.1 %", "mean_wait": "3.7 s", "occupancy": "93 %"}
    assert set(published) == set(MZ_PUBLISHED)
    lines = [
        f"| metric | published | exact | simulated | {LEVEL} CI | in CI |",
        "|---|---:|---:|---:|---|:-:|",
    ]
    for c in checks:
        pub = published.get(c.metric, "")
        lines.append(
            f"| {c.metric} | {pub} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | {ci(c)} | "
            f"{verdict(c)} |"
        )
    return lines


def fluid_table(checks: dict[str, list[Check]]) -> list[str]:
    lines = [
        "| agents n | arrivals | exact P(abandon) | minus the fluid limit | simulated | "
        f"{LEVEL} CI | in CI |",
        "|---:|---:|---:|---:|---:|---|:-:|",
    ]
    for case in FLUID:
        c = next(x for x in checks[case.name] if x.metric == "abandonment_rate")
        lines.append(
            f"| {case.agents} | {case.rate_per_hour:g}/h | {fmt(c.reference)} | "
            f"{c.reference - FLUID_LIMIT:+.5f} | {fmt(c.estimate.mean)} | {ci(c)} | {verdict(c)} |"
        )
    return lines


def transfer_setup() -> list[str]:
    m = CENTRE
    return [
        f"Centre: new calls {m['lam1'] * 3600:g}/h at the front ({m['n1']:g} agents, AHT "
        f"{1 / m['mu1']:g} s, resolve {m['r1']:g}, queue cap {m['cap1']:g}); the rest "
        f"escalate to the desk ({m['n2']:g} agent, AHT {1 / m['mu2']:g} s, queue cap "
        f"{m['cap2']:g}), which also takes {m['lam2'] * 3600:g}/h direct calls. Patience "
        f"{1 / m['theta']:g} s in either queue, hold patience {1 / m['theta_hold']:g} s, "
        f"transfer patience {1 / m['theta_transfer']:g} s, consult {1 / m['consult']:g} s, "
        f"conference {1 / m['conference']:g} s, dial {1 / m['dial']:g} s, reach "
        f"{m['reach']:g}; every time exponential, wrap-up 0, `transfer_priority: true`. "
        f"Each case: {TRANSFER_CASES[0].replications} replications of "
        f"{TRANSFER_CASES[0].horizon_hours:g} h after a {TRANSFER_CASES[0].warmup_hours:g} h "
        "warm-up.",
    ]


def transfer_table(case: TransferCase, checks: list[Check]) -> list[str]:
    exact = case.exact()
    lines = [
        f"{case.name}: {case.label} — the chain has {exact['states']:.0f} states; "
        f"{exact['escalations_per_hour']:.3f} escalations per hour.",
        "",
        f"| metric | exact (CTMC) | simulated | {LEVEL} CI | in CI |",
        "|---|---:|---:|---|:-:|",
    ]
    for c in checks:
        lines.append(
            f"| {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | {ci(c)} | {verdict(c)} |"
        )
    return lines


def transfer_sections(checks: dict[str, list[Check]]) -> list[str]:
    lines: list[str] = []
    for case in TRANSFER_CASES:
        lines += [*transfer_table(case, checks[case.name]), ""]
    return lines


RATIO_HEADING = "## Ratio estimators: ratio of totals against mean of ratios"


def ratio_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    """The ratio-estimator section (its heading included) and its checks."""
    rows: dict[str, list[RatioRow]] = {c.name: run_ratio(c, seed, jobs) for c in RATIO_CASES}
    checks = [row.check for case_rows in rows.values() for row in case_rows]
    case = RATIO_CASES[0]
    lines = [
        RATIO_HEADING,
        "",
        *textwrap.wrap(
            f"One Erlang A pool ({case.agents} agents, {case.rate_per_hour:g} contacts/h, "
            f"{case.aht / 60:g}-minute handle time, {case.patience / 60:g}-minute exponential "
            "patience, over-loaded) starting empty, in short replications (R1, about 20 "
            "contacts each) and long ones (R2). `--estimator ratio` estimates a rate as the "
            "ratio of totals over replications (Σ numerators / Σ denominators) with a "
            "delta-method CI; the default averages each replication's rate. The exact value "
            "is the expected window of the Markov chain from an empty start "
            "(`erlang_exact.expected_window`): expected abandoned over expected offered, a "
            "ratio of expectations, which is what the ratio of totals converges to. The mean "
            "of ratios converges to E[abandoned / offered] instead. The check is the ratio "
            f"estimator's {LEVEL} CI; the mean of ratios is shown beside it.",
            88,
        ),
        "",
        f"| case | replication | offered CV | metric | exact | ratio of totals | {LEVEL} CI | "
        f"in CI | mean of ratios | {LEVEL} CI | in CI |",
        "|---|---:|---:|---|---:|---:|---|:-:|---:|---|:-:|",
    ]
    for case in RATIO_CASES:
        for i, row in enumerate(rows[case.name]):
            c, m = row.check, row.mean_of_ratios
            head = (
                f"{case.name} | {case.minutes:g} min × {case.replications} | {row.offered_cv:.2f}"
                if i == 0
                else " | | "
            )
            lines.append(
                f"| {head} | {c.metric} | {fmt(c.reference)} | {fmt(c.estimate.mean)} | {ci(c)} | "
                f"{verdict(c)} | {fmt(m.mean)} | [{fmt(m.ci_low)}, {fmt(m.ci_high)}] | "
                f"{'yes' if m.contains(c.reference) else 'no'} |"
            )
    lines += [
        "",
        *textwrap.wrap(
            "When they differ: when replications are short enough that their volume varies "
            "(R1: offered contacts vary by the CV shown) and a replication's rate moves with "
            "its volume (a busy half hour abandons more and answers less within the "
            "threshold). The mean of ratios gives a quiet replication the weight of a busy "
            "one, so it reads abandonment low and service level high; the gap is of order "
            "1 / (contacts per replication) and is gone in R2. A planner who wants the share "
            "of all contacts over many days wants the ratio of totals; one who wants the "
            "typical day's rate wants the mean of ratios. The gap grows when daily volumes "
            "themselves are uncertain, not only Poisson.",
            88,
        ),
    ]
    return lines, checks


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


def document(seed: int, jobs: int) -> tuple[str, int]:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    a_checks = {case.name: run_erlang(case, seed, jobs) for case in ERLANG_A}
    c_checks = {case.name: run_erlang(case, seed, jobs) for case in ERLANG_C}
    o_checks = {case.name: run_overflow(case, seed, jobs) for case in OVERFLOW}
    intraday = IntradayCase()
    tv_checks = run_intraday(intraday, seed, jobs)
    two_tier = TwoTierCase()
    ciw_checks, summaries = run_two_tier(two_tier, seed, jobs)
    g_checks = {case.name: run_mmng(case, seed, jobs) for case in [*MMNG, MZ, *FLUID]}
    t_checks = {case.name: run_transfer(case, seed, jobs) for case in TRANSFER_CASES}
    ratio_lines, r_checks = ratio_section(seed, jobs)
    elapsed = time.perf_counter() - started
    every = [c for v in a_checks.values() for c in v]
    every += [c for v in c_checks.values() for c in v] + tv_checks + ciw_checks
    every += [c for v in o_checks.values() for c in v]
    every += [c for v in g_checks.values() for c in v]
    every += [c for v in t_checks.values() for c in v]
    every += r_checks
    failed = [c for c in every if not c.ok]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Validation: simcc against exact values and an independent engine",
        "",
        "<!-- generated by `python benchmarks/validation_tables.py`; do not edit by hand -->",
        "",
        "MODEL.md §5 lists what the simulator must reproduce. This page shows it does, with",
        "the numbers of the validation tests (`tests/validation/`), regenerated by",
        "`python benchmarks/validation_tables.py [--seed N]`.",
        "",
        f"- Date: {now}; seed {seed} (the default of `pytest --seed`); "
        f"wall time {elapsed:.0f} s with {jobs} worker processes.",
        f"- Machine: {machine()}; load average {load} when the run started.",
        f"- Versions: simcc {simcc.__version__}, SimPy {simpy.__version__}, Ciw "
        f"{ciw.__version__}, NumPy {np.__version__}, Python {platform.python_version()}.",
        f"- Result: {len(every) - len(failed)} of {len(every)} checks pass.",
        "",
        "## How to read the tables",
        "",
        f"Each *simulated* value is the mean over independent replications, with its {LEVEL}",
        "Student-t confidence interval; a check passes when the interval contains the exact",
        "value. Metrics follow MODEL.md §4: counted over contacts arriving in",
        "`[warmup, horizon)`, each followed to its end. `service_level` is answered within",
        "the threshold over offered minus abandoned within `short_abandon`, and its exact",
        "value is `theory.service_level_sla`.",
        "",
        *textwrap.wrap(
            f"Why {LEVEL} per check: this page makes {len(every)} checks (the Ciw sanity "
            "tests add 4). By Bonferroni's inequality a correct engine fails any of them "
            f"with probability at most {len(every) * (1 - CONFIDENCE):.0%} on a given seed "
            "(less in practice, since checks on one scenario are positively correlated), "
            "while the intervals stay a few per cent of the values wide.",
            88,
        ),
        "",
        "*Start-up bias*: a run starts empty. The exact expected value of the measured window",
        "(from the transient birth–death chain, `tests/validation/erlang_exact.py`) minus the",
        f"stationary value; the tests require it below {BIAS_SHARE:.0%} of the half-width, so",
        "the comparison is with what the simulation estimates, not with its warm-up.",
        "",
        "## Erlang A (M/M/n+M): one pool, exponential patience",
        "",
        *erlang_setup(ERLANG_A),
        "",
        *erlang_table(ERLANG_A, a_checks),
        "",
        "## Erlang C (M/M/n): infinite patience, ρ < 1",
        "",
        "No contact may abandon (asserted exactly); ASA converges slowly near ρ = 1, hence",
        "ρ ≤ 0.9 and long horizons.",
        "",
        *erlang_setup(ERLANG_C),
        "",
        *erlang_table(ERLANG_C, c_checks),
        "",
        "## Overflow routing with no wait: two pools that act as one",
        "",
        "The Erlang A cases A4 and A2 again, their agents split between the call type's",
        "desk and an overflow pool (`overflow: {pool: backup, after: 0}`), same handle time.",
        "A caller takes an idle agent of either pool and waits in both queues in arrival",
        "order, so the first agent to free answers the longest waiting caller: one M/M/n+M",
        "system, whose exact values are those of the unsplit case (occupancy: both pools",
        "together). A delay of 10 s instead of 0 fails these checks.",
        "",
        *overflow_table(OVERFLOW, o_checks),
        "",
        "## M/M/n+G: patience that is not exponential",
        "",
        "One pool, exponential handle time, and deterministic, uniform, lognormal or empirical",
        "patience. The exact values are `simcc.analysis.theory.mmng`: the density of the",
        "virtual wait V (the wait of a customer who would never give up) is proportional to",
        "`λ·exp(λ∫_0^x Ḡ(u)du − nμx)` on (0, ∞), with an atom at 0 (an agent free); a",
        "caller is answered when its patience exceeds V (Baccelli–Hébuterne 1981;",
        "Zeltyn–Mandelbaum). With exponential patience it equals Erlang A to 1e-12",
        "(`tests/unit/test_theory.py`). `p_wait` (the share not answered at once) and",
        "`mean_wait` (all offered contacts, abandoners included) are measured from the",
        "contact records. The *Erlang A, same mean* column is what the formulas would say if",
        "the patience were exponential with the same mean: it falls outside most of the",
        "intervals (the mean patience is not enough to know the abandonment). These",
        "cases have no exact start-up bias (the queue is not a Markov chain); their warm-ups",
        "last at least 12 handle times and 15 mean patiences.",
        "",
        *mmng_setup(MMNG),
        "",
        *mmng_table(MMNG, g_checks),
        "",
        "## The Mandelbaum–Zeltyn worked case",
        "",
        f"n = {MZ.agents}, λ = {MZ.rate_per_hour / 60:g}/min, AHT {MZ.aht / 60:g} min, "
        f"exponential patience of mean {MZ.patience['mean'] / 60:g} min; "
        f"{MZ.replications} replications of {MZ.horizon_hours:g} h after "
        f"{MZ.warmup_hours:g} h. The published values are rounded; the tests require the",
        "exact ones to round to them.",
        "",
        *mz_section(g_checks[MZ.name]),
        "",
        "## Over-loaded pools and the fluid limit",
        "",
        f"At a fixed load of {FLUID[0].load:g} (λ = {FLUID[0].load:g}·nμ, AHT 300 s, "
        f"{FLUID[0].describe_patience()} patience) at most nμ/λ of the callers can be "
        f"served, so the abandoned share is at least the fluid limit 1 − nμ/λ = "
        f"{FLUID_LIMIT:.4f}, and tends to it as n grows. The exact values approach it",
        f"monotonically; each is simulated ({FLUID[0].replications} replications of "
        f"{FLUID[0].horizon_hours:g} h).",
        "",
        *fluid_table(g_checks),
        "",
        "## Warm, conference and callback against an exact Markov chain",
        "",
        "Ciw cannot hold a customer while two agents consult, so",
        "`tests/validation/ctmc_transfer.py` is an engine of its own: the centre as a",
        "continuous-time Markov chain, its states found by breadth-first search, its",
        "generator built explicitly (`scipy.sparse`) and solved with `spsolve`. It encodes",
        "simcc's rules (docs/policies.md): who is busy when, a desk agent taking consult",
        "requests and transfers before direct callers, queue caps counting live customers",
        "only, hold patience running through the wait and the consult. Means per contact",
        "come from Little's law (customers on hold over the escalation rate, etc.).",
        "`max_consult_wait` is a fixed duration in simcc, so only `inf` and `0` keep the",
        "model Markovian: T1 uses `inf`, T2 uses `0`, where a consult happens only if a desk",
        "agent is idle at once and otherwise the contact is cold transferred. Callbacks are",
        "never capped, so the chain cuts their queue at 60 (the cut level's probability is",
        "below 1e-12, tested).",
        "",
        *transfer_setup(),
        "",
        *transfer_sections(t_checks),
        "A planted defect fails these checks: in a scratch copy of `simcc` and `tests/`,",
        "the customer on hold during the consult can no longer hang up (the branch",
        "`if hold_deadline < start + duration` of `simcc/model/transfers.py` made `if",
        "False`). Measured on 2026-12-01 with the default seed: T1, T2 and T3 fail and T4",
        "(callback, no hold) passes; in T1 hold abandonment drops from the exact 10.1 % to",
        "6.3 % [6.1, 6.5], mean hold time rises from 63.7 s to 75.3 s, and desk occupancy",
        "from 41.1 % to 46.1 %.",
        "",
        "## Time-varying arrivals, interval by interval",
        "",
        *intraday_section(intraday, tv_checks),
        "",
        "## Two-tier network with cold transfers: simcc against Ciw",
        "",
        *ciw_section(two_tier, ciw_checks, summaries),
        "",
        "`throughput_1` and `throughput_2` are contacts answered by the front line and by the",
        "specialists per offered contact; `mean_wait_2` is the mean wait in the specialists'",
        "queue of the contacts they answered (simcc: `transfer_wait`).",
        "",
        *ratio_lines,
        "",
        "## Invariants (no numbers to compare: they hold or they do not)",
        "",
        "`tests/property/` throws hypothesis-generated scenarios at the engine (1–4 pools on",
        "tiers, 1–3 call types with paths, every distribution kind, patience that may be",
        "infinite, shift plans, every transfer policy including rules, warm and conference",
        "with `max_consult_wait` and a fallback, callbacks with retries, e-mail with chase,",
        "re-contacts, segments, queue caps, overflow, stand-in pools) and",
        "`tests/process/test_invariants.py`",
        "runs every shipped scenario. On each run's records: every contact ends in exactly one",
        "outcome (none `unfinished` when the drain is unlimited); arrival ≤ answer ≤ end;",
        "agent intervals are ordered, never overlap for one agent, and at no instant are more",
        "agents of a pool busy than present; occupancy ≤ 1; in a warm transfer A's hold,",
        "consult and conference intervals match B's; attempts of a case are 1..k; the same",
        "seed reproduces every record bit for bit, and replications are identical in one",
        "process or in two. `tests/property/test_invariant_checks.py` plants a defect in real",
        "records for each check and requires it to be caught.",
        "",
        "## How we know these tests can fail",
        "",
        "Copy the `simcc` package and `tests/` to a scratch directory, break the engine there",
        "(e.g. make waiting customers ignore their patience: the entry queue deadline",
        "`c.arrival + c.patience` becomes `math.inf`), and run",
        "`PYTHONPATH=<scratch> pytest <scratch>/tests/validation/test_erlang.py -k erlang_a`",
        "from the scratch directory: the Erlang A tests must fail. The issue note quotes the",
        "outcome of doing exactly that.",
        "",
    ]
    return "\n".join(out), len(failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    parser.add_argument(
        "--only",
        choices=["ratio"],
        help="regenerate only this section of the existing file, in place",
    )
    args = parser.parse_args()
    if args.only == "ratio":
        lines, checks = ratio_section(args.seed, args.jobs)
        text = replace_section(args.out.read_text(), RATIO_HEADING, lines)
        write_text(args.out, text)
        failed = sum(not c.ok for c in checks)
        print(f"wrote the ratio section of {args.out} ({failed} check(s) failed)")
        return 1 if failed else 0
    text, failed = document(args.seed, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text(args.out, text)
    print(f"wrote {args.out} ({failed} check(s) failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
