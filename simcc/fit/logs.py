"""Read a call centre's ACD call log into one clean table of calls.

A call log is real data and real data is dirty: rows with a missing field,
clocks that run backwards, "phantom" calls the switch recorded but nobody
made. The loaders here never drop a row silently. Every data row of the file
ends up either as one row of :attr:`LogLoad.calls` or counted in
:attr:`LogLoad.report` under a named reason (with its line numbers), so that
``rows_read == kept + sum(skipped.values())`` always holds. Rows that are kept
but look odd are counted under ``flagged``.

The calls table has one row per kept call and these columns (times of day are
seconds since midnight of the call's ``date``; a time after midnight of the
next day is above 86 400):

=============  ===============================================================
call_id        the call's id as a string (the bank's ids repeat across VRU
               lines, so its loader joins ``vru+line`` and ``call_id``)
customer_id    caller id as a string ("0" when unidentified)
priority       int; in the Anonymous Bank log 2 means a priority customer
type           the log's call type (e.g. PS, NW)
date           ``datetime.date`` of the call
arrival        the moment the call asked for an agent (the bank's
               ``vru_exit``), seconds
queued         True when the call entered the agents' queue
wait           time in queue, seconds (0 when not queued)
outcome        ``AGENT`` (served) or ``HANG`` (hung up before service)
service        service time, seconds (0 when not served)
ser_start      service start, seconds (NaN when not served)
ser_exit       service end, seconds (NaN when not served)
server         agent name; ``NO_SERVER`` when unknown or not served
line           line number of the call in the file (the header is line 1)
outlier        True when the row is kept but its wait or service is beyond
               :data:`MAX_DURATION` (flagged ``implausible_duration``): the
               fit leaves such a call out of every estimate
=============  ===============================================================

A row that cannot be read — a field that is not a number or a time, or a
number that is not finite (``inf``, ``nan``) — is skipped, counted and named
by line; with ``strict`` the first one stops the load instead.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

__all__ = [
    "ANONYMOUS_BANK_MAPPING",
    "CANONICAL_COLUMNS",
    "MAX_DURATION",
    "NO_SERVER",
    "LoadReport",
    "LogFormatError",
    "LogLoad",
    "UnfittableLog",
    "load_anonymous_bank",
    "load_csv",
]

NO_SERVER = "NO_SERVER"

CANONICAL_COLUMNS: tuple[str, ...] = (
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "arrival",
    "queued",
    "wait",
    "outcome",
    "service",
    "ser_start",
    "ser_exit",
    "server",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("date", "arrival", "wait", "outcome")

ANONYMOUS_BANK_MAPPING: dict[str, str | tuple[str, ...]] = {
    "call_id": ("vru+line", "call_id"),
    "customer_id": "customer_id",
    "priority": "priority",
    "type": "type",
    "date": "date",
    "arrival": "vru_exit",
    "queued": "q_start",
    "wait": "q_time",
    "outcome": "outcome",
    "service": "ser_time",
    "ser_start": "ser_start",
    "ser_exit": "ser_exit",
    "server": "server",
}
"""Canonical name → column(s) of the Anonymous Bank TSV (see its README)."""

DAY = 86_400.0
_HALF_DAY = DAY / 2
MAX_DURATION = _HALF_DAY
"""A wait or service longer than this (seconds: half a day) is no phone call: an outlier."""
_MAX_PRIORITY = 2**31


class LogFormatError(ValueError):
    """The file cannot be read as a call log (missing, empty, wrong columns…)."""


class UnfittableLog(ValueError):
    """The log reads, but its chosen days hold too little to fit a scenario from.

    (No arrivals, no served call with a service time, abandonments that waited
    no time at all.) The user's data, not a bug: ``simcc fit`` reports it and
    exits 2, where any other error is the fit's own and shows as one.
    """


@dataclass
class LoadReport:
    """What a loader kept, skipped (and why) and flagged.

    ``skipped`` counts rows left out under each reason and ``skipped_lines``
    gives their file line numbers (header = line 1). ``flagged`` counts kept
    rows that look odd, and ``flagged_lines`` names the lines of the flags in
    :attr:`OUTLIER_FLAGS` (rows the fit leaves out of its estimates);
    :meth:`explain` turns all of it into sentences.
    """

    path: str
    rows_read: int = 0
    kept: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_lines: dict[str, list[int]] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    flagged_lines: dict[str, list[int]] = field(default_factory=dict)

    REASONS: ClassVar[dict[str, str]] = {
        "wrong_field_count": "the row has a different number of fields than the header",
        "phantom": "outcome PHANTOM: a call the switch recorded that is to be ignored",
        "unknown_outcome": "the outcome is neither served (AGENT) nor abandoned (HANG)",
        "missing_value": "a required field (date, arrival, wait or outcome) is empty",
        "bad_date": "the date cannot be parsed",
        "bad_time": "a clock time (arrival, service start or end) cannot be parsed",
        "bad_number": "a number (priority, wait or service time) cannot be parsed or is not finite",
        "negative_duration": "the wait or the service time is negative",
        "duplicate_row": "the row repeats an earlier row field for field",
    }
    FLAGS: ClassVar[dict[str, str]] = {
        "unqueued_hang": (
            "hung up without ever entering the queue (left at the VRU); kept, "
            "but not counted as offered to agents"
        ),
        "served_without_server": "served (AGENT) but the agent is not named",
        "served_without_service_times": "served but service start and end are missing",
        "hang_with_service": "hung up (HANG) yet has a service time",
        "crosses_midnight": "service starts or ends after midnight of the call's date",
        "service_span_mismatch": "service time differs from service end − start by over 1 s",
        "implausible_duration": (
            f"the wait or the service time is over {MAX_DURATION / 3600:g} hours; kept, but "
            "left out of every estimate and observed metric"
        ),
    }
    OUTLIER_FLAGS: ClassVar[tuple[str, ...]] = ("implausible_duration",)

    @property
    def total_skipped(self) -> int:
        """Number of data rows that were not kept."""
        return sum(self.skipped.values())

    def skip(self, reason: str, lines: Sequence[int]) -> None:
        """Count ``lines`` as skipped under ``reason`` (no-op when empty)."""
        if len(lines) == 0:
            return
        self.skipped[reason] = self.skipped.get(reason, 0) + len(lines)
        self.skipped_lines.setdefault(reason, []).extend(int(n) for n in lines)

    def explain(self, max_lines: int = 10) -> list[str]:
        """Human-readable lines: what was read, kept, skipped and flagged."""
        out = [f"{self.path}: {self.rows_read} data rows, {self.kept} kept"]
        for reason, count in self.skipped.items():
            lines = self.skipped_lines.get(reason, [])
            shown = ", ".join(str(n) for n in lines[:max_lines])
            more = " …" if len(lines) > max_lines else ""
            why = self.REASONS.get(reason, reason)
            out.append(f"skipped {count} ({reason}: {why}); lines {shown}{more}")
        for flag, count in self.flagged.items():
            line = f"kept but flagged {count} ({flag}: {self.FLAGS.get(flag, flag)})"
            if flag in self.flagged_lines:
                lines = self.flagged_lines[flag]
                more = " …" if len(lines) > max_lines else ""
                line += f"; lines {', '.join(str(n) for n in lines[:max_lines])}{more}"
            out.append(line)
        return out


@dataclass
class LogLoad:
    """The result of a loader: the calls table and the report on the rest."""

    calls: pd.DataFrame
    report: LoadReport


def load_anonymous_bank(path: str | Path, strict: bool = False) -> LogLoad:
    """Load the Technion SEE lab's Anonymous Bank log (tab-separated, one call a row).

    Dates are ``YYMMDD``; the arrival is ``vru_exit`` (when the caller left the
    voice-response unit and asked for an agent); a call is queued when
    ``q_start`` is not ``0:00:00``; PHANTOM calls are skipped and counted.
    With ``strict`` a malformed row raises :class:`LogFormatError`.
    """
    return load_csv(
        path,
        ANONYMOUS_BANK_MAPPING,
        sep="\t",
        date_format="%y%m%d",
        skip_outcomes={"PHANTOM": "phantom"},
        strict=strict,
    )


def load_csv(
    path: str | Path,
    mapping: Mapping[str, str | Sequence[str]],
    *,
    sep: str | None = None,
    date_format: str = "%Y-%m-%d",
    outcome_values: Mapping[str, str] | None = None,
    skip_outcomes: Mapping[str, str] | None = None,
    strict: bool = False,
    max_skipped_fraction: float = 0.5,
) -> LogLoad:
    """Load a generic CSV/TSV ACD export into the canonical calls table.

    ``mapping`` maps canonical names (:data:`CANONICAL_COLUMNS`) to the file's
    column names; a sequence of columns is joined with ``/`` (for ids that are
    unique only together). ``date``, ``arrival``, ``wait`` and ``outcome`` are
    required. Clock times may be ``H:MM:SS``, ``H:MM`` or seconds; durations
    seconds or ``H:MM:SS``. ``queued`` may be a boolean column or a clock time
    (queue entry; ``0:00:00`` or empty = not queued); a positive wait always
    means queued. ``outcome_values`` maps the file's outcome words to
    ``AGENT``/``HANG`` (the defaults understand AGENT, HANG, answered,
    abandoned…); ``skip_outcomes`` maps outcome words to a skip reason.

    Bad rows are skipped and counted; with ``strict`` the first bad row raises
    :class:`LogFormatError` instead. More than ``max_skipped_fraction`` of the
    rows skipped also raises: the file is probably not what the mapping says.
    """
    _check_mapping(mapping)
    path = Path(path)
    header, rows, lines, report = _read_rows(path, sep, strict)
    _check_columns(path, header, mapping)
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    raw["__line"] = lines
    raw = _drop_duplicates(raw, report, path, strict)
    table = _canonical_text(raw, mapping)
    calls = _parse(table, report, path, strict, date_format, outcome_values, skip_outcomes)
    report.kept = len(calls)
    _check_skipped_fraction(report, max_skipped_fraction)
    _flag(calls, report)
    return LogLoad(calls=calls.reset_index(drop=True), report=report)


# --------------------------------------------------------------------------- reading


def _check_mapping(mapping: Mapping[str, str | Sequence[str]]) -> None:
    """Reject canonical names we do not know and missing required ones."""
    unknown = sorted(set(mapping) - set(CANONICAL_COLUMNS))
    if unknown:
        raise ValueError(f"unknown canonical column(s) {unknown}; known: {CANONICAL_COLUMNS}")
    missing = [name for name in REQUIRED_COLUMNS if name not in mapping]
    if missing:
        raise ValueError(f"mapping lacks required canonical column(s) {missing}")


def _guess_sep(path: Path) -> str:
    """Tab for ``.tsv``/``.tab`` files, comma otherwise."""
    return "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","


def _read_rows(
    path: Path, sep: str | None, strict: bool
) -> tuple[list[str], list[list[str]], list[int], LoadReport]:
    """Read the header and the rows with the header's field count; count the others."""
    report = LoadReport(path=str(path))
    if not path.is_file():
        raise LogFormatError(f"{path}: no such file")
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise LogFormatError(f"{path}: cannot open ({exc})") from exc
    with handle:
        reader = csv.reader(handle, delimiter=sep or _guess_sep(path))
        try:
            header, rows, lines, bad = _scan(reader, report, path, strict)
        except (UnicodeDecodeError, csv.Error) as exc:
            where = f"line {reader.line_num + 1}"
            raise LogFormatError(f"{path}, {where}: not readable as text ({exc})") from exc
    if report.rows_read == 0:
        raise LogFormatError(f"{path}: no data rows after the header")
    report.skip("wrong_field_count", bad)
    return header, rows, lines, report


