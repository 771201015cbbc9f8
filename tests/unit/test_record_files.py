"""Records streamed to Parquet as replications finish: in replication order whatever the
order they finish in, the same rows as the records kept in memory, and nothing left under
a final name by a run that fails or is killed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import simcc
from simcc import io
from simcc.cli import app
from simcc.record_files import RECORD_TABLES, RecordFiles, arrow_records
from simcc.runner import names_of

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"

runner = CliRunner()


@pytest.fixture(scope="module")
def tables() -> list[dict[str, object]]:
    """Arrow records of replications 0, 1 and 2 of the small centre."""
    scenario = simcc.load_scenario(SMALL)
    return [arrow_records(simcc.simulate(scenario, replication=i)) for i in range(3)]


NAMES = names_of(simcc.load_scenario(SMALL))


@pytest.mark.parametrize(
    ("texts", "order"),
    [
        ([], None),
        (["front"], None),
        (["front", "front>desk", "front", "", "accueil>équipe"], None),
        (["front", "front>desk", "front", "", "accueil>équipe"], [4, 0, 3, 1, 2]),
    ],
    ids=["none", "one", "repeated", "reordered"],
)
def test_a_repeated_text_column_is_the_rows_text_in_their_order(
    texts: list[str], order: list[int] | None
) -> None:
    from simcc.record_files import _texts

    rows = texts if order is None else [texts[i] for i in order]
    column = _texts(texts, None if order is None else np.array(order))
    assert column.type == pa.string() and column.null_count == 0
    assert column.to_pylist() == rows


def written(directory: Path, files: RecordFiles) -> dict[str, bytes]:
    staged = files.finish()
    assert sorted(staged) == [f"{name}.parquet" for name in sorted(RECORD_TABLES)]
    return {name: s.path.read_bytes() for name, s in staged.items()}


def test_results_finishing_out_of_order_are_written_in_replication_order(
    tmp_path: Path, tables: list[dict[str, object]]
) -> None:
    with RecordFiles(tmp_path, NAMES) as in_order:
        for i, t in enumerate(tables):
            in_order.add(i, t)  # type: ignore[arg-type]
        expected = written(tmp_path, in_order)
    with RecordFiles(tmp_path, NAMES) as shuffled:
        for i in (2, 0, 1):
            shuffled.add(i, tables[i])  # type: ignore[arg-type]
        assert written(tmp_path, shuffled) == expected


def test_an_interrupted_run_keeps_the_replications_that_finished_past_a_gap(
    tmp_path: Path, tables: list[dict[str, object]]
) -> None:
    with RecordFiles(tmp_path, NAMES) as files:
        files.add(2, tables[2])  # type: ignore[arg-type]
        files.add(0, tables[0])  # type: ignore[arg-type]
        staged = files.finish()  # replication 1 never finished
        contacts = pq.read_table(staged["contacts.parquet"].path).to_pandas()
    assert contacts["replication"].drop_duplicates().tolist() == [0, 2]


def test_a_skipped_replication_has_no_rows_and_holds_nothing_back(
    tmp_path: Path, tables: list[dict[str, object]]
) -> None:
    with RecordFiles(tmp_path, NAMES) as files:
        files.add(1, tables[1])  # type: ignore[arg-type]
        files.add(0, None)  # skipped: the ones after it go on
        assert not files._waiting
        contacts = pq.read_table(files.finish()["contacts.parquet"].path).to_pandas()
    assert set(contacts["replication"]) == {1}


def test_a_reader_filtering_on_replication_skips_the_other_row_groups(
    tmp_path: Path, tables: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row groups keep min/max statistics of ``replication`` (and of no other column)."""
    monkeypatch.setattr("simcc.record_files.ROW_GROUP_ROWS", 1)  # a row group a replication
    with RecordFiles(tmp_path, NAMES) as files:
        for i, t in enumerate(tables):
            files.add(i, t)  # type: ignore[arg-type]
        path = files.finish()["contacts.parquet"].path
        meta = pq.ParquetFile(path).metadata
        column = meta.schema.names.index("replication")
        for group in range(meta.num_row_groups):
            columns = [meta.row_group(group).column(c) for c in range(meta.num_columns)]
            assert [c.is_stats_set for c in columns] == [
                c == column for c in range(meta.num_columns)
            ]
            stats = columns[column].statistics
            assert (stats.min, stats.max) == (group, group)
        kept = pq.read_table(path, filters=[("replication", "==", 1)])
    assert set(kept.column("replication").to_pylist()) == {1}


def test_a_run_that_fails_leaves_no_file_behind(
    tmp_path: Path, tables: list[dict[str, object]]
) -> None:
    with pytest.raises(RuntimeError), RecordFiles(tmp_path, NAMES) as files:
        files.add(0, tables[0])  # type: ignore[arg-type]
        files.finish()
        raise RuntimeError("a worker died")
    assert list(tmp_path.iterdir()) == []


