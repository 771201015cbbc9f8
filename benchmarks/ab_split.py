"""Where an A/B's warm-centre CPU time goes: each replication split into build, run and metrics.

``benchmarks/ab.py`` reports each child's best of three replications in contacts
per CPU second. This script runs children of two commits in turn the same way
(the Erlang A queue first, then the shipped warm centre, seeds 101–103) and
splits each warm replication: building the centre, the run, ``metrics()``; and
it counts the garbage collector's passes in each (by generation, with their CPU
time, which is within the three phases' own). It prints each side's median per
replication, and the ratio new / old of contacts per CPU second taken three
ways: the best of the three replications (as ab.py), their mean, and the run
phase alone; with ``--stream N``, also over N more replications run one after
the other in each child, as a batch of replications runs (the collector's full
passes included)::

    python benchmarks/ab_split.py 1a1f507 HEAD --rounds 9 --stream 40

docs/performance.md ("Issue 17, item 2, round ten") uses it to tell why the
CPU-time ratio is below the instruction ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ab import ROOT, checkout

CHILD = r"""
import gc, json, sys, time
import simcc
from simcc.model.center import Center
from simcc.rng import Streams
from simcc.runner import Recorder, Result, names_of
root = sys.argv[1]
erlang = simcc.load_scenario(root + "/scenarios/erlang-a.yaml").with_changes(
    {"horizon": sys.argv[2] + "h", "warmup": 0})
warm = simcc.load_scenario(root + "/scenarios/centre-warm.yaml")
simcc.simulate(erlang.with_changes({"horizon": "1h"}), seed=0)  # imports, caches (as ab.py)
for seed in (101, 102, 103):
    simcc.simulate(erlang, seed=seed).metrics()  # the heap as ab.py leaves it
passes, gc_cpu, started = [0, 0, 0], [0.0], [0.0]
def count(phase, info):
    if phase == "start":
        started[0] = time.thread_time()
    else:
        passes[info["generation"]] += 1
        gc_cpu[0] += time.thread_time() - started[0]
gc.callbacks.append(count)
out = []
for seed in (101, 102, 103):
    before, gc_before = list(passes), gc_cpu[0]
    t0 = time.process_time()
    recorder = Recorder(names_of(warm))
    center = Center(warm, Streams(seed, 0), recorder)
    t1 = time.process_time()
    center.run(drain=warm.drain)
    t2 = time.process_time()
    offered = Result(warm, seed, 0, recorder, 0.0, center.stopped_early).metrics()["offered"]
    t3 = time.process_time()
    out.append({"offered": offered, "build": t1 - t0, "run": t2 - t1, "metrics": t3 - t2,
                "gc": gc_cpu[0] - gc_before, "passes": [a - b for a, b in zip(passes, before)]})
stream = {"offered": 0, "cpu": 0.0, "passes": list(passes)}
t0 = time.process_time()
for seed in range(201, 201 + int(sys.argv[3])):
    stream["offered"] += simcc.simulate(warm, seed=seed).metrics()["offered"]
stream["cpu"] = time.process_time() - t0
stream["passes"] = [a - b for a, b in zip(passes, stream["passes"])]
print(json.dumps({"split": out, "stream": stream}))
"""


def measure(root: Path, hours: float, stream: int) -> dict[str, Any]:
    """One child's three warm replications, split, then its ``stream`` more, with
    ``root``'s simcc first on the path."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(hours), str(stream)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    child: dict[str, Any] = json.loads(done.stdout)
    return child


def rate(rep: dict[str, object], phases: tuple[str, ...]) -> float:
    """Contacts per CPU second of ``rep`` over ``phases``."""
    return float(rep["offered"]) / sum(float(rep[p]) for p in phases)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hours", type=float, default=60.0, help="Erlang A horizon")
    parser.add_argument(
        "--stream",
        type=int,
        default=0,
        help="then this many more warm replications in each child, one after the other "
        "(seeds 201, 202, ...), timed together: contacts per CPU second sustained",
    )
    args = parser.parse_args()
    children: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="simcc-ab-split-") as tmp:
        roots = {"old": checkout(args.old, Path(tmp)), "new": checkout(args.new, Path(tmp))}
        try:
            for i in range(args.rounds):
                for side, root in roots.items():
                    children[side].append(measure(root, args.hours, args.stream))
                print(f"round {i + 1} of {args.rounds} done", file=sys.stderr)
        finally:
            for root in roots.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(root)],
                    check=False,
                )
    samples = {side: [child["split"] for child in runs] for side, runs in children.items()}
    for side, runs in samples.items():
        print(f"{side}: CPU ms per replication (median of {len(runs)} children)")
        for j, seed in enumerate((101, 102, 103)):
            cells = [
                f"{p} {1000 * statistics.median(float(r[j][p]) for r in runs):6.2f}"  # type: ignore[arg-type]
                for p in ("build", "run", "metrics", "gc")
            ]
            print(
                f"  seed {seed}: " + ", ".join(cells[:3]) + " (of which the collector"
                f" {cells[3][3:].strip()}, passes by generation {runs[0][j]['passes']})"
            )
    full = ("build", "run", "metrics")
    for name, pick, phases in (
        ("best of 3 (ab.py)", max, full),
        ("mean of 3", statistics.mean, full),
        ("run only, best of 3", max, ("run",)),
    ):
        ratios = [
            pick([rate(r, phases) for r in new]) / pick([rate(r, phases) for r in old])
            for old, new in zip(samples["old"], samples["new"], strict=True)
        ]
        print(
            f"new/old, {name}: {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f} – {max(ratios):.3f})"
        )
    if args.stream:
        streams = {
            side: [c["stream"]["offered"] / c["stream"]["cpu"] for c in runs]
            for side, runs in children.items()
        }
        ratios = [b / a for a, b in zip(streams["old"], streams["new"], strict=True)]
        print(
            f"new/old, a stream of {args.stream} replications: {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f} – {max(ratios):.3f}); collector passes by generation, "
            f"old {children['old'][0]['stream']['passes']}, "
            f"new {children['new'][0]['stream']['passes']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
