"""Hypothesis strategies for valid, small, fast scenarios that use every engine feature.

:func:`scenarios` draws a scenario *dict* (as a user would write it in YAML) with
1–4 pools on tiers 1–3, 1–3 call types with escalation paths, every distribution
kind, patience that may be infinite, shift plans whose interval divides the
horizon, every transfer policy (``rules`` included, warm and conference with a
``max_consult_wait`` and a fallback), callbacks with retries, e-mail with chase,
re-contacts, segments, queue caps, overflow routing, stand-in pools for
unstaffed ones, front doors and virtual hold.

Horizons are 30 min to 2 h with at most 60 arrivals per hour per call type, so a
run takes milliseconds. Every pool has at least one agent in its last shift, so
with an unlimited ``drain`` every contact can end.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

POLICIES = ("cold", "warm", "conference", "callback", "email", "self_service")
HORIZONS = (1800, 3600, 5400, 7200)
POOL_NAMES = ("p0", "p1", "p2", "p3")
TYPE_NAMES = ("t0", "t1", "t2")

probabilities = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.8, 1.0]) | st.floats(0, 1)


@st.composite
def distributions(draw: st.DrawFn, scale: float, zero: bool = False) -> Any:
    """Any supported distribution, with a mean around ``scale`` seconds."""
    mean = draw(st.floats(0.1 * scale, 2 * scale))
    kind = draw(
        st.sampled_from(
            [
                "exponential",
                "lognormal",
                "gamma",
                "erlang",
                "deterministic",
                "bare",
                "uniform",
                "triangular",
                "empirical",
            ]
            + (["zero"] if zero else [])
        )
    )
    if kind == "zero":
        return 0
    if kind == "bare":
        return draw(st.sampled_from([round(mean, 3), f"{mean:.1f}s", f"{mean / 60:.3f}m"]))
    if kind == "deterministic":
        return {"dist": "deterministic", "value": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(st.floats(0.1, 2.0))}
    if kind == "erlang":
        return {"dist": "erlang", "mean": mean, "k": draw(st.integers(1, 4))}
    if kind == "uniform":
        low = draw(st.floats(0, mean))
        return {"dist": "uniform", "low": low, "high": 2 * mean - low + 1e-3}
    if kind == "triangular":
        low = draw(st.floats(0, mean))
        high = mean * 2 + 1.0
        return {"dist": "triangular", "low": low, "mode": draw(st.floats(low, high)), "high": high}
    if kind == "empirical":
        return {
            "dist": "empirical",
            "values": draw(st.lists(st.floats(0, 2 * scale), min_size=1, max_size=5)),
        }
    return {"dist": "exponential", "mean": mean}


def patience(scale: float) -> st.SearchStrategy[Any]:
    return st.one_of(st.just("inf"), distributions(scale))


@st.composite
def staffing(draw: st.DrawFn, horizon: int) -> Any:
    if draw(st.booleans()):
        return draw(st.integers(1, 4))
    pieces = draw(st.sampled_from([1, 2, 3, 4, 6]))
    counts = draw(st.lists(st.integers(0, 4), min_size=pieces, max_size=pieces))
    counts[-1] = max(counts[-1], 1)  # someone is on duty after the horizon
    return {"interval": horizon // pieces, "counts": counts, "repeat": draw(st.booleans())}


@st.composite
def arrivals(draw: st.DrawFn, horizon: int) -> Any:
    form = draw(st.sampled_from(["rate", "profile", "times"]))
    if form == "rate":
        return {"rate": draw(st.sampled_from([f"{r}/h" for r in (5, 20, 40, 60)] + [30, "0.5/m"]))}
    if form == "times":
        times = draw(st.lists(st.floats(0, horizon * 1.1), max_size=40))
        return {"times": times}
    pieces = draw(st.sampled_from([1, 2, 3, 4]))
    rates = draw(st.lists(st.integers(0, 60), min_size=1, max_size=pieces + 1))
    if not any(rates):
        rates[0] = 1  # a profile of zeros is refused: the call type would never arrive
    return {"interval": horizon // pieces, "rates": rates, "repeat": draw(st.booleans())}


@st.composite
def conditions(draw: st.DrawFn, types: list[str], segments: list[str], pools: list[str]) -> Any:
    options = {
        "call_type": st.sampled_from(types),
        "segment": st.sampled_from(segments),
        "target_pool": st.sampled_from(pools),
        "target_tier": st.integers(1, 3),
        "escalation": st.sampled_from(["functional", "hierarchical"]),
        "target_idle_agents": st.integers(0, 2),
        "target_queue_length": st.integers(0, 3),
        "expected_wait": st.sampled_from([0, 30, "2m", 600]),
    }
    keys = draw(st.lists(st.sampled_from(sorted(options)), max_size=2, unique=True))
    return {key: draw(options[key]) for key in keys}


@st.composite
def transfer(
    draw: st.DrawFn, types: list[str], segments: list[str], pools: list[str]
) -> dict[str, Any]:
    policy = draw(st.sampled_from([*POLICIES, "rules"]))
    short = distributions(60, zero=True)
    block: dict[str, Any] = {
        "policy": policy,
        "transfer_priority": draw(st.booleans()),
        "cold": {
            "transfer_time": draw(short),
            "rediscovery_time": draw(short),
            "misroute_probability": draw(probabilities),
        },
        "warm": {
            "consult_time": draw(short),
            "conference_time": draw(short),
            "max_consult_wait": draw(st.sampled_from(["inf", 0, 30, "2m"])),
            "fallback": draw(st.sampled_from(["cold", "callback"])),
        },
        "conference": {
            "consult_time": draw(short),
            "max_consult_wait": draw(st.sampled_from(["inf", 0, 45])),
            "fallback": draw(st.sampled_from(["cold", "callback"])),
        },
        "callback": {
            "transfer_time": draw(short),
            "reach_probability": draw(probabilities),
            "max_attempts": draw(st.integers(1, 3)),
            "retry_delay": draw(st.sampled_from([0, 60, "5m"])),
            "dial_time": draw(short),
            "context_factor": draw(st.sampled_from([0, 0.5, 1.0])),
        },
        "email": {
            "transfer_time": draw(short),
            "work_factor": draw(st.sampled_from([0.5, 1.0, 1.5])),
            "context_factor": draw(st.sampled_from([0, 0.5, 1.0])),
            "chase_after": draw(st.sampled_from(["inf", 120, "10m"])),
            "chase_probability": draw(probabilities),
        },
        "self_service": {
            "transfer_time": draw(short),
            "success_probability": draw(probabilities),
        },
        "false_resolution": {p: draw(probabilities) for p in POLICIES if draw(st.booleans())},
    }
    for name in ("callback", "email"):
        if draw(st.booleans()):
            block[name]["priority"] = draw(st.integers(0, 9))
        if draw(st.booleans()):
            block[name]["rediscovery_time"] = draw(short)
    if policy == "rules":
        rules = [
            {
                "when": draw(conditions(types, segments, pools)),
                "policy": draw(st.sampled_from(POLICIES)),
            }
            for _ in range(draw(st.integers(1, 3)))
        ]
        if draw(st.booleans()):
            rules.append({"policy": draw(st.sampled_from(POLICIES))})
        block["rules"] = rules
    return block


@st.composite
def needs(draw: st.DrawFn, pools: list[str]) -> dict[str, Any]:
    """Two or three needs of a call type (MODEL.md §7), shares summing to 1."""
    names = ["routine", "authority", "legal"][: draw(st.integers(2, 3))]
    shares = [0.5, 0.5] if len(names) == 2 else [0.5, 0.25, 0.25]
    out: dict[str, Any] = {}
    for name, share in zip(names, shares, strict=True):
        need: dict[str, Any] = {"share": share}
        if draw(st.booleans()):
            need["path"] = draw(st.permutations(pools))[: draw(st.integers(1, len(pools)))]
            if draw(st.booleans()):
                need["resolve"] = {need["path"][0]: draw(st.sampled_from([0.0, 0.5]))}
        if draw(st.booleans()):
            need["priority"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            need["detect_after"] = draw(st.sampled_from([30, "2m"]))
        out[name] = need
    return out


def _paths(call_type: dict[str, Any]) -> list[list[str]]:
    """The call type's path and its needs' paths."""
    needs_ = call_type.get("needs", {}).values()
    return [call_type["path"], *(n["path"] for n in needs_ if "path" in n)]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario dict (see the module docstring)."""
    horizon = draw(st.sampled_from(HORIZONS))
    pools = list(POOL_NAMES[: draw(st.integers(1, 4))])
    types = list(TYPE_NAMES[: draw(st.integers(1, 3))])

    call_types: dict[str, Any] = {}
    for name in types:
        path = draw(st.permutations(pools))[: draw(st.integers(1, len(pools)))]
        call_types[name] = {"arrivals": draw(arrivals(horizon)), "path": path}
        if draw(st.booleans()):
            call_types[name]["priority"] = draw(st.integers(0, 2))
        if draw(st.integers(0, 2)) == 0:
            call_types[name]["needs"] = draw(needs(pools))
        others = [p for p in pools if p not in path]
        if others and draw(st.integers(0, 2)) == 0:
            steps = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
            call_types[name]["overflow"] = [
                {"pool": p, "after": draw(st.sampled_from([0, 20, "1m"]))} for p in steps
            ]
        if draw(st.integers(0, 3)) == 0:  # an IVR or bot before the queue (MODEL.md §8)
            call_types[name]["front_door"] = {
                "time": draw(distributions(60, zero=True)),
                "containment": draw(probabilities),
                "context": draw(st.sampled_from(["lost", "kept"])),
            }
        if draw(st.integers(0, 3)) == 0:
            call_types[name]["virtual_hold"] = {
                "offer_when_wait_over": draw(st.sampled_from([0, 30, "2m"])),
                "accept": draw(probabilities),
            }

    segments: dict[str, Any] = {"standard": {"share": 1.0}}
    if draw(st.booleans()):
        segments = {"standard": {"share": 0.75}, "vip": {"share": 0.25, "priority": 0}}
        if draw(st.booleans()):
            segments["vip"]["patience"] = draw(patience(300))

    pool_specs: dict[str, Any] = {}
    for name in pools:
        users = [
            t
            for t in types
            if any(name in path for path in _paths(call_types[t]))
            or any(step["pool"] == name for step in call_types[t].get("overflow", []))
        ]
        spec: dict[str, Any] = {
            "tier": draw(st.integers(1, 3)),
            "agents": draw(staffing(horizon)),
        }
        if draw(st.booleans()) and users:
            spec["handle_time"] = {t: draw(distributions(300)) for t in users}
        else:
            spec["handle_time"] = draw(distributions(300))
        if draw(st.booleans()):
            spec["wrap_up"] = draw(distributions(30, zero=True))
        if draw(st.booleans()) and users:
            spec["resolve"] = {t: draw(probabilities) for t in users}
        else:
            spec["resolve"] = draw(probabilities)
        if draw(st.booleans()):
            spec["escalate_after"] = draw(st.sampled_from([60, 240, "10m"]))
        unstaffed = draw(
            st.sampled_from([None, "queue", "callback", *[p for p in pools if p != name]])
        )
        if unstaffed is not None:
            spec["when_unstaffed"] = unstaffed
        if draw(st.integers(0, 3)) == 0:
            spec["queue_capacity"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            spec["cost_per_hour"] = draw(st.sampled_from([20, 45.5]))
        if draw(st.integers(0, 3)) == 0:
            spec["peer"] = {
                "probability": draw(probabilities),
                "consult_time": draw(distributions(60, zero=True)),
                "success": draw(probabilities),
            }
        pool_specs[name] = spec

    customers: dict[str, Any] = {"patience": draw(patience(240))}
    for key in ("hold_patience", "transfer_patience"):
        if draw(st.booleans()):
            customers[key] = draw(patience(180))
    if draw(st.booleans()):
        keys = [
            "abandoned",
            "abandoned_queue",
            "abandoned_hold",
            "abandoned_transfer_queue",
            "unresolved",
            "false_resolution",
            "callback_unreached",
        ]
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
        customers["recontact"] = {
            "probability": {k: draw(probabilities) for k in chosen},
            "delay": draw(distributions(600, zero=True)),
        }
        if draw(st.booleans()):
            customers["recontact"]["route"] = draw(st.sampled_from(["entry", "last_pool"]))
            customers["recontact"]["context"] = draw(st.sampled_from(["lost", "kept"]))
    if draw(st.integers(0, 2)) == 0:
        customers["complaint"] = {
            "base": draw(st.sampled_from([0.0, 0.1, 1.0])),
            "per_wait_minute": draw(st.sampled_from([0.0, 0.05])),
            "per_retelling": draw(st.sampled_from([0.0, 0.2])),
        }
        if draw(st.booleans()):
            customers["complaint"]["to"] = draw(st.sampled_from(pools))

    escalation: dict[str, Any] = {}
    if draw(st.integers(0, 2)) == 0:
        escalation["repeat_contact"] = {
            "attempt": draw(st.integers(2, 3)),
            "to": draw(st.sampled_from(pools)),
        }
    if draw(st.integers(0, 2)) == 0:
        escalation["case_age"] = {
            "after": draw(st.sampled_from([1, 600])),
            "to": draw(st.sampled_from(pools)),
        }

    sla: dict[str, Any] = {
        "answer": {
            "threshold": draw(st.sampled_from([0, 20, "1m"])),
            "short_abandon": draw(st.sampled_from([0, 5, 30])),
        }
    }
    targets = draw(st.lists(st.sampled_from(pools), unique=True, max_size=len(pools)))
    if targets:
        sla["escalation"] = {p: draw(st.sampled_from([0, 60, "30m"])) for p in targets}
    if draw(st.booleans()):
        sla["resolution"] = {p: draw(st.sampled_from([60, "30m"])) for p in targets or pools[:1]}

    scenario: dict[str, Any] = {
        "name": "generated",
        "horizon": horizon,
        "call_types": call_types,
        "segments": segments,
        "customers": customers,
        "pools": pool_specs,
        "transfer": draw(transfer(types, list(segments), pools)),
        "escalation": escalation,
        "sla": sla,
    }
    if draw(st.integers(0, 2)) == 0:
        factors = st.sampled_from([0.5, 1.0, 1.5])
        scenario["transfer"]["context"] = {
            p: {"handle_factor": draw(factors), "resolve_factor": draw(factors)}
            for p in draw(st.lists(st.sampled_from(["cold", "warm", "callback"]), unique=True))
        }
    if draw(st.booleans()):
        scenario["warmup"] = horizon // 4
    if draw(st.integers(0, 4)) == 0:
        scenario["drain"] = draw(st.sampled_from([60, 900]))
    return scenario
