"""The pools a centre is built with, whatever their handle-time tables hold."""

from __future__ import annotations

from pathlib import Path

import yaml

import simcc

DOC = {
    "name": "a pool no call type reaches",
    "horizon": "1h",
    "call_types": {"billing": {"arrivals": {"rate": "30/h"}, "path": ["front"]}},
    "pools": {
        "front": {"agents": 2, "handle_time": {"dist": "exponential", "mean": 60}},
        "expert": {"agents": 1, "handle_time": {}},  # no handle time for any call type
    },
}


def test_a_pool_with_an_empty_handle_time_table_is_built_and_the_centre_runs(
    tmp_path: Path,
) -> None:
    """Its mean handle time (for the expected wait of routing rules) is unknown, not a
    division by zero (found by tests/property/test_fuzz_loader.py)."""
    path = tmp_path / "centre.yaml"
    path.write_text(yaml.safe_dump(DOC))
    result = simcc.simulate(simcc.load_scenario(path), seed=1)
    assert result.metrics()["offered"] > 0
