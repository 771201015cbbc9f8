"""Exact steady-state measures of one pool: Erlang A and C, and M/M/n+G for any patience.

* :mod:`~simcc.analysis.theory.erlang` — Erlang A (M/M/n+M) and Erlang C (M/M/n)
  from the birth–death chain, and the staffing search :func:`min_agents`;
* :mod:`~simcc.analysis.theory.mmng` — M/M/n+G from the virtual-waiting-time
  density, for every patience distribution a scenario can name;
* :mod:`~simcc.analysis.theory.measures` — what both report.
"""

from simcc.analysis.theory.erlang import erlang_a, erlang_c, erlang_c_formula, min_agents
from simcc.analysis.theory.measures import QueueMeasures, service_level_sla
from simcc.analysis.theory.mmng import mmng, mmng_patience
from simcc.analysis.theory.patience import Patience, patience_of

__all__ = [
    "Patience",
    "QueueMeasures",
    "erlang_a",
    "erlang_c",
    "erlang_c_formula",
    "min_agents",
    "mmng",
    "mmng_patience",
    "patience_of",
    "service_level_sla",
]
