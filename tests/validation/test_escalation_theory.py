"""Time to escalation against M/M/n with a thinned stream (MODEL.md §7 needs, §10 metrics).

One front pool of n agents, Poisson arrivals, exponential handle times, no
patience, and two needs: ``solved`` (resolve 1 at the front) and ``escalate``
(resolve 0 at the front, share p).  Every contact waits in one M/M/n queue,
whatever its need (the need does not change the queue's order); a contact of
the second need is handed on, cold with no step times, to a second pool with
more agents than can ever be busy, which engages it at once.  So:

- ``escalation_rate`` = p (the thinned stream's share of the answered contacts);
- ``time_to_escalation`` = Erlang C mean wait + the mean detection time, here the
  whole first handle time (the need is seen at the end of handling): W_q + 1/μ.

The replications' 99.9 % interval must contain each exact value.
"""

from __future__ import annotations

import simcc
from simcc.analysis import theory
from tests.validation.cases import CONFIDENCE, HOUR, case_seed

RATE = 100.0 / HOUR
MEAN_HANDLE = 300.0
AGENTS = 10
SHARE = 0.3


def centre() -> simcc.Scenario:
    handle = {"dist": "exponential", "mean": MEAN_HANDLE}
    return simcc.scenario_from_dict(
        {
            "name": "validation thinned escalation",
            "horizon": "9h",
            "warmup": "1h",
            "replications": 40,
            "call_types": {
                "t": {
                    "arrivals": {"rate": "100/h"},
                    "path": ["front", "back"],
                    "needs": {
                        "solved": {"share": 1 - SHARE, "resolve": {"front": 1.0}},
                        "escalate": {"share": SHARE, "resolve": {"front": 0.0}},
                    },
                }
            },
            "pools": {
                "front": {"agents": AGENTS, "handle_time": handle},
                "back": {"tier": 2, "agents": 500, "handle_time": handle},
            },
        }
    )


def test_time_to_escalation_is_the_erlang_c_wait_plus_the_mean_detection_time(seed: int) -> None:
    s = centre()
    reps = simcc.replicate(s, s.replications, case_seed(seed, "thinned escalation"), jobs=2)
    summary = reps.summary(CONFIDENCE)
    exact = theory.erlang_c(RATE, 1 / MEAN_HANDLE, AGENTS)
    expected = {
        "time_to_escalation": exact.mean_wait + MEAN_HANDLE,
        "escalation_rate": SHARE,
        "asa": exact.mean_wait,
    }
    for metric, value in expected.items():
        e = summary[metric]
        assert e.ci_low <= value <= e.ci_high, (metric, value, e)
