"""Every bad input gets one clear message and exit code 2, never a traceback.

Each case edits a small valid scenario (``BASE``, whose line numbers the
cases rely on) or writes a broken file, runs ``simcc validate`` and ``simcc
run`` on it and checks the message names the file, the line where there is
one, the YAML path and what was expected.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app
from tests.cli.located import assert_refused

BASE = """\
name: probe
horizon: 2h
call_types:
  billing:
    arrivals: {rate: 60/h}
    path: [front, desk]
pools:
  front:
    agents: 5
    handle_time: {dist: exponential, mean: 4m}
    resolve: 0.8
  desk:
    tier: 2
    agents: 2
    handle_time: {dist: exponential, mean: 6m}
transfer:
  policy: warm
  warm: {max_consult_wait: 2m}
"""


def edit(old: str, new: str) -> str:
    """BASE with one exact piece of text replaced (the piece must be there once)."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


HANDLE = "handle_time: {dist: exponential, mean: 4m}"

# id -> (file text, line or None, fragments the message must contain)
CASES: dict[str, tuple[str, int | None, list[str]]] = {
    "yaml syntax": ("horizon: 2h\ncall_types: {a: [\n", 3, ["YAML syntax error", ":3:1:"]),
    "yaml bad indent": (
        edit("    agents: 5\n", "    agents: 5\n  bad: : x\n"),
        None,
        ["YAML syntax error"],
    ),
    "tab indent": ("horizon: 2h\n\tpools: 1\n", 2, ["YAML syntax error", "tabs"]),
    "python tag": ("horizon: !!python/object:os.system x\n", 1, ["not allowed in a scenario"]),
    "duplicate key": (
        edit("name: probe\n", "name: probe\nhorizon: 3h\n"),
        3,
        ["horizon", "key given twice (first on line 2)"],
    ),
    "empty file": ("", None, ["the file is empty", "horizon, call_types and pools"]),
    "only comments": ("# nothing yet\n", None, ["the file is empty"]),
    "not a mapping (list)": ("- a\n- b\n", None, ["expected a mapping of keys", "got a list"]),
    "not a mapping (text)": ("hello\n", None, ["expected a mapping of keys", "got text 'hello'"]),
    "unknown key in pool": (
        edit("    agents: 5\n", "    agnets: 5\n"),
        9,
        ["pools.front.agnets", "unknown key 'agnets'", "did you mean 'agents'?"],
    ),
    "unknown key in warm": (
        edit("max_consult_wait: 2m", "max_consult_wiat: 2m"),
        18,
        ["transfer.warm.max_consult_wiat", "did you mean 'max_consult_wait'?"],
    ),
    "unknown key at the top": (
        edit("name: probe\n", "name: probe\nhorizn: 2h\n"),
        2,
        ["horizn", "did you mean 'horizon'?"],
    ),
    "unknown key far from any": (
        edit("    tier: 2\n", "    tier: 2\n    zzzz: 1\n"),
        14,
        ["pools.desk.zzzz", "expected one of: tier, agents"],
    ),
    "missing required key": (
        edit("    " + HANDLE + "\n    resolve", "    resolve"),
        8,
        ["pools.front", "required key `handle_time` is missing"],
    ),
    "missing horizon": (edit("horizon: 2h\n", ""), None, ["required key `horizon` is missing"]),
    "agents not a number": (
        edit("agents: 5", "agents: many"),
        9,
        ["pools.front.agents", "expected a whole number of agents", "got 'many'"],
    ),
    "agents fractional": (edit("agents: 5", "agents: 2.5"), 9, ["whole number", "got 2.5"]),
    "agents negative": (edit("agents: 5", "agents: -3"), 9, ["must be ≥ 0, got -3"]),
    "agents absurd": (edit("agents: 5", "agents: 1000000000"), 9, ["must be ≤ 100000"]),
    "wrong type for a number": (
        edit("    tier: 2\n", "    tier: two\n"),
        13,
        ["pools.desk.tier", "expected a whole number, got two"],
    ),
    "rate negative": (
        edit("rate: 60/h", "rate: -5"),
        5,
        ["call_types.billing.arrivals.rate", "must be > 0, got -5"],
    ),
    "rate zero": (edit("rate: 60/h", "rate: 0/h"), 5, ["must be > 0, got 0/h"]),
    "rate unreadable": (edit("rate: 60/h", "rate: fast"), 5, ["expected a rate such as"]),
    "rates empty": (
        edit("{rate: 60/h}", "{interval: 30m, rates: []}"),
        5,
        ["call_types.billing.arrivals", "at least one rate"],
    ),
    "rates all zero": (
        edit("{rate: 60/h}", "{interval: 30m, rates: [0, 0]}"),
        5,
        ["never arrives"],
    ),
    "profile interval does not divide horizon": (
        edit("{rate: 60/h}", "{interval: 50m, rates: [60, 90]}"),
        5,
        ["call_types.billing.arrivals.interval", "50m does not divide the horizon (2h)"],
    ),
    "profile interval zero": (
        edit("{rate: 60/h}", "{interval: 0, rates: [60]}"),
        5,
        ["arrivals.interval", "must be > 0, got 0"],
    ),
    "shift interval does not divide horizon": (
        edit("agents: 5", "agents: {interval: 50m, counts: [1, 2]}"),
        9,
        ["pools.front.agents.interval", "does not divide the horizon"],
    ),
    "horizon zero": (edit("horizon: 2h", "horizon: 0"), 2, ["horizon: must be > 0, got 0"]),
    "horizon negative": (edit("horizon: 2h", "horizon: -2h"), 2, ["must be > 0, got -2h"]),
    "horizon infinite": (edit("horizon: 2h", "horizon: inf"), 2, ["must be finite"]),
    "horizon not a duration": (
        edit("horizon: 2h", "horizon: 2 hourz"),
        2,
        ["expected a duration such as 90, '90s', '5m'"],
    ),
    "warmup past the horizon": (
        edit("horizon: 2h\n", "horizon: 2h\nwarmup: 3h\n"),
        3,
        ["warmup: 3h must be shorter than the horizon (2h)"],
    ),
    "duration negative": (
        edit("max_consult_wait: 2m", "max_consult_wait: -2m"),
        18,
        ["transfer.warm.max_consult_wait", "must be ≥ 0, got -2m"],
    ),
    "distribution mean zero": (
        edit(HANDLE, "handle_time: {dist: exponential, mean: 0}"),
        10,
        ["pools.front.handle_time.mean", "must be > 0, got 0"],
    ),
    "distribution mean negative": (
        edit(HANDLE, "handle_time: {dist: exponential, mean: -4m}"),
        10,
        ["must be > 0, got -4m"],
    ),
    "lognormal cv zero": (
        edit(HANDLE, "handle_time: {dist: lognormal, mean: 4m, cv: 0}"),
        10,
        ["pools.front.handle_time.cv", "must be > 0, got 0"],
    ),
    "uniform high below low": (
        edit(HANDLE, "handle_time: {dist: uniform, low: 4m, high: 2m}"),
        10,
        ["uniform needs high > low, got low 4m and high 2m"],
    ),
    "triangular mode outside": (
        edit(HANDLE, "handle_time: {dist: triangular, low: 1m, mode: 9m, high: 5m}"),
        10,
        ["triangular needs low ≤ mode ≤ high"],
    ),
    "erlang k below one": (
        edit(HANDLE, "handle_time: {dist: erlang, mean: 4m, k: 0}"),
        10,
        ["pools.front.handle_time.k", "must be ≥ 1, got 0"],
    ),
    "empirical empty": (
        edit(HANDLE, "handle_time: {dist: empirical, values: []}"),
        10,
        ["empirical needs a non-empty list"],
    ),
    "empirical negative": (
        edit(HANDLE, "handle_time: {dist: empirical, values: [60, -2]}"),
        10,
        ["empirical values must be finite durations ≥ 0, got -2s"],
    ),
    "empirical file missing": (
        edit(HANDLE, "handle_time: {dist: empirical, file: nope.txt}"),
        10,
        ["cannot read empirical file", "nope.txt"],
    ),
    "distribution unknown": (
        edit(HANDLE, "handle_time: {dist: exponental, mean: 4m}"),
        10,
        ["unknown distribution 'exponental'; did you mean 'exponential'?"],
    ),
    "distribution without dist": (
        edit(HANDLE, "handle_time: {mean: 4m}"),
        10,
        ["a distribution needs `dist:`"],
    ),
    "distribution unknown parameter": (
        edit(HANDLE, "handle_time: {dist: exponential, mean: 4m, cv: 1}"),
        10,
        ["pools.front.handle_time.cv", "unknown key 'cv'", "expected one of: dist, mean"],
    ),
    "distribution infinite mean": (
        edit(HANDLE, "handle_time: {dist: gamma, mean: inf, cv: 1}"),
        10,
        ["must be a finite number"],
    ),
    "handle time never ends": (
        edit(HANDLE, "handle_time: inf"),
        10,
        ["pools.front.handle_time: must be a finite duration, got inf"],
    ),
    "probability above one": (
        edit("resolve: 0.8", "resolve: 1.5"),
        11,
        ["pools.front.resolve", "must be a probability between 0 and 1, got 1.5"],
    ),
    "probability negative": (edit("resolve: 0.8", "resolve: -0.1"), 11, ["must be ≥ 0"]),
    "segment shares": (
        BASE + "segments:\n  standard: {share: 0.5}\n  vip: {share: 0.3}\n",
        19,
        ["segments: shares must sum to 1, got 0.8 (standard 0.5, vip 0.3)"],
    ),
    "path names unknown pool": (
        edit("path: [front, desk]", "path: [front, dsek]"),
        6,
        ["call_types.billing.path", "unknown pool 'dsek'; did you mean 'desk'?"],
    ),
    "no pool takes the call type": (
        edit("    resolve: 0.8\n", "    resolve: 0.8\n    skills: [billing_x]\n"),
        4,
        ["call_types.billing: no pool can take it"],
    ),
    "cycle in the escalation path": (
        edit("path: [front, desk]", "path: [front, desk, front]"),
        6,
        ["pool 'front' appears twice", "may not loop back", "front → desk → front"],
    ),
    "policy unknown": (
        edit("policy: warm", "policy: wram"),
        17,
        ["transfer.policy", "got wram; did you mean 'warm'?"],
    ),
    "rules without rules": (edit("policy: warm", "policy: rules"), 16, ["non-empty `rules`"]),
    "call types not a mapping": (
        "horizon: 2h\ncall_types: [billing]\npools: {a: {agents: 1, handle_time: 1m}}\n",
        2,
        ["call_types: expected a mapping"],
    ),
    "pool left empty": (
        edit(
            "  desk:\n    tier: 2\n    agents: 2\n    handle_time: {dist: exponential, mean: 6m}\n",
            "  desk:\n",
        ),
        12,
        ["pools.desk: expected a mapping of keys such as tier, agents", "got nothing (null)"],
    ),
    "recontact outcome misspelt": (
        BASE + "customers:\n  recontact: {probability: {abandonned: 0.3}}\n",
        20,
        ["got 'abandonned'; did you mean 'abandoned'?"],
    ),
    "name not text": (
        edit("name: probe", "name: [probe]"),
        1,
        ["name: expected text"],
    ),
    "sla names unknown pool": (
        BASE + "sla:\n  escalation: {dsek: 30m}\n",
        20,
        ["sla.escalation.dsek: unknown pool; did you mean 'desk'?"],
    ),
    "alias bomb": (
        "a: &a [1,2,3,4,5,6,7,8,9]\n"
        + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
            for p, n in zip("abcdef", "bcdefg", strict=True)
        ),
        None,
        ["expands to", "YAML aliases"],
    ),
    "nested too deeply": ("a: " + "[" * 2000 + "]" * 2000 + "\n", None, ["nested too deeply"]),
    "not YAML text": ("horizon: 2h\x00\n", None, ["not allowed in YAML"]),
}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_scenario_gets_one_clear_message_and_exit_code_2(case: str, tmp_path: Path) -> None:
    text, line, fragments = CASES[case]
    assert_refused(text, tmp_path, fragments, line)


