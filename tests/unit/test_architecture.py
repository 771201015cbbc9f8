"""The package's shape: the engine stays light, and no simcc module is in an import cycle.

An AST walk over ``simcc/`` (no module is imported) finds every ``import`` and
``from … import …`` statement and turns it into an edge *module → module*:

- ``from a.b import c`` is an edge to ``a.b.c`` when that is a module of the
  package, else to ``a.b`` (``c`` is a name defined there);
  ``import a.b`` is an edge to ``a.b``. A parent package's ``__init__`` is not
  an edge of its own: importing ``simcc.records`` runs ``simcc/__init__.py``
  first, but counting that would put every module beside the package's
  re-exports. Only ``from simcc import name`` depends on ``simcc/__init__.py``.
- Imports inside ``if TYPE_CHECKING:`` are not edges (they never run).
- **Function-local imports are edges too.** Moving an import into a function
  keeps a cycle from breaking at start-up, but the two modules still need each
  other: the cycle is still there. The one exception is :data:`LAZY_ALLOWED`,
  an explicit list of function-local imports of simcc modules made only to
  delay a heavy third-party library, each with its reason. (Function-local
  imports of third-party libraries themselves are never a cycle.)

The engine rule counts the same edges, function-local ones included: a
function-local ``import pandas`` still loads pandas into the engine's process
the first time that function runs.

Imports by computed name (``importlib.import_module(name)``) are not seen.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import simcc

PACKAGE_ROOT = Path(simcc.__file__).parent
ENGINE = "simcc.model"
ENGINE_FORBIDDEN = ("pandas", "pydantic", "matplotlib")
"""Third-party packages the engine must not import, directly or through a simcc module."""

LAZY_ALLOWED: dict[tuple[str, str], str] = {}
"""(importer, imported) function-local imports that are not cycle edges, with the reason.

Only for an import made lazy to keep a heavy third-party library out of start-up
(e.g. ``simcc.__getattr__`` loading ``simcc.experiments``, which pulls scipy.stats),
and only when that import closes a cycle; never to dodge a cycle between simcc's
own layers. Empty today: the lazy loads of ``simcc/__init__.py`` close a cycle only
through ``from simcc import __version__`` in lower modules, which is the cycle."""


@dataclass(frozen=True)
class Edge:
    """One import statement: who imports what, where, and whether it runs at import time."""

    source: str
    target: str
    path: Path
    line: int
    lazy: bool  # inside a function body

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root.parent)}:{self.line}"


# ---------------------------------------------------------------------------- the walk


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` (a directory with ``__init__.py``) by dotted name."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, lazy: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Yield (import statement, lazy) for every import that can run, skipping TYPE_CHECKING."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, lazy
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _walk(ast.Module(body=[other], type_ignores=[]), lazy)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk(child, True)
        else:
            yield from _walk(child, lazy)


def _resolve(stmt: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from`` import names (relative imports resolved)."""
    if not stmt.level:
        return stmt.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (stmt.level - 1)]
    return ".".join(base + ([stmt.module] if stmt.module else []))


def imports(root: Path) -> list[Edge]:
    """Every import edge of the package at ``root`` (targets may be third-party)."""
    modules = module_names(root)
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for stmt, lazy in _walk(tree, False):
            if isinstance(stmt, ast.Import):
                targets = [alias.name for alias in stmt.names]
            else:
                base = _resolve(stmt, module, is_package)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in stmt.names
                ]
            for target in dict.fromkeys(targets):
                edges.append(Edge(module, target, path, stmt.lineno, lazy))
    return edges


# ---------------------------------------------------------------------------- the rules