def _scan(
    reader: Iterator[list[str]], report: LoadReport, path: Path, strict: bool
) -> tuple[list[str], list[list[str]], list[int], list[int]]:
    """Header, good rows, their line numbers and the lines with a wrong field count."""
    first = next(reader, None)
    if first is None or not any(cell.strip() for cell in first):
        raise LogFormatError(f"{path}: empty file (no header line)")
    header = [cell.strip() for cell in first]
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[int] = []
    for record in reader:
        if not record:
            continue  # blank line: not a data row
        report.rows_read += 1
        line = reader.line_num  # type: ignore[attr-defined]
        if len(record) != len(header):
            what = f"{len(record)} fields where the header has {len(header)}"
            _strict_fail(strict, path, line, what)
            bad.append(line)
            continue
        rows.append([cell.strip() for cell in record])
        lines.append(line)
    return header, rows, lines, bad


def _strict_fail(strict: bool, path: Path, line: int, what: str) -> None:
    """In strict mode, raise a :class:`LogFormatError` naming the line."""
    if strict:
        raise LogFormatError(f"{path}, line {line}: {what}")


def _columns_of(spec: str | Sequence[str]) -> list[str]:
    """The file column(s) one mapping entry refers to."""
    return [spec] if isinstance(spec, str) else list(spec)


