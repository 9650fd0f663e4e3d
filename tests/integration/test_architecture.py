"""Layers point one way (docs/ARCHITECTURE.md section 2) and the code stays ruff-clean.

Every import counts: module level, inside functions (deferred) and under TYPE_CHECKING.
"""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "dutyroom"

# The layer order, top first: a module may import its own layer and those below it, never one above.
# config.py and the package's __init__ may be imported by every layer.
LAYER_RANK = {"ui": 4, "app": 4, "cli": 4, "__main__": 4, "crash_guard": 4, "selftest": 4,
              "services": 3, "reports": 2, "store": 1, "domain": 0}
FREE = {"dutyroom", "dutyroom.config"}


def _modules() -> dict[str, Path]:
    """Dotted name → file, for every module of the package."""
    found = {}
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported_names(module: str, path: Path) -> set[str]:
    """Absolute dotted names the file imports; relative imports resolved; ``from x import y`` gives x.y when
    that is a module of the package, else x."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for a in node.names:
                names.add(f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source)
    return names


IMPORTS = {m: _imported_names(m, p) for m, p in MODULES.items()}
# The package's own import graph: module → the package modules it imports.
GRAPH = {m: {n for n in names if n in MODULES and n != m} for m, names in IMPORTS.items()}


def _where(module: str) -> str:
    return str(MODULES[module].relative_to(PKG.parent))


def _forbid(layer: str, forbidden: tuple[str, ...]) -> None:
    """No module of ``dutyroom.<layer>`` imports anything in or under a name in ``forbidden`` (``PySide6``,
    ``dutyroom.store`` …)."""
    offenders = []
    for module, names in sorted(IMPORTS.items()):
        if module == f"dutyroom.{layer}" or module.startswith(f"dutyroom.{layer}."):
            offenders += [f"{_where(module)} imports {name}" for name in sorted(names)
                          if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert offenders == [], f"forbidden imports in {layer}:\n" + "\n".join(offenders)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of the graph with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_domain_imports_neither_qt_nor_sqlalchemy_nor_outer_layers():
    outer = ("dutyroom.store", "dutyroom.reports", "dutyroom.services", "dutyroom.ui", "dutyroom.app", "dutyroom.cli")
    _forbid("domain", ("PySide6", "sqlalchemy", "alembic", *outer))


def test_reports_render_only_no_qt_no_sql_no_services():
    """reports/ is pure renderers: it takes the plain views services hand it."""
    outer = ("dutyroom.store", "dutyroom.services", "dutyroom.ui", "dutyroom.app", "dutyroom.cli")
    _forbid("reports", ("PySide6", "sqlalchemy", "alembic", *outer))


def test_services_and_store_import_no_qt():
    _forbid("services", ("PySide6", "dutyroom.ui"))
    _forbid("store", ("PySide6", "dutyroom.ui"))


def test_ui_holds_no_sql():
    _forbid("ui", ("sqlalchemy", "dutyroom.store"))


def test_every_module_has_a_layer():
    unplaced = [_where(m) for m in MODULES if m not in FREE and _layer(m) not in LAYER_RANK]
    assert unplaced == [], "no layer (add to LAYER_RANK and docs/ARCHITECTURE.md section 2):\n" + "\n".join(unplaced)


def test_no_import_runs_back_up_the_layers():
    """ui/app/cli > services > reports > store > domain; config.py and dutyroom/__init__ are free."""
    upward = []
    for module, targets in sorted(GRAPH.items()):
        for target in sorted(targets - FREE):
            if module in FREE:
                upward.append(f"{_where(module)} (imported by every layer) imports {target}")
                continue
            here, there = LAYER_RANK.get(_layer(module), 99), LAYER_RANK.get(_layer(target), 99)
            if there > here:
                upward.append(f"{_where(module)} ({_layer(module)}) imports {target} ({_layer(target)})")
    assert upward == [], "imports running back up:\n" + "\n".join(upward)


def test_no_two_modules_import_each_other():
    """No import cycle of any length, deferred imports included (they only hide a cycle)."""
    report = []
    for component in _cycles(GRAPH):
        inside = set(component)
        edges = [f"    {m} -> {t}" for m in component for t in sorted(GRAPH[m] & inside)]
        report.append("cycle among " + ", ".join(component) + ":\n" + "\n".join(edges))
    assert report == [], "\n".join(report)


def test_imports_are_resolved_wherever_they_are_written(tmp_path):
    """The checks above see relative, deferred and TYPE_CHECKING imports (a parser that missed them would pass)."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import fonts\n"
        "from ..domain.vocabulary import Role\n"
        "if TYPE_CHECKING:\n"
        "    from ..store.database import Database\n"
        "def f():\n"
        "    from ..services import guard\n"
        "    import PySide6.QtCore\n", encoding="utf-8")
    names = _imported_names("dutyroom.reports.probe", source)
    assert {"dutyroom.reports.fonts", "dutyroom.domain.vocabulary", "dutyroom.store.database",
            "dutyroom.services.guard", "PySide6.QtCore"} <= names


def test_a_cycle_through_three_modules_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_ruff_clean():
    root = PKG.parent
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(root)], capture_output=True, text=True,
                            cwd=root)
    assert result.returncode == 0, result.stdout
