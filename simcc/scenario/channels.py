"""The cross-checks of channels (MODEL.md §8): chat pools, e-mails, cross-channel hand-offs.

- A pool with ``concurrency`` above 1 serves chats only: a call or an e-mail
  takes a whole agent, which a session slot is not.  The channel a contact
  has at each step of its path counts: its call type's at the entry pool (and
  overflow pools and re-contact trigger targets), the ``transfer.cross_channel``
  one after a hand-off (the next pools of its paths, the complaint pool, a
  pool's ``when_unstaffed`` stand-in).  A cold misroute needs no check: it
  lands only in a pool of the same kind (docs/model-choices.md, "Channels").
- Such a pool has no agent groups (their factors and shift plans are per agent).
- An e-mail never abandons: its call type gives no ``patience``, and it is not
  refused by a full queue (no ``queue_capacity`` where it is answered).
- ``transfer.cross_channel`` and ``sla.answer_by_channel`` name known channels.
- A call back at arrival (``virtual_hold``) is for callers: a chat or an e-mail
  has no line to hold and no number to dial.
"""

from __future__ import annotations

from typing import Any

from simcc.scenario.demand import CHANNELS
from simcc.scenario.errors import did_you_mean


def _unknown(where: str, channel: str) -> str:
    return (
        f"{where}: unknown channel {channel!r}"
        + did_you_mean(channel, CHANNELS)
        + f" (channels: {', '.join(CHANNELS)})"
    )


def channel_problems(scenario: Any) -> list[str]:
    """Every channel problem of a scenario (the cross-checks' :class:`ScenarioFields`),
    as ``yaml.path: message``."""
    problems: list[str] = []
    cross = scenario.transfer.cross_channel
    for source, target in cross.items():
        for channel in (source, target):
            if channel not in CHANNELS:
                problems.append(_unknown(f"transfer.cross_channel.{source}", channel))
    for channel in scenario.sla.answer_by_channel:
        if channel not in CHANNELS:
            problems.append(_unknown(f"sla.answer_by_channel.{channel}", channel))
    for name, pool in scenario.pools.items():
        if pool.concurrency > 1 and pool.groups is not None:
            problems.append(
                f"pools.{name}.concurrency: a chat pool ({pool.concurrency} sessions per agent) "
                "cannot have agent groups; split it into pools instead"
            )
    for name, ct in scenario.call_types.items():
        where = f"call_types.{name}"
        if ct.channel == "email" and ct.patience is not None:
            problems.append(
                f"{where}.patience: an e-mail has no patience: nobody waits on the line for "
                "its answer, so it never abandons; remove `patience` (the answer target is "
                "sla.answer_by_channel.email)"
            )
        if ct.channel != "voice" and ct.virtual_hold is not None:
            kind = "an e-mail" if ct.channel == "email" else "a chat"
            problems.append(
                f"{where}.virtual_hold: a call back at arrival is offered to callers; "
                f"{kind} has no line to hold and no number to dial "
                "(remove virtual_hold, or make the call type's channel voice)"
            )
        later = cross.get(ct.channel, ct.channel)  # its channel after a hand-off
        steps = [(p, ct.channel) for p in _first_pools(scenario, ct)]
        for path in ct.paths():
            steps += [(p, ct.channel if i == 0 else later) for i, p in enumerate(path)]
        steps += [(p, later) for p in _handed_pools(scenario, ct)]
        for pool_name, channel in dict.fromkeys(steps):
            pool = scenario.pools.get(pool_name)
            if pool is None:
                continue  # the path checks say so
            if pool.concurrency > 1 and channel != "chat":
                problems.append(
                    f"pools.{pool_name}.concurrency: a pool whose agents hold "
                    f"{pool.concurrency} chat sessions at once serves chats only, but "
                    f"call type {name!r} reaches it as {channel}"
                    + (" (transfer.cross_channel)" if channel != ct.channel else "")
                )
            if channel == "email" and pool.queue_capacity is not None:
                problems.append(
                    f"pools.{pool_name}.queue_capacity: e-mails of call type {name!r} wait in "
                    "this queue, and an e-mail is never refused (it never abandons); remove "
                    "queue_capacity or route the e-mails to another pool"
                )
    return problems


def _first_pools(scenario: Any, ct: Any) -> list[str]:
    """Pools a contact of ``ct`` may queue at on arrival besides its entry pool: overflow
    pools, and the targets of the re-contact triggers (MODEL.md §7)."""
    pools = [step.pool for step in ct.overflow]
    for trigger in (scenario.escalation.repeat_contact, scenario.escalation.case_age):
        if trigger is not None:
            pools.append(trigger.to)
    return pools


def _handed_pools(scenario: Any, ct: Any) -> list[str]:
    """Pools a hand-off may bring a contact of ``ct`` to off its paths: the complaint
    pool, and the stand-in (``when_unstaffed``) of every pool on its paths."""
    complaint = scenario.customers.complaint
    pools = [complaint.to] if complaint is not None and complaint.to is not None else []
    for path in ct.paths():
        for name in path:
            pool = scenario.pools.get(name)
            if pool is not None and pool.when_unstaffed in scenario.pools:
                pools.append(pool.when_unstaffed)
    return pools