def _check_columns(
    path: Path, header: list[str], mapping: Mapping[str, str | Sequence[str]]
) -> None:
    """Every mapped column must be in the header, once."""
    missing = sorted({col for spec in mapping.values() for col in _columns_of(spec)} - set(header))
    if missing:
        raise LogFormatError(
            f"{path}, line 1: missing column(s) {missing}; the header has {header}"
        )
    mapped = {col for spec in mapping.values() for col in _columns_of(spec)}
    twice = sorted(col for col in mapped if header.count(col) > 1)
    if twice:
        raise LogFormatError(f"{path}, line 1: column(s) {twice} appear more than once")


def _drop_duplicates(
    raw: pd.DataFrame, report: LoadReport, path: Path, strict: bool
) -> pd.DataFrame:
    """Skip rows that repeat an earlier row exactly."""
    dup = raw.drop(columns="__line").duplicated(keep="first").to_numpy()
    lines = raw["__line"].to_numpy()[dup]
    if len(lines):
        _strict_fail(strict, path, int(lines[0]), "repeats an earlier row")
    report.skip("duplicate_row", lines.tolist())
    return raw.loc[~dup]


def _canonical_text(raw: pd.DataFrame, mapping: Mapping[str, str | Sequence[str]]) -> pd.DataFrame:
    """Rename (and join) the mapped columns to canonical names, still as text."""
    out = pd.DataFrame(index=raw.index)
    for name in CANONICAL_COLUMNS:
        if name not in mapping:
            continue
        cols = _columns_of(mapping[name])
        text = raw[cols[0]].astype(object)
        for col in cols[1:]:
            text = text + "/" + raw[col].astype(object)
        out[name] = text
    out["line"] = raw["__line"].astype(int)
    return out


