"""The scenario file: the YAML contract of MODEL.md §6 as pydantic models.

``load_scenario(path)`` reads a file and returns a validated :class:`Scenario`;
anything wrong raises :class:`ScenarioError`, whose message names the file,
the line, the YAML path and what was expected, e.g.::

    centre.yaml:14: pools.tier2.agents: must be >= 0, got -3

Every model forbids unknown keys (a misspelt key is an error that suggests the
closest valid name).  Durations are seconds or strings with units, rates are
per hour or strings with units (see :mod:`simcc.units`).  This module never
imports simpy: a scenario is a description, not a simulation.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from simcc.dists import DIST_NAMES, NEVER, ZERO, Distribution, Seconds
from simcc.units import duration_text, parse_rate

MAX_FILE_BYTES = 5_000_000
"""Largest scenario file read (long empirical samples belong in a ``file:``)."""
MAX_NODES = 1_000_000
"""Largest number of YAML values a document may expand to (aliases included)."""
MAX_AGENTS = 100_000
"""Most agents a pool may have in one interval."""
MAX_INTERVALS = 1_000_000
"""Most profile or shift intervals over the horizon."""
MAX_REPLICATIONS = 100_000
_DIST_PARAMETERS = frozenset({"mean", "cv", "k", "value", "low", "mode", "high", "values", "file"})

POLICIES = ("cold", "warm", "conference", "callback", "email", "self_service")
OUTCOMES = (
    "resolved",
    "unresolved",
    "abandoned_queue",
    "abandoned_hold",
    "abandoned_transfer_queue",
    "callback_unreached",
)

PolicyName = Literal["cold", "warm", "conference", "callback", "email", "self_service"]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
RatePerSecond = Annotated[float, BeforeValidator(parse_rate), Field(ge=0.0, allow_inf_nan=False)]
PositiveRate = Annotated[float, BeforeValidator(parse_rate), Field(gt=0.0, allow_inf_nan=False)]
FiniteSeconds = Annotated[Seconds, Field(allow_inf_nan=False)]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says where and why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- arrivals


class Arrivals(_Model):
    """Poisson arrivals: a constant ``rate`` or one rate per ``interval``.

    With a profile the last rate holds until the horizon, unless ``repeat`` is
    true, in which case the profile starts over (a daily profile in a multi-day
    run).  ``times`` instead replays a trace: arrivals at exactly those times.
    """

    rate: PositiveRate | None = None
    interval: FiniteSeconds | None = Field(default=None, gt=0)
    rates: list[RatePerSecond] | None = None
    repeat: bool = False
    times: list[Annotated[Seconds, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Arrivals:
        if self.times is not None:
            if self.rate is not None or self.rates is not None or self.interval is not None:
                raise ValueError("give `times` (a replayed trace) alone, without rates")
            return self
        if self.rate is not None and (self.rates is not None or self.interval is not None):
            raise ValueError("give either `rate` or `interval` with `rates`, not both")
        if self.rate is None:
            if self.rates is None or self.interval is None:
                raise ValueError("give `rate` (e.g. 180/h) or `interval` and `rates`")
            if not self.rates:
                raise ValueError("`rates` must list at least one rate, e.g. [60/h, 90/h]")
            if not any(self.rates):
                raise ValueError("every rate in `rates` is 0: this call type never arrives")
        return self

    def profile(self) -> tuple[float, list[float], bool]:
        """(interval seconds, rates per second, repeat) — a constant rate is one interval."""
        if self.times is not None:
            return math.inf, [0.0], False
        if self.rate is not None:
            return math.inf, [self.rate], False
        assert self.interval is not None and self.rates is not None
        return self.interval, list(self.rates), self.repeat

    def mean_rate(self, horizon: float) -> float:
        """Average arrival rate (per second) over ``[0, horizon)``."""
        if self.times is not None:
            return sum(1 for t in self.times if t < horizon) / horizon
        interval, rates, repeat = self.profile()
        if math.isinf(interval) or interval >= horizon:
            return rates[0]
        full = int(horizon // interval)  # whole intervals, then a partial one
        rest = horizon - full * interval
        if repeat:
            cycles, extra = divmod(full, len(rates))
            total = cycles * sum(rates) + sum(rates[:extra])
            last = rates[extra]
        else:
            shown = min(full, len(rates))
            total = sum(rates[:shown]) + (full - shown) * rates[-1]
            last = rates[min(full, len(rates) - 1)]
        return (total * interval + last * rest) / horizon


class Overflow(_Model):
    """A second pool that may also answer a contact still waiting after ``after``.

    From ``after`` (counted from the contact's arrival) the contact waits in
    both queues, and the first agent of either pool to take it answers it.
    """

    pool: str
    after: FiniteSeconds = Field(default=0.0, ge=0)


def _overflow_steps(value: Any) -> Any:
    """One overflow step (a mapping) or a list of them."""
    if isinstance(value, Mapping | BaseModel):
        return [value]
    if isinstance(value, str):
        raise ValueError(
            f"expected one overflow step such as {{pool: {value}, after: 30s}}, or a list of "
            f"them, got {value!r}"
        )
    return value


class CallType(_Model):
    """A kind of contact: its arrivals, escalation path, queue priority and (optionally)
    its callers' patience, which a segment's own patience overrides, and overflow
    routing to other pools while a contact waits at its entry pool."""

    arrivals: Arrivals
    path: list[str] = Field(min_length=1)
    priority: int = 1
    patience: Distribution | None = None
    overflow: Annotated[list[Overflow], BeforeValidator(_overflow_steps)] = Field(
        default_factory=list
    )


class Segment(_Model):
    """A customer segment (e.g. VIP): its share and optional own priority and patience."""

    share: Probability
    priority: int | None = None
    patience: Distribution | None = None
    hold_patience: Distribution | None = None
    transfer_patience: Distribution | None = None


RecontactKey = Literal[
    "abandoned",
    "abandoned_queue",
    "abandoned_hold",
    "abandoned_transfer_queue",
    "unresolved",
    "false_resolution",
    "callback_unreached",
]


class Recontact(_Model):
    """Customers who call again about the same case after an outcome."""

    probability: dict[RecontactKey, Probability] = Field(default_factory=dict)
    delay: Distribution = Field(default_factory=lambda: ZERO)

    def probability_of(self, outcome: str) -> float:
        """Re-contact probability after ``outcome`` (``false_resolution`` included)."""
        if outcome in self.probability:
            return self.probability[outcome]  # type: ignore[index]
        if outcome.startswith("abandoned"):
            return self.probability.get("abandoned", 0.0)
        return 0.0


class Customers(_Model):
    """Patience and re-contact behaviour of the customers."""

    patience: Distribution = Field(default_factory=lambda: NEVER)
    hold_patience: Distribution | None = None
    transfer_patience: Distribution | None = None
    recontact: Recontact | None = None


# --------------------------------------------------------------------------- pools


class Staffing(_Model):
    """Agents on duty, constant or one count per ``interval`` (shifts)."""

    interval: FiniteSeconds | None = Field(default=None, gt=0)
    counts: list[Annotated[int, Field(ge=0, le=MAX_AGENTS)]] = Field(min_length=1)
    repeat: bool = False


def _staffing(value: Any) -> Any:
    """A bare number of agents is one count for the whole horizon."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"counts": [value]}
    if isinstance(value, float) and value.is_integer():
        return {"counts": [int(value)]}
    if isinstance(value, Mapping | BaseModel):
        return value
    raise ValueError(
        "expected a whole number of agents (e.g. 12) or shifts "
        f"{{interval: 30m, counts: [10, 12, 8]}}, got {_short(value)}"
    )


def _per_type(value: Any) -> Any:
    """One value for every call type, or a mapping call type -> value.

    A mapping of distribution parameters without ``dist:`` (``{mean: 5m}``) is
    one distribution with its name missing, not a table of call types.
    """
    if isinstance(value, Mapping) and "dist" not in value and not _looks_like_dist(value):
        return dict(value)
    return {"*": value}


def _looks_like_dist(value: Mapping[Any, Any]) -> bool:
    return bool(value) and set(map(str, value)) <= _DIST_PARAMETERS


PerTypeDist = Annotated[dict[str, Distribution], BeforeValidator(_per_type)]
PerTypeProbability = Annotated[dict[str, Probability], BeforeValidator(_per_type)]


def _no_wrap_up() -> dict[str, Distribution]:
    return {"*": ZERO}


class Pool(_Model):
    """A group of interchangeable agents with one queue."""

    tier: int = Field(default=1, ge=1)
    agents: Annotated[Staffing, BeforeValidator(_staffing)]
    skills: list[str] | None = None
    handle_time: PerTypeDist
    wrap_up: PerTypeDist = Field(default_factory=lambda: _no_wrap_up())
    resolve: PerTypeProbability = Field(default_factory=lambda: {"*": 1.0})
    escalate_after: Seconds | None = Field(default=None, gt=0)
    cost_per_hour: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    when_unstaffed: str | None = None
    queue_capacity: int | None = Field(default=None, ge=0, le=10_000_000)

    def for_type(self, table: dict[str, Any], call_type: str) -> Any:
        """The entry of a per-call-type table for ``call_type`` (``*`` is the default)."""
        if call_type in table:
            return table[call_type]
        return table.get("*")

    @property
    def max_agents(self) -> int:
        return max(self.agents.counts)


# --------------------------------------------------------------------------- transfers


class ColdPolicy(_Model):
    """Blind transfer: a line to the customer, then B's queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    rediscovery_time: Distribution = Field(default_factory=lambda: ZERO)
    misroute_probability: Probability = 0.0


class WarmPolicy(_Model):
    """Attended transfer: hold, consult, three-way conference, A drops."""

    consult_time: Distribution = Field(default_factory=lambda: ZERO)
    conference_time: Distribution = Field(default_factory=lambda: ZERO)
    max_consult_wait: Seconds = Field(default=math.inf, ge=0)
    fallback: Literal["cold", "callback"] = "cold"


class ConferencePolicy(_Model):
    """Consult and keep: A holds, consults B, keeps the contact."""

    consult_time: Distribution = Field(default_factory=lambda: ZERO)
    max_consult_wait: Seconds = Field(default=math.inf, ge=0)
    fallback: Literal["cold", "callback"] = "cold"


class CallbackPolicy(_Model):
    """The customer hangs up; B calls back from its queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    priority: int | None = None
    reach_probability: Probability = 1.0
    max_attempts: int = Field(default=1, ge=1, le=100)
    retry_delay: FiniteSeconds = Field(default=0.0, ge=0)
    dial_time: Distribution = Field(default_factory=lambda: ZERO)
    context_factor: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    rediscovery_time: Distribution | None = None


class EmailPolicy(_Model):
    """Ticket hand-off to back-office work in B's queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    priority: int | None = None
    work_factor: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    context_factor: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    chase_after: Seconds = Field(default=math.inf, gt=0)
    chase_probability: Probability = 0.0
    rediscovery_time: Distribution | None = None


class SelfServicePolicy(_Model):
    """Redirect to self-service; the customer succeeds alone or not."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    success_probability: Probability = 1.0


def _names(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [value]
    return value


class Condition(_Model):
    """When a rule applies; every given field must hold (an empty condition always holds)."""

    call_type: Annotated[list[str], BeforeValidator(_names)] | None = None
    segment: Annotated[list[str], BeforeValidator(_names)] | None = None
    target_pool: Annotated[list[str], BeforeValidator(_names)] | None = None
    target_tier: Annotated[list[int], BeforeValidator(_names)] | None = None
    escalation: Literal["functional", "hierarchical"] | None = None
    target_idle_agents: int | None = Field(default=None, ge=0)
    target_queue_length: int | None = Field(default=None, ge=0)
    expected_wait: Seconds | None = Field(default=None, ge=0)


class Rule(_Model):
    """``when`` the condition holds, hand the contact on with ``policy``."""

    when: Condition = Field(default_factory=Condition)
    policy: PolicyName


class Transfer(_Model):
    """How contacts are handed on at an escalation (MODEL.md §3)."""

    policy: Literal["cold", "warm", "conference", "callback", "email", "self_service", "rules"] = (
        "cold"
    )
    transfer_priority: bool = True
    cold: ColdPolicy = Field(default_factory=ColdPolicy)
    warm: WarmPolicy = Field(default_factory=WarmPolicy)
    conference: ConferencePolicy = Field(default_factory=ConferencePolicy)
    callback: CallbackPolicy = Field(default_factory=CallbackPolicy)
    email: EmailPolicy = Field(default_factory=EmailPolicy)
    self_service: SelfServicePolicy = Field(default_factory=SelfServicePolicy)
    false_resolution: dict[PolicyName, Probability] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rules_present(self) -> Transfer:
        if self.policy == "rules" and not self.rules:
            raise ValueError("policy `rules` needs a non-empty `rules` list")
        return self


# --------------------------------------------------------------------------- SLA


class AnswerSla(_Model):
    threshold: Seconds = Field(default=20.0, ge=0)
    target: Probability = 0.8
    short_abandon: Seconds = Field(default=0.0, ge=0)


class Sla(_Model):
    """Answer SLA at the entry pool and escalation targets per receiving pool."""

    answer: AnswerSla = Field(default_factory=AnswerSla)
    escalation: dict[str, Annotated[Seconds, Field(ge=0)]] = Field(default_factory=dict)


# --------------------------------------------------------------------------- scenario


class Scenario(_Model):
    """A whole contact centre and the experiment to run on it."""

    name: str | None = None
    description: str | None = None
    horizon: Seconds = Field(gt=0)
    warmup: Seconds = Field(default=0.0, ge=0)
    drain: Seconds = Field(default=math.inf, gt=0)
    seed: int = Field(default=0, ge=0)
    replications: int = Field(default=1, ge=1, le=MAX_REPLICATIONS)
    call_types: dict[str, CallType] = Field(min_length=1)
    segments: dict[str, Segment] = Field(
        default_factory=lambda: {"standard": Segment(share=1.0)}, min_length=1
    )
    customers: Customers = Field(default_factory=Customers)
    pools: dict[str, Pool] = Field(min_length=1)
    transfer: Transfer = Field(default_factory=Transfer)
    sla: Sla = Field(default_factory=Sla)

    _source: Path | None = PrivateAttr(default=None)
    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @field_validator("horizon")
    @classmethod
    def _finite_horizon(cls, value: float) -> float:
        if math.isinf(value):
            raise ValueError("the horizon must be finite (arrivals stop there)")
        return value

    def problems(self) -> list[str]:
        """Cross-references pydantic cannot check field by field, as ``path: message``."""
        problems: list[str] = []
        if self.warmup >= self.horizon:
            problems.append(
                f"warmup: {duration_text(self.warmup)} must be shorter than the horizon "
                f"({duration_text(self.horizon)})"
            )
        for kind in ("call_types", "segments", "pools"):
            for name in getattr(self, kind):
                if "." in name or not name.strip():
                    problems.append(
                        f"{kind}: the name {name!r} cannot be used: names must be non-empty "
                        "and contain no '.' (dots separate the parts of a YAML path)"
                    )
        for name, ct in self.call_types.items():
            problems += self._path_problems(name, ct)
            problems += self._overflow_problems(name, ct)
            if ct.arrivals.interval is not None:
                problems += self._interval_problems(
                    f"call_types.{name}.arrivals.interval", ct.arrivals.interval
                )
        total = sum(s.share for s in self.segments.values())
        if abs(total - 1.0) > 1e-6:
            shares = ", ".join(f"{k} {s.share:g}" for k, s in self.segments.items())
            problems.append(f"segments: shares must sum to 1, got {total:g} ({shares})")
        for name, pool in self.pools.items():
            problems += self._pool_problems(name, pool)
        problems += self._transfer_problems()
        return problems

    def _path_problems(self, name: str, ct: CallType) -> list[str]:
        """Unknown pools, loops and pools that would refuse the call type on its path."""
        problems: list[str] = []
        pools = set(self.pools)
        where = f"call_types.{name}.path"
        for step in ct.path:
            if step not in pools:
                problems.append(
                    f"{where}: unknown pool {step!r}"
                    + _suggest(step, pools, prefix="; did you mean")
                    + f" (pools: {', '.join(sorted(pools))})"
                )
        seen = [p for i, p in enumerate(ct.path) if p in ct.path[:i]]
        if seen:
            problems.append(
                f"{where}: pool {seen[0]!r} appears twice — an escalation path may not loop "
                f"back (got {' → '.join(ct.path)})"
            )
        refusing = [p for p in dict.fromkeys(ct.path) if p in pools and not self.takes(p, name)]
        if refusing and refusing[0] == ct.path[0]:
            takers = [p for p in self.pools if self.takes(p, name)]
            problems.append(
                f"call_types.{name}: no pool can take it — its entry pool {ct.path[0]!r} "
                f"lists skills {self.pools[ct.path[0]].skills} without {name!r}"
                + (f" (pools that take it: {', '.join(takers)})" if takers else "")
            )
            refusing = refusing[1:]
        for pool in refusing:
            problems.append(
                f"{where}: pool {pool!r} is on the path but its skills "
                f"{self.pools[pool].skills} do not include {name!r}"
            )
        return problems

    def _overflow_problems(self, name: str, ct: CallType) -> list[str]:
        """Overflow pools must exist, take the call type and not be on its path."""
        problems: list[str] = []
        pools = set(self.pools)
        seen: set[str] = set()
        for i, step in enumerate(ct.overflow):
            where = f"call_types.{name}.overflow.{i}.pool"
            if step.pool not in pools:
                problems.append(
                    f"{where}: unknown pool {step.pool!r}"
                    + _suggest(step.pool, pools, prefix="; did you mean")
                    + f" (pools: {', '.join(sorted(pools))})"
                )
            elif step.pool in ct.path:
                problems.append(
                    f"{where}: {step.pool!r} is on the call type's path "
                    f"({' → '.join(ct.path)}); an overflow pool answers in place of the "
                    "entry pool, so it must be another pool"
                )
            elif step.pool in seen:
                problems.append(f"{where}: {step.pool!r} is already an overflow pool")
            elif not self.takes(step.pool, name):
                problems.append(
                    f"{where}: pool {step.pool!r} lists skills {self.pools[step.pool].skills} "
                    f"without {name!r}"
                )
            seen.add(step.pool)
        return problems

    def _interval_problems(self, where: str, interval: float) -> list[str]:
        """An interval must divide the horizon into a sensible number of pieces."""
        if self.horizon / interval > MAX_INTERVALS:
            return [
                f"{where}: {duration_text(interval)} gives more than {MAX_INTERVALS:,} "
                f"intervals over the horizon ({duration_text(self.horizon)})"
            ]
        if not _divides(interval, self.horizon):
            return [
                f"{where}: {duration_text(interval)} does not divide the horizon "
                f"({duration_text(self.horizon)}); use an interval such as "
                f"{_divisor_hint(interval, self.horizon)}"
            ]
        return []

    def _pool_problems(self, name: str, pool: Pool) -> list[str]:
        """Per-pool cross-references: call types named, handle times, fallbacks, shifts."""
        problems: list[str] = []
        pools = set(self.pools)
        for table in ("handle_time", "wrap_up", "resolve"):
            for key in getattr(pool, table):
                if key != "*" and key not in self.call_types:
                    problems.append(
                        f"pools.{name}.{table}.{key}: unknown call type"
                        + _suggest(key, self.call_types, prefix="; did you mean")
                        + f" (call types: {', '.join(self.call_types)})"
                    )
        for table in ("handle_time", "wrap_up"):
            for key, dist in getattr(pool, table).items():
                if math.isinf(dist.mean):
                    path = f"pools.{name}.{table}" + ("" if key == "*" else f".{key}")
                    problems.append(f"{path}: must be a finite duration, got inf")
        for skill in pool.skills or []:
            if skill not in self.call_types:
                problems.append(
                    f"pools.{name}.skills: unknown call type {skill!r}"
                    + _suggest(skill, self.call_types, prefix="; did you mean")
                )
        for ct_name, ct in self.call_types.items():
            overflow = any(step.pool == name for step in ct.overflow)
            if (name in ct.path or overflow) and pool.for_type(pool.handle_time, ct_name) is None:
                problems.append(
                    f"pools.{name}.handle_time: no handle time for call type {ct_name!r}"
                    + (f" (it is an overflow pool of {ct_name!r})" if overflow else "")
                    + " (give one distribution for all, or one per call type)"
                )
        if pool.when_unstaffed not in (None, "queue", "callback") and (
            pool.when_unstaffed not in pools or pool.when_unstaffed == name
        ):
            problems.append(
                f"pools.{name}.when_unstaffed: expected 'queue', 'callback' or another "
                f"pool, got {pool.when_unstaffed!r}"
            )
        if pool.agents.interval is not None:
            problems += self._interval_problems(
                f"pools.{name}.agents.interval", pool.agents.interval
            )
        return problems

    def _transfer_problems(self) -> list[str]:
        """Finite policy step times, known names in SLA targets and rules."""
        problems: list[str] = []
        pools = set(self.pools)
        for policy in POLICIES:
            block = getattr(self.transfer, policy)
            for key in _STEP_TIMES:
                dist = getattr(block, key, None)
                if dist is not None and math.isinf(dist.mean):
                    problems.append(f"transfer.{policy}.{key}: must be a finite duration, got inf")
        for pool_name in self.sla.escalation:
            if pool_name not in pools:
                problems.append(
                    f"sla.escalation.{pool_name}: unknown pool"
                    + _suggest(pool_name, pools, prefix="; did you mean")
                )
        for i, rule in enumerate(self.transfer.rules):
            problems += self._rule_problems(i, rule)
        return problems

    def _rule_problems(self, i: int, rule: Rule) -> list[str]:
        """Names in a rule's condition that the scenario does not define."""
        problems: list[str] = []
        where = f"transfer.rules.{i}.when"
        known = (
            ("call_type", rule.when.call_type, self.call_types),
            ("segment", rule.when.segment, self.segments),
            ("target_pool", rule.when.target_pool, self.pools),
        )
        for key, names, choices in known:
            for value in names or []:
                if value not in choices:
                    problems.append(
                        f"{where}.{key}: unknown {value!r}"
                        + _suggest(value, choices, prefix="; did you mean")
                    )
        return problems

    # ----------------------------------------------------------------- helpers

    def takes(self, pool: str, call_type: str) -> bool:
        """Whether ``pool`` takes ``call_type``: its skills, or each type whose path names it.

        A pool without ``skills`` takes every call type whose path or overflow
        routing names it.
        """
        skills = self.pools[pool].skills
        if skills is None:
            return any(
                pool in ct.path or any(step.pool == pool for step in ct.overflow)
                for ct in self.call_types.values()
            )
        return call_type in skills

    @property
    def source(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._source

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self._source.stem if self._source else "scenario"

    def with_policy(self, policy: str) -> Scenario:
        """A copy with another transfer policy (for comparisons)."""
        return self.with_changes({"transfer.policy": policy})

    def to_yaml(self) -> str:
        """The scenario as a YAML document that loads back to an equal scenario.

        It is the document as written (with any changes applied), so units and
        comments-free keys read as the planner wrote them; ``empirical`` files
        are inlined as values so the document stands on its own.
        """
        import yaml as _yaml

        data = copy.deepcopy(self._raw) if self._raw is not None else self.model_dump(by_alias=True)
        _inline_empirical_files(data, self)
        return _yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with dotted YAML paths set, e.g. ``{"pools.front.agents": 42}``."""
        data = copy.deepcopy(self._raw) if self._raw is not None else self.model_dump(by_alias=True)
        for path, value in changes.items():
            _set_path(data, path, value)
        base = self._source.parent if self._source else Path(".")
        return _validate(data, source=self._source, base_dir=base, index=None)

    def summary(self) -> str:
        """A few lines describing the centre, for ``simcc validate``."""
        lines = [f"{self.display_name}: horizon {self.horizon / 3600:g} h"]
        if self.warmup:
            lines[0] += f", warm-up {self.warmup / 60:g} min"
        lines[0] += f", {self.replications} replication(s), seed {self.seed}"
        for name, ct in self.call_types.items():
            rate = ct.arrivals.mean_rate(self.horizon) * 3600
            line = f"  call type {name}: {rate:.0f}/h on average, path {' → '.join(ct.path)}"
            if ct.overflow:
                steps = ", ".join(f"{o.pool} after {duration_text(o.after)}" for o in ct.overflow)
                line += f"; overflow to {steps}"
            lines.append(line)
        for name, pool in self.pools.items():
            counts = pool.agents.counts
            staff = str(counts[0]) if len(counts) == 1 else f"{min(counts)}–{max(counts)}"
            lines.append(f"  pool {name}: tier {pool.tier}, {staff} agents")
        lines.append(f"  transfer policy: {self.transfer.policy}")
        return "\n".join(lines)


_STEP_TIMES = ("transfer_time", "rediscovery_time", "consult_time", "conference_time", "dial_time")


def _divisor_hint(interval: float, horizon: float) -> str:
    """An interval near ``interval`` that divides ``horizon``."""
    return duration_text(horizon / max(1, round(horizon / interval)))


def _inline_empirical_files(data: Any, scenario: Scenario) -> None:
    """Replace ``{dist: empirical, file: F}`` blocks by their values (read when loaded)."""
    from simcc.dists import Empirical

    def walk(node: Any, model: Any) -> None:
        if isinstance(node, dict):
            if node.get("dist") == "empirical" and "file" in node and isinstance(model, Empirical):
                node.pop("file")
                node["values"] = list(model.values or ())
                return
            for key, value in node.items():
                walk(value, _child(model, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, _child(model, i))

    walk(data, scenario)


def _child(model: Any, key: Any) -> Any:
    if isinstance(model, BaseModel):
        for name, field in type(model).model_fields.items():
            if key in (name, field.alias):
                return getattr(model, name)
        return None
    if isinstance(model, dict):
        return model.get(key, model.get("*"))
    if isinstance(model, list) and isinstance(key, int) and key < len(model):
        return model[key]
    return None


def _divides(interval: float, horizon: float) -> bool:
    ratio = horizon / interval
    return abs(ratio - round(ratio)) < 1e-9 * max(1.0, ratio)


def _suggest(word: str, choices: Any, prefix: str = "did you mean") -> str:
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"{prefix} {match[0]!r}?" if match else ""


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node: Any = data
    for key in keys[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
            continue
        if key not in node or not isinstance(node[key], dict | list):
            node[key] = {}
        node = node[key]
    if isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value


# --------------------------------------------------------------------------- loading


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` if it is unusable."""
    path = Path(path)
    text = _read(path)
    return loads_scenario(text, source=path)


def _read(path: Path) -> str:
    """The text of a scenario file, or a :class:`ScenarioError` saying why it cannot be read."""
    try:
        if path.is_dir():
            raise ScenarioError(f"{path}: is a directory, expected a YAML scenario file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{path}: file too large ({size / 1e6:.1f} MB; a scenario is at most "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB — put long empirical samples in a `file:`)"
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{path}: not a UTF-8 text file (byte {exc.start + 1} cannot be read); "
            "save the scenario as UTF-8 YAML"
        ) from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None


def loads_scenario(text: str, source: str | Path | None = None) -> Scenario:
    """Validate a scenario given as YAML text (``source`` names it in messages)."""
    where = str(source) if source is not None else "<scenario>"
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{where}: too large ({len(text) / 1e6:.1f} MB; a scenario is at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    data, index = _parse(text, where)
    if data is None:
        raise ScenarioError(
            f"{where}: the file is empty; a scenario needs horizon, call_types and pools"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{where}: expected a mapping of keys (horizon, call_types, pools, …), "
            f"got {_kind(data)}"
        )
    path = Path(source) if source is not None else None
    base = path.parent if path is not None else Path(".")
    return _validate(data, source=path, base_dir=base, index=index)


def scenario_from_dict(data: Mapping[str, Any], base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as a Python mapping (as parsed from YAML)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"<scenario>: expected a mapping, got {_kind(data)}")
    return _validate(dict(data), source=None, base_dir=Path(base_dir), index=None)


def _parse(text: str, where: str) -> tuple[Any, _Index]:
    """YAML text → (Python data, index of lines); syntax problems become ScenarioError."""
    loader = None
    try:
        _check_depth(text, where)
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, _Index()
        index = _Index.of(node, where)
        return loader.construct_document(node), index
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(_syntax_message(where, exc)) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            f"{where}:{line}: not a text file: character U+{code:04X} is not allowed in YAML"
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{where}: YAML syntax error: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            f"{where}: nested too deeply (a scenario is a few levels of keys and lists)"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted (a scenario needs about six)."""


def _check_depth(text: str, where: str) -> None:
    """Refuse absurd nesting from the event stream, before the recursive composer sees it."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise ScenarioError(
                    f"{where}:{line}: nested too deeply (more than {MAX_DEPTH} levels; "
                    "a scenario is a few levels of keys and lists)"
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def _syntax_message(where: str, exc: yaml.MarkedYAMLError) -> str:
    """``file:LINE:COLUMN: YAML syntax error: problem`` with the offending line and a hint."""
    mark = exc.problem_mark or exc.context_mark
    at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
    problem = exc.problem or exc.context or "invalid YAML"
    message = f"{where}{at}: YAML syntax error: {problem}"
    if exc.context and exc.problem:
        message += f" ({exc.context})"
    if "'\\t'" in problem:
        message += "; indent with spaces, YAML does not allow tabs"
    elif "could not determine a constructor" in problem:
        message += "; tags such as !!python/… are not allowed in a scenario"
    return message


class _Index:
    """Where each YAML path is in the text: its line, and the scalar as written."""

    def __init__(self) -> None:
        self.lines: dict[tuple[Any, ...], int] = {}
        self.written: dict[tuple[Any, ...], str] = {}

    @classmethod
    def of(cls, root: yaml.Node, where: str) -> _Index:
        """Index a composed document; refuse duplicate keys and alias bombs."""
        size = _expanded_size(root, {}, set())
        if size > MAX_NODES:
            raise ScenarioError(
                f"{where}: the document expands to {size:,} values through YAML aliases "
                f"(at most {MAX_NODES:,}); write the values out"
            )
        index = cls()
        duplicates: list[str] = []
        index._walk(root, (), duplicates)
        if duplicates:
            raise ScenarioError(_join(where, duplicates), [f"{where}{d}" for d in duplicates])
        return index

    def _walk(self, node: yaml.Node, path: tuple[Any, ...], duplicates: list[str]) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self.written[path] = node.value
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i), duplicates)
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    self._walk(value, path, duplicates)
                    continue
                name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
                line = key.start_mark.line + 1
                if name in first:
                    dotted = ".".join(str(p) for p in (*path, name))
                    duplicates.append(
                        f":{line}: {dotted}: key given twice (first on line {first[name]}); "
                        "keep one"
                    )
                    continue
                first[name] = line
                self.lines[(*path, name)] = line
                self._walk(value, (*path, name), duplicates)

    def line(self, loc: list[Any] | tuple[Any, ...]) -> int | None:
        """The line of ``loc`` or of its nearest parent in the text."""
        key = tuple(p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc)
        while key:
            for candidate in (key, tuple(str(p) for p in key)):
                if candidate in self.lines:
                    return self.lines[candidate]
            key = key[:-1]
        return None

    def text(self, loc: list[Any]) -> str | None:
        """A scalar exactly as the file wrote it, if ``loc`` is one."""
        key = tuple(p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc)
        return self.written.get(key, self.written.get(tuple(str(p) for p in key)))


def _expanded_size(node: yaml.Node, memo: dict[int, int], visiting: set[int]) -> int:
    """How many values ``node`` stands for once every alias is expanded."""
    if id(node) in memo:
        return memo[id(node)]
    if id(node) in visiting:
        raise yaml.YAMLError("a YAML alias refers to a node that contains it (a loop)")
    visiting.add(id(node))
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, memo, visiting) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            size += _expanded_size(key, memo, visiting) + _expanded_size(value, memo, visiting)
    visiting.discard(id(node))
    memo[id(node)] = min(size, MAX_NODES + 1)
    return memo[id(node)]


