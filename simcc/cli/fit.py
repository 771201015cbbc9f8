"""``simcc fit LOG``: build a scenario from a contact centre's call log.

Reads an ACD log (the Anonymous Bank format, or any CSV with ``--map``),
says what it skipped and why, fits a scenario for the average of the chosen
days (see :mod:`simcc.fit`) and writes it, with comments saying where each
number came from. ``--check`` then simulates it and prints simulated against
observed abandonment rate, ASA and service level, and writes ``check.json``
beside the scenario; with ``--arrivals replay`` (one day) its callers arrive
at the log's own times (:mod:`simcc.fit.replay`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from simcc.cli import app
from simcc.cli.common import console, err, user_errors

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from simcc.fit.build import Fit
    from simcc.fit.logs import LogLoad
    from simcc.fit.options import FitOptions
    from simcc.fit.replay import Arrivals

FORMATS = ("anonymous-bank", "csv")
USAGE_ERROR = 2

DAYS_HELP = (
    "Days to average: YYMMDD (or YYYY-MM-DD), a range YYMMDD-YYMMDD, a weekday (sun…sat), "
    "'weekdays' (the bank's Sunday–Thursday), 'weekend' or 'all'. Repeat the option or give "
    "a comma list."
)
MAP_HELP = (
    "For --format csv: canonical=Column pairs, comma-separated, e.g. "
    "'date=Day,arrival=Start,wait=Queue,outcome=Result,service=Talk,server=Agent'. Required: "
    "date, arrival, wait, outcome; optional: call_id, customer_id, priority, type, queued, "
    "service, ser_start, ser_exit, server. Join columns with '&' (call_id=Line&Id)."
)


class FitInputError(ValueError):
    """Bad input to ``simcc fit`` (options, log, days): one message, exit code 2."""


@app.command()
def fit(
    log: Path = typer.Argument(..., help="The call log (TSV/CSV)."),
    out: Path = typer.Option(..., "--out", "-o", help="Scenario YAML file to write."),
    log_format: str = typer.Option(
        "anonymous-bank", "--format", "-f", help=f"Log format: {' or '.join(FORMATS)}."
    ),
    days: list[str] = typer.Option(["all"], "--days", "-d", help=DAYS_HELP),
    mapping: str | None = typer.Option(None, "--map", help=MAP_HELP),
    sep: str | None = typer.Option(
        None, "--sep", help="CSV field separator (default: tab for .tsv, else comma)."
    ),
    date_format: str = typer.Option(
        "%Y-%m-%d", "--date-format", help="strftime format of the CSV's date column."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Stop at the first malformed row instead of skipping it."
    ),
    pools: str | None = typer.Option(
        None,
        "--pools",
        help="'auto' (the default): a call type served by agents of its own gets its own "
        "pool; 'one': one pool for every agent and call type.",
    ),
    overflow: bool | None = typer.Option(
        None,
        "--overflow/--no-overflow",
        help="Let general agents take a call type with its own pool when they did so in "
        "the log (overflow routing, 'after' calibrated by simulation; on by default).",
    ),
    name: str | None = typer.Option(None, "--name", help="The scenario's name."),
    check: bool = typer.Option(
        False, "--check", help="Simulate the fitted scenario and compare with the log."
    ),
    replications: int = typer.Option(
        10, "--replications", "-n", min=1, help="Replications for --check."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed for --check."),
    arrivals: str = typer.Option(
        "fitted",
        "--arrivals",
        help="For --check: 'fitted' (the fit's Poisson rates) or 'replay' (each call at its "
        "own arrival time in the log, everything else as fitted; one day only).",
    ),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes."),
) -> None:
    """Fit a scenario to a call log: arrivals, handle times, patience, agents, segments."""
    from simcc.io import refuse_overwriting_inputs

    with user_errors():
        try:
            if out.is_dir():
                raise FitInputError(f"--out {out} is a directory; give the scenario file's name")
            refuse_overwriting_inputs(out.parent, [out.name, "check.json"], [log])
            loaded = _load(log, log_format, mapping, sep, date_format, strict)
            for line in loaded.report.explain():
                _say(line)
            chosen = _days(loaded.calls, days, log)
            _arrivals(arrivals, chosen, check)
            fitted = _fit(loaded.calls, chosen, name, log, _options(pools, overflow))
        except FitInputError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(USAGE_ERROR) from None
        _write(fitted, out)
        if check:
            _check(fitted, loaded.calls, out, replications, seed, jobs, arrivals)


def _write(fitted: Fit, out: Path) -> None:
    """Write the scenario (it must load) and say what was fitted."""
    from simcc.io import write_text

    text = fitted.to_yaml()
    _loadable(text, out)
    _parent(out)
    write_text(out, text)
    for line in fitted.report():
        _say(line)
    _say(f"wrote {out}")


def _check(
    fitted: Fit,
    calls: pd.DataFrame,
    out: Path,
    replications: int,
    seed: int | None,
    jobs: int | None,
    arrivals: str = "fitted",
) -> None:
    """Simulate the fit, print it beside the log and write ``check.json`` beside ``out``."""
    from simcc.fit.check import check_fit
    from simcc.io import write_json

    how = cast("Arrivals", arrivals)
    result = check_fit(fitted, calls, replications, seed, jobs=jobs, arrivals=how)
    for line in result.lines():
        _say(line)
    target = out.parent / "check.json"
    write_json(target, result.to_json())
    _say(f"wrote {target}")


def _say(line: str) -> None:
    """Print one line of the report on stdout, unwrapped."""
    console.print(line, markup=False, soft_wrap=True)


def _load(
    log: Path,
    log_format: str,
    mapping: str | None,
    sep: str | None,
    date_format: str,
    strict: bool = False,
) -> LogLoad:
    """Read the log in its format; every problem becomes a :class:`FitInputError`."""
    from simcc.fit.logs import LogFormatError, load_anonymous_bank, load_csv

    if log_format not in FORMATS:
        raise FitInputError(f"--format: expected one of {', '.join(FORMATS)}, got {log_format!r}")
    if log_format == "anonymous-bank" and mapping is not None:
        raise FitInputError("--map is for --format csv (the anonymous-bank columns are known)")
    if log_format == "csv" and mapping is None:
        raise FitInputError("--format csv needs --map (which column holds what)")
    try:
        if log_format == "anonymous-bank":
            return load_anonymous_bank(log, strict=strict)
        assert mapping is not None
        return load_csv(
            log, parse_mapping(mapping), sep=sep, date_format=date_format, strict=strict
        )
    except LogFormatError as exc:
        raise FitInputError(str(exc)) from None
    except ValueError as exc:  # a mapping naming unknown canonical columns
        raise FitInputError(f"--map: {exc}") from None


def parse_mapping(text: str) -> dict[str, str | tuple[str, ...]]:
    """``"date=Day,arrival=Start,call_id=Line&Id"`` → the mapping :func:`load_csv` takes."""
    mapping: dict[str, str | tuple[str, ...]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key or not value:
            raise FitInputError(f"--map: expected canonical=Column, got {item!r}")
        if key in mapping:
            raise FitInputError(f"--map: {key!r} is mapped twice")
        columns = tuple(c.strip() for c in value.split("&"))
        mapping[key] = columns[0] if len(columns) == 1 else columns
    return mapping


def _days(calls: pd.DataFrame, days: list[str], log: Path) -> list[dt.date]:
    """The chosen dates of the log; unknown specs and empty choices are input errors."""
    from simcc.fit.estimate import select_days

    items = [item for spec in days for item in spec.split(",") if item.strip()]
    try:
        chosen = select_days(calls, items or ["all"])
    except ValueError as exc:
        raise FitInputError(f"--days: {exc}") from None
    if not chosen:
        present = sorted(set(calls["date"]))
        span = f"{present[0]:%y%m%d}–{present[-1]:%y%m%d}" if present else "no dates"
        raise FitInputError(
            f"--days {','.join(items)}: no calls in {log} on those days (the log covers {span})"
        )
    return chosen


def _arrivals(arrivals: str, chosen: list[dt.date], check: bool) -> None:
    """``--arrivals`` is a known value, and ``replay`` is of one day, for ``--check``."""
    from simcc.fit.replay import ARRIVALS

    if arrivals not in ARRIVALS:
        raise FitInputError(f"--arrivals {arrivals}: expected one of {', '.join(ARRIVALS)}")
    if arrivals != "fitted" and not check:
        raise FitInputError(
            f"--arrivals {arrivals} says how --check simulates the fit (the fitted file is "
            "the same either way): add --check"
        )
    if arrivals == "replay" and len(chosen) != 1:
        raise FitInputError(
            f"--arrivals replay replays one day's calls; --days chose {len(chosen)} days "
            "(give one, e.g. --days 991005)"
        )


def _options(pools: str | None, overflow: bool | None) -> FitOptions:
    """The fit's options: the defaults, with what the command line changed."""
    from simcc.fit.options import FitOptions

    changes: dict[str, object] = {}
    if pools is not None:
        changes["pools"] = pools
    if overflow is not None:
        changes["overflow"] = "auto" if overflow else "off"
    try:
        return FitOptions(**changes)  # type: ignore[arg-type]
    except ValueError as exc:  # "pools: expected one of auto, one, got 'two'"
        raise FitInputError(f"--{exc}") from None


def _fit(
    calls: pd.DataFrame, chosen: list[dt.date], name: str | None, log: Path, options: FitOptions
) -> Fit:
    """Fit the scenario; data that cannot make one (e.g. no served call) is an input error.

    Only :class:`~simcc.fit.logs.UnfittableLog` is the user's: any other error is
    the fit's own and is not dressed up as bad input.
    """
    from simcc.fit.build import fit_log
    from simcc.fit.logs import UnfittableLog

    try:
        return fit_log(calls, chosen, options, name=name, source=log.name)
    except UnfittableLog as exc:
        raise FitInputError(f"{log}: cannot fit a scenario: {exc}") from None


def _loadable(text: str, out: Path) -> None:
    """A fitted scenario that does not load is a bug of ``simcc fit``, not bad input."""
    from simcc.scenario import ScenarioError, loads_scenario

    try:
        loads_scenario(text, source=out)
    except ScenarioError as exc:
        raise RuntimeError(f"the fitted scenario does not load: {exc}") from None


def _parent(out: Path) -> None:
    """Create the output's directory if needed (errors become the usual output error)."""
    from simcc.io import OutputError

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out.parent}: {exc.strerror}") from None
