"""One bad row in a real day's log: skipped or left out, counted, named by line.

Each test writes a copy of one October day of the Anonymous Bank log (read
from ``../shared``) to ``tmp_path`` with one row damaged, and compares the fit
with the fit of the same copy without that row: a row that cannot be read,
and an outlier row the loader flags, must change no estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simcc.fit import fit_log, load_anonymous_bank, observed_metrics
from simcc.fit.logs import LogFormatError, load_csv

BANK_LOG = Path(__file__).resolve().parents[3] / "shared/data/anonymous-bank/october-1999.tsv"
DAY = "991005"


@pytest.fixture(scope="module")
def day_rows() -> tuple[list[str], list[list[str]]]:
    """Header and rows of one October day."""
    if not BANK_LOG.is_file():
        pytest.skip(f"Anonymous Bank log not found at {BANK_LOG} (shared data absent)")
    lines = BANK_LOG.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    date = header.index("date")
    rows = [r for r in (line.split("\t") for line in lines[1:]) if r[date : date + 1] == [DAY]]
    return header, rows


def write_copy(
    path: Path, header: list[str], rows: list[list[str]], damage: Callable[[list[str]], None]
) -> tuple[Path, Path, int]:
    """The day with one row damaged, the day without that row, and its file line."""
    target = next(i for i, r in enumerate(rows) if _served_after_queueing(header, r))
    damaged = [list(r) for r in rows]
    damage(damaged[target])
    with_row, without_row = path / "damaged.tsv", path / "without.tsv"
    _write(with_row, header, damaged)
    _write(without_row, header, rows[:target] + rows[target + 1 :])
    return with_row, without_row, target + 2  # the header is line 1


def _served_after_queueing(header: list[str], row: list[str]) -> bool:
    q_time, outcome = header.index("q_time"), header.index("outcome")
    return row[outcome] == "AGENT" and int(row[q_time]) > 30


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")


def _set(header: list[str], column: str, value: str) -> Callable[[list[str]], None]:
    def damage(row: list[str]) -> None:
        row[header.index(column)] = value

    return damage


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "abc", "1e999"])
def test_an_unreadable_wait_is_skipped_named_by_line_and_changes_no_estimate(
    tmp_path, day_rows, value
):
    header, rows = day_rows
    damaged, clean, line = write_copy(tmp_path, header, rows, _set(header, "q_time", value))
    load = load_anonymous_bank(damaged)
    assert load.report.skipped_lines["bad_number"] == [line]
    assert any(f"lines {line}" in text for text in load.report.explain())
    fitted = fit_log(load.calls, DAY)
    assert fitted.scenario == fit_log(load_anonymous_bank(clean).calls, DAY).scenario


def test_an_unreadable_wait_stops_a_strict_load_at_its_line(tmp_path, day_rows):
    header, rows = day_rows
    damaged, _, line = write_copy(tmp_path, header, rows, _set(header, "q_time", "inf"))
    with pytest.raises(LogFormatError, match=f"line {line}: a number"):
        load_anonymous_bank(damaged, strict=True)


def test_an_outlier_service_is_flagged_by_line_and_left_out_of_every_estimate(tmp_path, day_rows):
    header, rows = day_rows
    damage = _set(header, "ser_time", "99999999999")
    damaged, clean, line = write_copy(tmp_path, header, rows, damage)
    load = load_anonymous_bank(damaged)
    assert load.report.flagged["implausible_duration"] == 1
    assert load.report.flagged_lines["implausible_duration"] == [line]
    fitted = fit_log(load.calls, DAY)
    reference = fit_log(load_anonymous_bank(clean).calls, DAY)
    assert fitted.scenario == reference.scenario
    assert fitted.outliers == [line]
    assert any(f"lines {line}." in text for text in fitted.report())
    assert any(f"lines {line}." in text for text in fitted.comments)
    observed = observed_metrics(load.calls, DAY)
    assert observed == observed_metrics(load_anonymous_bank(clean).calls, DAY)


def test_an_outlier_wait_is_left_out_of_patience_and_the_observed_asa(tmp_path, day_rows):
    header, rows = day_rows
    damaged, clean, line = write_copy(tmp_path, header, rows, _set(header, "q_time", "90000"))
    calls = load_anonymous_bank(damaged).calls
    assert calls.loc[calls["line"] == line, "outlier"].item()
    clean_calls = load_anonymous_bank(clean).calls
    assert fit_log(calls, DAY).scenario == fit_log(clean_calls, DAY).scenario
    assert observed_metrics(calls, DAY)["asa"] == observed_metrics(clean_calls, DAY)["asa"]


def test_a_priority_that_is_no_integer_is_an_unreadable_number(tmp_path):
    priorities = ["1.5", "1e30", "1", "0", "2"]
    rows = [f"2024-01-02,9:00:{10 * k:02d},5,AGENT,{p}\n" for k, p in enumerate(priorities)]
    log = tmp_path / "calls.csv"
    log.write_text("day,at,wait,result,prio\n" + "".join(rows))
    mapping = {"date": "day", "arrival": "at", "wait": "wait", "outcome": "result",
               "priority": "prio"}  # fmt: skip
    load = load_csv(log, mapping)
    assert load.report.skipped_lines["bad_number"] == [2, 3]
    assert load.calls["priority"].tolist() == [1, 0, 2]
