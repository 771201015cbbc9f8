"""How fast is simcc? Contacts per second against bare SimPy and Ciw, in one run.

Measures, in this process and on this machine, simulated contacts per
wall-clock second of:

(a) simcc on the Erlang-A scenario (one pool, exponential, abandonment),
    through the public API — ``simcc.simulate(scenario, seed=...)``, contacts
    counted by ``result.metrics()["offered"]``, so records and metrics are paid;
(b) the minimal hand-written SimPy M/M/n+M model of the same queue
    (``request | timeout(patience)`` per customer; benchmarks/baselines.py);
(c) Ciw on the same queue;
(d) simcc on the shipped mid-size centre with warm and with cold transfer;
(e) the same queue on SimPy's scheduler alone: callbacks on timeouts, no
    processes, no records (benchmarks/baselines.py) — the floor of SimPy;

then prints the ratios (a)/(b), (a)/(e) and (a)/(c), the peak memory per million
contacts recorded (measured in a child process), and the speed-up of
replications on all cores, and adds the run to benchmarks/results.json (the last three
runs are kept, each with its load average).
Targets (docs/performance.md; issue 17's in brackets): (a)/(b) ≥ 1.5 [3.0],
(a)/(e) [≥ 0.65], (a)/(c) ≥ 2, memory < 300 MB per million contacts, scaling
≥ 1.8× on 2 cores.

    python benchmarks/bench.py [--repeats 5] [--hours 200] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402

import simcc  # noqa: E402
from simcc.io import write_json  # noqa: E402

LAMBDA, MU, THETA, AGENTS = 180 / 3600, 1 / 300, 1 / 240, 14


def erlang_a_scenario(hours: float) -> simcc.Scenario:
    """The shipped Erlang-A check scenario, stretched to ``hours`` without warm-up."""
    s = simcc.load_scenario(ROOT / "scenarios" / "erlang-a.yaml")
    return s.with_changes({"horizon": f"{hours}h", "warmup": 0})


def time_simcc(scenario: simcc.Scenario, seed: int) -> tuple[int, float]:
    start = time.perf_counter()
    result = simcc.simulate(scenario, seed=seed)
    offered = int(result.metrics()["offered"])
    return offered, time.perf_counter() - start


def time_baseline(run: Any, hours: float, seed: int) -> tuple[int, float]:
    start = time.perf_counter()
    out = run(LAMBDA, MU, THETA, AGENTS, hours * 3600, seed)
    return int(out["offered"]), time.perf_counter() - start


def peak_memory_per_million(hours: float) -> dict[str, float]:
    """Peak RSS growth of one simulate() call per million contacts, in a fresh process."""
    code = (
        "import resource, sys, gc\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from bench import erlang_a_scenario\n"
        "import simcc\n"
        f"s = erlang_a_scenario({hours!r})\n"
        "simcc.simulate(s.with_changes({'horizon': '1h'}), seed=0).metrics()\n"
        "gc.collect()\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "r = simcc.simulate(s, seed=1)\n"
        "n = int(r.metrics()['offered'])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(n, base, peak)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, base, peak = (int(x) for x in out.stdout.split())
    growth_mb = (peak - base) / 1024
    return {
        "contacts": n,
        "baseline_mb": base / 1024,
        "peak_mb": peak / 1024,
        "mb_per_million": growth_mb / n * 1e6,
    }


def _one_run_command(hours: float) -> list[str]:
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r})\n"
        "from bench import erlang_a_scenario\n"
        "import simcc\n"
        f"simcc.simulate(erlang_a_scenario({hours!r}), seed=1).metrics()\n"
    )
    return [sys.executable, "-c", code]


def hardware_ceiling(hours: float) -> dict[str, float]:
    """Speed-up of N independent copies of one run started together, over one alone.

    The most any executor can reach on this machine: shared caches, memory
    bandwidth and the hypervisor keep it under N on many virtual machines.
    """
    jobs = os.cpu_count() or 1
    start = time.perf_counter()
    subprocess.run(_one_run_command(hours), check=True)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    running = [subprocess.Popen(_one_run_command(hours)) for _ in range(jobs)]
    for process in running:
        process.wait()
    together = time.perf_counter() - start
    return {
        "jobs": jobs,
        "alone_s": alone,
        "together_s": together,
        "speedup": jobs * alone / together,
    }


def scaling(hours: float, reps: int) -> dict[str, float]:
    """Speed-up of ``replicate`` on all cores over one process."""
    s = erlang_a_scenario(hours)
    jobs = os.cpu_count() or 1
    t0 = time.perf_counter()
    simcc.replicate(s, reps, 1, jobs=1)
    serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    simcc.replicate(s, reps, 1, jobs=jobs)
    parallel = time.perf_counter() - t0
    return {"jobs": jobs, "serial_s": serial, "parallel_s": parallel, "speedup": serial / parallel}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--hours", type=float, default=200.0, help="simulated hours per run")
    parser.add_argument("--quick", action="store_true", help="small runs (smoke test)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    hours = 20.0 if args.quick else args.hours
    repeats = 2 if args.quick else args.repeats

    erlang = erlang_a_scenario(hours)
    warm = simcc.load_scenario(ROOT / "scenarios" / "centre-warm.yaml")
    cold = warm.with_policy("cold")
    # interleave the contenders so that machine noise hits them alike
    keys = ("simcc", "simpy", "floor", "ciw", "warm", "cold")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    contenders = {
        "simcc": lambda seed: time_simcc(erlang, seed),
        "simpy": lambda seed: time_baseline(baselines.minimal_simpy_run, hours, seed),
        "floor": lambda seed: time_baseline(baselines.callbacks_simpy_run, hours, seed),
        "ciw": lambda seed: time_baseline(baselines.ciw_run, hours, seed),
        "warm": lambda seed: time_simcc(warm, seed),
        "cold": lambda seed: time_simcc(cold, seed),
    }
    time_simcc(erlang_a_scenario(1.0), 0)  # imports and first-call costs out of the way
    loads = {"start": os.getloadavg(), "per_repeat": []}  # the machine may be shared
    for i in range(repeats):
        loads["per_repeat"].append(os.getloadavg()[0])
        for key, fn in contenders.items():
            n, seconds = fn(100 + i)
            samples[key].append(n / seconds)
    rates = {
        k: {"median": statistics.median(v), "min": min(v), "max": max(v)}
        for k, v in samples.items()
    }
    ratio_simpy = [a / b for a, b in zip(samples["simcc"], samples["simpy"], strict=True)]
    ratio_ciw = [a / b for a, b in zip(samples["simcc"], samples["ciw"], strict=True)]
    ratio_floor = [a / b for a, b in zip(samples["simcc"], samples["floor"], strict=True)]
    memory = peak_memory_per_million(2.0 * hours if args.quick else 5600.0)
    # long enough replications that starting the worker processes is amortised
    scale = scaling(hours if args.quick else 5 * hours, 4 if args.quick else 16)
    ceiling = hardware_ceiling(hours if args.quick else 5 * hours)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_average": loads | {"end": os.getloadavg()},
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "hours_per_run": hours,
        "repeats": repeats,
        "contacts_per_second": rates,
        "ratio_simcc_over_minimal_simpy": {
            "median": statistics.median(ratio_simpy),
            "min": min(ratio_simpy),
            "max": max(ratio_simpy),
        },
        "ratio_simcc_over_callbacks_simpy": {
            "median": statistics.median(ratio_floor),
            "min": min(ratio_floor),
            "max": max(ratio_floor),
        },
        "ratio_simcc_over_ciw": {
            "median": statistics.median(ratio_ciw),
            "min": min(ratio_ciw),
            "max": max(ratio_ciw),
        },
        "memory": memory,
        "scaling": scale,
        "hardware_ceiling": ceiling,
        "targets": {
            "vs_simpy": 1.5,
            "vs_callbacks_simpy": 0.65,
            "vs_ciw": 2.0,
            "mb_per_million": 300,
            "speedup_2_cores": 1.8,
        },
    }
    for key, label in (
        ("simcc", "(a) simcc, Erlang A"),
        ("simpy", "(b) minimal SimPy"),
        ("floor", "(e) callbacks-only SimPy"),
        ("ciw", "(c) Ciw"),
        ("warm", "(d) simcc centre, warm"),
        ("cold", "(d) simcc centre, cold"),
    ):
        r = rates[key]
        spread = f"(min {r['min']:,.0f}, max {r['max']:,.0f})"
        print(f"{label:26s} {r['median']:>9,.0f} contacts/s  {spread}")
    rs, rc = results["ratio_simcc_over_minimal_simpy"], results["ratio_simcc_over_ciw"]
    rf = results["ratio_simcc_over_callbacks_simpy"]
    for name, r, target in (("(a)/(b)", rs, "1.5 (issue 17: 3.0)"), ("(a)/(e)", rf, "0.65")):
        print(
            f"{name} = {r['median']:.2f}  (min {r['min']:.2f}, max {r['max']:.2f})"
            f"  target ≥ {target}"
        )
    print(f"(a)/(c) = {rc['median']:.2f}  (min {rc['min']:.2f}, max {rc['max']:.2f})  target ≥ 2")
    print(
        f"memory: {memory['mb_per_million']:.0f} MB per million contacts "
        f"({memory['contacts']:,} contacts, peak {memory['peak_mb']:.0f} MB)  target < 300"
    )
    print(f"replications on {scale['jobs']} cores: {scale['speedup']:.2f}× faster  target ≥ 1.8")
    print(
        f"  reference: {ceiling['jobs']} independent copies of one run started together: "
        f"{ceiling['speedup']:.2f}× (the machine's own ceiling)"
    )
    start, end = loads["start"][0], results["load_average"]["end"][0]
    print(f"load average (1 min): {start:.2f} at the start, {end:.2f} at the end")
    runs = [*earlier_runs(args.out)[-(KEPT_RUNS - 1) :], results]
    write_json(args.out, {"runs": runs})
    print(f"wrote {args.out} (the last {len(runs)} run(s), each with its load average)")


KEPT_RUNS = 3
"""Runs kept in results.json: a benchmark on a shared machine is read over several runs."""


def earlier_runs(path: Path) -> list[dict]:
    """The runs an earlier ``results.json`` holds (a file of one run, as before, is one)."""
    try:
        earlier = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return earlier.get("runs", [earlier]) if isinstance(earlier, dict) else []


if __name__ == "__main__":
    main()