def test_the_stage_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    abandoned = tmp_path / f".simcc-staging-{dead}-records-x"
    abandoned.mkdir()
    (abandoned / "contacts.parquet").write_bytes(b"PAR1 half a file")
    stage = io.stage_directory(tmp_path, "records")
    assert [p.name for p in tmp_path.iterdir()] == [stage.name]
    assert stage.name.startswith(f".simcc-staging-{os.getpid()}-")


def test_streamed_records_are_the_records_kept_in_memory(tmp_path: Path) -> None:
    """The same rows and types as ``replicate(keep_records=True)`` written out, except
    ``pools``, which is text in the files (each replication has its own paths)."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SMALL), "-n", "3", "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    kept = simcc.replicate(simcc.load_scenario(SMALL), 3, jobs=1, keep_records=True)
    assert kept.records is not None
    for name in RECORD_TABLES:
        kept.records[name].to_parquet(tmp_path / "old.parquet", index=False)
        expected = pd.read_parquet(tmp_path / "old.parquet")
        if name == "contacts":
            expected["pools"] = expected["pools"].astype(str)  # text, as pandas reads text
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), expected)


def test_replicate_hands_the_records_on_and_keeps_none(tmp_path: Path) -> None:
    got: dict[int, object] = {}

    class Sink:
        def add(self, replication: int, tables: dict[str, object] | None) -> None:
            got[replication] = tables

    reps = simcc.replicate(simcc.load_scenario(SMALL), 3, jobs=1, records=Sink())
    assert sorted(got) == [0, 1, 2]
    assert all(set(t) == set(RECORD_TABLES) for t in got.values())  # type: ignore[arg-type]
    assert reps.records is None


@pytest.mark.timeout(300)
def test_the_files_are_the_same_bit_for_bit_at_any_jobs(tmp_path: Path) -> None:
    files = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        args = ["run", str(SMALL), "-n", "6", "-j", str(jobs), "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        files[jobs] = {n: (out / f"{n}.parquet").read_bytes() for n in RECORD_TABLES}
    assert files[1] == files[2]


# ============================================================================ --resume


class _StopsAt:
    """Runs the tasks in this process in the order ``order`` (replication numbers), and
    is interrupted (Ctrl-C) when it reaches ``stop``: the replications that finished
    before it may leave a gap."""

    def __init__(self, order: list[int], stop: int) -> None:
        self.order, self.stop = order, stop

    def __enter__(self) -> _StopsAt:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map_unordered(self, fn, batches):  # type: ignore[no-untyped-def]
        by_number = {t.replication: t for batch in batches for t in batch}
        for number in self.order:
            if number == self.stop:
                raise KeyboardInterrupt
            if number in by_number:
                yield fn([by_number[number]])


def run(out: Path, *extra: str) -> None:
    args = ["run", str(SMALL), "-n", "8", "-j", "1", "--out", str(out), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


def outputs(out: Path) -> dict[str, object]:
    files: dict[str, object] = {
        name: (out / name).read_bytes()
        for name in ("replications.parquet", *(f"{t}.parquet" for t in RECORD_TABLES))
    }
    summary = json.loads((out / "summary.json").read_text())
    files["summary.json"] = {k: v for k, v in summary.items() if k != "provenance"}
    return files


@pytest.mark.parametrize(
    "order", [[0, 1, 2, 3, 4, 5], [0, 1, 2, 4, 3]], ids=["in-order", "with-a-gap"]
)
def test_an_interrupted_run_resumes_to_the_outputs_of_an_uninterrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: list[int]
) -> None:
    run(tmp_path / "whole")
    out = tmp_path / "cut"
    with monkeypatch.context() as patch:
        patch.setattr("simcc.runner.executor_for", lambda *a: _StopsAt(order, order[-1]))
        cut = runner.invoke(app, ["run", str(SMALL), "-n", "8", "-j", "1", "--out", str(out)])
    assert cut.exit_code == 130, cut.output
    finished = sorted(pd.read_parquet(out / "replications.parquet")["replication"])
    assert finished == sorted(order[:-1])
    run(out, "--resume")
    assert outputs(out) == outputs(tmp_path / "whole")


def test_resume_refuses_another_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out)
    other = runner.invoke(app, ["run", str(SMALL), "-n", "8", "--seed", "9", "--out", str(out),
                                "--resume"])  # fmt: skip
    assert other.exit_code == 2
    assert "had another seed" in other.output
    nothing = runner.invoke(app, ["run", str(SMALL), "--out", str(tmp_path / "new"), "--resume"])
    assert nothing.exit_code == 2
    assert "holds no earlier run" in nothing.output
    ratio = runner.invoke(
        app, ["run", str(SMALL), "-n", "8", "--out", str(out), "--resume", "--estimator", "ratio"]
    )
    assert ratio.exit_code == 2
    assert "--resume does not apply with --estimator ratio" in ratio.output
