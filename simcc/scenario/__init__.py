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
- :mod:`~simcc.scenario.reading` — file text, YAML parsing, the line of each path
- :mod:`~simcc.scenario.keys`, :mod:`~simcc.scenario.messages` — pydantic errors
  as located messages
- :mod:`~simcc.scenario.document` — :class:`Scenario` and its validation
- :mod:`~simcc.scenario.loading` — ``load_scenario``, ``loads_scenario``,
  ``scenario_from_dict``
"""

from simcc.dists import DIST_NAMES, NEVER, ZERO, Distribution, Seconds
from simcc.scenario.cross_checks import suggest
from simcc.scenario.demand import (
    Arrivals,
    CallType,
    CaseAge,
    Complaint,
    Customers,
    Escalation,
    Need,
    Overflow,
    Recontact,
    RecontactKey,
    RepeatContact,
    Segment,
)
from simcc.scenario.document import PatienceKind, Scenario
from simcc.scenario.errors import ScenarioError
from simcc.scenario.fields import (
    HANDOFF_POLICIES,
    POLICIES,
    FiniteSeconds,
    PolicyName,
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

_suggest = suggest  # the name simcc.cli.run imports

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
    "WarmPolicy",
    "duration_text",
    "load_scenario",
    "loads_scenario",
    "parse_rate",
    "scenario_from_dict",
    "suggest",
]