def _validate(
    data: dict[str, Any], source: Path | None, base_dir: Path, index: _Index | None
) -> Scenario:
    where = str(source) if source is not None else "<scenario>"
    index = index or _Index()
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": str(base_dir)})
    except ValidationError as exc:
        located = [
            _locate(index, _as_written(data, loc), message)
            for loc, message in _explain(exc, data, index)
        ]
        raise ScenarioError(_join(where, located), [f"{where}{p}" for p in located]) from None
    except RecursionError:
        raise ScenarioError(f"{where}: nested too deeply or refers to itself") from None
    problems = scenario.problems()
    if problems:
        located = []
        for problem in problems:
            path, message = problem.split(": ", 1)
            loc = [int(p) if p.isdigit() else p for p in path.split(".")]
            located.append(_locate(index, _as_written(data, loc), message))
        raise ScenarioError(_join(where, located), [f"{where}{p}" for p in located])
    scenario._source = source
    scenario._raw = data
    return scenario


def _as_written(data: Any, loc: list[Any]) -> list[Any]:
    """``loc`` as the file spells it: no list index where one item was written alone.

    A key that takes one item or a list of them (``overflow``) is validated as
    a list; an error in the single item written without a list is at
    ``overflow.pool``, not ``overflow.0.pool``.
    """
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if part == 0 and isinstance(node, Mapping) and 0 not in node and i > 0:
            continue  # the validator's list around a single mapping
        out.append(part)
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return out