def forbidden_imports(root: Path, engine: str, forbidden: tuple[str, ...]) -> list[list[Edge]]:
    """Chains of imports by which the ``engine`` package reaches a forbidden library.

    Each chain starts at the engine module whose import leaves the engine (or
    names the library itself): one chain, the shortest, per such module and
    library, so a chain that runs through another engine module first is not
    shown twice.
    """
    package = root.name
    by_source: dict[str, list[Edge]] = {}
    for e in imports(root):
        by_source.setdefault(e.source, []).append(e)

    def inside(module: str) -> bool:
        return module == engine or module.startswith(engine + ".")

    chains = []
    for start in sorted(m for m in module_names(root) if inside(m)):
        # breadth first, so each library is reported by its shortest chain
        came_by: dict[str, Edge | None] = {start: None}
        queue = deque([start])
        found: dict[str, Edge] = {}
        while queue:
            here = queue.popleft()
            for e in by_source.get(here, []):
                top = e.target.split(".")[0]
                if top in forbidden:
                    found.setdefault(top, e)
                elif top == package and e.target not in came_by:
                    came_by[e.target] = e
                    queue.append(e.target)
        for top in sorted(found):
            chain = [found[top]]
            while (prev := came_by[chain[0].source]) is not None:
                chain.insert(0, prev)
            if not inside(chain[0].target):
                chains.append(chain)
    return chains


def import_tangles(
    root: Path, allowed: dict[tuple[str, str], str]
) -> list[tuple[list[str], list[list[Edge]]]]:
    """Groups of the package's modules that import one another, with cycles to show.

    Each group (modules that all reach each other) comes with, for every import
    back into its first module by name (the highest in the package, usually),
    the shortest cycle that import closes. Breaking those imports breaks the
    group's cycles through that module; what remains shows on the next run.
    """
    modules = module_names(root)
    graph: dict[str, dict[str, Edge]] = {m: {} for m in modules}
    for e in imports(root):
        if e.target in modules and not (e.lazy and (e.source, e.target) in allowed):
            graph[e.source].setdefault(e.target, e)
    tangles = []
    for group in _strongly_connected(graph):
        first = min(group)
        cycles = [
            [*_shortest_path(graph, first, source, group), graph[source][first]]
            for source in sorted(group)
            if first in graph[source]
        ]
        tangles.append((sorted(group), cycles))
    return sorted(tangles)


def import_cycles(root: Path, allowed: dict[tuple[str, str], str]) -> list[list[Edge]]:
    """The cycles :func:`import_tangles` shows, one list of edges each."""
    return [cycle for _, cycles in import_tangles(root, allowed) for cycle in cycles]


def _strongly_connected(graph: dict[str, dict[str, Edge]]) -> list[set[str]]:
    """Groups of modules that reach each other (Tarjan), keeping only real cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                out.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _shortest_path(
    graph: dict[str, dict[str, Edge]], start: str, goal: str, within: set[str]
) -> list[Edge]:
    """Edges of a shortest path start → goal inside ``within`` (empty when start is goal)."""
    came_by: dict[str, Edge | None] = {start: None}
    queue = deque([start])
    while queue and goal not in came_by:
        here = queue.popleft()
        for there, edge in sorted(graph[here].items()):
            if there in within and there not in came_by:
                came_by[there] = edge
                queue.append(there)
    path: list[Edge] = []
    node = goal
    while (edge := came_by[node]) is not None:
        path.insert(0, edge)
        node = edge.source
    return path


def describe(chain: list[Edge], root: Path) -> str:
    """``a -> b (a.py:3) -> c (b.py:7)``, lazy imports marked."""
    text = chain[0].source
    for e in chain:
        text += f" -> {e.target} ({e.where(root)}{', in a function' if e.lazy else ''})"
    return text


# ---------------------------------------------------------------------------- simcc itself


def test_the_engine_imports_neither_pandas_nor_pydantic_nor_matplotlib():
    chains = forbidden_imports(PACKAGE_ROOT, ENGINE, ENGINE_FORBIDDEN)
    report = "\n".join("  " + describe(c, PACKAGE_ROOT) for c in chains)
    if chains:
        pytest.fail(f"simcc/model reaches a library it must not import:\n{report}", False)


def test_no_simcc_module_is_in_an_import_cycle():
    tangles = import_tangles(PACKAGE_ROOT, LAZY_ALLOWED)
    report = []
    for group, cycles in tangles:
        report.append(f"{len(group)} modules import one another: {', '.join(group)}")
        report += ["  " + describe(c, PACKAGE_ROOT) for c in cycles]
    if tangles:
        pytest.fail("import cycles among simcc modules:\n" + "\n".join(report), False)


def test_every_allowed_lazy_import_exists_and_is_lazy():
    lazy = {(e.source, e.target) for e in imports(PACKAGE_ROOT) if e.lazy}
    stale = sorted(set(LAZY_ALLOWED) - lazy)
    assert not stale, f"LAZY_ALLOWED names imports that are not function-local imports: {stale}"


# ---------------------------------------------------------------------------- the rules themselves


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throw-away package ``pkg`` under tmp_path: {relative path: source}."""
    root = tmp_path / "pkg"
    for rel, source in {"__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return root


def _cycle_names(root: Path, allowed=None) -> list[list[str]]:
    return [[e.source for e in c] for c in import_cycles(root, allowed or {})]


def test_a_layered_package_has_no_cycle_and_a_clean_engine(tmp_path):
    root = _package(
        tmp_path,
        {
            "records.py": "import numpy\n",
            "model/center.py": (
                "import simpy\nfrom pkg.model import contact\nfrom pkg import records\n"
            ),
            "model/contact.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg.model.center import Center\n"
            ),
            "report.py": "import pandas\nfrom pkg.model.center import x\n",
        },
    )
    assert _cycle_names(root) == []
    assert forbidden_imports(root, "pkg.model", ENGINE_FORBIDDEN) == []


