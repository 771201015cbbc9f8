"""Metrics by group (MODEL.md §10): the same definitions over each group's contacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import simcc
from simcc.cli import app
from tests.process.test_escalation_crn import CENTRE

TWO_TYPES = {
    **CENTRE,
    "call_types": {
        **CENTRE["call_types"],
        "technical": {"arrivals": {"rate": "40/h"}, "path": ["front", "desk"]},
    },
}


def result() -> simcc.Result:
    return simcc.simulate(simcc.scenario_from_dict(TWO_TYPES), seed=11)


def test_groups_split_the_counts_of_the_whole_centre() -> None:
    r = result()
    whole = r.metrics()
    for by in ("call_type", "segment", "need"):
        groups = r.metrics(by=by)
        assert sum(g["offered"] for g in groups.values()) == whole["offered"], by
        assert sum(g["abandoned"] for g in groups.values()) == whole["abandoned"], by
        assert all(list(g) == list(whole) for g in groups.values())
    assert set(r.metrics(by="need")) == {"routine", "authority", "complaint", "(none)"}


def test_a_group_is_measured_as_a_centre_with_only_its_contacts() -> None:
    r = result()
    c = r.contacts[r.contacts.measured]
    billing = c[c.call_type == "billing"]
    got = r.metrics(by="call_type")["billing"]
    assert got["offered"] == len(billing)
    truly = billing[(billing.outcome == "resolved") & ~billing.false_resolution]
    assert got["resolution_time"] == pytest.approx((truly.end - truly.arrival).mean())


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="call_type, segment, need"):
        result().metrics(by="colour")


def test_replications_summarise_each_group_with_confidence_intervals() -> None:
    s = simcc.scenario_from_dict(TWO_TYPES)
    reps = simcc.replicate(s, 3, 5, jobs=1, by=["need"])
    summary = reps.summary_by("need")
    e = summary["authority"]["escalation_rate"]
    assert e.n == 3 and e.ci_low <= e.mean <= e.ci_high
    assert "by" in reps.to_json() and "authority" in reps.to_json()["by"]["need"]
    with pytest.raises(ValueError, match="segment"):
        reps.summary_by("segment")


def test_simcc_run_by_need_prints_a_table_per_need(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(json.dumps(TWO_TYPES))
    out = tmp_path / "out"
    got = CliRunner().invoke(
        app,
        ["run", str(path), "--replications", "2", "--by", "need", "--jobs", "1", "--out", str(out)],
    )
    assert got.exit_code == 0, got.output
    assert "by need" in got.output and "authority" in got.output
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["by"]["need"]) == {"routine", "authority", "complaint", "(none)"}
    bad = CliRunner().invoke(app, ["run", str(path), "--by", "colour"])
    assert bad.exit_code == 2 and "--by" in bad.output


def test_simcc_compare_by_need_shows_each_need_with_the_paired_difference(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(json.dumps(TWO_TYPES))
    args = ["compare", str(path), "--policy", "warm", "--policy", "cold", "--replications", "3"]
    got = CliRunner().invoke(app, [*args, "--jobs", "1", "--by", "need"])
    assert got.exit_code == 0, got.output
    part = got.output[got.output.index("by need") :]
    assert "authority" in part and "Time to escalation" in part and "(Δ" in part


def test_the_run_report_shows_the_groups_and_the_escalation_reasons(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(json.dumps(TWO_TYPES))
    out = tmp_path / "out"
    args = ["run", str(path), "--replications", "2", "--jobs", "1", "--by", "need"]
    got = CliRunner().invoke(app, [*args, "--out", str(out), "--report"])
    assert got.exit_code == 0, got.output
    html = (out / "report.html").read_text()
    assert '<section id="groups">' in html and "by need" in html
    assert 'alt="Escalation reasons"' in html


def test_reason_shares_split_each_pools_hand_ons_and_leave_peer_consults_out() -> None:
    import pandas as pd

    from simcc.analysis.plots import reason_shares

    t = pd.DataFrame(
        {
            "to_pool": ["desk", "desk", "boss", "front"],
            "reason": ["not_resolved", "need", "complaint", "not_resolved"],
            "policy": ["cold", "cold", "cold", "peer"],
        }
    )
    shares = reason_shares(t)
    assert shares.loc["desk"].to_dict() == {"not_resolved": 0.5, "need": 0.5, "complaint": 0.0}
    assert shares.loc["all", "complaint"] == pytest.approx(1 / 3)
    assert "front" not in shares.index


def test_simcc_run_shows_a_centre_of_several_channels_by_channel_unless_told(
    tmp_path: Path,
) -> None:
    several = tmp_path / "omni.yaml"
    several.write_text(
        json.dumps(
            {
                **TWO_TYPES,
                "call_types": {
                    **TWO_TYPES["call_types"],
                    "mail": {"channel": "email", "arrivals": {"rate": "20/h"}, "path": ["desk"]},
                },
            }
        )
    )
    one = tmp_path / "voice.yaml"
    one.write_text(json.dumps(TWO_TYPES))
    args = ["--replications", "2", "--jobs", "1"]
    assert "by channel" in CliRunner().invoke(app, ["run", str(several), *args]).output
    told = CliRunner().invoke(app, ["run", str(several), *args, "--by", "need"]).output
    assert "by need" in told and "by channel" not in told
    assert "by channel" not in CliRunner().invoke(app, ["run", str(one), *args]).output


def test_a_scenario_names_the_groups_its_contacts_can_fall_in() -> None:
    s = simcc.scenario_from_dict(TWO_TYPES)
    assert s.group_names("call_type") == list(TWO_TYPES["call_types"])
    assert s.group_names("need") == ["(none)", "routine", "authority", "complaint"]
    assert s.group_names("channel") == ["voice"]
    with pytest.raises(ValueError, match="colour"):
        s.group_names("colour")