def _locate(index: _Index, loc: list[Any], message: str) -> str:
    """``:LINE: a.b.c: message`` (the part after the file name)."""
    line = index.line(loc)
    path = ".".join(str(p) for p in loc)
    return (f":{line}" if line else "") + ": " + (f"{path}: " if path else "") + message


def _join(where: str, problems: list[str]) -> str:
    """One problem on one line; several as a count, then one line each."""
    if len(problems) == 1:
        return f"{where}{problems[0]}"
    return f"{where}: {len(problems)} problems\n" + "\n".join(f"  {where}{p}" for p in problems)


_TAGS = frozenset(DIST_NAMES)


def _explain(exc: ValidationError, data: Any, index: _Index) -> list[tuple[list[Any], str]]:
    """Pydantic's errors as (YAML path, message), one each, most useful first."""
    out: list[tuple[list[Any], str]] = []
    seen: set[str] = set()
    errors = exc.errors(include_url=False)
    suggested = _suggested_keys(errors, data)
    for err in errors:
        loc = _clean_loc(err["loc"], data)
        if err["type"] == "missing" and (tuple(loc[:-1]), loc[-1] if loc else None) in suggested:
            continue  # the misspelt key next to it says it all
        if err["type"] == "missing":
            loc, message = loc[:-1], f"required key `{loc[-1]}` is missing" if loc else "missing"
        else:
            message = _message(err, loc, data, index)
        key = ".".join(str(p) for p in loc) + message
        if key not in seen:
            seen.add(key)
            out.append((loc, message))
    return out or [([], str(exc))]


