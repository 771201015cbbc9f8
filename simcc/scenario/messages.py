"""Pydantic's validation errors as the planner's messages, each at its YAML path.

:func:`explain` turns a :class:`pydantic.ValidationError` into one
``(yaml path, message)`` per problem, most useful first: an unknown key
suggests the closest valid one (and hides the "missing" error of the key it
misspells), a bound says what the file wrote (``-4m``, not ``-240.0``), a
union of distributions asks for ``dist:``.  :func:`locate` puts the line in
front, from the :class:`~simcc.scenario.reading.Index` of the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from simcc.dists import DIST_NAMES
from simcc.scenario.errors import closest, did_you_mean, short
from simcc.scenario.keys import has, keys_at, vocabulary
from simcc.scenario.reading import Index


def as_written(data: Any, loc: list[Any]) -> list[Any]:
    """``loc`` as the file spells it: no list index where one item was written alone.

    A key that takes one item or a list of them (``overflow``) is validated as
    a list; an error in the single item written without a list is at
    ``overflow.pool``, not ``overflow.0.pool``.
    """
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if part == 0 and isinstance(node, Mapping) and 0 not in node and i > 0:
            continue  # the validator's list around a single mapping
        out.append(part)
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return out


def locate(index: Index, loc: list[Any], message: str) -> str:
    """``:LINE: a.b.c: message`` (the part after the file name)."""
    line = index.line(loc)
    path = ".".join(str(p) for p in loc)
    return (f":{line}" if line else "") + ": " + (f"{path}: " if path else "") + message


_TAGS = frozenset(DIST_NAMES)


def explain(
    exc: ValidationError, data: Any, index: Index, root: type[BaseModel]
) -> list[tuple[list[Any], str]]:
    """Pydantic's errors as (YAML path, message), one each, most useful first."""
    out: list[tuple[list[Any], str]] = []
    seen: set[str] = set()
    errors = exc.errors(include_url=False)
    suggested = _suggested_keys(errors, data, root)
    for err in errors:
        loc = _clean_loc(err["loc"], data)
        if err["type"] == "missing" and (tuple(loc[:-1]), loc[-1] if loc else None) in suggested:
            continue  # the misspelt key next to it says it all
        if err["type"] == "missing":
            loc, message = loc[:-1], f"required key `{loc[-1]}` is missing" if loc else "missing"
        elif "[key]" in [str(p) for p in err["loc"]] and err["type"] == "string_type" and loc:
            loc, message = _name_not_text(loc[:-1], err.get("input"), index)
        else:
            message = _message(err, loc, data, index, root)
        key = ".".join(str(p) for p in loc) + message
        if key not in seen:
            seen.add(key)
            out.append((loc, message))
    return out or [([], str(exc))]


def _suggested_keys(
    errors: list[Any], data: Any, root: type[BaseModel]
) -> set[tuple[tuple[Any, ...], Any]]:
    """(parent path, valid key) pairs that an unknown key nearby is a misspelling of."""
    out = set()
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = _clean_loc(err["loc"], data)
        if not loc:
            continue
        match = closest(str(loc[-1]), keys_at(loc[:-1], data, root) or [])
        if match:
            out.add((tuple(loc[:-1]), match))
    return out


_INNER = ("function-", "list[", "dict[", "int", "float", "str", "bool", "*", "[key]")


