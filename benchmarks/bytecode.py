"""Benchmarks time simcc as an installed copy runs it: with its modules' bytecode cached.

An installed package has its bytecode written by pip, and an editable install writes
it on first import — unless ``PYTHONDONTWRITEBYTECODE`` is set (some shells and
containers set it, this development one among them). Then every process compiles
every simcc module it imports from source, each time: about 0.1 s more for ``simcc
--help``, more for a process that imports the engine, in the process being timed and
not in the reference. :func:`cache_bytecode` writes the cache first.
"""

from __future__ import annotations

import compileall
from pathlib import Path

SIMCC = Path(__file__).resolve().parent.parent / "simcc"


def cache_bytecode() -> None:
    """Write (or refresh) the bytecode of every simcc module, whatever the environment says."""
    compileall.compile_dir(SIMCC, quiet=1)
