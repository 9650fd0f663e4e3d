"""Layers point one way (docs/ARCHITECTURE.md section 2) and the code stays ruff-clean."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "dutyroom"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def _offenders(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in (PKG / layer).rglob("*.py"):
        for name in _imports(path):
            if name.lstrip(".").split(".")[0] in forbidden or any(name.startswith(f"..{f}") for f in forbidden):
                bad.append(f"{path.relative_to(PKG)} imports {name}")
    return bad


def test_domain_imports_neither_qt_nor_sqlalchemy_nor_outer_layers():
    assert _offenders("domain", ("PySide6", "sqlalchemy", "alembic", "store", "services", "ui")) == []


def test_services_and_store_import_no_qt():
    assert _offenders("services", ("PySide6", "ui")) == []
    assert _offenders("store", ("PySide6", "ui")) == []


def test_ui_holds_no_sql():
    assert _offenders("ui", ("sqlalchemy", "store")) == []


def test_ruff_clean():
    root = PKG.parent
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(root)], capture_output=True, text=True,
                            cwd=root)
    assert result.returncode == 0, result.stdout