# --------------------------------------------------------------------------- parsing

_OUTCOME_WORDS: dict[str, str] = {
    "AGENT": "AGENT",
    "ANSWERED": "AGENT",
    "SERVED": "AGENT",
    "HANDLED": "AGENT",
    "HANG": "HANG",
    "ABANDONED": "HANG",
    "ABANDON": "HANG",
}


def _clock_seconds(text: pd.Series) -> pd.Series:
    """Parse ``H:MM:SS`` / ``H:MM`` / plain seconds to float seconds; NaN when unparsable."""
    text = text.astype(object).fillna("").astype(str).str.strip()
    parts = text.str.extract(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d(?:\.\d*)?))?$")
    hms = (
        parts[0].astype(float) * 3600
        + parts[1].astype(float) * 60
        + parts[2].fillna("0").astype(float)
    )
    plain = pd.to_numeric(text.where(parts[0].isna()), errors="coerce")
    return hms.fillna(plain).astype(float)


def _number(text: pd.Series) -> pd.Series:
    """Parse numbers or ``H:MM:SS`` durations to float; NaN when unparsable."""
    return _clock_seconds(text)


def _is_empty(text: pd.Series) -> pd.Series:
    """True where a text cell is missing or blank."""
    return text.isna() | (text.astype(object).fillna("").astype(str).str.strip() == "")


def _parse(
    table: pd.DataFrame,
    report: LoadReport,
    path: Path,
    strict: bool,
    date_format: str,
    outcome_values: Mapping[str, str] | None,
    skip_outcomes: Mapping[str, str] | None,
) -> pd.DataFrame:
    """Turn canonical text columns into typed ones; skip and count bad rows."""
    table = _skip_outcomes(table, report, skip_outcomes)
    outcome = _outcomes(table["outcome"], outcome_values)
    parsed = pd.DataFrame(index=table.index)
    parsed["outcome"] = outcome
    parsed["date"] = pd.to_datetime(
        table["date"].astype(object).astype(str).str.strip(), format=date_format, errors="coerce"
    )
    parsed["arrival"] = _clock_seconds(table["arrival"])
    parsed["wait"] = _number(table["wait"])
    parsed["priority"] = _optional_number(table, "priority", default=0.0)
    parsed["service"] = _optional_number(table, "service", default=np.nan)
    parsed["ser_start"] = _optional_number(table, "ser_start", default=np.nan)
    parsed["ser_exit"] = _optional_number(table, "ser_exit", default=np.nan)
    queued, queued_bad = _queued(table)
    parsed["queued"] = queued

    reasons = _row_reasons(table, parsed, queued_bad)
    for reason in LoadReport.REASONS:
        mask = reasons == reason
        if mask.any():
            first = int(table["line"][mask].iloc[0])
            _strict_fail(strict, path, first, LoadReport.REASONS[reason])
            report.skip(reason, table["line"][mask].tolist())
    keep = reasons.isna()
    return _assemble(table.loc[keep], parsed.loc[keep])


