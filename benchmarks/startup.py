"""How quickly does the command line start? ``simcc --help`` and ``simcc validate`` against Python.

Runs each command N times, interleaved (so machine noise hits them alike), and
prints the median wall time of each, absolute and minus the floor
``python -c pass`` measured in the same run. Targets (issue 17, docs/performance.md):
``simcc --help`` ≤ 0.35 s, ``simcc validate scenarios/centre-warm.yaml`` ≤ 0.8 s.

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bytecode import cache_bytecode  # noqa: E402


def simcc_command() -> str:
    """The ``simcc`` console script beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "simcc"
    return str(beside) if beside.exists() else (shutil.which("simcc") or "simcc")


def commands() -> dict[str, list[str]]:
    simcc = simcc_command()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "simcc --help": [simcc, "--help"],
        "simcc validate centre-warm": [simcc, "validate", str(ROOT / "scenarios/centre-warm.yaml")],
    }


TARGETS = {"simcc --help": 0.35, "simcc validate centre-warm": 0.8}


def wall_time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(runs: int) -> dict[str, list[float]]:
    todo = commands()
    cache_bytecode()
    for argv in todo.values():  # warm the file cache
        wall_time(argv)
    samples: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(runs):
        for name, argv in todo.items():
            samples[name].append(wall_time(argv))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    load = os.getloadavg()
    samples = measure(args.runs)
    floor = statistics.median(samples["python -c pass"])
    print(f"{args.runs} interleaved runs each; load average before: {load[0]:.2f} {load[1]:.2f}")
    for name, times in samples.items():
        median = statistics.median(times)
        line = f"{name:28s} median {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f})"
        target = TARGETS.get(name)
        if target is not None:
            verdict = "met" if median <= target else "NOT met"
            line += f"  minus python {median - floor:.3f} s  target ≤ {target:.2f} s: {verdict}"
        print(line)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
