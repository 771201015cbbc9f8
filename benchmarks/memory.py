"""Flat memory: peak resident memory of ``simcc run -n N --out`` for several N (issue 17).

The whole process tree is sampled (the command, the fork server, its worker
processes and the resource tracker, via psutil, every 0.1 s).  Three peaks:

- the tree's proportional set size (PSS: each shared page counted once,
  split between the processes that share it): the memory the run takes;
- the sum of the processes' resident set sizes (RSS), which counts pages the
  workers share with the fork server once per process: an upper bound;
- the largest single process's RSS (the parent, which gathers the results).

The records stream to Parquet as replications finish, so no peak should grow
with N.  At the end: the ratio of the largest N's peaks to the smallest's
(flat: close to 1; target: ≤ 300 MB on MMCAb at N = 1000).

    python benchmarks/memory.py [--n 200 1000] [--scenario benchmarks/mmcab.yaml]

The machine may be shared: every line carries the load average at its start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bytecode import cache_bytecode  # noqa: E402
from tree import MEMORY, watch  # noqa: E402

LIMIT_MB = 300


def simcc_command() -> str:
    beside = Path(sys.executable).parent / "simcc"
    return str(beside) if beside.exists() else (shutil.which("simcc") or "simcc")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--scenario", type=Path, default=HERE / "mmcab.yaml")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    cache_bytecode()
    peaks: dict[int, list[float]] = {}
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            argv = [simcc_command(), "run", str(args.scenario), "-n", str(n), "--out", tmp]
            if args.jobs:
                argv += ["--jobs", str(args.jobs)]
            load = os.getloadavg()[0]
            watched = watch(argv, memory=True, every=0.1)
            size = sum(p.stat().st_size for p in Path(tmp).glob("*.parquet")) / 2**20
        peaks[n] = list(watched.peaks_mb.values())
        shown = ", ".join(f"{k} {v:.0f} MB" for k, v in watched.peaks_mb.items())
        print(
            f"[load {load:.2f}] simcc run {args.scenario.name} -n {n} --out: peaks: {shown}; "
            f"{watched.wall_s:.1f} s, {size:.0f} MB of Parquet",
            flush=True,
        )
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        ratios = ", ".join(
            f"{k} {b / a:.2f}" for k, a, b in zip(MEMORY, peaks[low], peaks[high], strict=True)
        )
        print(f"N = {high} against N = {low} (N {high / low:.0f}×): {ratios}")
    worst = max(v[0] for v in peaks.values())
    print(f"largest tree PSS {worst:.0f} MB: {'≤' if worst <= LIMIT_MB else '>'} {LIMIT_MB} MB")


if __name__ == "__main__":
    main()