def _skip_outcomes(
    table: pd.DataFrame, report: LoadReport, skip_outcomes: Mapping[str, str] | None
) -> pd.DataFrame:
    """Count and drop rows whose outcome says the row is to be ignored (e.g. PHANTOM)."""
    words = table["outcome"].astype(object).fillna("").astype(str).str.strip().str.upper()
    drop = pd.Series(False, index=table.index)
    for word, reason in (skip_outcomes or {}).items():
        mask = words == word.upper()
        report.skip(reason, table["line"][mask].tolist())
        drop |= mask
    return table.loc[~drop]


def _outcomes(text: pd.Series, outcome_values: Mapping[str, str] | None) -> pd.Series:
    """Map outcome words to AGENT/HANG; None where unknown."""
    words = {k.upper(): v for k, v in {**_OUTCOME_WORDS, **(outcome_values or {})}.items()}
    upper = text.astype(object).fillna("").astype(str).str.strip().str.upper()
    return upper.map(words).astype(object).where(upper.isin(list(words)), None)


def _optional_number(table: pd.DataFrame, name: str, default: float) -> pd.Series:
    """Parse an optional numeric/time column; empty cells become ``default``."""
    if name not in table:
        return pd.Series(default, index=table.index, dtype=float)
    values = _number(table[name])
    return values.where(~_is_empty(table[name]), default)