def _suggested_keys(errors: list[Any], data: Any) -> set[tuple[tuple[Any, ...], Any]]:
    """(parent path, valid key) pairs that an unknown key nearby is a misspelling of."""
    out = set()
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = _clean_loc(err["loc"], data)
        if not loc:
            continue
        match = _close(str(loc[-1]), _keys_at(loc[:-1], data) or [])
        if match:
            out.add((tuple(loc[:-1]), match))
    return out


_INNER = ("function-", "list[", "dict[", "int", "float", "str", "bool", "*", "[key]")


def _clean_loc(loc: tuple[Any, ...], data: Any) -> list[Any]:
    """Drop the names pydantic adds for union members and wrappers (not YAML keys)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if _has(node, part):
            out.append(part)
            node = node[part]
        elif node is not None and not isinstance(node, dict | list):
            break  # the YAML gave a scalar; the rest is pydantic's inner structure
        elif isinstance(part, str) and (part in _TAGS or part.startswith(_INNER)):
            continue
        else:
            out.append(part)
            node = None
    return out


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        try:
            return part in node
        except TypeError:
            return False
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _get(data: Any, loc: list[Any]) -> Any:
    node = data
    for part in loc:
        if not _has(node, part):
            return None
        node = node[part]
    return node


_BOUNDS = {
    "greater_than_equal": "≥",
    "greater_than": ">",
    "less_than_equal": "≤",
    "less_than": "<",
}
_SIMPLE = {
    ("int_type", "int_parsing", "int_from_float"): "expected a whole number",
    ("float_type", "float_parsing"): "expected a number",
    ("list_type", "tuple_type", "set_type"): "expected a list such as [a, b]",
    ("bool_type", "bool_parsing"): "expected true or false",
    ("string_type",): "expected text (quote it if it looks like a number)",
    ("finite_number",): "must be a finite number",
}


def _message(err: Any, loc: list[Any], data: Any, index: _Index) -> str:
    """One pydantic error in the planner's words, with what the file wrote."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = _written(err, loc, index)
    if kind == "extra_forbidden":
        return _unknown_key(loc, data)
    if kind in _BOUNDS:
        return _bound_message(kind, ctx, got)
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        hint = _close(tag, sorted(_TAGS))
        return f"unknown distribution {tag!r}" + (
            f"; did you mean {hint!r}?"
            if hint
            else f"; expected one of: {', '.join(sorted(_TAGS))}"
        )
    if kind == "union_tag_not_found":
        return (
            "a distribution needs `dist:` (e.g. {dist: exponential, mean: 5m}) or a bare "
            f"duration, got {got}"
        )
    if kind == "literal_error":
        expected = str(ctx.get("expected"))
        hint = _close(str(err.get("input")), re.findall(r"'([^']*)'", expected))
        return f"expected {expected}, got {got}" + (f"; did you mean {hint!r}?" if hint else "")
    if kind == "too_short":
        return f"must not be empty, got {got}"
    if kind == "too_long":
        return f"too many entries (at most {ctx.get('max_length')})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        keys = _keys_at(loc, data)
        shape = f"keys such as {', '.join(keys[:6])}" if keys else "keys"
        return f"expected a mapping of {shape}, got {got}"
    if "[key]" in [str(p) for p in err["loc"]] and kind == "string_type":
        return f"names must be text, got {got} (quote it: '{got}')"
    for kinds, text in _SIMPLE.items():
        if kind in kinds:
            return f"{text}, got {got}"
    if kind == "invalid_key":
        return f"names must be text, got {_short(err.get('input'))} (quote it)"
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _bound_message(kind: str, ctx: dict[str, Any], got: str) -> str:
    bound = next(iter(ctx.values())) if ctx else "?"
    shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
    if kind == "less_than_equal" and shown == "1":
        return f"must be a probability between 0 and 1, got {got}"
    return f"must be {_BOUNDS[kind]} {shown}, got {got}"


