"""How big a scenario may be: the limits that keep a bad file from filling memory.

A file past one of them gets a :class:`~simcc.scenario.ScenarioError` that
names the limit, before any simulation starts.
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