def _queued(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Whether each call entered the queue, and where the ``queued`` cell is unparsable."""
    index = table.index
    if "queued" not in table:
        return pd.Series(False, index=index), pd.Series(False, index=index)
    text = table["queued"].astype(object).fillna("").astype(str).str.strip().str.lower()
    truthy = text.isin(["true", "yes", "y", "t"])
    falsy = text.isin(["false", "no", "n", "f", ""])
    as_time = _clock_seconds(text.where(~(truthy | falsy), "0"))
    queued = truthy | (as_time > 0)
    return queued, as_time.isna()


def _row_reasons(table: pd.DataFrame, parsed: pd.DataFrame, queued_bad: pd.Series) -> pd.Series:
    """The first reason each row must be skipped for (None when the row is fine)."""
    reasons = np.full(len(table), None, dtype=object)

    def mark(reason: str, mask: pd.Series) -> None:
        reasons[mask.to_numpy(dtype=bool) & (reasons == None)] = reason  # noqa: E711

    empty_required = pd.Series(False, index=table.index)
    for name in REQUIRED_COLUMNS:
        empty_required |= _is_empty(table[name])
    mark("missing_value", empty_required)
    mark("unknown_outcome", parsed["outcome"].isna())
    mark("bad_date", parsed["date"].isna())
    bad_time = ~_finite(parsed["arrival"]) | queued_bad
    for name in ("ser_start", "ser_exit"):
        if name in table:
            bad_time |= ~_finite(parsed[name]) & ~_is_empty(table[name])
    mark("bad_time", bad_time)
    priority = parsed["priority"]
    bad_priority = ~_finite(priority) | (priority.abs() >= _MAX_PRIORITY)
    bad_number = ~_finite(parsed["wait"]) | bad_priority | (priority % 1 != 0)
    if "service" in table:
        bad_number |= ~_finite(parsed["service"]) & ~_is_empty(table["service"])
    mark("bad_number", bad_number)
    mark("negative_duration", (parsed["wait"] < 0) | (parsed["service"] < 0))
    return pd.Series(reasons, index=table.index, dtype=object)


def _finite(values: pd.Series) -> pd.Series:
    """True where a parsed number is a finite number (not NaN, not ±inf)."""
    return pd.Series(np.isfinite(values.to_numpy(dtype=float)), index=values.index)


def _assemble(table: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    """Build the canonical calls table from the kept rows."""
    n = len(table)
    served = (parsed["outcome"] == "AGENT").to_numpy()
    arrival = parsed["arrival"].to_numpy(dtype=float)
    service, start, end = _service_times(parsed, served)
    return pd.DataFrame(
        {
            "call_id": _text(table, "call_id", table["line"].astype(str)),
            "customer_id": _text(table, "customer_id", pd.Series("0", index=table.index)),
            "priority": parsed["priority"].astype(int).to_numpy(),
            "type": _text(table, "type", pd.Series("all", index=table.index)),
            "date": [d.date() for d in parsed["date"]] if n else [],
            "arrival": arrival,
            "queued": (parsed["queued"] | (parsed["wait"] > 0)).to_numpy(dtype=bool),
            "wait": parsed["wait"].to_numpy(dtype=float),
            "outcome": parsed["outcome"].astype(str).to_numpy(),
            "service": service,
            "ser_start": _after(start, arrival),
            "ser_exit": _after(end, _after(start, arrival)),
            "server": _server(table, served),
            "line": table["line"].to_numpy(dtype=int),
            "outlier": _implausible(parsed["wait"].to_numpy(dtype=float), service),
        }
    )


def _implausible(wait: np.ndarray, service: np.ndarray) -> np.ndarray:
    """Rows whose wait or service is longer than :data:`MAX_DURATION`."""
    return (wait > MAX_DURATION) | (np.nan_to_num(service) > MAX_DURATION)


def _text(table: pd.DataFrame, name: str, default: pd.Series) -> np.ndarray:
    """A text column as strings, ``default`` where absent or empty."""
    if name not in table:
        return default.astype(str).to_numpy(dtype=object)
    text = table[name].astype(object).fillna("").astype(str)
    return text.where(text != "", default.astype(str)).to_numpy(dtype=object)


def _service_times(
    parsed: pd.DataFrame, served: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Service time, start and end; start/end NaN when there was no service.

    A ``0:00:00`` start *and* end with a zero service time is how the bank's log
    writes "no service"; a missing service time is taken from end − start.
    """
    service = parsed["service"].to_numpy(dtype=float).copy()
    start = parsed["ser_start"].to_numpy(dtype=float).copy()
    end = parsed["ser_exit"].to_numpy(dtype=float).copy()
    span = np.where(end < start - _HALF_DAY, end + DAY, end) - start
    service = np.where(np.isnan(service), span, service)
    no_times = (start == 0) & (end == 0) & ~(service > 0)
    start[no_times] = np.nan
    end[no_times] = np.nan
    unserved = ~served & ~(service > 0)
    start[unserved] = np.nan
    end[unserved] = np.nan
    service = np.where(np.isnan(service) & ~served, 0.0, service)
    return service, start, end


def _after(times: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Unwrap clock times that passed midnight: add a day when far before ``reference``."""
    return np.where(times < reference - _HALF_DAY, times + DAY, times)


def _server(table: pd.DataFrame, served: np.ndarray) -> np.ndarray:
    """Agent names; ``NO_SERVER`` where not served or unnamed."""
    if "server" not in table:
        return np.full(len(table), NO_SERVER, dtype=object)
    text = table["server"].astype(object).fillna("").astype(str).str.strip()
    return text.where(text != "", NO_SERVER).to_numpy(dtype=object)


# --------------------------------------------------------------------------- checks


def _check_skipped_fraction(report: LoadReport, max_fraction: float) -> None:
    """Raise when so many rows were skipped that the mapping is probably wrong."""
    if report.rows_read and report.total_skipped > max_fraction * report.rows_read:
        worst = max(report.skipped, key=lambda r: report.skipped[r])
        lines = ", ".join(str(n) for n in report.skipped_lines[worst][:5])
        raise LogFormatError(
            f"{report.path}: {report.total_skipped} of {report.rows_read} rows unusable; "
            f"mostly {worst} ({LoadReport.REASONS.get(worst, worst)}), e.g. line(s) {lines}"
        )


def _flag(calls: pd.DataFrame, report: LoadReport) -> None:
    """Count kept rows that look odd (see :attr:`LoadReport.FLAGS`)."""
    served = calls["outcome"] == "AGENT"
    hang = calls["outcome"] == "HANG"
    span = calls["ser_exit"] - calls["ser_start"]
    flags = {
        "unqueued_hang": hang & ~calls["queued"],
        "served_without_server": served & (calls["server"] == NO_SERVER),
        "served_without_service_times": served & calls["ser_start"].isna(),
        "hang_with_service": hang & (calls["service"] > 0),
        "crosses_midnight": (calls["ser_exit"] >= DAY) | (calls["ser_start"] >= DAY),
        "service_span_mismatch": (span - calls["service"]).abs() > 1,
        "implausible_duration": calls["outlier"],
    }
    report.flagged = {name: int(mask.sum()) for name, mask in flags.items() if mask.any()}
    report.flagged_lines = {
        name: calls.loc[flags[name], "line"].astype(int).tolist()
        for name in LoadReport.OUTLIER_FLAGS
        if flags[name].any()
    }
