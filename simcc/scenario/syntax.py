"""YAML syntax errors in the planner's words: the line where the problem starts, and a hint.

PyYAML marks two places: where the parser gave up (``problem_mark``) and what
it was in the middle of (``context_mark``).  For a key without ``': '``
(``warmup:30m``), an unclosed quote or an unclosed ``[``/``{``, the parser
gives up lines later (the next line, or the end of the file); the trouble
starts at the context mark, so that is the line the message names, with the
line where the parser stopped beside it.  For a line that does not line up
with its mapping, the problem mark is the line itself and the context mark is
the mapping's first line, far above: the problem mark is named there.  A
hint follows for the usual causes (see docs/errors.md, "YAML syntax").
"""

from __future__ import annotations

import re

import yaml

_STARTS_AT_CONTEXT = (
    "while scanning a",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
)
"""Contexts whose mark is where the trouble starts (a key, a quote, a ``[`` or ``{``)."""
_NO_SPACE = re.compile(r"([^\s:#'\"{}\[\],][^\s:#]*):(\S)")


def syntax_message(where: str, exc: yaml.MarkedYAMLError, text: str) -> str:
    """``file:LINE:COLUMN: YAML syntax error: problem (context on line N); the parser stopped
    at line M; hint`` — LINE is where the problem starts."""
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context if exc.problem else None
    start, stop = exc.problem_mark or exc.context_mark, exc.problem_mark
    if context and exc.context_mark is not None and context.startswith(_STARTS_AT_CONTEXT):
        start = exc.context_mark
    if start is not None and problem.startswith("mapping values are not allowed"):
        start = _glued_key_above(start, text.splitlines()) or start
    at = f":{start.line + 1}:{start.column + 1}" if start is not None else ""
    message = f"{where}{at}: YAML syntax error: {problem}"
    if context:
        mark = exc.context_mark
        on = f" on line {mark.line + 1}" if mark is not None else ""
        message += f" ({context}{on})"
    if start is not None and stop is not None and stop.line != start.line:
        message += f"; the parser stopped at {_place(stop, text)}"
    hint = _hint(problem, context, start, stop, text.splitlines())
    return message + (f"; {hint}" if hint else "")


def _place(mark: yaml.Mark, text: str) -> str:
    """``line 7``, or ``the end of the file`` for a mark past its last line."""
    if mark.index >= len(text.rstrip("\n")):
        return "the end of the file"
    return f"line {mark.line + 1}"


def _hint(
    problem: str,
    context: str | None,
    start: yaml.Mark | None,
    stop: yaml.Mark | None,
    lines: list[str],
) -> str | None:
    """What usually causes this problem, from the lines where it starts and stops."""
    if "'\\t'" in problem:
        return "indent with spaces, YAML does not allow tabs"
    if "could not determine a constructor" in problem:
        return "tags such as !!python/… are not allowed in a scenario"
    if start is None:
        return None
    here = lines[start.line] if start.line < len(lines) else ""
    context = context or ""
    if "scanning a simple key" in context:
        return _simple_key_hint(here, start, lines)
    if "quoted scalar" in context:  # "a quoted scalar", "a double-quoted scalar"
        quote = here[start.column : start.column + 1] or '"'
        if "end of stream" in problem:
            return f"the quote {quote} opened on line {start.line + 1} is never closed: close it"
        if "escape" in problem:
            return "a backslash in double quotes starts an escape: use single quotes"
    bracket = here[start.column : start.column + 1]
    if context.startswith(_STARTS_AT_CONTEXT[1:]) and bracket in ("[", "{"):
        close = "]" if bracket == "[" else "}"
        return f"the {bracket} opened on line {start.line + 1} is not closed: close it with {close}"
    if "expected <block end>" in problem and stop is not None:
        return _block_end_hint(problem, stop, lines)
    if "mapping values are not allowed" in problem:
        return _mapping_value_hint(here, start, lines)
    return None


def _block_end_hint(problem: str, stop: yaml.Mark, lines: list[str]) -> str:
    """A block that goes on where YAML expected it to end: a list item without the space
    after its dash, commas between keys outside braces, or a line indented too far."""
    item = lines[stop.line].lstrip(" ") if stop.line < len(lines) else ""
    if item.startswith("-") and len(item) > 1 and item[1] not in " -":
        return _list_item_hint(item)
    if "found ','" in problem:
        text = item.split(" #")[0].strip()
        dash, body = ("- ", text[2:].strip()) if text.startswith("- ") else ("", text)
        return (
            f"a comma separates keys only inside {{ }}: write `{dash}{{{body}}}`, "
            "or each key on a line of its own"
        )
    return (
        f"line {stop.line + 1} is indented more than the keys of the mapping above it: "
        "line it up with them"
    )


def _simple_key_hint(here: str, start: yaml.Mark, lines: list[str]) -> str:
    """A key without ``': '`` after it: a missing space, or a list item without its dash."""
    after = here[start.column :]
    no_space = _NO_SPACE.match(after)
    if no_space:
        value = after[no_space.end(1) + 1 :].split(" #")[0].strip()
        fixed = f"{no_space[1]}: {value}"
        return f"a key needs a space after its colon: write `{fixed}`"
    above = _line_above(lines, start.line)
    item = above is not None and lines[above].lstrip().startswith("- ")
    if item and above is not None and _indent(lines[above]) == start.column:
        return _list_item_hint(after)
    return "each line of a mapping is `key: value` (a colon, then a space)"


def _list_item_hint(item: str) -> str:
    """A list item written without its ``- `` (or, ``-back``, without the space)."""
    text = item.strip()
    if text.startswith("-"):  # the dash is there, the space is not
        text = text[1:].lstrip()
    return f"each item of a list starts with '- ': write `- {text}`"


def _glued_key_above(start: yaml.Mark, lines: list[str]) -> yaml.Mark | None:
    """Where a ``key:value`` without its space begins, when YAML read it and the line below
    as one text (the first key of a mapping: ``agents:12`` above ``tier: 1``), so that it
    found the ``': '`` of the line below; None if the line above is no such key."""
    above = _line_above(lines, start.line)
    if above is None or start.line >= len(lines):
        return None
    line = lines[above]
    if _indent(line) != _indent(lines[start.line]) or not _NO_SPACE.match(line.lstrip(" ")):
        return None
    return yaml.Mark("", 0, above, _indent(line), None, 0)


def _mapping_value_hint(here: str, start: yaml.Mark, lines: list[str]) -> str:
    """``key: a: b`` (a value holding ': '), or a line read as the value above it running on."""
    if _NO_SPACE.match(here[start.column :]) and ": " not in here:
        return _simple_key_hint(here, start, lines)
    if ": " in here[: start.column]:
        return "a value that holds ': ' must be quoted, e.g. name: \"Centre: north\""
    above = _line_above(lines, start.line)
    if above is not None and _indent(lines[above]) < _indent(here):
        return (
            f"this line is indented more than line {above + 1} above it, so YAML reads it as "
            f"the rest of line {above + 1}'s value: line the two up"
        )
    return "a value that holds ': ' must be quoted"


def _line_above(lines: list[str], line: int) -> int | None:
    """The nearest line above ``line`` (both 0-based) that is neither blank nor a comment."""
    for i in range(line - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
