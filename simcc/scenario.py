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
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

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

from simcc.dists import NEVER, ZERO, Distribution, Seconds
from simcc.units import parse_rate

MAX_FILE_BYTES = 5_000_000

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
RatePerSecond = Annotated[float, BeforeValidator(parse_rate), Field(ge=0.0)]


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

    rate: RatePerSecond | None = None
    interval: Seconds | None = Field(default=None, gt=0)
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
                raise ValueError("`rates` must list at least one rate")
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
        if math.isinf(interval):
            return rates[0]
        total, t, i = 0.0, 0.0, 0
        while t < horizon:
            step = min(interval, horizon - t)
            index = i % len(rates) if repeat else min(i, len(rates) - 1)
            total += rates[index] * step
            t += step
            i += 1
        return total / horizon


class CallType(_Model):
    """A kind of contact: its arrivals, escalation path and queue priority."""

    arrivals: Arrivals
    path: list[str] = Field(min_length=1)
    priority: int = 1


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

    interval: Seconds | None = Field(default=None, gt=0)
    counts: list[Annotated[int, Field(ge=0)]] = Field(min_length=1)
    repeat: bool = False


def _staffing(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"counts": [value]}
    return value


def _per_type(value: Any) -> Any:
    """One value for every call type, or a mapping call type -> value."""
    if isinstance(value, Mapping) and "dist" not in value:
        return dict(value)
    return {"*": value}


PerTypeDist = Annotated[dict[str, Distribution], BeforeValidator(_per_type)]
PerTypeProbability = Annotated[dict[str, Probability], BeforeValidator(_per_type)]


class Pool(_Model):
    """A group of interchangeable agents with one queue."""

    tier: int = Field(default=1, ge=1)
    agents: Annotated[Staffing, BeforeValidator(_staffing)]
    skills: list[str] | None = None
    handle_time: PerTypeDist
    wrap_up: PerTypeDist = Field(default_factory=lambda: {"*": ZERO})
    resolve: PerTypeProbability = Field(default_factory=lambda: {"*": 1.0})
    escalate_after: Seconds | None = Field(default=None, gt=0)
    cost_per_hour: float = Field(default=0.0, ge=0)
    when_unstaffed: str | None = None
    queue_capacity: int | None = Field(default=None, ge=0)

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
    max_attempts: int = Field(default=1, ge=1)
    retry_delay: Seconds = Field(default=0.0, ge=0)
    dial_time: Distribution = Field(default_factory=lambda: ZERO)
    context_factor: float = Field(default=1.0, ge=0)
    rediscovery_time: Distribution | None = None


class EmailPolicy(_Model):
    """Ticket hand-off to back-office work in B's queue."""

    transfer_time: Distribution = Field(default_factory=lambda: ZERO)
    priority: int | None = None
    work_factor: float = Field(default=1.0, gt=0)
    context_factor: float = Field(default=1.0, ge=0)
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
    escalation: dict[str, Seconds] = Field(default_factory=dict)


# --------------------------------------------------------------------------- scenario


