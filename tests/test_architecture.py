"""The import graph: no cycles, and every arrow points down the rooms of ARCHITECTURE.md.

Every import counts, at module top or inside a function (a lazy import hides a cycle, it does
not remove it). `from pkg import name` is an arrow to `pkg.name` when that is a module, else to
`pkg` itself (its `__init__`), so a child importing names from its parent's `__init__` while that
`__init__` imports the child is a cycle too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom; a module may import its own room and the rooms below it, never above.
ROOMS = ("app", "service", "bot", "workers", "channels", "handlers", "domain", "nlp", "spec")
# Entry points: run by `python -m`, gunicorn or a shell, never imported, so they may reach the
# composition root in app/ from inside a package lower down.
ENTRY_POINTS = {"bot.__main__", "bot.wsgi", "workers.__main__", "nlp.__main__", "nlp.augment"}


def module_name(path: Path) -> str:
    """`bot/api.py` -> `bot.api`; `bot/__init__.py` -> `bot`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    """Every module of the product's rooms."""
    return {
        module_name(p): p
        for room in ROOMS
        for p in sorted((ROOT / room).rglob("*.py"))
        if "migrations" not in p.parts
    }


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Our modules that `name` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {_ours(m, known) for m in found} - {None, name}


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _ours(module: str, known: set[str]) -> str | None:
    """The longest known module `module` names (a.b.c -> a.b when only that exists)."""
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


def graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports."""
    modules = our_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def room(module: str) -> int:
    """Rank of a module's room, 0 at the top."""
    return ROOMS.index(module.split(".")[0])


def test_arrows_point_down_the_rooms():
    """No module imports from a room above its own (entry points excepted)."""
    upward = [
        f"{src} -> {dst}"
        for src, targets in sorted(graph().items())
        if src not in ENTRY_POINTS
        for dst in sorted(targets)
        if room(dst) < room(src)
    ]
    assert upward == []


def test_no_import_cycles():
    """The module graph is acyclic, counting imports inside functions."""
    edges = graph()
    cycles = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from bot.api import x\n", {"bot.api"}),
        ("from bot import api\n", {"bot.api"}),
        ("from bot import Services\n", {"bot"}),
        ("from . import api\n", {"bot.api"}),
    ],
)
def test_the_walker_sees_every_kind_of_import(tmp_path, source, expected):
    """Lazy, package, parent-__init__ and relative imports all become arrows."""
    path = tmp_path / "bot" / "pages.py"
    path.parent.mkdir()
    path.write_text(source, "utf-8")
    assert imports_of("bot.pages", path, {"bot", "bot.api", "bot.pages"}) == expected