def test_a_module_level_cycle_is_reported_with_its_lines(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "__version__ = '1'\nfrom pkg.runner import run\n",
            "runner.py": "from pkg import __version__\n",
        },
    )
    cycles = import_cycles(root, {})
    assert [[e.source for e in c] for c in cycles] == [["pkg", "pkg.runner"]]
    text = describe(cycles[0], root)
    assert text == "pkg -> pkg.runner (pkg/__init__.py:2) -> pkg (pkg/runner.py:1)"


def test_a_function_local_import_still_closes_a_cycle(tmp_path):
    root = _package(
        tmp_path,
        {
            "model/center.py": "from pkg.model.contact import Contact\n",
            "model/contact.py": "def end():\n    from pkg.model.center import ABANDONED\n",
        },
    )
    (cycle,) = import_cycles(root, {})
    assert [e.source for e in cycle] == ["pkg.model.center", "pkg.model.contact"]
    assert "in a function" in describe(cycle, root)


def test_an_allowed_lazy_import_is_not_a_cycle_edge_but_a_module_level_one_is(tmp_path):
    files = {
        "__init__.py": "def __getattr__(name):\n    from pkg import experiments\n",
        "experiments.py": "import scipy\nfrom pkg import tools\n",
        "tools.py": "import pkg\n",
    }
    root = _package(tmp_path, files)
    allowed = {("pkg", "pkg.experiments"): "delays scipy"}
    assert _cycle_names(root) == [["pkg", "pkg.experiments", "pkg.tools"]]
    assert _cycle_names(root, allowed) == []
    # the allow-list covers only the function-local import, not a module-level one
    files["__init__.py"] = "from pkg import experiments\n"
    root = _package(tmp_path / "again", files)
    assert _cycle_names(root, allowed) == [["pkg", "pkg.experiments", "pkg.tools"]]


def test_relative_imports_and_self_imports_are_resolved(tmp_path):
    root = _package(
        tmp_path,
        {"a/x.py": "from . import y\n", "a/y.py": "from .x import f\n", "b.py": "import pkg.b\n"},
    )
    assert _cycle_names(root) == [["pkg.a.x", "pkg.a.y"], ["pkg.b"]]


def test_the_engine_reaching_pandas_through_another_module_is_reported(tmp_path):
    root = _package(
        tmp_path,
        {
            "records.py": "import pandas as pd\n",
            "scenario.py": "from pydantic import BaseModel\n",
            "model/center.py": "def end():\n    from pkg.records import OUTCOMES\n",
            "model/policies.py": "from pkg.scenario import Rule\n",
            "model/plots.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import matplotlib\n"
            ),
            "model/transfers.py": "from pkg.model.center import end\n",
        },
    )
    chains = forbidden_imports(root, "pkg.model", ENGINE_FORBIDDEN)
    assert [describe(c, root) for c in chains] == [
        "pkg.model.center -> pkg.records (pkg/model/center.py:2, in a function)"
        " -> pandas (pkg/records.py:1)",
        "pkg.model.policies -> pkg.scenario (pkg/model/policies.py:1)"
        " -> pydantic (pkg/scenario.py:1)",
    ]
