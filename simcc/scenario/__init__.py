"""The scenario file: the YAML contract of MODEL.md §6 as pydantic models.

``load_scenario(path)`` reads a file and returns a validated :class:`Scenario`;
anything wrong raises :class:`ScenarioError`, whose message names the file,
the line, the YAML path and what was expected, e.g.::

    centre.yaml:14: pools.tier2.agents: must be ≥ 0, got -3

Every model forbids unknown keys (a misspelt key is an error that suggests the
closest valid name).  Durations are seconds or strings with units, rates are
per hour or strings with units (see :mod:`simcc.units`).  This package never
imports simpy: a scenario is a description, not a simulation.

The package, one concept a module (each imports only those above it):

- :mod:`~simcc.scenario.errors` — :class:`ScenarioError` and how messages quote values
- :mod:`~simcc.scenario.limits` — the size limits of a scenario
- :mod:`~simcc.scenario.fields` — strict blocks and the common field types
- :mod:`~simcc.scenario.demand`, :mod:`~simcc.scenario.pools`,
  :mod:`~simcc.scenario.transfer`, :mod:`~simcc.scenario.sla` — the blocks
- :mod:`~simcc.scenario.cross_checks` — references between blocks
- :mod:`~simcc.scenario.syntax` — YAML syntax errors: the line where each starts, a hint
- :mod:`~simcc.scenario.reading` — file text, YAML parsing, the line of each path
- :mod:`~simcc.scenario.keys`, :mod:`~simcc.scenario.messages` — pydantic errors
  as located messages
- :mod:`~simcc.scenario.hints` — plausible mistakes of a valid file, as warnings at their line
- :mod:`~simcc.scenario.document` — :class:`Scenario` and its validation
- :mod:`~simcc.scenario.loading` — ``load_scenario``, ``loads_scenario``,
  ``scenario_from_dict``
- :mod:`~simcc.scenario.workload` — the work each call type brings to each pool,
  from mean rates and times (the load check's and the staffing searches' estimate)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simcc.dists import DIST_NAMES, NEVER, ZERO, Distribution, Seconds
    from simcc.scenario.demand import (
        Arrivals,
        CallType,
        CaseAge,
        Complaint,
        Customers,
        Escalation,
        FrontDoor,
        Need,
        Overflow,
        Recontact,
        RecontactKey,
        RepeatContact,
        Segment,
        VirtualHold,
        Volume,
    )
    from simcc.scenario.document import PatienceKind, Scenario
    from simcc.scenario.errors import ScenarioError, suggest
    from simcc.scenario.fields import (
        FiniteSeconds,
        PositiveRate,
        Probability,
        RatePerSecond,
    )
    from simcc.scenario.limits import (
        MAX_AGENTS,
        MAX_DEPTH,
        MAX_FILE_BYTES,
        MAX_INTERVALS,
        MAX_NODES,
        MAX_REPLICATIONS,
    )
    from simcc.scenario.loading import load_scenario, loads_scenario, scenario_from_dict
    from simcc.scenario.policies import HANDOFF_POLICIES, POLICIES, PolicyName
    from simcc.scenario.pools import Peer, PerTypeDist, PerTypeProbability, Pool, Staffing
    from simcc.scenario.sla import AnswerSla, Penalty, Sla
    from simcc.scenario.transfer import (
        CallbackPolicy,
        ColdPolicy,
        Condition,
        ConferencePolicy,
        Context,
        EmailPolicy,
        Rule,
        SelfServicePolicy,
        Transfer,
        WarmPolicy,
    )
    from simcc.units import duration_text, parse_rate

    _suggest = suggest  # its earlier private name

_LAZY = {
    "AnswerSla": "simcc.scenario.sla",
    "Arrivals": "simcc.scenario.demand",
    "CallType": "simcc.scenario.demand",
    "CallbackPolicy": "simcc.scenario.transfer",
    "CaseAge": "simcc.scenario.demand",
    "ColdPolicy": "simcc.scenario.transfer",
    "Complaint": "simcc.scenario.demand",
    "Condition": "simcc.scenario.transfer",
    "ConferencePolicy": "simcc.scenario.transfer",
    "Context": "simcc.scenario.transfer",
    "Customers": "simcc.scenario.demand",
    "DIST_NAMES": "simcc.dists",
    "Distribution": "simcc.dists",
    "EmailPolicy": "simcc.scenario.transfer",
    "Escalation": "simcc.scenario.demand",
    "FiniteSeconds": "simcc.scenario.fields",
    "FrontDoor": "simcc.scenario.demand",
    "HANDOFF_POLICIES": "simcc.scenario.policies",
    "MAX_AGENTS": "simcc.scenario.limits",
    "MAX_DEPTH": "simcc.scenario.limits",
    "MAX_FILE_BYTES": "simcc.scenario.limits",
    "MAX_INTERVALS": "simcc.scenario.limits",
    "MAX_NODES": "simcc.scenario.limits",
    "MAX_REPLICATIONS": "simcc.scenario.limits",
    "NEVER": "simcc.dists",
    "Need": "simcc.scenario.demand",
    "Overflow": "simcc.scenario.demand",
    "POLICIES": "simcc.scenario.policies",
    "PatienceKind": "simcc.scenario.document",
    "Peer": "simcc.scenario.pools",
    "Penalty": "simcc.scenario.sla",
    "PerTypeDist": "simcc.scenario.pools",
    "PerTypeProbability": "simcc.scenario.pools",
    "PolicyName": "simcc.scenario.policies",
    "Pool": "simcc.scenario.pools",
    "PositiveRate": "simcc.scenario.fields",
    "Probability": "simcc.scenario.fields",
    "RatePerSecond": "simcc.scenario.fields",
    "Recontact": "simcc.scenario.demand",
    "RecontactKey": "simcc.scenario.demand",
    "RepeatContact": "simcc.scenario.demand",
    "Rule": "simcc.scenario.transfer",
    "Scenario": "simcc.scenario.document",
    "ScenarioError": "simcc.scenario.errors",
    "Seconds": "simcc.dists",
    "Segment": "simcc.scenario.demand",
    "SelfServicePolicy": "simcc.scenario.transfer",
    "Sla": "simcc.scenario.sla",
    "Staffing": "simcc.scenario.pools",
    "Transfer": "simcc.scenario.transfer",
    "VirtualHold": "simcc.scenario.demand",
    "Volume": "simcc.scenario.demand",
    "WarmPolicy": "simcc.scenario.transfer",
    "ZERO": "simcc.dists",
    "duration_text": "simcc.units",
    "load_scenario": "simcc.scenario.loading",
    "loads_scenario": "simcc.scenario.loading",
    "parse_rate": "simcc.units",
    "scenario_from_dict": "simcc.scenario.loading",
    "suggest": "simcc.scenario.errors",
    "_suggest": "simcc.scenario.errors",  # its earlier private name
}
"""Public names imported on first use, and the module each comes from.

