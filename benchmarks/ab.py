"""Interleaved A/B of two commits: contacts per CPU second, old and new in turn.

A speed claim between two commits is only fair when both run on the same
machine, under the same load, at the same time. This script checks each
commit out into a temporary worktree, then alternates child processes of the
two (old, new, old, new, …); each child simulates the Erlang A queue, the
shipped warm centre and the same centre under cold transfer, and reports the
best of three contacts per CPU second (``time.process_time``, so other load on
the machine counts less than with wall-clock time). It prints the median of
each side and the median and range of the paired ratios new / old::

    python benchmarks/ab.py fc71ee0 HEAD --rounds 5

A ratio range that straddles 1 is noise; a change is a speed-up or a slow-down
only when the whole range is on one side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
import simcc
root = sys.argv[1]
erlang = simcc.load_scenario(root + "/scenarios/erlang-a.yaml").with_changes(
    {"horizon": sys.argv[2] + "h", "warmup": 0})
warm = simcc.load_scenario(root + "/scenarios/centre-warm.yaml")
out = {}
simcc.simulate(erlang.with_changes({"horizon": "1h"}), seed=0)  # imports, caches
for name, scenario in (("erlang_a", erlang), ("warm", warm), ("cold", warm.with_policy("cold"))):
    best = 0.0
    for seed in (101, 102, 103):
        started = time.process_time()
        offered = simcc.simulate(scenario, seed=seed).metrics()["offered"]
        best = max(best, offered / (time.process_time() - started))
    out[name] = best
print(json.dumps(out))
"""


def checkout(rev: str, into: Path) -> Path:
    """A detached worktree of ``rev`` under ``into``."""
    path = into / rev.replace("/", "_")
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), rev], check=True
    )
    return path


def measure(root: Path, hours: float) -> dict[str, float]:
    """One child process's contacts per CPU second, with ``root``'s simcc first on the path."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(hours)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hours", type=float, default=100.0, help="Erlang A horizon")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="simcc-ab-") as tmp:
        roots = {"old": checkout(args.old, Path(tmp)), "new": checkout(args.new, Path(tmp))}
        try:
            samples: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
            for i in range(args.rounds):
                for side, root in roots.items():
                    for name, value in measure(root, args.hours).items():
                        samples[side].setdefault(name, []).append(value)
                print(f"round {i + 1} of {args.rounds} done", file=sys.stderr)
        finally:
            for root in roots.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(root)],
                    check=False,
                )
    print(f"{'model':9s} {'old /s':>9s} {'new /s':>9s}  new/old median (range)")
    for name, old in samples["old"].items():
        new = samples["new"][name]
        ratios = [b / a for a, b in zip(old, new, strict=True)]
        print(
            f"{name:9s} {statistics.median(old):9.0f} {statistics.median(new):9.0f}  "
            f"{statistics.median(ratios):.3f} ({min(ratios):.3f} – {max(ratios):.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