class Scenario(_Model):
    """A whole contact centre and the experiment to run on it."""

    name: str | None = None
    description: str | None = None
    horizon: Seconds = Field(gt=0)
    warmup: Seconds = Field(default=0.0, ge=0)
    drain: Seconds = Field(default=math.inf, gt=0)
    seed: int = Field(default=0, ge=0)
    replications: int = Field(default=1, ge=1)
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
            problems.append(f"warmup: {self.warmup:g}s must be shorter than the horizon")
        pools = set(self.pools)
        for name, ct in self.call_types.items():
            for step in ct.path:
                if step not in pools:
                    problems.append(
                        f"call_types.{name}.path: unknown pool {step!r}"
                        + _suggest(step, pools, prefix="; did you mean")
                        + f" (pools: {', '.join(sorted(pools))})"
                    )
            seen = [p for i, p in enumerate(ct.path) if p in ct.path[:i]]
            if seen:
                problems.append(
                    f"call_types.{name}.path: pool {seen[0]!r} appears twice "
                    "(an escalation path may not loop back)"
                )
            entry = ct.path[0]
            if entry in pools and not self.takes(entry, name):
                problems.append(
                    f"call_types.{name}: no pool can take it — its entry pool {entry!r} "
                    f"lists skills {self.pools[entry].skills} without {name!r}"
                )
            if ct.arrivals.interval is not None and not _divides(
                ct.arrivals.interval, self.horizon
            ):
                problems.append(
                    f"call_types.{name}.arrivals.interval: {ct.arrivals.interval:g}s "
                    f"does not divide the horizon ({self.horizon:g}s)"
                )
        total = sum(s.share for s in self.segments.values())
        if abs(total - 1.0) > 1e-6:
            problems.append(f"segments: shares must sum to 1, got {total:g}")
        for name, pool in self.pools.items():
            for table in ("handle_time", "wrap_up", "resolve"):
                for key in getattr(pool, table):
                    if key != "*" and key not in self.call_types:
                        problems.append(
                            f"pools.{name}.{table}.{key}: unknown call type"
                            + _suggest(key, self.call_types, prefix="; did you mean")
                        )
            for skill in pool.skills or []:
                if skill not in self.call_types:
                    problems.append(
                        f"pools.{name}.skills: unknown call type {skill!r}"
                        + _suggest(skill, self.call_types, prefix="; did you mean")
                    )
            for ct_name, ct in self.call_types.items():
                if name in ct.path and pool.for_type(pool.handle_time, ct_name) is None:
                    problems.append(
                        f"pools.{name}.handle_time: no handle time for call type {ct_name!r}"
                    )
            if pool.when_unstaffed not in (None, "queue", "callback") and (
                pool.when_unstaffed not in pools or pool.when_unstaffed == name
            ):
                problems.append(
                    f"pools.{name}.when_unstaffed: expected 'queue', 'callback' or another "
                    f"pool, got {pool.when_unstaffed!r}"
                )
            if pool.agents.interval is not None and not _divides(
                pool.agents.interval, self.horizon
            ):
                problems.append(
                    f"pools.{name}.agents.interval: {pool.agents.interval:g}s "
                    f"does not divide the horizon ({self.horizon:g}s)"
                )
        for pool_name in self.sla.escalation:
            if pool_name not in pools:
                problems.append(
                    f"sla.escalation.{pool_name}: unknown pool"
                    + _suggest(pool_name, pools, prefix="; did you mean")
                )
        for i, rule in enumerate(self.transfer.rules):
            for ct_name in rule.when.call_type or []:
                if ct_name not in self.call_types:
                    problems.append(f"transfer.rules.{i}.when.call_type: unknown {ct_name!r}")
            for seg in rule.when.segment or []:
                if seg not in self.segments:
                    problems.append(f"transfer.rules.{i}.when.segment: unknown {seg!r}")
            for pool_name in rule.when.target_pool or []:
                if pool_name not in pools:
                    problems.append(f"transfer.rules.{i}.when.target_pool: unknown {pool_name!r}")
        return problems

    # ----------------------------------------------------------------- helpers

    def takes(self, pool: str, call_type: str) -> bool:
        """Whether ``pool`` takes ``call_type``: its skills, or each type whose path names it."""
        skills = self.pools[pool].skills
        if skills is None:
            return any(pool in ct.path for ct in self.call_types.values())
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

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with dotted YAML paths set, e.g. ``{"pools.front.agents": 42}``."""
        data = copy.deepcopy(self._raw) if self._raw is not None else self.model_dump(by_alias=True)
        for path, value in changes.items():
            _set_path(data, path, value)
        base = self._source.parent if self._source else Path(".")
        return _validate(data, source=self._source, base_dir=base, text=None)

    def summary(self) -> str:
        """A few lines describing the centre, for ``simcc validate``."""
        lines = [f"{self.display_name}: horizon {self.horizon / 3600:g} h"]
        if self.warmup:
            lines[0] += f", warm-up {self.warmup / 60:g} min"
        lines[0] += f", {self.replications} replication(s), seed {self.seed}"
        for name, ct in self.call_types.items():
            rate = ct.arrivals.mean_rate(self.horizon) * 3600
            lines.append(f"  call type {name}: {rate:.0f}/h on average, path {' → '.join(ct.path)}")
        for name, pool in self.pools.items():
            counts = pool.agents.counts
            staff = str(counts[0]) if len(counts) == 1 else f"{min(counts)}–{max(counts)}"
            lines.append(f"  pool {name}: tier {pool.tier}, {staff} agents")
        lines.append(f"  transfer policy: {self.transfer.policy}")
        return "\n".join(lines)


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
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise ScenarioError(f"{path}: is a directory, expected a YAML scenario file")
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{path}: file too large ({size / 1e6:.1f} MB; a scenario is at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB — put long empirical samples in a `file:`)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file (expected UTF-8 YAML)") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    return loads_scenario(text, source=path)


def loads_scenario(text: str, source: str | Path | None = None) -> Scenario:
    """Validate a scenario given as YAML text (``source`` names it in messages)."""
    where = str(source) if source is not None else "<scenario>"
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise ScenarioError(f"{where}{at}: YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{where}: YAML syntax error: {exc}") from None
    if data is None:
        raise ScenarioError(
            f"{where}: the file is empty; a scenario needs horizon, call_types and pools"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{where}: expected a mapping of keys (horizon, call_types, pools, …), "
            f"got a {type(data).__name__}"
        )
    path = Path(source) if source is not None else None
    base = path.parent if path is not None else Path(".")
    return _validate(data, source=path, base_dir=base, text=text)


def scenario_from_dict(data: Mapping[str, Any], base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as a Python mapping (as parsed from YAML)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"<scenario>: expected a mapping, got {type(data).__name__}")
    return _validate(dict(data), source=None, base_dir=Path(base_dir), text=None)


def _validate(
    data: dict[str, Any], source: Path | None, base_dir: Path, text: str | None
) -> Scenario:
    where = str(source) if source is not None else "<scenario>"
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": str(base_dir)})
    except ValidationError as exc:
        problems = _explain(exc, data, text)
        head = (
            f"{where}: {problems[0]}"
            if len(problems) == 1
            else f"{where}: {len(problems)} problems"
        )
        body = "" if len(problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in problems)
        raise ScenarioError(head + body, [f"{where}: {p}" for p in problems]) from None
    problems = scenario.problems()
    if problems:
        lines = _line_index(text) if text else {}
        located = []
        for problem in problems:
            path = problem.split(":", 1)[0]
            line = _nearest_line(lines, [int(p) if p.isdigit() else p for p in path.split(".")])
            located.append((f"line {line}: " if line else "") + problem)
        raise ScenarioError(_join(where, located), [f"{where}: {p}" for p in located])
    scenario._source = source
    scenario._raw = data
    return scenario


def _join(where: str, problems: list[str]) -> str:
    if len(problems) == 1:
        return f"{where}: {problems[0]}"
    return f"{where}: {len(problems)} problems\n" + "\n".join(f"  - {p}" for p in problems)


_TAGS = set(
    [
        "exponential",
        "lognormal",
        "gamma",
        "erlang",
        "deterministic",
        "uniform",
        "triangular",
        "empirical",
    ]
)


def _explain(exc: ValidationError, data: Any, text: str | None) -> list[str]:
    """Turn pydantic's errors into one line each: ``line N: a.b.c: what is wrong``."""
    out: list[str] = []
    seen: set[str] = set()
    lines = _line_index(text) if text else {}
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"], data)
        path = ".".join(str(p) for p in loc)
        message = _message(err, loc, data)
        line = _nearest_line(lines, loc)
        entry = (f"line {line}: " if line else "") + (f"{path}: " if path else "") + message
        if entry not in seen:
            seen.add(entry)
            out.append(entry)
    return out or [str(exc)]


