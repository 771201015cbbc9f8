"""The table of replications without pandas: the summary reads its columns, and
``replications.parquet`` is the file pandas would write of the same table."""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import simcc
from simcc.replications import MetricRows, Replications
from simcc.scenario import Scenario

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"


@pytest.fixture
def small() -> Scenario:
    return simcc.load_scenario(SMALL)


def test_metric_rows_make_the_frame_pandas_makes_of_the_same_rows() -> None:
    rows = [{"replication": 0, "a": 1.0}, {"replication": 1, "b": 2.0, "a": 3.0}]
    pd.testing.assert_frame_equal(MetricRows(rows).frame(), pd.DataFrame(rows))
    assert MetricRows(rows).column("b").tolist()[1] == 2.0
    assert math.isnan(MetricRows(rows).column("b")[0])


@pytest.mark.parametrize(
    "rows",
    [
        [{"replication": 0, "a": 1.0, "b.x": 2.5}, {"replication": 1, "a": 3.0, "b.x": -1.0}],
        [{"replication": 0, "a": math.nan, "b": 2.0}, {"replication": 1, "a": 1.0, "b": 3.0}],
        [{"replication": 0, "a": 1.0}, {"replication": 1, "b": 2.0}],  # a key missing
        [{"replication": 0, "a": 1}, {"replication": 1, "a": 2}],  # not floats
    ],
    ids=["floats", "a NaN", "a missing key", "integers"],
)
def test_the_replications_file_is_the_bytes_pandas_writes_of_the_table(
    small: Scenario, tmp_path: Path, rows: list[dict[str, float]]
) -> None:
    reps = Replications(small, 1, MetricRows(rows), 0.0)
    pq.write_table(reps.table_arrow(), tmp_path / "ours.parquet")
    pd.DataFrame(rows).to_parquet(tmp_path / "pandas.parquet", index=False)
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()


def test_replicate_summarises_from_the_columns_and_the_table_agrees(small: Scenario) -> None:
    reps = simcc.replicate(small, 4, jobs=1)
    names = reps.metric_names()
    columns = {name: reps.values(name).tolist() for name in names}  # before .table is built
    assert names == [c for c in reps.table.columns if c != "replication"]
    for name in names:
        assert columns[name] == pytest.approx(reps.table[name].tolist(), nan_ok=True, abs=0)
    assert reps.n == 4 and reps.requested == 4
    assert reps.totals is not None and list(reps.totals.index) == [0, 1, 2, 3]


def test_replications_summary_and_file_table_load_no_pandas() -> None:
    code = (
        "import sys, simcc\n"
        f"reps = simcc.replicate(simcc.load_scenario({str(SMALL)!r}), 3, jobs=1)\n"
        "reps.to_json(); reps.table_arrow()\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_replications_pickle_before_their_tables_are_built(small: Scenario) -> None:
    reps = simcc.replicate(small, 3, jobs=1)
    again = pickle.loads(pickle.dumps(reps))
    assert again.to_json() == reps.to_json()  # (NaN written as null)
    assert again.totals is not None and again.totals.equals(reps.totals)