def _written(err: Any, loc: list[Any], index: _Index) -> str:
    """The offending value as the file wrote it (``-4m``), else a short repr."""
    if "[key]" in [str(p) for p in err["loc"]]:
        return _short(err.get("input"))
    text = index.text(loc) if loc else None
    if text is not None and isinstance(err.get("input"), str | int | float | bool):
        return text if text != "" else "an empty value"
    return _short(err.get("input"))


def _short(value: Any, width: int = 60) -> str:
    """A value for a message: ``None`` as nothing, long values cut."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value) if not isinstance(value, int) or isinstance(value, bool) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _kind(value: Any) -> str:
    """``a list``, ``a number``, ``text 'abc'``: what a YAML value is, for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number ({_short(value)})"
    if isinstance(value, str):
        return f"text {_short(value)}"
    return type(value).__name__


def _unknown_key(loc: list[Any], data: Any) -> str:
    key = str(loc[-1]) if loc else "?"
    valid = _keys_at(loc[:-1], data)
    if valid is None:
        hint = _close(key, sorted(_VOCABULARY))
        return f"unknown key {key!r}" + (f"; did you mean {hint!r}?" if hint else "")
    hint = _close(key, valid)
    if hint:
        return f"unknown key {key!r}; did you mean {hint!r}?"
    return f"unknown key {key!r}; expected one of: {', '.join(valid)}"


