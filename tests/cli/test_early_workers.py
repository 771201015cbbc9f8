"""``simcc run`` starts the workers' fork server before typer parses the command line,
from a cheap look at its words; anything unclear leaves the start to the command."""

from __future__ import annotations

import pytest

from simcc import _entry


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int | None, bool]]:
    calls: list[tuple[int | None, bool]] = []
    monkeypatch.setattr(
        "simcc.workers.start_early", lambda jobs, records=False: calls.append((jobs, records))
    )
    return calls


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("run s.yaml", (None, False)),
        ("run s.yaml -n 200", (None, False)),
        ("run s.yaml -n 200 -j 2 --out o", (2, True)),
        ("run s.yaml --jobs=3 --out=o", (3, True)),
        ("run -j4 s.yaml --report", (4, True)),
        ("run s.yaml --replications 1 -n 5", (None, False)),  # the last one counts
    ],
)
def test_a_run_of_several_replications_starts_the_fork_server_as_it_says(
    started: list[tuple[int | None, bool]], words: str, expected: tuple[int | None, bool]
) -> None:
    _entry.start_workers_early(["simcc", *words.split()])
    assert started == [expected]


@pytest.mark.parametrize(
    "words",
    [
        "",
        "validate s.yaml",
        "sweep s.yaml -n 20",
        "run s.yaml -n 1",
        "run s.yaml --replications=1",
        "run s.yaml --help",
        "run s.yaml --scheduler tcp://host:8786",
        "run s.yaml -j two",
        "run s.yaml -n",
        "run -- s.yaml",
    ],
)
def test_other_commands_one_replication_and_unclear_words_start_nothing_early(
    started: list[tuple[int | None, bool]], words: str
) -> None:
    _entry.start_workers_early(["simcc", *words.split()])
    assert started == []