def _clean_loc(loc: tuple[Any, ...], data: Any) -> list[Any]:
    """Drop the names pydantic adds for union members and wrappers (not YAML keys)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if has(node, part):
            out.append(part)
            node = node[part]
        elif node is not None and not isinstance(node, dict | list):
            break  # the YAML gave a scalar; the rest is pydantic's inner structure
        elif isinstance(part, str) and (part in _TAGS or part.startswith(_INNER)):
            continue
        else:
            out.append(part)
            node = None
    return out


_BOUNDS = {
    "greater_than_equal": "≥",
    "greater_than": ">",
    "less_than_equal": "≤",
    "less_than": "<",
}
_SIMPLE = {
    ("int_type", "int_parsing", "int_from_float"): "expected a whole number",
    ("float_type", "float_parsing"): "expected a number",
    ("list_type", "tuple_type", "set_type"): "expected a list such as [a, b]",
    ("bool_type", "bool_parsing"): "expected true or false",
    ("string_type",): "expected text (quote it if it looks like a number)",
    ("finite_number",): "must be a finite number",
}


def _message(err: Any, loc: list[Any], data: Any, index: Index, root: type[BaseModel]) -> str:
    """One pydantic error in the planner's words, with what the file wrote."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = _written(err, loc, index)
    if kind == "extra_forbidden":
        return _unknown_key(loc, data, root)
    if kind in _BOUNDS:
        return _bound_message(kind, ctx, got)
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        hint = closest(tag, sorted(_TAGS))
        return f"unknown distribution {tag!r}" + (
            f"; did you mean {hint!r}?"
            if hint
            else f"; expected one of: {', '.join(sorted(_TAGS))}"
        )
    if kind == "union_tag_not_found":
        return (
            "a distribution needs `dist:` (e.g. {dist: exponential, mean: 5m}) or a bare "
            f"duration, got {got}"
        )
    if kind == "literal_error":
        expected = str(ctx.get("expected"))
        choices = re.findall(r"'([^']*)'", expected)
        return f"expected {expected}, got {got}" + did_you_mean(err.get("input"), choices)
    if kind == "too_short":
        return f"must not be empty, got {got}"
    if kind == "too_long":
        return f"too many entries (at most {ctx.get('max_length')})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        keys = keys_at(loc, data, root)
        shape = f"keys such as {', '.join(keys[:6])}" if keys else "keys"
        return f"expected a mapping of {shape}, got {got}"
    for kinds, text in _SIMPLE.items():
        if kind in kinds:
            return f"{text}, got {got}" + _read_as(got, err.get("input"), kind)
    if kind == "invalid_key":
        return f"names must be text, got {short(err.get('input'))} (quote it)"
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _name_not_text(parent: list[Any], key: Any, index: Index) -> tuple[list[Any], str]:
    """A key that YAML read as a boolean, a number or null: at its own line, quoted as written.

    Pydantic names the key by its value (``False`` even as ``0``); the file wrote
    ``FALSE``, ``2`` or ``~``, and that is the name the planner meant.
    """
    written = index.key_written(parent, key)
    if written is None:
        return [*parent, short(key)], f"names must be text, got {short(key)} (quote it)"
    got = short(key)
    if written == got:
        return [*parent, written], f"names must be text, got {got} (quote it: '{written}')"
    return [*parent, written], (
        f"names must be text, got {written}, which YAML reads as {got} (quote it: '{written}')"
    )


def _read_as(got: str, value: Any, kind: str) -> str:
    """``, which YAML reads as false: quote it, 'no'`` for text YAML read as a boolean, and
    ``; a list item starts with '- '…`` for items written ``-front`` (one text to YAML)."""
    if kind == "list_type" and isinstance(value, str) and re.match(r"-[^\s\d.-]", value):
        return "; each item of a list starts with '- ' (a dash and a space), or write [a, b]"
    if kind != "string_type" or not isinstance(value, bool) or got == short(value):
        return ""
    return f", which YAML reads as {short(value)}: quote it, '{got}'"


def _bound_message(kind: str, ctx: dict[str, Any], got: str) -> str:
    bound = next(iter(ctx.values())) if ctx else "?"
    if isinstance(bound, int) and not isinstance(bound, bool) and abs(bound) >= 1_000_000:
        shown = f"{bound:,}"  # not 1e+06
    else:
        shown = f"{bound:g}" if isinstance(bound, float) else str(bound)
    if kind == "less_than_equal" and shown == "1":
        return f"must be a probability between 0 and 1, got {got}"
    return f"must be {_BOUNDS[kind]} {shown}, got {got}"


def _written(err: Any, loc: list[Any], index: Index) -> str:
    """The offending value as the file wrote it (``-4m``), else a short repr."""
    if "[key]" in [str(p) for p in err["loc"]]:
        return short(err.get("input"))
    text = index.text(loc) if loc else None
    if text is not None and isinstance(err.get("input"), str | int | float | bool):
        return text if text != "" else "an empty value"
    return short(err.get("input"))


def _unknown_key(loc: list[Any], data: Any, root: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else "?"
    valid = keys_at(loc[:-1], data, root)
    if valid is None:
        return f"unknown key {key!r}" + did_you_mean(key, sorted(vocabulary(root)))
    hint = closest(key, valid)
    if hint:
        return f"unknown key {key!r}; did you mean {hint!r}?"
    under = _section_of(key, loc[:-1], valid, data, root)
    if under is not None:
        return f"unknown key {key!r} here; it is a key of {under!r}: indent it under `{under}:`"
    return f"unknown key {key!r}; expected one of: {', '.join(valid)}"


def _section_of(
    key: str, at: list[Any], valid: list[str], data: Any, root: type[BaseModel]
) -> str | None:
    """The one section expected at ``at`` that has ``key`` among its own keys (``when``, for
    an ``expected_wait:`` written beside ``when:`` instead of under it); None if not one."""
    sections = [s for s in valid if key in (keys_at([*at, s], data, root) or [])]
    return sections[0] if len(sections) == 1 else None
