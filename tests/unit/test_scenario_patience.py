"""Which patience a caller has: Scenario.patience, the one precedence rule.

The engine draws each caller's patience from this spec and the load checks
read it; ``docs/scenario.md`` states the rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from simcc.scenario import PatienceKind, Scenario, scenario_from_dict


def centre(customers: dict[str, Any] | None = None) -> Scenario:
    """billing has its own patience, sales none; vip and gold set some of theirs."""
    return scenario_from_dict(
        {
            "horizon": "1h",
            "call_types": {
                "billing": {"arrivals": {"rate": "60/h"}, "path": ["front"], "patience": "3m"},
                "sales": {"arrivals": {"rate": "60/h"}, "path": ["front"]},
            },
            "segments": {
                "vip": {"share": 0.2, "patience": "1m", "hold_patience": "20s"},
                "gold": {"share": 0.1, "transfer_patience": "2m"},
                "standard": {"share": 0.7},
            },
            "customers": customers if customers is not None else {"patience": "5m"},
            "pools": {"front": {"agents": 2, "handle_time": "4m"}},
        }
    )


@pytest.mark.parametrize(
    ("call_type", "segment", "seconds"),
    [
        ("billing", "vip", 60),  # the segment's own beats the call type's
        ("billing", "standard", 180),  # the call type's beats the customers'
        ("sales", "standard", 300),  # the customers'
        ("sales", "vip", 60),
    ],
)
def test_first_queue_patience_is_segment_then_call_type_then_customers(
    call_type: str, segment: str, seconds: float
) -> None:
    assert centre().patience(call_type, segment, "patience").mean == seconds


@pytest.mark.parametrize(
    ("kind", "call_type", "segment", "seconds"),
    [
        ("hold_patience", "billing", "vip", 20),  # the segment's own
        ("hold_patience", "billing", "standard", 180),  # the first queue's: the call type's
        ("hold_patience", "sales", "standard", 300),  # the first queue's: the customers'
        ("hold_patience", "sales", "gold", 300),
        ("transfer_patience", "billing", "gold", 120),  # the segment's own
        ("transfer_patience", "billing", "vip", 60),  # the first queue's: the segment's
        ("transfer_patience", "billing", "standard", 180),
    ],
)
def test_hold_and_transfer_patience_fall_back_to_the_first_queues(
    kind: PatienceKind, call_type: str, segment: str, seconds: float
) -> None:
    assert centre().patience(call_type, segment, kind).mean == seconds


@pytest.mark.parametrize("kind", ["hold_patience", "transfer_patience"])
def test_the_customers_hold_and_transfer_patience_beat_a_call_types_patience(
    kind: PatienceKind,
) -> None:
    s = centre({"patience": "5m", kind: "8m"})
    assert s.patience("billing", "standard", kind).mean == 480
    assert s.patience("billing", "vip", kind).mean == (20 if kind == "hold_patience" else 480)


def test_patience_is_the_spec_written_in_the_file_not_a_copy() -> None:
    s = centre()
    assert s.patience("billing", "vip", "patience") is s.segments["vip"].patience
    assert s.patience("billing", "standard", "hold_patience") is s.call_types["billing"].patience


def test_without_any_patience_customers_never_give_up() -> None:
    s = centre({})
    for kind in ("patience", "hold_patience", "transfer_patience"):
        assert s.patience("sales", "standard", kind).mean == float("inf")  # type: ignore[arg-type]


def test_an_unknown_kind_of_patience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind of patience 'queue_patience'"):
        centre().patience("sales", "standard", "queue_patience")  # type: ignore[arg-type]
