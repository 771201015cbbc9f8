"""The sections of docs/validation.md with exact values beyond Erlang A and C: M/M/n+G
patience, the Mandelbaum–Zeltyn case, the fluid limit, the exact Markov chain of warm,
conference and callback hand-offs, and the ratio estimators.  Each builds from (seed,
jobs) its lines and the checks of ``tests/validation/mmng_cases.py``,
``ctmc_cases.py`` and ``ratio_cases.py``, which the tests run too.
"""

from __future__ import annotations

import textwrap

from validation_format import LEVEL, Section, ci, flat, fmt, verdict

from tests.validation.cases import Check
from tests.validation.ctmc_cases import CENTRE, TRANSFER_CASES, TransferCase, run_transfer
from tests.validation.mmng_cases import (
    FLUID,
    FLUID_LIMIT,
    MMNG,
    MZ,
    MZ_PUBLISHED,
    MmngCase,
    run_mmng,
)
from tests.validation.ratio_cases import RATIO_CASES, RatioRow, run_ratio


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
    """The ratio-estimator section and its checks."""
    rows: dict[str, list[RatioRow]] = {c.name: run_ratio(c, seed, jobs) for c in RATIO_CASES}
    checks = [row.check for case_rows in rows.values() for row in case_rows]
    case = RATIO_CASES[0]
    lines = [
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


def mmng_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_mmng(case, seed, jobs) for case in MMNG}
    lines = [
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
        *mmng_table(MMNG, checks),
    ]
    return lines, flat(checks)


def mz_case_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = run_mmng(MZ, seed, jobs)
    lines = [
        f"n = {MZ.agents}, λ = {MZ.rate_per_hour / 60:g}/min, AHT {MZ.aht / 60:g} min, "
        f"exponential patience of mean {MZ.patience['mean'] / 60:g} min; "
        f"{MZ.replications} replications of {MZ.horizon_hours:g} h after "
        f"{MZ.warmup_hours:g} h. The published values are rounded; the tests require the",
        "exact ones to round to them.",
        "",
        *mz_section(checks),
    ]
    return lines, checks


def fluid_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_mmng(case, seed, jobs) for case in FLUID}
    lines = [
        f"At a fixed load of {FLUID[0].load:g} (λ = {FLUID[0].load:g}·nμ, AHT 300 s, "
        f"{FLUID[0].describe_patience()} patience) at most nμ/λ of the callers can be "
        f"served, so the abandoned share is at least the fluid limit 1 − nμ/λ = "
        f"{FLUID_LIMIT:.4f}, and tends to it as n grows. The exact values approach it",
        f"monotonically; each is simulated ({FLUID[0].replications} replications of "
        f"{FLUID[0].horizon_hours:g} h).",
        "",
        *fluid_table(checks),
    ]
    return lines, flat(checks)


def transfer_section(seed: int, jobs: int) -> tuple[list[str], list[Check]]:
    checks = {case.name: run_transfer(case, seed, jobs) for case in TRANSFER_CASES}
    lines = [
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
        *transfer_sections(checks),
        "A planted defect fails these checks: in a scratch copy of `simcc` and `tests/`,",
        "the customer on hold during the consult can no longer hang up (the branch",
        "`if hold_deadline < start + duration` of `simcc/model/transfers.py` made `if",
        "False`). Measured on 2026-12-01 with the default seed: T1, T2 and T3 fail and T4",
        "(callback, no hold) passes; in T1 hold abandonment drops from the exact 10.1 % to",
        "6.3 % [6.1, 6.5], mean hold time rises from 63.7 s to 75.3 s, and desk occupancy",
        "from 41.1 % to 46.1 %.",
    ]
    return lines, flat(checks)


MODEL_SECTIONS = [
    Section("mmng", "## M/M/n+G: patience that is not exponential", mmng_section),
    Section("mz", "## The Mandelbaum–Zeltyn worked case", mz_case_section),
    Section("fluid", "## Over-loaded pools and the fluid limit", fluid_section),
    Section(
        "transfer",
        "## Warm, conference and callback against an exact Markov chain",
        transfer_section,
    ),
]
"""The exact-model sections, in the order of the page."""

RATIO = Section("ratio", RATIO_HEADING, ratio_section)