def _close(word: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in choices}
        match = [lowered[word.lower()]] if word.lower() in lowered else []
    return match[0] if match else None


# --------------------------------------------------------------------------- the keys at a place


def _keys_at(loc: list[Any], data: Any) -> list[str] | None:
    """The keys the model expects at YAML path ``loc`` (None if it is not a model there)."""
    model = _model_at(loc, data)
    if model is None:
        return None
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_at(loc: list[Any], data: Any) -> type[BaseModel] | None:
    """Walk the scenario's type annotations along ``loc`` (and the data, to pick unions)."""
    tp: Any = Scenario
    node: Any = data
    for part in loc:
        tp = _resolve(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = _field(tp, part)
            if field is None:
                return None
            tp = field.annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) in (list, tuple):
            tp = get_args(tp)[0]
        else:
            return None
        node = node[part] if _has(node, part) else None
    tp = _resolve(tp, node)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _field(model: type[BaseModel], key: Any) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _resolve(tp: Any, node: Any) -> Any:
    """Strip ``Annotated`` and ``Optional``; pick a distribution class by its ``dist:``."""
    for _ in range(20):
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
            else:
                return _pick_dist(members, node)
        elif origin is dict and isinstance(node, Mapping) and "dist" in node:
            tp = get_args(tp)[1]  # a per-call-type table given as one distribution
        else:
            return tp
    return tp


def _pick_dist(members: list[Any], node: Any) -> Any:
    tag = str(node.get("dist", "")).strip().lower() if isinstance(node, Mapping) else None
    for member in members:
        if (
            isinstance(member, type)
            and issubclass(member, BaseModel)
            and "dist" in member.model_fields
        ) and tag in get_args(member.model_fields["dist"].annotation):
            return member
    return None


def _vocabulary() -> set[str]:
    """Every key of every model: the fallback for suggestions where the place is unknown."""
    words: set[str] = set()
    pending: list[type[BaseModel]] = [Scenario]
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            words.add(field.alias or name)
            pending.extend(_models_in(field.annotation))
    return words


def _models_in(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models_in(arg)]


_VOCABULARY = _vocabulary()
