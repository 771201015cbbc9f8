"""Chat pools: agents who hold several sessions at once (MODEL.md §8).

A pool with ``concurrency: k`` gives each agent ``k`` *session slots*; slot
``a × k + j`` belongs to agent ``a``.  The pool's queue, reneging clock and
staffing are the plain :class:`~simcc.model.pool.Pool`'s, counted in slots,
so a pool of ``n`` agents is ``n·k`` servers for its contacts.  What is an
agent's own:

- **Assignment.** A new session goes to the least-loaded agent with a free
  slot (fewest sessions in hand; among equals, the one whose load changed
  longest ago), as chat routers do (:class:`FreeSessions`).
- **Slowdown.** A session's handle time is stretched by
  ``concurrency_factor ** (m − 1)``, ``m`` the agent's sessions (this one
  included) at the moment its handling starts; it is fixed then.
- **Records.** Every session is its own agent interval, with the agent's
  number (:attr:`~simcc.model.records.Recorder.sessions`); staffing is
  recorded in agents (an agent is present while any of its slots is: at a
  shift's end free slots go home at once, busy ones when their session ends).

A pool of concurrency 1 is a plain ``Pool`` and pays nothing for this.
"""

from __future__ import annotations

import heapq

from simcc.model.pool import Pool
from simcc.model.records import Recorder
from simcc.model.scheduling import Environment


class FreeSessions:
    """The free session slots of a chat pool; the next session goes to the least-loaded agent.

    Used where a plain pool keeps its deque of idle agents: ``popleft`` takes a
    slot for a session, ``append`` gives one back when a session ends (or a
    slot comes on shift), ``pop`` sends a free slot home at a shift's end.
    """

    def __init__(self, agents: int, sessions: int) -> None:
        self.k = sessions
        self.free: dict[int, list[int]] = {}  # agent → its free slots
        self.held: dict[int, int] = {}  # agent → sessions in hand
        self.level: list[dict[int, None]] = [{} for _ in range(sessions)]  # by sessions held
        self.filed: dict[int, int] = {}  # agent → the level it is filed at
        self.count = 0
        for a in range(agents):
            self.held[a] = sessions  # each slot "ends a session" as it is appended
            for j in range(sessions - 1, -1, -1):
                self.append(a * sessions + j)

    def __len__(self) -> int:
        return self.count

    def _refile(self, agent: int) -> None:
        at = self.filed.pop(agent, None)
        if at is not None:
            del self.level[at][agent]
        if self.free.get(agent):
            h = self.held[agent]
            self.level[h][agent] = None
            self.filed[agent] = h

    def _least_loaded(self) -> int:
        for agents in self.level:
            if agents:
                return next(iter(agents))
        raise IndexError("no free session")

    def popleft(self) -> int:
        """A free slot of the least-loaded agent, taken for a session."""
        agent = self._least_loaded()
        self.held[agent] += 1
        self.count -= 1
        slot = self.free[agent].pop()
        self._refile(agent)
        return slot

    def append(self, slot: int) -> None:
        """A session on ``slot`` ended (or the slot came on shift): the slot is free."""
        agent = slot // self.k
        self.held[agent] -= 1
        self.free.setdefault(agent, []).append(slot)
        self.count += 1
        self._refile(agent)

    def pop(self) -> int:
        """A free slot that goes home at a shift's end: the least-loaded agent's."""
        agent = self._least_loaded()
        self.count -= 1
        slot = self.free[agent].pop()
        self._refile(agent)
        return slot

    def agents_present(self) -> int:
        """Agents with at least one slot on shift (busy or free)."""
        free = self.free
        return sum(1 for a, held in self.held.items() if held > 0 or free.get(a))

    def arrive(self, slot: int) -> None:
        """``slot`` comes on shift (busy until :meth:`append` or its first session)."""
        agent = slot // self.k
        self.held[agent] = self.held.get(agent, 0) + 1

    def leave(self, slot: int) -> None:
        """``slot``'s session ended at the end of its shift: the slot goes home."""
        self.held[slot // self.k] -= 1


class ChatPool(Pool):
    """A pool whose agents hold up to ``sessions`` contacts at once (``concurrency``)."""

    idle: FreeSessions  # type: ignore[assignment]
    adjusts = True

    def __init__(
        self,
        env: Environment,
        index: int,
        name: str,
        tier: int,
        agents: int,
        recorder: Recorder,
        mean_handle: float,
        sessions: int,
        factor: float,
    ) -> None:
        self.sessions = sessions
        self.factor = factor
        self.slots = FreeSessions(agents, sessions)  # before Pool records the staffing
        super().__init__(env, index, name, tier, agents * sessions, recorder, mean_handle)
        self.idle = self.slots
        recorder.sessions[index] = sessions

    def skill(self, agent: int, handle: float, resolve: float) -> tuple[float, float]:
        """The handle time of a session on slot ``agent``: stretched per other session in hand."""
        if self.factor != 1.0:
            handle *= self.factor ** (self.idle.held[agent // self.sessions] - 1)
        return handle, resolve

    def release(self, agent: int, last: bool = False) -> None:
        """A session's slot is free: it goes home if its shift is over, else serves on."""
        self.busy -= 1
        if self.present > self.scheduled:
            self.present -= 1
            self.idle.leave(agent)
            heapq.heappush(self._free_ids, agent)
            self._record_staffing()
            return
        self._dispatch(agent, last)

    def set_staffing(self, agents: int) -> None:
        """Change the scheduled number of agents (a shift boundary): ``sessions`` slots each."""
        slots = agents * self.sessions
        self.scheduled = slots
        if self.present < slots:
            for _ in range(slots - self.present):
                self.present += 1
                if self._free_ids:
                    slot = heapq.heappop(self._free_ids)
                else:
                    slot = self._next_id
                    self._next_id += 1
                self.idle.arrive(slot)
                self._dispatch(slot)
        else:
            while self.present > slots and self.idle:
                heapq.heappush(self._free_ids, self.idle.pop())
                self.present -= 1
        self._record_staffing()

    def _record_staffing(self) -> None:
        self.recorder.staffing(
            pool=self.index,
            time=self.env.now,
            scheduled=self.scheduled // self.sessions,
            present=self.slots.agents_present(),
        )
