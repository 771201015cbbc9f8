"""A grouped pool's new staffing, shared among its agent groups.

``simcc staff``, the interval staffing search and ``simcc sweep
pools.P.agents=…`` set a pool's agents.  A pool split into agent groups
(MODEL.md §9) has its agents as the groups' sum, so a new staffing for it
is shared among its groups in the file's mix: each group's share is the
mean of its counts in the file (equal shares when the file has none),
and every interval's count is apportioned by largest remainders, a tie
going to the group written first.  A change that names a group's agents
itself (``pools.P.groups.G.agents``) is left as written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simcc.scenario.document import Scenario
    from simcc.scenario.pools import Pool


def group_changes(scenario: Scenario, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The ``pools.P.groups.G.agents`` changes that share each changed grouped pool's agents."""
    added: dict[str, Any] = {}
    for path, value in changes.items():
        keys = path.split(".")
        if len(keys) != 3 or keys[0] != "pools" or keys[2] != "agents":
            continue
        pool = scenario.pools.get(keys[1])
        if pool is None or pool.groups is None:
            continue
        if any(_sets_group_agents(p, keys[1]) for p in changes):
            continue  # the groups' agents are set by hand
        counts = _counts(value)
        if counts is None:
            continue  # not a staffing: validation says what is wrong with it
        split = [split_agents(pool, n) for n in counts]
        for name in pool.groups:
            group_counts = [parts[name] for parts in split]
            added[f"pools.{keys[1]}.groups.{name}.agents"] = (
                group_counts[0] if isinstance(value, int) else {**value, "counts": group_counts}
            )
    return added


def _sets_group_agents(path: str, pool: str) -> bool:
    """Whether ``path`` sets the agents of ``pool``'s groups: ``pools.P.groups``,
    ``pools.P.groups.G`` or ``pools.P.groups.G.agents``."""
    return (
        re.fullmatch(rf"pools\.{re.escape(pool)}\.groups(\.[^.]+(\.agents(\..*)?)?)?", path)
        is not None
    )


def split_agents(pool: Pool, agents: int) -> dict[str, int]:
    """``agents`` of a grouped pool shared among its groups in the file's mix."""
    groups = pool.groups or {}
    shares = [g.agents.mean_count for g in groups.values()]
    return dict(zip(groups, apportion(agents, shares), strict=True))


def _counts(value: Any) -> list[int] | None:
    """The whole-number counts of a staffing value (a number or ``{interval, counts}``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return [value]
    if isinstance(value, Mapping):
        counts = value.get("counts")
        if (
            isinstance(counts, list)
            and counts
            and all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts)
        ):
            return list(counts)
    return None


def apportion(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` whole agents split in proportion to ``shares`` by largest remainders.

    The parts sum to ``total``; a tie of remainders goes to the earlier share;
    with no share above zero every part has the same share.
    """
    weight = sum(shares)
    if weight <= 0:
        shares, weight = [1.0] * len(shares), float(len(shares))
    exact = [total * s / weight for s in shares]
    parts = [math.floor(x) for x in exact]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
