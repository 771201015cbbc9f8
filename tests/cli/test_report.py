"""``simcc report``: one self-contained HTML page from run, compare and sweep outputs.

Small scenarios are run through the real commands (``simcc run/compare/sweep
--out``), then ``simcc report`` reads each directory.  The page must need
nothing from outside (no http(s) URL, every image a ``data:`` URI that
decodes), carry the expected sections, and read a comparison in words.
Headless Chromium (Debian's ``chromium``) opens the pages and takes
screenshots, kept in tests/artifacts/.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg
from typer.testing import CliRunner

from simcc.analysis.report import build_report, verdict
from simcc.analysis.stats import Estimate
from simcc.cli import app

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

SMALL = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()

runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What run, compare and sweep wrote, each with its report built by ``simcc report``."""
    root = tmp_path_factory.mktemp("report")
    scenario = root / "small.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    dirs = {kind: root / kind for kind in ("run", "compare", "sweep")}
    invoke("run", scenario, "-n", "2", "--jobs", "1", "--out", dirs["run"])
    invoke(
        "compare", scenario, "-p", "cold", "-p", "warm", "-n", "3", "-j", "1",
        "--out", dirs["compare"],
    )  # fmt: skip
    invoke(
        "sweep", scenario, "--set", "pools.desk.agents=1..3", "--set", "transfer.policy=cold,warm",
        "-n", "2", "-j", "1", "--out", dirs["sweep"],
    )  # fmt: skip
    invoke("report", dirs["run"], "--scenario", scenario)
    invoke("report", dirs["compare"])
    invoke("report", dirs["sweep"])
    return dirs | {"scenario": scenario}


def page(outputs: dict[str, Path], kind: str) -> str:
    return (outputs[kind] / "report.html").read_text(encoding="utf-8")


def images(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", html)


@pytest.mark.parametrize("kind", ["run", "compare", "sweep"])
def test_report_is_self_contained(outputs: dict[str, Path], kind: str) -> None:
    html = page(outputs, kind)
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<(script|link|iframe)\b", html, re.I)
    assert "@import" not in html
    srcs = images(html)
    assert srcs, "no figure in the report"
    for src in srcs:
        assert src.startswith("data:image/png;base64,")
        png = mpimg.imread(io.BytesIO(base64.b64decode(src.split(",", 1)[1])), format="png")
        assert png.shape[0] > 100 and png.shape[1] > 100
        assert distinct_colours(png) > 10


def distinct_colours(pixels: np.ndarray) -> int:
    """How many different RGB colours an image (floats in [0, 1]) has."""
    rgb = (pixels[..., :3] * 255).round().astype(np.uint32).reshape(-1, 3)
    return len(np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]))


def sections(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z]+)">', html)


def test_run_report_has_scenario_metrics_and_record_plots(outputs: dict[str, Path]) -> None:
    html = page(outputs, "run")
    assert sections(html) == ["scenario", "metrics", "plots", "intervals"]
    assert "Small centre" in html and "transfer policy" in html
    assert "abandonment_rate" in html and "95 % CI" in html
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert alts == [
        "Waiting-time distributions",
        "Queues and busy agents over the day",
        "Agent time by activity",
        "Escalation reasons",
        "front: agents and service level per interval",
        "desk: agents and service level per interval",
    ]
    assert "scenario file was not found" not in html


