"""The transfer policies' names (kept apart from pydantic so the command line starts quickly)."""

from __future__ import annotations

from typing import Literal, get_args

PolicyName = Literal["cold", "warm", "conference", "callback", "email", "self_service"]
POLICIES: tuple[PolicyName, ...] = get_args(PolicyName)
"""The transfer policies, in the order the docs list them (``rules`` picks one of them)."""
HANDOFF_POLICIES: tuple[str, ...] = ("", *POLICIES, "peer")
"""What the ``policy`` codes of the records name: none, a transfer policy, or a peer consult."""
