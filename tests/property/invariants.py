"""Conservation and consistency checks on one run's records (MODEL.md §5).

Each ``check_*`` function takes a :class:`simcc.Result` (or its frames) and raises
``AssertionError`` naming the first record that breaks the rule. They hold for
*every* valid scenario, whatever its distributions or policy, which is why the
property tests can throw generated scenarios at them:

- every contact ends in exactly one outcome, and none is left unfinished when
  the drain is unlimited;
- times are ordered: arrival ≤ answer ≤ end, waits are not negative;
- every agent interval has start ≤ end, lies within its contact's life (wrap-up
  excepted), and no agent is in two intervals at once;
- at no instant is a pool busier than the agents present in it, and busy time
  never exceeds staffed time (occupancy ≤ 1);
- a warm transfer keeps the transferring agent A busy for the whole hold, the
  consult and the conference, side by side with the receiving agent B;
- a case's attempts are numbered 1, 2, …, k and a contact's legs 1, 2, …, m;
- a contact is answered by its entry pool or one of its overflow pools.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simcc.records import OUTCOMES, REASONS

FINAL_OUTCOMES = set(OUTCOMES) - {"unfinished"}
ABANDONED = {"abandoned_queue", "abandoned_hold", "abandoned_transfer_queue"}
EPS = 1e-9


def check_outcomes(contacts: pd.DataFrame, drain_unlimited: bool) -> None:
    """One record per contact, ids 0..N-1, each with a known outcome."""
    ids = contacts["contact_id"].to_numpy()
    assert len(np.unique(ids)) == len(ids), "a contact has two outcome records"
    assert np.array_equal(np.sort(ids), np.arange(len(ids))), "a contact has no outcome record"
    outcome = contacts["outcome"].astype(str)
    allowed = FINAL_OUTCOMES if drain_unlimited else set(OUTCOMES)
    unknown = contacts[~outcome.isin(allowed)]
    assert unknown.empty, f"outcome not allowed:\n{unknown.head()}"
    abandoned_queue = contacts[outcome == "abandoned_queue"]
    assert abandoned_queue["answer"].isna().all(), "a contact answered, then abandoned the queue"
    after_transfer = contacts[outcome.isin(["abandoned_hold", "abandoned_transfer_queue"])]
    assert (after_transfer["escalations"] >= 1).all(), "a transfer abandonment without transfer"


def check_times(contacts: pd.DataFrame) -> None:
    """arrival ≤ answer ≤ end (when answered), arrival ≤ end, waits ≥ 0; the wait runs from
    the moment the contact joined the queue (its arrival, or the end of its front door)."""
    c = contacts
    assert (c["end"] >= c["arrival"] - EPS).all(), "a contact ends before it arrives"
    answered = c[c["answer"].notna()]
    bad = answered[
        (answered["answer"] < answered["arrival"] - EPS)
        | (answered["answer"] > answered["end"] + EPS)
    ]
    assert bad.empty, f"answer outside [arrival, end]:\n{bad.head()}"
    np.testing.assert_allclose(
        answered["wait"], answered["answer"] - answered["queued"], rtol=0, atol=1e-6
    )
    waits = c["wait"].dropna()
    assert (waits >= -EPS).all(), "a negative wait"
    assert (c["hold_time"] >= -EPS).all() and (c["transfer_wait"] >= -EPS).all()


def check_agent_intervals(agents: pd.DataFrame, contacts: pd.DataFrame) -> None:
    """start ≤ end; every interval but wrap-up lies within its contact's life."""
    bad = agents[agents["start"] > agents["end"]]
    assert bad.empty, f"an agent interval ends before it starts:\n{bad.head()}"
    life = contacts.set_index("contact_id")[["arrival", "end"]]
    missing = set(agents["contact_id"]) - set(life.index)
    assert not missing, f"agent intervals for unknown contacts {sorted(missing)[:5]}"
    a = agents[agents["activity"].astype(str) != "wrap_up"]
    arrival = life["arrival"].reindex(a["contact_id"]).to_numpy()
    end = life["end"].reindex(a["contact_id"]).to_numpy()
    outside = a[(a["start"].to_numpy() < arrival - EPS) | (a["end"].to_numpy() > end + EPS)]
    assert outside.empty, f"an agent busy for a contact outside its life:\n{outside.head()}"


