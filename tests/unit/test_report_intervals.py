"""The run report's interval part: clipped CIs with their footnote, clock time, and the
agents on the floor named apart from staffing.csv's agents to roster (docs/report.md)."""

from __future__ import annotations

import re

import pandas as pd

from simcc.analysis import format as fmt
from simcc.analysis.interval_plots import ON_FLOOR, ROSTERED, interval_chart
from simcc.analysis.interval_report import interval_table_html


def table(**extra: list[float]) -> pd.DataFrame:
    """Two half-hour intervals of pool ``front`` whose Student-t intervals pass the limits:
    the service level above 100 % in the first, below 0 % in the second; busy below 0."""
    rows = {
        "pool": ["front", "front"],
        "interval": [0, 1],
        "start": [0.0, 1800.0],
        "end": [1800.0, 3600.0],
        "scheduled": [5.0, 0.0],
        "busy": [3.2, 0.1],
        "busy_ci_low": [2.5, -0.2],
        "busy_ci_high": [3.9, 0.4],
        "service_level": [0.912, 0.006],
        "service_level_ci_low": [0.84, -0.004],
        "service_level_ci_high": [1.04, 0.012],
        "n": [3, 3],
    }
    return pd.DataFrame(rows | extra)


def cells(text: str) -> list[list[str]]:
    """The table's body cells, row by row, without the miss mark."""
    rows = re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>")[-1], re.S)
    return [
        [c.replace(" <b>misses</b>", "") for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in rows
    ]


def test_the_interval_table_clips_the_bounds_and_says_so() -> None:
    text = interval_table_html(table(), 0.8, None)
    rows = cells(text)
    assert rows[0][-1] == "84.0% – 100.0%"  # not 104 %
    assert rows[1][-1] == "0.0% – 1.2%"  # not -0 %
    assert rows[1][4] == "0.0 – 0.4"  # agents busy: not below 0
    assert fmt.CLIPPED_NOTE in text


def test_an_interval_table_within_the_limits_has_no_clipping_note() -> None:
    inside = table(service_level_ci_high=[0.98, 0.012], service_level_ci_low=[0.84, 0.001])
    text = interval_table_html(inside.assign(busy_ci_low=[2.5, 0.0]), 0.8, None)
    assert fmt.CLIPPED_NOTE not in text


def test_the_interval_table_names_the_plan_on_the_floor_not_scheduled() -> None:
    header = interval_table_html(table(), 0.8, None).split("<tbody>")[0]
    assert "on floor (plan)" in header and "scheduled" not in header


def test_the_interval_chart_clips_its_bands_at_the_limits() -> None:
    _, level = interval_chart(table(), "front", target=0.8).axes
    band = level.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() <= 1.0 and band.min() >= 0.0


def test_the_interval_chart_runs_in_clock_time_when_the_opening_is_known() -> None:
    fig = interval_chart(table(), "front", target=0.8, opens_at="08:00")
    level = fig.axes[1]
    fig.canvas.draw()
    labels = [t.get_text() for t in level.get_xticklabels() if t.get_text()]
    assert level.get_xlabel() == "time of day"
    assert labels and all(label.startswith("0") and ":" in label for label in labels)
    assert "08:00" in labels or "09:00" in labels


def test_the_interval_chart_names_the_agents_to_roster_apart_from_those_on_the_floor() -> None:
    floor = interval_chart(table(), "front").axes[0]
    roster = interval_chart(table(shrinkage=[0.3, 0.3]), "front").axes[0]
    assert floor.get_legend().get_texts()[0].get_text() == ON_FLOOR
    assert roster.get_legend().get_texts()[0].get_text() == ROSTERED


def test_the_interval_table_writes_times_as_the_console_tables_do() -> None:
    clock = cells(interval_table_html(table(), 0.8, "08:00"))
    assert [row[0] for row in clock] == ["08:00–08:30", "08:30–09:00"]
    text = interval_table_html(table(start=[36000.0, 37800.0], end=[37800.0, 39600.0]), 0.8, None)
    assert [row[0] for row in cells(text)] == ["10:00–10:30", "10:30–11:00"]  # not 10 h–10.5 h
    assert "interval (since opening)" in text
