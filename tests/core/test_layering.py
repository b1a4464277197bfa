"""Dependencies point one way: `entri.core` imports no domain slice (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import entri

SRC = Path(entri.__file__).parent
CORE = SRC / "core"
KNOWS_EVERY_TABLE = {CORE / "models_registry.py"}
"""Its job is to import every slice's models (for Alembic), as the migrations' env does."""


def _domains() -> set[str]:
    """Slices are the packages with models or routes; `formats` (pure codecs) is a library."""
    return {
        package.name
        for package in SRC.iterdir()
        if package.is_dir() and ((package / "models.py").exists() or (package / "router.py").exists())
    } | {"app", "cli"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_domains_are_found() -> None:
    assert {"auth", "organizations", "tokens", "projects", "keys", "translations", "files"} <= _domains()


def test_core_imports_no_domain() -> None:
    domains = _domains()
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if path in KNOWS_EVERY_TABLE or "migrations" in path.parts:
            continue
        for module in _imported(path):
            parts = module.split(".")
            if parts[0] == "entri" and len(parts) > 1 and parts[1] in domains:
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert not offenders, "\n".join(offenders)