_INNER = ("function-", "list[", "dict[", "int", "float", "str", "bool", "*")


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


def _get(data: Any, loc: list[Any]) -> Any:
    node = data
    for part in loc:
        if _has(node, part):
            node = node[part]
        else:
            return _MISSING
    return node


_MISSING = object()


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(err: Any, loc: list[Any], data: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1] if loc else value
        hint = _suggest(str(key), _VOCABULARY)
        return f"unknown key {key!r}" + (f"; {hint}" if hint else "")
    if kind == "missing":
        return "required key is missing"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values())) if ctx else "?"
        op = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        return f"must be {op} {bound}, got {value!r}"
    if kind == "union_tag_invalid":
        return f"unknown distribution {ctx.get('tag')!r}; expected one of: " + ", ".join(
            sorted(_TAGS)
        )
    if kind == "union_tag_not_found":
        return (
            "a distribution needs `dist:` (e.g. {dist: exponential, mean: 5m}) or a bare duration"
        )
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {value!r}"
    if kind == "too_short":
        return f"must not be empty, got {value!r}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {value!r}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {value!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys, got {value!r}"
    if kind == "list_type":
        return f"expected a list, got {value!r}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"expected true or false, got {value!r}"
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for model in (
        Arrivals,
        CallType,
        Segment,
        Recontact,
        Customers,
        Staffing,
        Pool,
        ColdPolicy,
        WarmPolicy,
        ConferencePolicy,
        CallbackPolicy,
        EmailPolicy,
        SelfServicePolicy,
        Condition,
        Rule,
        Transfer,
        AnswerSla,
        Sla,
        Scenario,
    ):
        for name, field in model.model_fields.items():
            words.add(field.alias or name)
    from simcc import dists

    for cls in (
        dists.Exponential,
        dists.Lognormal,
        dists.Gamma,
        dists.Erlang,
        dists.Deterministic,
        dists.Uniform,
        dists.Triangular,
        dists.Empirical,
    ):
        for name, field in cls.model_fields.items():
            words.add(field.alias or name)
    return words


_VOCABULARY = _vocabulary()


def _line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map YAML paths to 1-based line numbers, from the composed node tree."""
    index: dict[tuple[Any, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return index

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value
                index[(*path, k)] = key.start_mark.line + 1
                walk(value, (*path, k))
                index[(*path, k)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def _nearest_line(lines: dict[tuple[Any, ...], int], loc: list[Any]) -> int | None:
    key = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None
