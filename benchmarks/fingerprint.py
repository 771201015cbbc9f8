"""Fingerprint every shipped scenario's results, to prove a change moved no number.

Run it on the commit before a change and on the change, then compare::

    python benchmarks/fingerprint.py --out /tmp/before.json     # on the old commit
    python benchmarks/fingerprint.py --out /tmp/after.json      # on the new one
    python benchmarks/fingerprint.py --compare /tmp/before.json /tmp/after.json

For each scenario under ``scenarios/`` and each seed it simulates one
replication and hashes the contacts, agents, transfers and staffing tables
(values and column names), the exact metric values (``repr`` of each
float) and the ``summary.json`` metrics of three replications. Two
fingerprints are equal only if every record and every metric is bit-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

import simcc

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("contacts", "agents", "transfers", "staffing")


def table_hash(frame: pd.DataFrame) -> str:
    """A hash of a table's column names, dtypes and every value, in row order."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def fingerprint(path: Path, seed: int) -> dict[str, object]:
    """The fingerprint of one replication of the scenario at ``path``."""
    result = simcc.simulate(simcc.load_scenario(path), seed=seed)
    tables = {name: table_hash(getattr(result, name)) for name in TABLES}
    metrics = {name: repr(value) for name, value in sorted(result.metrics().items())}
    summary = simcc.replicate(simcc.load_scenario(path), 3, seed=seed, jobs=1).to_json()["metrics"]
    summary_hash = hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "tables": tables | {"summary.json metrics (3 replications)": summary_hash},
        "rows": len(result.contacts),
        "metrics": metrics,
    }


def collect(seeds: list[int]) -> dict[str, object]:
    """Fingerprints of every shipped scenario at every seed."""
    out: dict[str, object] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for seed in seeds:
            out[f"{path.name}@{seed}"] = fingerprint(path, seed)
            print(f"{path.name} seed {seed}: done", file=sys.stderr)
    return out


def compare(before: dict[str, dict], after: dict[str, dict]) -> int:
    """Print every difference; the number of runs that differ."""
    differ = 0
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            print(f"identical  {key}")
            continue
        differ += 1
        print(f"DIFFERENT  {key}")
        if old is None or new is None:
            print("    present on one side only")
            continue
        for table in old["tables"]:
            if old["tables"][table] != new["tables"].get(table):
                print(f"    table {table} differs")
        for name in sorted(set(old["metrics"]) | set(new["metrics"])):
            a, b = old["metrics"].get(name), new["metrics"].get(name)
            if a != b:
                print(f"    metric {name}: {a} -> {b}")
    print(f"{len(set(before) | set(after)) - differ} identical, {differ} different")
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the fingerprints here (JSON)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        return 1 if compare(before, after) else 0
    prints = collect(args.seeds)
    text = json.dumps(prints, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