@pytest.mark.parametrize(
    "case", ["unknown key in pool", "segment shares", "yaml syntax", "empty file"]
)
def test_run_gives_the_same_message(case: str, tmp_path: Path, runner: CliRunner) -> None:
    text, _, fragments = CASES[case]
    path = tmp_path / "centre.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def test_several_problems_are_listed_each_on_its_own_line(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(edit("agents: 5", "agnets: 5").replace("rate: 60/h", "rate: -1"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == f"error: {path}: 2 problems"
    assert any(f"{path}:5: call_types.billing.arrivals.rate" in x for x in lines)
    assert any(f"{path}:9: pools.front.agnets" in x for x in lines)
    # the missing `agents` is not reported separately: the misspelling explains it
    assert not any("required key `agents`" in x for x in lines)


def test_missing_file(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.yaml'}: no such file" in result.output


def test_directory(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["run", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory, expected a YAML scenario file" in result.output


def test_file_too_large(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * 600_000)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "file too large (6.0 MB" in result.output


def test_not_utf8(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\u00e9\nhorizon: 2h\n".encode("latin-1"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "not a UTF-8 text file (byte 10" in result.output


def test_unreadable_file(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "sub"
    path.write_text("x")
    result = runner.invoke(app, ["validate", str(path / "centre.yaml")])
    assert result.exit_code == 2
    assert "cannot read: Not a directory" in result.output


def test_validate_checks_every_file(tmp_path: Path, runner: CliRunner) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(BASE)
    bad.write_text(edit("agents: 5", "agents: -1"))
    result = runner.invoke(app, ["validate", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"ok: {good}" in result.output
    assert f"error: {bad}:9: pools.front.agents" in result.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--policy", "lukewarm"], "--policy: expected one of cold, warm"),
        (["--policy", "wram"], "did you mean 'warm'?"),
        (["-n", "0"], "Invalid value"),
        (["--wall-clock", "0"], "--wall-clock"),
        (["--max-contacts", "-5"], "Invalid value"),
    ],
)
def test_bad_options(args: list[str], fragment: str, tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(BASE)
    result = runner.invoke(app, ["run", str(path), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert fragment in result.output


def test_installed_console_script_prints_no_traceback(tmp_path: Path) -> None:
    """The real ``simcc`` executable, as a user runs it: message on stderr, exit code 2."""
    path = tmp_path / "centre.yaml"
    path.write_text(edit("agents: 5", "agnets: 5"))
    script = Path(sys.executable).with_name("simcc")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "simcc.cli"]
    done = subprocess.run(
        [*command, "run", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "60"},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == ""
    # one line, not wrapped at the terminal width
    assert done.stderr.splitlines()[0] == (
        f"error: {path}:9: pools.front.agnets: unknown key 'agnets'; did you mean 'agents'?"
    )
