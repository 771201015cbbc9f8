"""Text of a fitted scenario: durations, rates and clock times, and YAML under comments.

:func:`dump_yaml_with_comments` writes a scenario dict as readable YAML (block
style for structure, flow style for small leaf mappings and lists) under a
``#`` header of the comments that say where each number came from.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import yaml

__all__ = ["dump_yaml_with_comments", "fmt_clock", "fmt_duration", "fmt_rate"]


def fmt_duration(seconds: float) -> str:
    """Seconds as the scenario's duration string: ``17h``, ``30m``, ``45s``."""
    s = round(float(seconds), 3)
    if s and s % 3600 == 0:
        return f"{int(s // 3600)}h"
    if s and s % 60 == 0:
        return f"{int(s // 60)}m"
    return f"{s:g}s"


def fmt_rate(per_hour: float) -> str:
    """A rate as ``"12.5/h"``."""
    return f"{round(float(per_hour), 2):g}/h"


def fmt_clock(seconds: float) -> str:
    """Seconds since midnight as ``HH:MM``."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _ScenarioDumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaf mappings and lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_leaf(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = all(_is_leaf(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=all(map(_is_scalar, data))
    )


_ScenarioDumper.add_representer(dict, _represent_dict)
_ScenarioDumper.add_representer(list, _represent_list)


def dump_yaml_with_comments(
    scenario: dict[str, Any], comments: Sequence[str], width: int = 100
) -> str:
    """The scenario as YAML under a ``#`` comment header.

    Each comment becomes one or more ``#`` lines (long ones are wrapped, keeping
    their indent); ``yaml.safe_load`` of the result gives ``scenario`` back.
    """
    header = "".join(f"# {line}\n" for text in comments for line in _wrap(text, width - 2))
    body = yaml.dump(
        scenario,
        Dumper=_ScenarioDumper,
        sort_keys=False,
        allow_unicode=True,
        width=width,
    )
    return header + ("\n" if header else "") + body


def _wrap(text: str, width: int) -> list[str]:
    """Wrap one comment to ``width``, continuation lines indented 2 more than the first."""
    indent = " " * (len(text) - len(text.lstrip()))
    lines = textwrap.wrap(
        text.strip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )
    return lines or [""]
