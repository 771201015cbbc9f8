"""Distributions check their parameters when created and keep their samplers' behaviour."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from simcc.dists import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
    Triangular,
    Uniform,
)
from simcc.rng import Streams

ADAPTER = TypeAdapter(Distribution)


def make(value: object, base_dir: str = ".") -> object:
    return ADAPTER.validate_python(value, context={"base_dir": base_dir})


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        ({"dist": "exponential", "mean": "5m"}, 300.0),
        ({"dist": "Lognormal", "mean": 60, "cv": 0.5}, 60.0),
        ({"dist": "gamma", "mean": 60, "cv": 2}, 60.0),
        ({"dist": "erlang", "mean": 60, "k": 3}, 60.0),
        ({"dist": "uniform", "low": 10, "high": 20}, 15.0),
        ({"dist": "triangular", "low": 0, "mode": 3, "high": 6}, 3.0),
        ({"dist": "empirical", "values": ["1m", 120]}, 90.0),
        ("45s", 45.0),
        ("inf", math.inf),
    ],
)
def test_valid_distributions_know_their_mean(spec: object, mean: float) -> None:
    assert make(spec).mean == pytest.approx(mean)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"dist": "exponential", "mean": 0}, "greater than 0"),
        ({"dist": "exponential", "mean": "inf"}, "finite"),
        ({"dist": "lognormal", "mean": 60, "cv": 0}, "greater than 0"),
        ({"dist": "lognormal", "mean": 60, "cv": -1}, "greater than 0"),
        ({"dist": "gamma", "mean": 60, "cv": 1e9}, "less than or equal to 100"),
        ({"dist": "erlang", "mean": 60, "k": 0}, "greater than or equal to 1"),
        ({"dist": "erlang", "mean": 60, "k": 2.5}, "integer"),
        ({"dist": "uniform", "low": 20, "high": 10}, "uniform needs high > low, got low 20s"),
        ({"dist": "uniform", "low": 10, "high": 10}, "uniform needs high > low"),
        ({"dist": "uniform", "low": 0, "high": "inf"}, "finite"),
        ({"dist": "triangular", "low": 0, "mode": 9, "high": 6}, "low ≤ mode ≤ high"),
        ({"dist": "triangular", "low": 5, "mode": 5, "high": 5}, "high > low"),
        ({"dist": "empirical", "values": []}, "non-empty list"),
        ({"dist": "empirical"}, "non-empty list"),
        ({"dist": "empirical", "values": [1, -2]}, "finite durations ≥ 0, got -2s (value 2 of 2)"),
        ({"dist": "empirical", "values": [1, "inf"]}, "finite durations ≥ 0, got inf"),
        ({"dist": "empirical", "values": ["soon"]}, "expected a duration"),
        ({"dist": "deterministic", "value": -1}, "greater than or equal to 0"),
        ({"dist": "exponential", "mean": 60, "cv": 1}, "Extra inputs"),
        ({"dist": "normal", "mean": 60}, "does not match any of the expected tags"),
        ({"mean": 60}, "Unable to extract tag"),
    ],
)
def test_impossible_parameters_are_refused(spec: object, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        make(spec)


def test_empirical_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "times.csv").write_text("seconds,who\n60,a\n# comment\n\n120,b\n")
    dist = make({"dist": "empirical", "file": "times.csv"}, str(tmp_path))
    assert dist.values == (60.0, 120.0)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"60\nsoon\n", "times.txt:2: not a number"),
        ("60\n\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
        (b"60\n-5\n", "finite durations"),
        (b"", "non-empty list"),
    ],
)
def test_bad_empirical_files(tmp_path, content: bytes, fragment: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "times.txt").write_bytes(content)
    with pytest.raises(ValidationError, match=fragment):
        make({"dist": "empirical", "file": "times.txt"}, str(tmp_path))


def test_missing_empirical_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=r"cannot read empirical file .*No such file"):
        make({"dist": "empirical", "file": "nope.txt"}, str(tmp_path))


@pytest.mark.parametrize(
    "dist",
    [
        Exponential(dist="exponential", mean=60),
        Lognormal(dist="lognormal", mean=60, cv=0.8),
        Erlang(dist="erlang", mean=60, k=4),
        Uniform(dist="uniform", low=30, high=90),
        Triangular(dist="triangular", low=0, mode=60, high=120),
        Empirical(dist="empirical", values=(30.0, 60.0, 90.0)),
    ],
    ids=lambda d: d.dist,
)
def test_samplers_match_their_mean(dist) -> None:  # type: ignore[no-untyped-def]
    draw = dist.sampler(np.random.default_rng(1))
    values = np.array([draw() for _ in range(20_000)])
    assert values.min() >= 0
    assert values.mean() == pytest.approx(dist.mean, rel=0.03)


def test_deterministic_sampler_and_scale() -> None:
    draw = Deterministic(dist="deterministic", value=10).sampler(np.random.default_rng(0), 2.0)
    assert [draw(), draw()] == [20.0, 20.0]


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": "5m"},
        {"dist": "lognormal", "mean": 60, "cv": 0.7},
        {"dist": "gamma", "mean": 60, "cv": 2},
        {"dist": "erlang", "mean": 60, "k": 3},
        {"dist": "uniform", "low": 10, "high": 20},
        {"dist": "triangular", "low": 0, "mode": 3, "high": 6},
        {"dist": "empirical", "values": [1, 2, 5, 7]},
    ],
)
def test_growing_batches_draw_the_same_variates_as_one_batch(spec: dict[str, object]) -> None:
    """A sampler's batches start small and grow (FIRST_BATCH to BATCH); its variates are
    those of one NumPy call of the same length, so batch sizes never change a result."""
    dist = make(spec)
    n = 3000  # past every batch boundary: 32 + 64 + … + 512 + 1024 + 1024
    sampler = dist.sampler(np.random.default_rng(11))  # type: ignore[attr-defined]
    one_call = dist._batch(np.random.default_rng(11), n).tolist()  # type: ignore[attr-defined]
    assert [sampler() for _ in range(n)] == one_call


def test_growing_batches_of_named_streams_draw_the_same_variates() -> None:
    uniform, exponential = Streams(3).uniform("u"), Streams(3).exponential("e")
    assert [uniform() for _ in range(3000)] == Streams(3).generator("u").random(3000).tolist()
    expected = Streams(3).generator("e").standard_exponential(3000).tolist()
    assert [exponential() for _ in range(3000)] == expected


@pytest.mark.parametrize(
    "shares", [[0.9, 0.1], [0.2, 0.0, 0.5, 0.3], [0.1] * 10, [0.3, 0.7, 0.0]], ids=str
)
def test_an_index_draw_is_the_first_index_whose_cumulative_share_is_above_its_uniform(
    shares: list[float],
) -> None:
    draw = Streams(5).choice("c", shares)
    bounds = np.cumsum(shares).tolist()
    bounds[-1] = 1.0
    uniforms = Streams(5).generator("c").random(3000).tolist()
    expected = [next(i for i, b in enumerate(bounds) if u < b) for u in uniforms]
    assert [draw() for _ in range(3000)] == expected
    assert Streams(5).choice("c", [1.0])() == 0
