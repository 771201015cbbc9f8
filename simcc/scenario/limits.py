"""How big a scenario may be: the limits that keep a bad file from filling memory
or a run from going wrong.

A file past one of them gets a :class:`~simcc.scenario.ScenarioError` that
names the limit, before any simulation starts.  The limits of numbers are what
the engine and its records hold (a priority is stored as a 32-bit number); the
limits of durations and distribution parameters are in :mod:`simcc.dists`.
"""

MAX_FILE_BYTES = 5_000_000
"""Largest scenario file read (long empirical samples belong in a ``file:``)."""
MAX_NODES = 1_000_000
"""Largest number of YAML values a document may expand to (aliases included)."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted (a scenario needs about six)."""
MAX_AGENTS = 100_000
"""Most agents a pool may have in one interval."""
MAX_INTERVALS = 1_000_000
"""Most profile or shift intervals over the horizon."""
MAX_REPLICATIONS = 100_000
"""Most replications one scenario may ask for."""
MAX_CONCURRENCY = 100
"""Most chat sessions one agent may hold at once (``concurrency``)."""
MAX_QUEUE_CAPACITY = 10_000_000
"""Largest ``queue_capacity`` of a pool."""
MAX_PRIORITY = 1_000_000
"""Largest queue priority, either way from 0 (priorities are small numbers; lower first)."""
MAX_TIER = 1_000
"""Highest tier of a pool (1 = front line)."""
MAX_RATE_PER_HOUR = 10_000_000
"""Highest arrival rate of a call type, per hour (about 2,800 a second)."""
MAX_FACTOR = 1_000.0
"""Largest ``work_factor`` or ``context_factor`` (multipliers of a time)."""
MAX_COST_PER_HOUR = 1e9
"""Largest cost of an agent-hour."""
