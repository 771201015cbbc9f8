"""Distributions of durations: the ``{dist: NAME, ...}`` blocks of a scenario.

Each block is a small pydantic model that checks its parameters when it is
created and knows its analytic ``mean`` and ``variance``.  ``sampler(rng)``
turns it into a zero-argument callable that returns one draw per call; draws
are taken from numpy in batches, so the engine pays a list step per draw, not
a numpy call.  A bare duration (``90``, ``"45s"``) means a deterministic time
and ``"inf"`` a time that never comes (patience of a customer who never hangs
up).
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    model_validator,
)

from simcc.input_files import NotARegularFile, TooLarge, read_limited
from simcc.units import duration_text as _show
from simcc.units import parse_duration

Sampler = Callable[[], float]
BATCH = 1024
"""Variates drawn from NumPy per call, once a stream is in steady use."""
FIRST_BATCH = 32
"""The size of a stream's first batch; each next one doubles, up to :data:`BATCH`.

A replication touches many streams (the warm centre about a hundred) that it
draws from a few times only (a rare segment, a re-contact's patience, a
desk's wrap-up): a first batch of 1,024 would cost more than the few draws it
is for.  Which variates come out does not depend on the batch sizes: NumPy
draws these distributions one variate after another from the generator, so
``n`` draws in two batches are the ``n`` draws of one
(tests/unit/test_dists.py pins it for every distribution).
"""


def batch_sizes() -> Iterator[int]:
    """The batch sizes of a stream: FIRST_BATCH, doubling up to BATCH, then BATCH."""
    size = FIRST_BATCH
    while size < BATCH:
        yield size
        size *= 2
    yield from itertools.repeat(BATCH)


def doubles(values: np.ndarray) -> array[float]:
    """A batch of variates as the floats a sampler hands out: an ``array('d')``, not a
    list, so that no object per variate is made until it is drawn, and the garbage
    collector has no list of them to walk."""
    return array("d", np.ascontiguousarray(values, dtype=np.float64).tobytes())


MAX_CV = 100.0
"""Largest coefficient of variation accepted (beyond it the draws are numerically meaningless)."""
MIN_CV = 1e-6
"""Smallest coefficient of variation accepted for gamma and lognormal (below it, write a
fixed time: the gamma sampler's shape 1/cv² overflows long before cv reaches 0)."""
_SMALLEST_CV = f"{MIN_CV:.0e}".replace("e-0", "e-")
MAX_SECONDS = 1e9
"""Longest finite duration accepted anywhere (about 32 years); ``inf`` stays ``inf``."""
_LONGEST = (
    f"{MAX_SECONDS:.0e}".replace("e+0", "e") + f" s (about {MAX_SECONDS / 31_557_600:.0f} years)"
)
MAX_PHASES = 10_000
"""Largest number of Erlang phases accepted."""
MAX_SAMPLE_BYTES = 50_000_000
"""Largest file of empirical values read."""


def _duration(value: object) -> float:
    seconds = parse_duration(value)
    if math.isfinite(seconds) and seconds > MAX_SECONDS:
        raise ValueError(_too_long(value))
    return seconds


def _too_long(value: object) -> str:
    """The message for a finite duration past :data:`MAX_SECONDS`."""
    return (
        f"must be at most {_LONGEST}, got {_as_written(value)}; "
        "where a time may never come (patience, waits), write inf"
    )


def _as_written(value: object) -> str:
    if isinstance(value, str):
        return value
    return f"{value:g}" if isinstance(value, float) else str(value)


def _cv_drawable(cv: float) -> float:
    if cv < MIN_CV:
        raise ValueError(
            f"a cv below {_SMALLEST_CV} cannot be drawn from (the time is fixed to within "
            f"a millionth), got {cv:g}: write the mean as a bare duration (deterministic)"
        )
    return cv


Cv = Annotated[float, Field(gt=0, le=MAX_CV, allow_inf_nan=False), AfterValidator(_cv_drawable)]


Seconds = Annotated[float, BeforeValidator(_duration)]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def mean(self) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def variance(self) -> float:  # pragma: no cover
        raise NotImplementedError

    @property
    def cv(self) -> float:
        """Coefficient of variation (std / mean)."""
        if self.mean == 0 or math.isinf(self.mean):
            return 0.0
        return math.sqrt(self.variance) / self.mean

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def sampler(self, rng: np.random.Generator, scale: float = 1.0) -> Sampler:
        """A callable drawing from this distribution (times ``scale``) with ``rng``."""

        def batches() -> Iterator[array[float]]:
            for size in batch_sizes():
                values = self._batch(rng, size)
                if scale != 1.0:
                    values = values * scale
                yield doubles(values)

        return itertools.chain.from_iterable(batches()).__next__

    def describe(self) -> str:
        """Short text for tables: ``lognormal(mean 6.0m, cv 0.7)``."""
        from simcc.units import format_duration

        return f"{self.dist}(mean {format_duration(self.mean)}, cv {self.cv:.2f})"  # type: ignore[attr-defined]


class Exponential(_Dist):
    """Memoryless time with the given mean (Poisson events)."""

    dist: Literal["exponential"]
    mean_: Seconds = Field(alias="mean", gt=0, allow_inf_nan=False)

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.mean_**2

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)


class Lognormal(_Dist):
    """Lognormal with the given mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean_: Seconds = Field(alias="mean", gt=0, allow_inf_nan=False)
    cv_: Cv = Field(alias="cv")

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return (self.mean_ * self.cv_) ** 2

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv_**2)
        return rng.lognormal(math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2), size)


class Gamma(_Dist):
    """Gamma with the given mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean_: Seconds = Field(alias="mean", gt=0, allow_inf_nan=False)
    cv_: Cv = Field(alias="cv")

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return (self.mean_ * self.cv_) ** 2

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1.0 / self.cv_**2
        return rng.gamma(shape, self.mean_ / shape, size)


class Erlang(_Dist):
    """Sum of ``k`` exponential phases with the given total mean."""

    dist: Literal["erlang"]
    mean_: Seconds = Field(alias="mean", gt=0, allow_inf_nan=False)
    k: int = Field(ge=1, le=MAX_PHASES)

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.mean_**2 / self.k

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.k, self.mean_ / self.k, size)


