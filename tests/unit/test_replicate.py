"""``simcc.replicate`` from Python: its early stops (max_contacts, wall_clock) and Ctrl-C.

What was measured before a stop is kept, and the stop is said in data
(``stopped_early``, ``skipped``, ``interrupted``) and in words (``notes()``).
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

import simcc
import simcc.runner
from simcc.scenario import Scenario

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"

# far past the 1 s wall-clock limit of the tests below (1,000 h took about 1 s)
LONG = """\
name: long
horizon: 20000h
call_types:
  billing:
    arrivals: {rate: 120/h}
    path: [front]
customers:
  patience: {dist: exponential, mean: 5m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 2m}}
"""


CALLING_AGAIN = """\
name: calling again and again
horizon: 8h
call_types:
  billing: {arrivals: {rate: 120/h}, path: [front]}
customers:
  patience: 0s
  recontact: {probability: {abandoned: 0.99999}, delay: 0s}
pools:
  front: {agents: 1, handle_time: {dist: exponential, mean: 2m}}
"""


def test_max_contacts_bounds_re_contacts_too() -> None:
    """A case calling again some 100,000 times (accepted: it does end) stops at the cap."""
    scenario = simcc.loads_scenario(CALLING_AGAIN)
    result = simcc.replicate(scenario, 1, jobs=1, keep_records=True, max_contacts=300)
    assert result.records is not None
    assert len(result.records["contacts"]) == 300
    assert result.stopped_early == {0: "stopped at --max-contacts 300"}


@pytest.fixture
def small() -> Scenario:
    return simcc.load_scenario(SMALL)


def test_max_contacts_stops_the_arrivals_of_each_replication_after_n_contacts(
    small: Scenario,
) -> None:
    whole = simcc.replicate(small, 2, jobs=1, keep_records=True)
    cut = simcc.replicate(small, 2, jobs=1, keep_records=True, max_contacts=30)
    assert whole.records is not None and cut.records is not None
    for rep in (0, 1):
        every = whole.records["contacts"].loc[lambda c, r=rep: c["replication"] == r]
        first = cut.records["contacts"].loc[lambda c, r=rep: c["replication"] == r]
        assert len(every) > 30
        assert len(first) == 30
        # the same customers as the whole run's first 30: the limit only cuts
        assert first["arrival"].tolist() == sorted(every["arrival"])[:30]
        assert "unfinished" not in set(first["outcome"])  # those in the system finished
    assert cut.stopped_early == {
        0: "stopped at --max-contacts 30",
        1: "stopped at --max-contacts 30",
    }
    assert cut.to_json()["stopped_early"] == [
        "replication 0: stopped at --max-contacts 30",
        "replication 1: stopped at --max-contacts 30",
    ]


def test_limits_that_are_not_reached_change_nothing(small: Scenario) -> None:
    plain = simcc.replicate(small, 2, jobs=1)
    limited = simcc.replicate(small, 2, jobs=1, max_contacts=10**6, wall_clock=3600)
    assert limited.table.equals(plain.table)
    assert limited.notes() == []
    assert limited.to_json()["stopped_early"] is None
    assert limited.to_json()["metrics"] == plain.to_json()["metrics"]


def test_wall_clock_keeps_the_finished_replications_and_starts_no_more(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clock that moves 1000 s per reading: replication 0 starts before the
    1500 s deadline, replications 1 and 2 would start after it."""
    readings = iter(range(0, 10_000, 1000))
    clock = SimpleNamespace(
        time=lambda: float(next(readings)), perf_counter=lambda: 0.0, thread_time=lambda: 0.0
    )
    monkeypatch.setattr(simcc.runner, "time", clock)
    reps = simcc.replicate(small, 3, jobs=1, wall_clock=1500)
    assert reps.n == 1
    assert reps.table["replication"].tolist() == [0]
    assert reps.table.iloc[0].equals(simcc.replicate(small, 1, jobs=1).table.iloc[0])
    assert (reps.requested, reps.skipped, reps.stopped_early) == (3, 2, {})
    assert reps.notes() == ["2 of 3 replication(s) not started: the wall-clock limit was reached"]
    assert reps.to_json()["replications_requested"] == 3


def test_wall_clock_stops_the_replication_running_then_and_keeps_it() -> None:
    long = simcc.loads_scenario(LONG)
    reps = simcc.replicate(long, 2, jobs=1, wall_clock=1.0)
    assert reps.n == 1
    note = reps.stopped_early[0]
    # it says how much of the day the replication covers, not the time it had left
    hours = float(note.removeprefix("stopped by the wall-clock limit after ").split(" h of")[0])
    assert note.endswith(" h of the 20000 h day") and 0 < hours < 20000
    arrived = reps.summary()["offered"].mean  # 120 an hour, for the hours it simulated
    assert arrived == pytest.approx(120 * hours, rel=0.05)
    assert reps.skipped == 1
    assert reps.summary()["offered"].mean > 0


def test_a_wall_clock_limit_already_past_still_runs_the_first_replication_only() -> None:
    """On a busy machine the limit may pass before any replication starts; the
    first one still runs (and is stopped at once), so the run measures something."""
    import time

    from simcc.runner import Task, run_task

    long = simcc.loads_scenario(LONG)
    past = time.time() - 1.0
    first = run_task(Task(long, 1, 0, (), deadline=past))
    later = run_task(Task(long, 1, 1, (), deadline=past))
    assert not first.skipped and first.metrics["offered"] > 0
    assert first.stopped_early is not None
    assert first.stopped_early.startswith("stopped by the wall-clock limit after")
    assert later.skipped


