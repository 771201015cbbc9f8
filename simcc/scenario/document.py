"""The whole scenario: :class:`Scenario`, a contact centre and the experiment to run on it.

A :class:`Scenario` holds the blocks of the file (call types, segments,
customers, pools, transfer, SLA) with the horizon, warm-up, seed and
replications; :func:`validate` builds one from parsed YAML, runs the
cross-checks and turns every problem into a located message.  A scenario
remembers the document it was read from, so that :meth:`Scenario.with_changes`
and :meth:`Scenario.to_yaml` keep the planner's units and spelling.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from simcc.dists import NEVER, Distribution, Empirical, Seconds
from simcc.scenario.cross_checks import problems as cross_check_problems
from simcc.scenario.demand import CallType, Customers, Escalation, Segment, Volume
from simcc.scenario.errors import ScenarioError, join, short
from simcc.scenario.fields import Block
from simcc.scenario.group_staffing import group_changes
from simcc.scenario.hints import file_warnings, short_horizon
from simcc.scenario.limits import MAX_REPLICATIONS
from simcc.scenario.messages import as_written, explain, locate
from simcc.scenario.pools import Pool
from simcc.scenario.reading import Index
from simcc.scenario.sla import Sla
from simcc.scenario.transfer import Transfer
from simcc.units import duration_text

MAX_CURRENCY = 8
"""Characters of a currency label at most (``EUR``, ``€``, ``US$``)."""
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")

PatienceKind = Literal["patience", "hold_patience", "transfer_patience"]
"""Which wait a patience is for: the first queue, a hold, a queue after a transfer."""


class Scenario(Block):
    """A whole contact centre and the experiment to run on it."""

    name: str | None = None
    description: str | None = None
    currency: str | None = None
    """How costs are labelled (``EUR``, ``€``, ``CHF``); never converted, only shown."""
    opens_at: str | None = None
    """The clock time of time 0, ``"HH:MM"``: plots read the day in clock time."""
    horizon: Seconds = Field(gt=0)
    warmup: Seconds = Field(default=0.0, ge=0)
    drain: Seconds = Field(default=math.inf, gt=0)
    seed: int = Field(default=0, ge=0)
    replications: int = Field(default=1, ge=1, le=MAX_REPLICATIONS)
    call_types: dict[str, CallType] = Field(min_length=1)
    arrivals: Volume = Field(default_factory=Volume)
    segments: dict[str, Segment] = Field(
        default_factory=lambda: {"standard": Segment(share=1.0)}, min_length=1
    )
    customers: Customers = Field(default_factory=Customers)
    pools: dict[str, Pool] = Field(min_length=1)
    transfer: Transfer = Field(default_factory=Transfer)
    escalation: Escalation = Field(default_factory=Escalation)
    sla: Sla = Field(default_factory=Sla)

    _source: Path | None = PrivateAttr(default=None)
    _raw: dict[str, Any] | None = PrivateAttr(default=None)
    _file_warnings: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_text(cls, value: Any) -> Any:
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else ""
        if not 0 < len(text) <= MAX_CURRENCY or not text.isprintable():
            raise ValueError(
                f"expected a currency as a short text (at most {MAX_CURRENCY} characters), "
                'e.g. EUR, "€" or USD'
            )
        return text

    @field_validator("opens_at", mode="before")
    @classmethod
    def _clock_time(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                'expected a clock time in quotes, e.g. "08:00"; unquoted, YAML reads a '
                f"time such as 8:00 as a number (it read {value:g})"
            )
        clock = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
        if clock is None:
            raise ValueError('expected a clock time "HH:MM" from 00:00 to 23:59, e.g. "08:00"')
        return f"{int(clock[1]):02d}:{clock[2]}"

    @field_validator("horizon")
    @classmethod
    def _finite_horizon(cls, value: float) -> float:
        if math.isinf(value):
            raise ValueError("the horizon must be finite (arrivals stop there)")
        return value

    def problems(self) -> list[str]:
        """Cross-references pydantic cannot check field by field, as ``path: message``."""
        return cross_check_problems(self)

    # ----------------------------------------------------------------- helpers

    def takes(self, pool: str, call_type: str) -> bool:
        """Whether ``pool`` takes ``call_type``: its skills, or each type whose path names it.

        A pool without ``skills`` takes every call type whose path or overflow
        routing names it.
        """
        skills = self.pools[pool].skills
        if skills is None:
            return any(
                any(pool in path for path in ct.paths())
                or any(step.pool == pool for step in ct.overflow)
                for ct in self.call_types.values()
            )
        return call_type in skills

    def patience(self, call_type: str, segment: str, kind: PatienceKind) -> Distribution:
        """The patience of ``segment``'s callers of ``call_type`` for one kind of wait.

        ``patience`` (the first queue): the segment's own, else the call
        type's, else the customers'.  ``hold_patience`` (every hold) and
        ``transfer_patience`` (every queue after a cold transfer): the
        segment's own, else the customers', else that first-queue patience.
        A call type sets no hold or transfer patience of its own.  An e-mail's
        customer has none: e-mails never abandon (MODEL.md §8).
        """
        if self.call_types[call_type].channel == "email":
            return NEVER  # nobody waits on the line for an e-mail's answer: no abandonment
        own = self.segments[segment]
        first = own.patience or self.call_types[call_type].patience or self.customers.patience
        if kind == "patience":
            return first
        if kind == "hold_patience":
            return own.hold_patience or self.customers.hold_patience or first
        if kind == "transfer_patience":
            return own.transfer_patience or self.customers.transfer_patience or first
        raise ValueError(
            f"unknown kind of patience {kind!r}; expected patience, hold_patience or "
            "transfer_patience"
        )

    def group_names(self, by: str) -> list[str]:
        """The groups of ``by`` (``call_type``, ``segment``, ``need`` or ``channel``: MODEL.md
        §10's metrics by group) that this scenario's contacts can fall in, in the file's order;
        ``(none)`` is the group of contacts of a call type without needs."""
        if by == "call_type":
            return list(self.call_types)
        if by == "segment":
            return list(self.segments)
        if by == "channel":
            return list(dict.fromkeys(ct.channel for ct in self.call_types.values()))
        if by == "need":
            needs = (name for ct in self.call_types.values() for name in ct.needs)
            return ["(none)", *dict.fromkeys(needs)]
        raise ValueError(f"groups by {by!r}: expected call_type, segment, need or channel")

    @property
    def opens_at_seconds(self) -> float | None:
        """``opens_at`` as seconds after midnight (``"08:00"`` → 28800), or None."""
        if self.opens_at is None:
            return None
        hours, minutes = self.opens_at.split(":")
        return int(hours) * 3600.0 + int(minutes) * 60.0

    @property
    def source(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._source

    @property
    def file_warnings(self) -> tuple[str, ...]:
        """Plausible mistakes of the file as loaded (:mod:`simcc.scenario.hints`), each
        ``FILE:LINE: yaml.path: message``; the load check before a run prints them."""
        return self._file_warnings

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self._source.stem if self._source else "scenario"

    def with_policy(self, policy: str) -> Scenario:
        """A copy with another transfer policy (for comparisons)."""
        return self.with_changes({"transfer.policy": policy})

    def to_yaml(self, inline_files: bool = True) -> str:
        """The scenario as a YAML document that loads back to an equal scenario.

        It is the document as written (with any changes applied), so units and
        comments-free keys read as the planner wrote them; ``empirical`` files
        are inlined as values so the document stands on its own, unless
        ``inline_files`` is False: then each keeps its ``file:`` (relative to
        the scenario file's directory), for a caller that copies the files
        beside the document (an output set's ``scenario.yaml``).
        """
        data = copy.deepcopy(self._raw) if self._raw is not None else self.model_dump(by_alias=True)
        if inline_files:
            _inline_empirical_files(data, self)
        else:
            _keep_empirical_files(data)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with dotted YAML paths set, e.g. ``{"pools.front.agents": 42}``.

        A grouped pool's new agents are shared among its groups in the file's mix
        (:mod:`simcc.scenario.group_staffing`).
        """
        changes = {**changes, **group_changes(self, changes)}
        if self._raw is not None:
            data = copy.deepcopy(self._raw)
        else:  # built in Python: its dump holds an empirical file's values beside the file
            data = self.model_dump(by_alias=True)
            _inline_empirical_files(data, self)
        where = str(self._source) if self._source else "<scenario>"
        for path, value in changes.items():
            _set_path(data, path, value, where)
        base = self._source.parent if self._source else Path(".")
        return validate(data, source=self._source, base_dir=base, index=None)

    def summary(self) -> str:
        """A few lines describing the centre, for ``simcc validate``."""
        lines = [f"{self.display_name}: horizon {self.horizon / 3600:g} h"]
        if self.warmup:
            lines[0] += f", warm-up {self.warmup / 60:g} min"
        lines[0] += f", {self.replications} replication(s), seed {self.seed}"
        if self.opens_at is not None:
            lines[0] += f", opens at {self.opens_at}"
        if self.currency is not None:
            lines[0] += f", costs in {self.currency}"
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
            noun = "agent" if staff == "1" else "agents"
            lines.append(f"  pool {name}: tier {pool.tier}, {staff} {noun}")
        lines.append(f"  transfer policy: {self.transfer.policy}")
        return "\n".join(lines)


def validate(
    data: dict[str, Any], source: Path | None, base_dir: Path, index: Index | None
) -> Scenario:
    """``data`` as a :class:`Scenario`, or a :class:`ScenarioError` naming each problem's line.

    ``index`` (from :func:`~simcc.scenario.reading.parse`) gives the lines; without
    one (a mapping built in Python) the messages name the YAML path alone.
    """
    where = str(source) if source is not None else "<scenario>"
    index = index or Index()
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": str(base_dir)})
    except ValidationError as exc:
        located = [
            locate(index, as_written(data, loc), message)
            for loc, message in explain(exc, data, index, Scenario)
        ]
        raise ScenarioError(join(where, located), [f"{where}{p}" for p in located]) from None
    except RecursionError:
        raise ScenarioError(f"{where}: nested too deeply or refers to itself") from None
    problems = scenario.problems()
    if problems:
        located = []
        for problem in problems:
            path, message = problem.split(": ", 1)
            loc = [int(p) if p.isdigit() else p for p in path.split(".")]
            located.append(locate(index, as_written(data, loc), message))
        horizon = short_horizon(index)
        if horizon is not None and any("horizon" in problem for problem in problems):
            located.insert(0, locate(index, ["horizon"], horizon))  # the cause of the rest
        raise ScenarioError(join(where, located), [f"{where}{p}" for p in located])
    scenario._source = source
    scenario._raw = data
    scenario._file_warnings = tuple(
        file_warnings(scenario, index, str(source) if source is not None else "")
    )
    return scenario


def _inline_empirical_files(data: Any, scenario: Scenario) -> None:
    """Replace ``{dist: empirical, file: F}`` blocks by their values (read when loaded)."""

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


def _keep_empirical_files(data: Any) -> None:
    """Drop the values read from each ``{dist: empirical, file: F}`` block (a dump of a
    scenario built in Python holds both), so the block loads back from its file."""
    if isinstance(data, dict):
        if data.get("dist") == "empirical" and data.get("file") is not None:
            data.pop("values", None)
        for value in data.values():
            _keep_empirical_files(value)
    elif isinstance(data, list):
        for value in data:
            _keep_empirical_files(value)


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


def _set_path(data: dict[str, Any], path: str, value: Any, where: str) -> None:
    """Set the dotted YAML ``path`` in ``data``; a list item is named by its index from 0.

    A missing section on the way is created; a path through a value, a list
    index that is not a whole number, negative, or past the end of the list is
    a :class:`ScenarioError` naming the path and why.
    """
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if isinstance(node, list):
            i = _list_index(node, key, ".".join(keys[: depth + 1]), where)
            if last:
                node[i] = value
            elif isinstance(node[i], dict | list):
                node = node[i]
            else:
                raise ScenarioError(
                    f"{where}: {path}: {'.'.join(keys[: depth + 1])} is a value "
                    f"({short(node[i])}), not a section with {keys[depth + 1]!r} in it"
                )
        elif last:
            node[key] = value
        else:
            if key not in node or not isinstance(node[key], dict | list):
                node[key] = {}
            node = node[key]


def _list_index(items: list[Any], key: str, here: str, where: str) -> int:
    """The position ``key`` names in ``items`` (0 to len − 1), or a ScenarioError saying why."""
    size = len(items)
    span = f"it has {size} item{'s' if size != 1 else ''}" + (f", 0 to {size - 1}" if size else "")
    if re.fullmatch(r"-\d+", key.strip()):
        raise ScenarioError(
            f"{where}: {here}: negative index {key}: list items are counted from 0 at the "
            f"start ({span})"
        )
    if not key.strip().isdigit():
        raise ScenarioError(
            f"{where}: {here}: {key!r} is not a list index: a list's items are named by "
            f"their position from 0 ({span})"
        )
    i = int(key)
    if i >= size:
        raise ScenarioError(f"{where}: {here}: index {i} is past the end of the list ({span})")
    return i