def test_run_report_without_the_scenario_says_what_is_missing(
    outputs: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "run"
    shutil.copytree(outputs["run"], copy)
    (copy / "scenario.yaml").unlink()  # `run --out` keeps it; a report must cope without
    build_report(copy)
    html = (copy / "report.html").read_text(encoding="utf-8")
    assert "scenario file was not found" in html
    assert len(images(html)) == 4  # the record plots, the escalation reasons included


def test_run_report_of_a_run_stopped_early_says_so_and_how_many_were_asked_for(
    outputs: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "run"
    shutil.copytree(outputs["run"], copy)
    (copy / "manifest.json").unlink()  # read as written by hand: the summary is edited
    summary = json.loads((copy / "summary.json").read_text())
    summary["replications_requested"] = 5
    summary["stopped_early"] = ["interrupted after 2 of 5 replication(s)"]
    (copy / "summary.json").write_text(json.dumps(summary))
    build_report(copy)
    html = (copy / "report.html").read_text(encoding="utf-8")
    assert "2 of 5 replication(s)" in html
    assert "Stopped early:</strong> interrupted after 2 of 5 replication(s)." in html


def test_compare_report_reads_each_headline_metric_in_words(outputs: dict[str, Path]) -> None:
    html = page(outputs, "compare")
    assert sections(html) == ["scenario", "bottom", "why", "verdict", "plots", "metrics"]
    assert "simcc comparison: cold vs warm" in html
    verdicts = re.findall(r'<li class="(\w+)">([^<]*)</li>', section(html, "verdict"))
    assert len(verdicts) >= 15
    for tone, text in verdicts:
        assert "95 % CI" in text or text.endswith("(the same in every replication)")
        assert tone in {"better", "worse", "neutral", "unclear", "same"}
        assert text.startswith(("warm raises", "warm lowers", "no clear difference", "no diff"))
    assert any("abandonment" in text for _, text in verdicts)
    assert "warm − cold" in html
    assert alts(html) == ["Staffed time per pool", "Policy comparison"]


def alts(html: str) -> list[str]:
    return re.findall(r'<img [^>]*alt="([^"]*)"', html)


def section(html: str, ident: str) -> str:
    match = re.search(rf'<section id="{ident}">(.*?)</section>', html, re.S)
    assert match, f"no section {ident}"
    return match.group(1)


def test_compare_report_gives_the_bottom_line_and_why(outputs: dict[str, Path]) -> None:
    html = page(outputs, "compare")
    bottom = section(html, "bottom")
    assert re.search(r'<p class="bottom">(warm beats cold|cold beats warm|Neither wins|No clear)',
                     bottom)  # fmt: skip
    assert "service-level target of 80.0%" in bottom  # sla.answer.target of the file
    why = section(html, "why")
    assert re.search(r'<p class="why">(Under warm|No share)', why)
    for pool in ("front", "desk"):
        assert f'<td class="name">{pool}</td>' in why
    assert "Contacts escalated (share of answered contacts): cold " in why


def test_report_scenario_block_states_the_replications_the_run_used(
    outputs: dict[str, Path],
) -> None:
    assert "\nreplications: 3\n" in SMALL  # the file's; `run -n 2` used 2
    block = section(page(outputs, "run"), "scenario")
    assert "2 replication(s)" in block and "3 replication(s)" not in block


def test_report_tables_mark_significance_and_footnote_it(outputs: dict[str, Path]) -> None:
    metrics = section(page(outputs, "compare"), "metrics")
    assert "the 95% CI of the paired difference excludes zero" in metrics
    labels = re.findall(r"<code>(\w+)</code>", metrics)
    shares = [i for i, m in enumerate(labels) if m.startswith("transfer_time_share_")]
    assert labels[shares[0] - 1] == "escalation_rate"  # shown next to the consult time
    assert "Front time in consult/conference" in metrics


def test_sweep_report_says_where_the_policies_cross(outputs: dict[str, Path]) -> None:
    html = page(outputs, "sweep")
    assert sections(html) == ["scenario", "verdict", "plots", "metrics"]
    assert "Who wins, and where the policies cross" in html
    assert "pools.desk.agents" in html and "transfer.policy" in html
    assert re.search(r"(cross at pools\.desk\.agents = |no crossing in the range)", html)
    assert len(images(html)) == 6
    assert "Abandonment (all) against staffing" in alts(html)


def test_report_of_a_directory_without_outputs_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no simcc output" in result.output
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2


# ============================================================================ verdict words


def diff(mean: float, low: float, high: float, n: int = 10) -> Estimate:
    return Estimate(mean, math.nan, low, high, n)


def test_verdict_direction_words_follow_the_metric() -> None:
    lower = verdict("abandonment_rate", "warm", "cold", diff(-0.021, -0.026, -0.016))
    assert lower.text == (
        "warm lowers abandonment by 2.1 points (95 % CI 1.6 to 2.6 points) — better"
    )
    assert lower.tone == "better"
    fcr = verdict("fcr", "warm", "cold", diff(-0.045, -0.06, -0.03))
    assert fcr.text.startswith("warm lowers first-contact resolution (FCR) by 4.5 points")
    assert fcr.tone == "worse"
    asa = verdict("asa", "warm", "cold", diff(7.2, 5.0, 9.4))
    assert asa.text == "warm raises ASA by 7.2 s (95 % CI 5.0 to 9.4 s) — worse"
    occupancy = verdict("occupancy_front", "warm", "cold", diff(0.03, 0.02, 0.04))
    assert occupancy.tone == "neutral" and "occupancy of front" in occupancy.text


def test_verdict_says_no_clear_difference_when_the_interval_holds_zero() -> None:
    v = verdict("asa", "warm", "cold", diff(0.5, -3.2, 4.1))
    assert v.text == "no clear difference in ASA between warm and cold (95 % CI −3.2 to +4.1 s)"
    assert v.tone == "unclear"
    one = verdict("asa", "warm", "cold", diff(0.5, math.nan, math.nan, n=1))
    assert "one replication" in one.text


# ============================================================================ headless Chromium


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html: Path, png: Path, profile: Path) -> None:
    """Render ``html`` in headless Chromium, offline, into ``png`` (1280 × 4000)."""
    browser = chromium()
    assert browser is not None
    subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,4000",
            html.resolve().as_uri(),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


def near(pixels: np.ndarray, colour: str, tolerance: float = 8 / 255) -> int:
    """How many pixels are within ``tolerance`` of a ``#rrggbb`` colour."""
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(pixels[..., :3] - rgb) <= tolerance).all(axis=-1).sum())


@pytest.mark.skipif(
    chromium() is None,
    reason="headless Chromium is not installed (Debian: apt-get install -y chromium)",
)
@pytest.mark.parametrize(("kind", "name"), [("compare", "report.png"), ("run", "report-run.png")])
def test_report_renders_in_headless_chromium(
    outputs: dict[str, Path], tmp_path: Path, kind: str, name: str
) -> None:
    png = tmp_path / name
    screenshot(outputs[kind] / "report.html", png, tmp_path / "profile")
    assert png.is_file() and png.stat().st_size > 10_000
    pixels = mpimg.imread(png)
    assert pixels.shape[:2] == (4000, 1280)
    assert distinct_colours(pixels) > 500, "the page looks blank"
    # the policies' colours exist only inside the figures: the images loaded and show
    assert near(pixels, "#1f77b4") > 2_000 if kind == "compare" else True
    assert near(pixels, "#d62728") > 2_000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / name)


def test_report_tables_name_a_sub_metric_in_full(outputs: dict[str, Path]) -> None:
    metrics = section(page(outputs, "run"), "metrics")
    assert "Resolution time after escalation<br><code>resolution_time_after_escalation" in metrics
    assert "Abandonment in first queue<br><code>abandonment_queue_rate" in metrics