def _by_agent(agents: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Intervals sorted by pool, agent and time, with the latest end reached before each.

    The second value is, for each row, the maximum ``end`` over the earlier rows of
    the same agent (``-inf`` for an agent's first interval).
    """
    frame = agents.sort_values(["pool", "agent", "start", "end"], kind="stable")
    pool = frame["pool"].cat.codes.to_numpy() if hasattr(frame["pool"], "cat") else frame["pool"]
    reach = frame.assign(_pool=pool).groupby(["_pool", "agent"], sort=False)["end"].cummax()
    earlier = reach.groupby([pool, frame["agent"].to_numpy()], sort=False).shift(1)
    return frame, earlier.fillna(-np.inf).to_numpy()


def check_no_double_booking(agents: pd.DataFrame, sessions: dict[str, int] | None = None) -> None:
    """Per pool and agent, intervals may touch but never overlap; an agent of a chat pool
    (``sessions``: pool → concurrency above 1) holds at most that many at once."""
    sessions = sessions or {}
    chat = agents["pool"].astype(str).isin(list(sessions))
    for pool, k in sessions.items():
        _check_sessions_at_once(agents[agents["pool"].astype(str) == pool], pool, k)
    agents = agents[~chat]
    frame, earlier = _by_agent(agents)
    clash = np.flatnonzero(frame["start"].to_numpy() < earlier - EPS)
    if clash.size:
        row = frame.iloc[clash[0]]
        same = frame[(frame["pool"] == row["pool"]) & (frame["agent"] == row["agent"])]
        raise AssertionError(
            f"agent {row['agent']} of pool {row['pool']} is in two places at once:\n{same}"
        )


def _check_sessions_at_once(rows: pd.DataFrame, pool: str, k: int) -> None:
    """No agent of chat pool ``pool`` is in more than ``k`` intervals at once (touching ones
    do not overlap: an end counts before a start at the same time)."""
    for agent, mine in rows.groupby("agent", sort=False):
        times = np.concatenate([mine["start"].to_numpy(), mine["end"].to_numpy() - EPS])
        steps = np.concatenate([np.ones(len(mine)), -np.ones(len(mine))])
        order = np.lexsort((steps, times))
        most = np.cumsum(steps[order]).max() if len(order) else 0
        assert most <= k, f"agent {agent} of chat pool {pool} holds {most:g} > {k} sessions"


def _busy_steps(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(times, distinct agents busy from each time on), from one pool's intervals.

    One agent's touching or overlapping intervals (handle, then wrap-up) merge
    into one busy span, so the agent counts once.
    """
    rows = rows[rows["end"] > rows["start"]]
    if rows.empty:
        return np.array([]), np.array([], dtype=int)
    frame, earlier = _by_agent(rows)
    start, end = frame["start"].to_numpy(), frame["end"].to_numpy()
    new_span = start > earlier  # a gap before this interval: a new busy span begins
    span_start = start[new_span]
    span_end = np.maximum.reduceat(end, np.flatnonzero(new_span))
    times = np.concatenate([span_start, span_end])
    steps = np.concatenate([np.ones(len(span_start)), -np.ones(len(span_end))])
    order = np.argsort(times, kind="stable")
    unique, first = np.unique(times[order], return_index=True)
    busy = np.cumsum(np.add.reduceat(steps[order], first)).astype(int)
    return unique, busy


def check_busy_within_present(
    agents: pd.DataFrame, staffing: pd.DataFrame, pools: list[str]
) -> None:
    """At every instant, distinct busy agents of a pool ≤ agents present in it."""
    for pool in pools:
        times, busy = _busy_steps(agents[agents["pool"].astype(str) == pool])
        s = staffing[staffing["pool"].astype(str) == pool]
        s_times = s["time"].to_numpy()
        present = s["present"].to_numpy()
        assert len(s_times) and s_times[0] == 0.0, f"pool {pool}: no staffing record at time 0"
        assert np.all(np.diff(s_times) >= 0), f"pool {pool}: staffing records out of order"
        assert (present >= 0).all() and (s["scheduled"] >= 0).all()
        every = np.union1d(times, s_times)
        # state after every change at each instant: the last record at or before it
        at = np.searchsorted(s_times, every, side="right") - 1
        idx = np.searchsorted(times, every, side="right")  # 0: before the first change
        busy_now = np.concatenate([[0], busy]).astype(int)[idx]
        over = np.flatnonzero(busy_now > present[at])
        assert over.size == 0, (
            f"pool {pool}: {busy_now[over[0]]} agents busy but {present[at[over[0]]]} present "
            f"at t={every[over[0]]:.6g}"
        )


def check_occupancy(metrics: dict[str, float], pools: list[str]) -> None:
    """Busy time of a pool never exceeds its staffed time."""
    for pool in pools:
        value = metrics[f"occupancy_{pool}"]
        assert math.isnan(value) or 0.0 <= value <= 1.0 + 1e-9, f"occupancy_{pool} = {value}"


def _pairs(legs: pd.DataFrame, steps: pd.DataFrame, at: str, what: str) -> pd.Series:
    """Check the A and B intervals of ``what`` starting at each leg's ``at``; return their end.

    A zero-length step leaves no interval: then the end is ``at`` itself.
    """
    found = legs.reset_index(drop=True)[
        ["leg_key", "contact_id", "from_pool", "to_pool", at]
    ].merge(steps, left_on=["contact_id", at], right_on=["contact_id", "start"], how="inner")
    count = found.groupby("leg_key").size()
    bad = count[count != 2]
    assert bad.empty, f"{what} is not one interval of A and one of B:\n" + str(
        found[found["leg_key"].isin(bad.index)]
    )
    if found.empty:
        return legs[at]
    g = found.groupby("leg_key")
    assert (g["end"].nunique() == 1).all(), f"A's and B's {what} end apart:\n{found}"
    who = found["pool"].astype(str) + "#" + found["agent"].astype(str)
    assert (who.groupby(found["leg_key"]).nunique() == 2).all(), f"A and B are one agent:\n{found}"
    src = (found["pool"].astype(str) == found["from_pool"].astype(str)).groupby(found["leg_key"])
    dst = (found["pool"].astype(str) == found["to_pool"].astype(str)).groupby(found["leg_key"])
    assert src.any().all() and dst.any().all(), f"{what} not in A's and B's pools:\n{found}"
    ends = g["end"].first()
    return pd.Series(
        np.where(legs.index.isin(ends.index), ends.reindex(legs.index), legs[at]), index=legs.index
    )


def check_warm_legs(agents: pd.DataFrame, transfers: pd.DataFrame) -> None:
    """Each engaged warm leg: A holds (consult_wait), consults and conferences beside B."""
    legs = transfers[
        (transfers["policy"].astype(str) == "warm")
        & (transfers["outcome"].astype(str) == "engaged")
    ].reset_index(drop=True)
    if legs.empty:
        return
    legs = legs.assign(leg_key=np.arange(len(legs))).set_index("leg_key", drop=False)
    activity = agents["activity"].astype(str)
    columns = ["contact_id", "pool", "agent", "start", "end"]

    holding = legs[legs["engaged"] > legs["handoff"]]
    waits = agents.loc[activity == "consult_wait", columns]
    hold = holding.reset_index(drop=True)[
        ["contact_id", "leg_key", "from_pool", "handoff", "engaged"]
    ].merge(waits, left_on=["contact_id", "handoff"], right_on=["contact_id", "start"], how="left")
    bad = hold[
        hold["start"].isna()
        | (hold["end"] != hold["engaged"])
        | (hold["pool"].astype(str) != hold["from_pool"].astype(str))
    ]
    assert bad.empty, f"A is not busy on hold from the hand-off to B's engagement:\n{bad}"
    assert hold["leg_key"].is_unique, f"two agents on hold for one leg:\n{hold}"

    consult_end = _pairs(legs, agents.loc[activity == "consult", columns], "engaged", "consult")
    legs = legs.assign(consult_end=consult_end)
    _pairs(legs, agents.loc[activity == "conference", columns], "consult_end", "conference")


def _numbered(frame: pd.DataFrame, group: str, number: str) -> pd.DataFrame:
    """Rows whose ``number`` is not its rank 1, 2, … within its ``group``."""
    ordered = frame.sort_values([group, number], kind="stable")
    rank = ordered.groupby(group, sort=False).cumcount() + 1
    return ordered[ordered[number].to_numpy() != rank.to_numpy()]


def check_attempts(contacts: pd.DataFrame) -> None:
    """Each case's attempts are 1, 2, …, k."""
    bad = _numbered(contacts, "case_id", "attempt")
    if not bad.empty:
        case = bad["case_id"].iloc[0]
        got = sorted(contacts.loc[contacts["case_id"] == case, "attempt"].tolist())
        raise AssertionError(f"case {case}: attempts {got}")


def check_legs(transfers: pd.DataFrame, contacts: pd.DataFrame) -> None:
    """Legs of a contact are 1..m, refer to known contacts, engaged no earlier than handed off."""
    missing = set(transfers["contact_id"]) - set(contacts["contact_id"])
    assert not missing, f"legs of unknown contacts {sorted(missing)[:5]}"
    bad = _numbered(transfers, "contact_id", "leg")
    if not bad.empty:
        contact = bad["contact_id"].iloc[0]
        raise AssertionError(
            f"contact {contact}: legs\n{transfers[transfers['contact_id'] == contact]}"
        )
    engaged = transfers.dropna(subset=["engaged"])
    bad = engaged[engaged["engaged"] < engaged["handoff"] - EPS]
    assert bad.empty, f"engaged before the hand-off:\n{bad.head()}"


def check_answer_pools(contacts: pd.DataFrame, allowed: dict[str, set[str]]) -> None:
    """A contact is answered (if at all) by its entry pool or one of its call type's overflow pools.

    ``allowed`` maps each call type to its overflow pools.
    """
    answered = contacts["answer"].notna()
    assert (contacts["answer_pool"].notna() == answered).all(), "answer_pool without an answer"
    a = contacts[answered]
    pool = a["answer_pool"].astype(str)
    ok = pool == a["entry_pool"].astype(str)
    for call_type, pools in allowed.items():
        ok |= (a["call_type"].astype(str) == call_type) & pool.isin(pools)
    bad = a[~ok]
    assert bad.empty, f"answered by a pool neither entry nor overflow:\n{bad.head()}"
    first = a["pools"].astype(str).str.split(">", n=1).str[0]
    assert (first == pool).all(), "the answering pool is not the first that worked on it"


def check_reasons(transfers: pd.DataFrame) -> None:
    """Every hand-off's reason is one of MODEL.md §7's triggers."""
    reasons = transfers["reason"].astype(object)
    bad = transfers[~reasons.isin(REASONS)]
    assert bad.empty, f"hand-offs with a reason outside {REASONS}:\n{bad.head()}"


def check_escalation_times(transfers: pd.DataFrame, contacts: pd.DataFrame) -> None:
    """A contact's resolution time is at least its time to escalation: it ends no earlier than
    a receiving agent first engaged."""
    handed_on = transfers[transfers["policy"].astype(str) != "peer"].dropna(subset=["engaged"])
    first = handed_on.groupby("contact_id")["engaged"].min()
    end = contacts.set_index("contact_id")["end"].reindex(first.index)
    bad = first[end < first - EPS]
    assert bad.empty, f"contacts ended before a receiving agent engaged: {list(bad.index[:5])}"


def check_all(result: object) -> None:
    """Every check above on one :class:`simcc.Result`."""
    scenario = result.scenario  # type: ignore[attr-defined]
    contacts = result.contacts  # type: ignore[attr-defined]
    agents = result.agents  # type: ignore[attr-defined]
    transfers = result.transfers  # type: ignore[attr-defined]
    staffing = result.staffing  # type: ignore[attr-defined]
    pools = list(scenario.pools)
    check_outcomes(contacts, drain_unlimited=math.isinf(scenario.drain))
    check_times(contacts)
    check_agent_intervals(agents, contacts)
    sessions = {name: p.concurrency for name, p in scenario.pools.items() if p.concurrency > 1}
    check_no_double_booking(agents, sessions)
    check_busy_within_present(agents, staffing, pools)
    check_occupancy(result.metrics(), pools)  # type: ignore[attr-defined]
    check_warm_legs(agents, transfers)
    check_attempts(contacts)
    check_legs(transfers, contacts)
    check_reasons(transfers)
    check_escalation_times(transfers, contacts)
    overflow = {
        name: {step.pool for step in ct.overflow} for name, ct in scenario.call_types.items()
    }
    check_answer_pools(contacts, overflow)