``from simcc.scenario import ScenarioError`` (or ``POLICIES``) loads only the
light module that defines it; the pydantic models load with the first name
that needs them, so ``simcc --help`` does not build them.
"""


def __getattr__(name: str) -> object:
    """``simcc.scenario.Scenario``, ``load_scenario``…: imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcc.scenario' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), "suggest" if name == "_suggest" else name)
    globals()[name] = value
    return value


__all__ = [
    "DIST_NAMES",
    "HANDOFF_POLICIES",
    "MAX_AGENTS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INTERVALS",
    "MAX_NODES",
    "MAX_REPLICATIONS",
    "NEVER",
    "POLICIES",
    "ZERO",
    "AnswerSla",
    "Arrivals",
    "CallType",
    "CallbackPolicy",
    "CaseAge",
    "ColdPolicy",
    "Complaint",
    "Condition",
    "ConferencePolicy",
    "Context",
    "Customers",
    "Distribution",
    "EmailPolicy",
    "Escalation",
    "FiniteSeconds",
    "FrontDoor",
    "Need",
    "Overflow",
    "PatienceKind",
    "Peer",
    "Penalty",
    "PerTypeDist",
    "PerTypeProbability",
    "PolicyName",
    "Pool",
    "PositiveRate",
    "Probability",
    "RatePerSecond",
    "Recontact",
    "RecontactKey",
    "RepeatContact",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Seconds",
    "Segment",
    "SelfServicePolicy",
    "Sla",
    "Staffing",
    "Transfer",
    "VirtualHold",
    "Volume",
    "WarmPolicy",
    "duration_text",
    "load_scenario",
    "loads_scenario",
    "parse_rate",
    "scenario_from_dict",
    "suggest",
]
