"""Reading an output directory for the report: which command wrote it, and is it whole.

:func:`detect` recognises a run, a comparison or a sweep by its files, checks
the set against ``manifest.json`` where there is one (a directory written by
hand or by simcc 0.1 is read as it is), and refuses a damaged or incomplete
set with a :class:`ReportError` that names the file and what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simcc.io import OutputError


class ReportError(OutputError):
    """An output directory the report cannot read (bad input: exit 2); the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, before_work=True)


# ============================================================================ reading outputs


@dataclass
class Output:
    """What one command wrote into an output directory."""

    kind: str
    path: Path
    summary: dict[str, Any] = field(default_factory=dict)
    listed: frozenset[str] | None = None
    """The files of the set by its manifest (``None``: no manifest, every file counts)."""

    def has(self, name: str) -> bool:
        listed = self.listed is None or name in self.listed
        return listed and (self.path / name).is_file()

    def frame(self, name: str) -> pd.DataFrame | None:
        """A Parquet (or CSV) table of the directory, None if absent."""
        for file, read in ((f"{name}.parquet", pd.read_parquet), (f"{name}.csv", pd.read_csv)):
            if self.has(file):
                try:
                    return read(self.path / file)
                except Exception as exc:  # pyarrow and pandas raise many kinds
                    raise ReportError(
                        f"{self.path / file} is damaged: cannot be read as a table "
                        f"({type(exc).__name__}: {exc})"
                    ) from None
        return None


def detect(out_dir: str | Path) -> Output:
    """Which command wrote ``out_dir``: ``sweep``, ``compare`` or ``run`` (by its files)."""
    from simcc.io import check_outputs

    path = Path(out_dir)
    if not path.is_dir():
        raise ReportError(f"{path} is not a directory")
    listed = check_outputs(path)
    summary = _read_summary(path) if listed is None or "summary.json" in listed else {}
    if any(Output("", path, listed=listed).has(f) for f in ("results.parquet", "results.csv")):
        return Output("sweep", path, summary, listed)
    if "variants" in summary:
        _check_summary(path / "summary.json", summary, by_variant=True)
        return Output("compare", path, summary, listed)
    if "metrics" in summary:
        _check_summary(path / "summary.json", summary, by_variant=False)
        return Output("run", path, summary, listed)
    raise ReportError(
        f"{path} holds no simcc output: expected summary.json (from `simcc run` or "
        "`simcc compare`) or results.parquet (from `simcc sweep`)"
    )


def _read_summary(path: Path) -> dict[str, Any]:
    file = path / "summary.json"
    if not file.is_file():
        return {}
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {file}: {exc}") from None
    if not isinstance(document, dict):
        raise ReportError(f"{file} is not a simcc summary (expected a JSON object)")
    return document


def _check_summary(file: Path, summary: dict[str, Any], by_variant: bool) -> None:
    """The shape of summary.json: ``metrics`` maps each metric to its estimate
    (``{mean, std, ci_low, ci_high}``), or in a comparison to one per variant."""
    if by_variant:
        variants = summary["variants"]
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise ReportError(f"{file} is damaged: `variants` is not a list of names")
    for key in ("metrics", "differences") if by_variant else ("metrics",):
        table = summary.get(key, {})
        if not isinstance(table, dict):
            raise ReportError(f"{file} is damaged: `{key}` is not a mapping of metrics")
        for name, entry in table.items():
            entries = entry.items() if by_variant and isinstance(entry, dict) else [("", entry)]
            for variant, value in entries:
                if not _is_estimate(value):
                    where = f"{key}.{name}" + (f".{variant}" if variant else "")
                    raise ReportError(
                        f"{file} is damaged: {where} should be {{mean, ci_low, ci_high…}} "
                        f"numbers, got {json.dumps(value)[:60]}"
                    )


def _is_estimate(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        value is None or isinstance(value, int | float) for value in entry.values()
    )
