"""Bad channels, chat pools and e-mails: one located message, exit code 2 (MODEL.md §8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app
from tests.cli.located import assert_refused

BASE = """\
horizon: 2h
call_types:
  web:
    channel: chat
    arrivals: {rate: 60/h}
    path: [chat, phone]
  mail:
    channel: email
    arrivals: {rate: 20/h}
    path: [back]
pools:
  chat:
    agents: 3
    concurrency: 2
    concurrency_factor: 1.2
    handle_time: {dist: exponential, mean: 4m}
    resolve: 0.8
  phone:
    agents: 2
    handle_time: {dist: exponential, mean: 6m}
  back:
    agents: 2
    handle_time: 10m
transfer:
  policy: warm
  cross_channel: {chat: voice}
sla:
  answer_by_channel:
    email: {threshold: 4h, target: 0.9}
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# id -> (file text, fragments the message must contain)
CASES: dict[str, tuple[str, list[str]]] = {
    "concurrency 0": (
        edit("concurrency: 2", "concurrency: 0"),
        [":14: pools.chat.concurrency", "must be ≥ 1, got 0"],
    ),
    "non-integer concurrency": (
        edit("concurrency: 2", "concurrency: 2.5"),
        [":14: pools.chat.concurrency", "expected a whole number, got 2.5"],
    ),
    "concurrency factor below 1": (
        edit("concurrency_factor: 1.2", "concurrency_factor: 0.8"),
        [":15: pools.chat.concurrency_factor", "must be ≥ 1, got 0.8"],
    ),
    "unknown channel of a call type": (
        edit("channel: chat", "channel: sms"),
        [":4: call_types.web.channel", "'voice', 'chat' or 'email'"],
    ),
    "e-mail with patience": (
        edit("    channel: email\n", "    channel: email\n    patience: 10m\n"),
        ["call_types.mail.patience: an e-mail has no patience", "never abandons"],
    ),
    "virtual hold on a chat": (
        edit(
            "    channel: chat\n",
            "    channel: chat\n    virtual_hold: {offer_when_wait_over: 1m, accept: 1}\n",
        ),
        [":5: call_types.web.virtual_hold", "a chat has no line to hold"],
    ),
    "cross_channel to an unknown channel": (
        edit("cross_channel: {chat: voice}", "cross_channel: {chat: phone}"),
        [":26: transfer.cross_channel.chat: unknown channel 'phone'", "channels: voice"],
    ),
    "cross_channel from an unknown channel": (
        edit("cross_channel: {chat: voice}", "cross_channel: {chta: voice}"),
        ["transfer.cross_channel.chta: unknown channel 'chta'", "did you mean 'chat'?"],
    ),
    "answer SLA of an unknown channel": (
        edit("    email: {threshold", "    emial: {threshold"),
        [":29: sla.answer_by_channel.emial: unknown channel", "did you mean 'email'?"],
    ),
    "a call at a chat pool": (
        edit("    channel: chat\n", ""),
        ["pools.chat.concurrency: a pool whose agents hold 2 chat sessions", "reaches it as voice"],
    ),
    "a chat handed on as a call to a chat pool": (
        edit("path: [chat, phone]", "path: [chat, chat2]").replace(
            "  back:\n", "  chat2: {agents: 1, concurrency: 3, handle_time: 5m}\n  back:\n"
        ),
        ["pools.chat2.concurrency", "reaches it as voice (transfer.cross_channel)"],
    ),
    "a complaint sent to a chat pool": (
        edit("pools:\n", "customers:\n  complaint: {base: 0.1, to: chat}\npools:\n"),
        ["pools.chat.concurrency", "call type 'mail' reaches it as email"],
    ),
    "a chat pool standing in for an unstaffed desk": (
        edit("    handle_time: 10m\n", "    handle_time: 10m\n    when_unstaffed: chat\n"),
        ["pools.chat.concurrency", "call type 'mail' reaches it as email"],
    ),
    "a chat pool with agent groups": (
        edit("    agents: 3\n", "    groups: {novice: {agents: 1}, senior: {agents: 2}}\n"),
        ["pools.chat.concurrency: a chat pool (2 sessions per agent) cannot have agent groups"],
    ),
    "e-mails in a capped queue": (
        edit("    handle_time: 10m\n", "    handle_time: 10m\n    queue_capacity: 5\n"),
        ["pools.back.queue_capacity: e-mails of call type 'mail' wait in this queue"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_channels_get_one_clear_message_and_exit_code_2(case: str, tmp_path: Path) -> None:
    text, fragments = CASES[case]
    assert_refused(text, tmp_path, fragments)


def test_the_base_file_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
