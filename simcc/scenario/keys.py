"""The keys a model expects at a YAML path: for "did you mean" and "expected one of".

The walk follows the root model's type annotations along the path, and the
data to pick a member of a union (a distribution by its ``dist:``).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel


def keys_at(loc: list[Any], data: Any, root: type[BaseModel]) -> list[str] | None:
    """The keys the model expects at YAML path ``loc`` (None if it is not a model there)."""
    model = _model_at(loc, data, root)
    if model is None:
        return None
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_at(loc: list[Any], data: Any, root: type[BaseModel]) -> type[BaseModel] | None:
    """Walk the root model's type annotations along ``loc`` (and the data, to pick unions)."""
    tp: Any = root
    node: Any = data
    for part in loc:
        tp = _resolve(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = _field(tp, part)
            if field is None:
                return None
            tp = field.annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) in (list, tuple):
            tp = get_args(tp)[0]
        else:
            return None
        node = node[part] if has(node, part) else None
    tp = _resolve(tp, node)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _field(model: type[BaseModel], key: Any) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _resolve(tp: Any, node: Any) -> Any:
    """Strip ``Annotated`` and ``Optional``; pick a distribution class by its ``dist:``."""
    for _ in range(20):
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
            else:
                return _pick_dist(members, node)
        elif origin is dict and isinstance(node, Mapping) and "dist" in node:
            tp = get_args(tp)[1]  # a per-call-type table given as one distribution
        else:
            return tp
    return tp


def _pick_dist(members: list[Any], node: Any) -> Any:
    tag = str(node.get("dist", "")).strip().lower() if isinstance(node, Mapping) else None
    for member in members:
        if (
            isinstance(member, type)
            and issubclass(member, BaseModel)
            and "dist" in member.model_fields
        ) and tag in get_args(member.model_fields["dist"].annotation):
            return member
    return None


@functools.cache
def vocabulary(root: type[BaseModel]) -> set[str]:
    """Every key of every model: the fallback for suggestions where the place is unknown."""
    words: set[str] = set()
    pending: list[type[BaseModel]] = [root]
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            words.add(field.alias or name)
            pending.extend(_models_in(field.annotation))
    return words


def _models_in(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models_in(arg)]


def has(node: Any, part: Any) -> bool:
    """Whether the YAML data ``node`` has the key or list index ``part``."""
    if isinstance(node, dict):
        try:
            return part in node
        except TypeError:
            return False
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