def test_ctrl_c_raises_interrupted_with_the_finished_replications(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = simcc.runner.simulate

    def interrupted_at_third(scenario, seed=None, replication=0, **limits):  # type: ignore[no-untyped-def]
        if replication == 2:
            raise KeyboardInterrupt
        return real(scenario, seed, replication, **limits)

    monkeypatch.setattr(simcc.runner, "simulate", interrupted_at_third)
    with pytest.raises(simcc.Interrupted) as stop:
        simcc.replicate(small, 5, jobs=1)
    assert isinstance(stop.value, KeyboardInterrupt)
    reps = stop.value.replications
    assert reps.table["replication"].tolist() == [0, 1]
    assert reps.interrupted
    assert reps.notes() == ["interrupted after 2 of 5 replication(s)"]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ({"max_contacts": 0}, "max_contacts must be at least 1"),
        ({"wall_clock": 0.0}, "wall_clock must be > 0 seconds"),
        ({"wall_clock": float("nan")}, "wall_clock must be > 0 seconds"),
    ],
)
def test_a_limit_that_cannot_be_met_is_refused(
    small: Scenario, limit: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        simcc.replicate(small, 1, jobs=1, **limit)  # type: ignore[arg-type]


# ============================================================================ batches


class _Recording(simcc.runner.SerialExecutor):
    """Runs the batches in this process and keeps each batch's replication numbers."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def map_unordered(self, fn, tasks):  # type: ignore[no-untyped-def]
        for batch in tasks:
            self.batches.append([t.replication for t in batch])
            yield fn(batch)


def test_short_replications_go_several_to_a_task_and_give_the_same_results(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched = _Recording()
    monkeypatch.setattr(simcc.runner, "executor_for", lambda *a: batched)
    reps = simcc.replicate(small, 64, seed=3, keep_records=True, by=["call_type"])
    one_each = _Recording()
    monkeypatch.setattr(simcc.runner, "executor_for", lambda *a: one_each)
    monkeypatch.setattr(simcc.runner, "TASK_SECONDS", 0.0)
    alone = simcc.replicate(small, 64, seed=3, keep_records=True, by=["call_type"])

    assert max(len(b) for b in one_each.batches) == 1
    sizes = [len(b) for b in batched.batches]
    assert sizes[0] == 1 and max(sizes) > 1  # sized from the first one's time
    assert [i for b in batched.batches for i in b] == list(range(64))
    assert all(8 * size <= 64 - sum(sizes[:k]) or size == 1 for k, size in enumerate(sizes))
    assert reps.table.equals(alone.table)
    assert reps.records is not None and alone.records is not None
    for name, table in reps.records.items():
        assert table.equals(alone.records[name]), name
    assert reps.groups == alone.groups


def test_with_streamed_records_a_batch_stays_under_the_record_bytes_bound(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker holds a batch's records until it ends: with records streamed to a sink,
    a batch is also bounded by TASK_RECORD_BYTES (here one replication's worth and a half)."""
    sizes: dict[int, int] = {}

    class Sink:
        def add(self, replication: int, tables: dict[str, object] | None) -> None:
            assert tables is not None
            sizes[replication] = sum(b.size for b in tables.values())  # type: ignore[attr-defined]

    unbounded = _Recording()
    monkeypatch.setattr(simcc.runner, "executor_for", lambda *a: unbounded)
    simcc.replicate(small, 64, seed=3, records=Sink())
    one_day = max(sizes.values())
    bounded = _Recording()
    monkeypatch.setattr(simcc.runner, "executor_for", lambda *a: bounded)
    monkeypatch.setattr(simcc.runner, "TASK_RECORD_BYTES", int(1.5 * one_day))
    simcc.replicate(small, 64, seed=3, records=Sink())

    assert max(len(b) for b in unbounded.batches) > 1  # the time bound alone batches them
    assert max(len(b) for b in bounded.batches) == 1  # 1.5 days of records: one a batch
    assert [i for b in bounded.batches for i in b] == list(range(64))


def test_batches_are_sized_from_cpu_time_so_a_loaded_machine_does_not_shrink_them(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every replication reports 10 s of wall time (a machine loaded by other work): the
    batches still follow their CPU time, and the results are the same."""
    plain = simcc.runner.simulate

    def slow_looking(*args, **options):  # type: ignore[no-untyped-def]
        result = plain(*args, **options)
        result.wall_time = 10.0
        return result

    monkeypatch.setattr(simcc.runner, "simulate", slow_looking)
    recording = _Recording()
    monkeypatch.setattr(simcc.runner, "executor_for", lambda *a: recording)
    reps = simcc.replicate(small, 64, seed=3)
    assert max(len(b) for b in recording.batches) > 1
    assert reps.table.equals(simcc.replicate(small, 64, seed=3, jobs=1).table)


def test_a_batch_for_workers_carries_its_template_as_bytes_unpickled_once(
    small: Scenario,
) -> None:
    template = simcc.runner.Task(small, 3, 0, arrow_records=True)
    blob = pickle.dumps(template, pickle.HIGHEST_PROTOCOL)
    batch = simcc.runner.Batch(blob, (5, 6))
    sent = pickle.loads(pickle.dumps(batch))
    assert len(pickle.dumps(batch)) < len(blob) + 100
    tasks, again = list(sent), list(simcc.runner.Batch(blob, (7,)))
    assert [t.replication for t in tasks] == [5, 6] and len(sent) == 2
    assert tasks[0] == replace(template, replication=5)
    assert tasks[0].scenario is again[0].scenario  # one scenario per process, not per batch


def test_progress_is_told_the_total_when_work_starts_then_after_each_replication() -> None:
    calls: list[tuple[int, int]] = []
    simcc.replicate(
        simcc.load_scenario(SMALL), 3, jobs=1, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
