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

Each column and each ``summary.json`` metric is also hashed on its own, so a
change that only *adds* columns or metrics (a new feature, unused by the
shipped files) can be checked with ``--allow-added``: every column and metric
present on both sides must be identical, and the added ones are listed.
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


def _json_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def fingerprint(path: Path, seed: int) -> dict[str, object]:
    """The fingerprint of one replication of the scenario at ``path``."""
    result = simcc.simulate(simcc.load_scenario(path), seed=seed)
    frames = {name: getattr(result, name) for name in TABLES}
    tables = {name: table_hash(frame) for name, frame in frames.items()}
    columns = {
        f"{name}.{column}": table_hash(frame[[column]])
        for name, frame in frames.items()
        for column in frame.columns
    }
    metrics = {name: repr(value) for name, value in sorted(result.metrics().items())}
    summary = simcc.replicate(simcc.load_scenario(path), 3, seed=seed, jobs=1).to_json()["metrics"]
    return {
        "tables": tables | {"summary.json metrics (3 replications)": _json_hash(summary)},
        "columns": columns | {f"summary.{m}": _json_hash(v) for m, v in summary.items()},
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


def _added_only(old: dict, new: dict) -> list[str] | None:
    """The columns and metrics only ``new`` has, if every one both have is identical; else None."""
    if "columns" not in old or "columns" not in new or old["rows"] != new["rows"]:
        return None
    added = []
    for part in ("columns", "metrics"):
        a, b = old[part], new[part]
        if set(a) - set(b) or any(a[k] != b[k] for k in a):
            return None
        added += sorted(set(b) - set(a))
    return added


def compare(before: dict[str, dict], after: dict[str, dict], allow_added: bool = False) -> int:
    """Print every difference; the number of runs that differ.

    With ``allow_added``, a run whose only differences are columns or metrics
    that the ``after`` side adds counts as identical (and they are listed).
    """
    differ = added_only = 0
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            print(f"identical  {key}")
            continue
        added = _added_only(old, new) if allow_added and old and new else None
        if added is not None:
            added_only += 1
            print(f"identical  {key} (added: {', '.join(added)})")
            continue
        differ += 1
        print(f"DIFFERENT  {key}")
        if old is None or new is None:
            print("    present on one side only")
            continue
        for table in old["tables"]:
            if old["tables"][table] != new["tables"].get(table):
                print(f"    table {table} differs")
        for column in sorted(set(old.get("columns", {})) & set(new.get("columns", {}))):
            if old["columns"][column] != new["columns"][column]:
                print(f"    column {column} differs")
        for name in sorted(set(old["metrics"]) | set(new["metrics"])):
            a, b = old["metrics"].get(name), new["metrics"].get(name)
            if a != b:
                print(f"    metric {name}: {a} -> {b}")
    same = len(set(before) | set(after)) - differ
    extra = f" ({added_only} of them apart from added columns or metrics)" if added_only else ""
    print(f"{same} identical, {differ} different{extra}")
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the fingerprints here (JSON)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--allow-added",
        action="store_true",
        help="with --compare: columns and metrics only AFTER has do not count as a difference",
    )
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        return 1 if compare(before, after, args.allow_added) else 0
    prints = collect(args.seeds)
    text = json.dumps(prints, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
