"""Reading a scenario file: its text within the size limits, parsed as YAML with its lines.

:func:`read_text` reads a file (or says why it cannot); :func:`parse` turns
the text into Python data and an :class:`Index` of where each YAML path is
written, so that every later message can name the line.  Syntax errors,
tabs, duplicate keys, absurd nesting and alias bombs are refused here, with
the line where they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from simcc.input_files import NotARegularFile, TooLarge, read_limited
from simcc.scenario.errors import ScenarioError, closest, join
from simcc.scenario.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from simcc.scenario.syntax import syntax_message


def read_text(path: Path) -> str:
    """The text of a scenario file, or a :class:`ScenarioError` saying why it cannot be read.

    Only a regular file is read, and never more than :data:`MAX_FILE_BYTES`
    (``/dev/zero`` or a named pipe would otherwise fill memory or block).
    Line ends are read as Python's text mode reads them (``\\r\\n`` → ``\\n``).
    """
    try:
        if path.is_dir():
            raise ScenarioError(f"{path}: is a directory, expected a YAML scenario file")
        data = read_limited(path, MAX_FILE_BYTES)
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except TooLarge as exc:
        size = f"{exc.size / 1e6:.1f} MB" if exc.size is not None else "it grew while read"
        raise ScenarioError(
            f"{path}: file too large ({size}; a scenario is at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB — put long empirical samples in a `file:`)"
        ) from None
    except NotARegularFile as exc:
        raise ScenarioError(
            f"{path}: is {exc.what}, not a regular file; give a YAML scenario file"
        ) from None
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file{_nearby(path)}") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{path}: not a UTF-8 text file (byte {exc.start + 1} cannot be read); "
            "save the scenario as UTF-8 YAML"
        ) from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _nearby(path: Path) -> str:
    """``; did you mean 'scenarios/centre-warm.yaml'?`` from the files beside a missing one."""
    folder = path.parent
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return f" (no folder {folder})" if str(folder) not in ("", ".") else ""
    match = closest(path.name, names)
    return f"; did you mean {str(folder / match)!r}?" if match else ""


def parse(text: str, where: str) -> tuple[Any, Index]:
    """YAML text → (Python data, index of lines); syntax problems become ScenarioError."""
    loader = None
    try:
        _check_depth(text, where)
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, Index()
        _keys_as_text(node)
        index = Index.of(node, where)
        return loader.construct_document(node), index
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(syntax_message(where, exc, text)) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            f"{where}:{line}: not a text file: character U+{code:04X} is not allowed in YAML"
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{where}: YAML syntax error: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            f"{where}: nested too deeply (a scenario is a few levels of keys and lists)"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_depth(text: str, where: str) -> None:
    """Refuse absurd nesting from the event stream, before the recursive composer sees it."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise ScenarioError(
                    f"{where}:{line}: nested too deeply (more than {MAX_DEPTH} levels; "
                    "a scenario is a few levels of keys and lists)"
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"


def _keys_as_text(root: yaml.Node) -> None:
    """Read the mapping keys ``yes``, ``no``, ``on`` and ``off`` (any case) as text, as YAML 1.2.

    PyYAML reads YAML 1.1, where these words are booleans: a segment ``NO:``
    (Norway) or a call type ``on:`` would be ``False``/``True`` and no name at
    all.  A name is never a boolean in a scenario, so a key written as one of
    these words without quotes is the word itself.  ``true`` and ``false``
    stay booleans (as in YAML 1.2), and so does every value: ``repeat: yes``
    is still true.
    """
    pending, seen = [root], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.tag == _BOOL_TAG
                    and key.style is None
                    and key.value.lower() not in ("true", "false")
                ):
                    key.tag = _STR_TAG
                pending.extend((key, value))


class Index:
    """Where each YAML path is in the text: its line, and the scalar as written."""

    def __init__(self) -> None:
        self.lines: dict[tuple[Any, ...], int] = {}
        self.written: dict[tuple[Any, ...], str] = {}

    @classmethod
    def of(cls, root: yaml.Node, where: str) -> Index:
        """Index a composed document; refuse duplicate keys and alias bombs."""
        size = _expanded_size(root, {}, set())
        if size > MAX_NODES:
            raise ScenarioError(
                f"{where}: the document expands to {size:,} values through YAML aliases "
                f"(at most {MAX_NODES:,}); write the values out"
            )
        index = cls()
        duplicates: list[str] = []
        index._walk(root, (), duplicates)
        if duplicates:
            raise ScenarioError(join(where, duplicates), [f"{where}{d}" for d in duplicates])
        return index

    def _walk(self, node: yaml.Node, path: tuple[Any, ...], duplicates: list[str]) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self.written[path] = node.value
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i), duplicates)
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    self._walk(value, path, duplicates)
                    continue
                name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
                line = key.start_mark.line + 1
                if name in first:
                    dotted = ".".join(str(p) for p in (*path, name))
                    duplicates.append(
                        f":{line}: {dotted}: key given twice (first on line {first[name]}); "
                        "keep one"
                    )
                    continue
                first[name] = line
                self.lines[(*path, name)] = line
                self._walk(value, (*path, name), duplicates)

    def line(self, loc: list[Any] | tuple[Any, ...]) -> int | None:
        """The line of ``loc`` or of its nearest parent in the text."""
        key = tuple(p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc)
        while key:
            for candidate in (key, tuple(str(p) for p in key)):
                if candidate in self.lines:
                    return self.lines[candidate]
            key = key[:-1]
        return None

    def key_written(self, parent: list[Any], key: Any) -> str | None:
        """How the file wrote the key of ``parent`` that YAML read as ``key`` (``FALSE``, ``2``)."""
        path = tuple(_part(p) for p in parent)
        for candidate in self.lines:
            if len(candidate) != len(path) + 1 or candidate[:-1] != path:
                continue
            written = candidate[-1]
            if isinstance(written, str) and _same(_scalar(written), key):
                return written
        return None

    def text(self, loc: list[Any]) -> str | None:
        """A scalar exactly as the file wrote it, if ``loc`` is one."""
        key = tuple(p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc)
        return self.written.get(key, self.written.get(tuple(str(p) for p in key)))


def _part(p: Any) -> Any:
    """A path part as the index keys it: a list position as an int, a name as text."""
    return p if isinstance(p, int) and not isinstance(p, bool) else str(p)


def _scalar(text: str) -> Any:
    """What a plain key reads as (``FALSE`` → False, ``2`` → 2, ``NO`` → 'NO'), or the text."""
    if text.lower() in ("yes", "no", "on", "off"):
        return text  # see _keys_as_text
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _expanded_size(node: yaml.Node, memo: dict[int, int], visiting: set[int]) -> int:
    """How many values ``node`` stands for once every alias is expanded."""
    if id(node) in memo:
        return memo[id(node)]
    if id(node) in visiting:
        raise yaml.YAMLError("a YAML alias refers to a node that contains it (a loop)")
    visiting.add(id(node))
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, memo, visiting) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            size += _expanded_size(key, memo, visiting) + _expanded_size(value, memo, visiting)
    visiting.discard(id(node))
    memo[id(node)] = min(size, MAX_NODES + 1)
    return memo[id(node)]