class Deterministic(_Dist):
    """Always the same time (``inf`` for never)."""

    dist: Literal["deterministic"]
    value: Seconds = Field(ge=0)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sampler(self, rng: np.random.Generator, scale: float = 1.0) -> Sampler:
        value = self.value * scale if self.value else 0.0
        return itertools.repeat(value).__next__

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    def describe(self) -> str:
        from simcc.units import format_duration

        return format_duration(self.value)


class Uniform(_Dist):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: Seconds = Field(ge=0, allow_inf_nan=False)
    high: Seconds = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.high > self.low:
            raise ValueError(
                f"uniform needs high > low, got low {_show(self.low)} and high {_show(self.high)}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Triangular(_Dist):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: Seconds = Field(ge=0, allow_inf_nan=False)
    mode: Seconds = Field(allow_inf_nan=False)
    high: Seconds = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.high > self.low):
            raise ValueError(
                "triangular needs low ≤ mode ≤ high and high > low, got low "
                f"{_show(self.low)}, mode {_show(self.mode)}, high {_show(self.high)}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Empirical(_Dist):
    """Resampling of observed times: ``values`` inline or a ``file`` of numbers.

    ``file`` is read relative to the scenario file: one number per line (or the
    first column of a CSV with a header); blank lines and ``#`` comments are
    skipped.
    """

    dist: Literal["empirical"]
    values: tuple[float, ...] | None = None
    file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _load(cls, data: Any, info: Any) -> Any:
        if isinstance(data, dict) and data.get("file") is not None and "values" in data:
            raise ValueError("empirical takes `values` or a `file`, not both: remove one of them")
        if isinstance(data, dict) and data.get("file") is not None:
            base = Path((info.context or {}).get("base_dir", "."))
            data = dict(data)
            data["values"] = _read_values(base / str(data["file"]))
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            data = dict(data)
            data["values"] = [parse_duration(v) for v in data["values"]]
        return data

    @model_validator(mode="after")
    def _check(self) -> Empirical:
        if not self.values:
            raise ValueError("empirical needs a non-empty list of `values` or a `file`")
        bad = [v for v in self.values if not (0 <= v <= MAX_SECONDS)]
        if bad:
            bound = "finite durations ≥ 0" if not 0 <= bad[0] < math.inf else f"at most {_LONGEST}"
            raise ValueError(
                f"empirical values must be {bound}, got {_show(bad[0])} "
                f"(value {self.values.index(bad[0]) + 1} of {len(self.values)})"
            )
        return self

    @property
    def _array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=float)

    @property
    def mean(self) -> float:
        return float(self._array.mean())

    @property
    def variance(self) -> float:
        return float(self._array.var())

    def _batch(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(self._array, size)


def _read_values(path: Path) -> list[float]:
    try:
        data = read_limited(path, MAX_SAMPLE_BYTES)
        lines = data.decode("utf-8").splitlines()
    except TooLarge:
        raise ValueError(
            f"empirical file {str(path)!r} is larger than {MAX_SAMPLE_BYTES // 1_000_000} MB"
        ) from None
    except NotARegularFile as exc:
        raise ValueError(
            f"empirical file {str(path)!r} is {exc.what}, not a regular file of numbers"
        ) from None
    except UnicodeDecodeError:
        raise ValueError(f"empirical file {str(path)!r} is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"cannot read empirical file {str(path)!r}: {exc.strerror}") from None
    values: list[float] = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].split(",", 1)[0].strip()
        if not text:
            continue
        try:
            values.append(parse_duration(text))
        except ValueError:
            if values or number > 1:
                raise ValueError(f"{path}:{number}: not a number: {line!r}") from None
    return values


def _coerce(value: Any) -> Any:
    """Bare durations become deterministic; ``{dist: ...}`` blocks pass through."""
    if isinstance(value, BaseModel):
        return value
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"dist": "deterministic", "value": value}
    if isinstance(value, dict) and "dist" in value and isinstance(value["dist"], str):
        value = dict(value)
        value["dist"] = value["dist"].strip().lower()
    return value


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Erlang | Deterministic | Uniform | Triangular | Empirical,
    Discriminator("dist"),
    BeforeValidator(_coerce),
]
"""Any duration distribution of a scenario file."""

DIST_NAMES = (
    "exponential",
    "lognormal",
    "gamma",
    "erlang",
    "deterministic",
    "uniform",
    "triangular",
    "empirical",
)

ZERO = Deterministic(dist="deterministic", value=0.0)
NEVER = Deterministic(dist="deterministic", value=math.inf)
