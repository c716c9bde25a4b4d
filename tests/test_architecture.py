"""House rules that keep the layering true (see docs/ARCHITECTURE.md and ../shared/STYLE.md)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import proscribe

PKG = Path(proscribe.__file__).parent

# Layer of each top-level module/package; a module may import only its own layer or lower.
LAYERS = {
    "model": 0, "errors": 0, "settings": 0, "runtime": 0, "_compiled": 0,
    "text": 1,
    "sources": 2, "index": 2, "matching": 2, "rules": 2,
    "store": 3,
    "screening": 4, "screeners": 4, "checking": 4, "scanning": 4, "monitor": 5,
    "api": 5, "cli": 5, "batch": 5,
}
OUTER_ONLY = {"fastapi", "typer", "dask", "distributed", "uvicorn", "starlette"}
OUTER = {"api", "cli", "batch"}


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "migrations" not in p.parts)


def _top(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for each import in the file."""
    tree = ast.parse(path.read_text())
    top_level = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found.extend((n, id(node) in top_level) for n in names)
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_core_never_imports_outer_frameworks(path: Path) -> None:
    layer = _top(path)
    if layer in OUTER or layer == "__init__":
        return
    for name, _ in _imports(path):
        assert name.split(".")[0] not in OUTER_ONLY, f"{path}: core module imports {name}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_one_way(path: Path) -> None:
    own = _top(path)
    if own not in LAYERS:
        return
    for name, at_top in _imports(path):
        parts = name.split(".")
        if parts[0] != "proscribe" or len(parts) < 2 or parts[1] not in LAYERS:
            continue
        # Lazy imports inside functions are how the store reaches the screener it builds;
        # only module-level imports must point downwards.
        if at_top:
            assert LAYERS[parts[1]] <= LAYERS[own], f"{path} imports {name} (upward)"


def _packages() -> list[str]:
    names = ["proscribe"]
    for info in pkgutil.walk_packages([str(PKG)], "proscribe."):
        if info.ispkg and ".migrations" not in info.name and "._" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _packages())
def test_packages_export_their_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if name in {"proscribe.cli", "proscribe.api", "proscribe.batch"} and exported is None:
        pytest.skip("outer layer")
    assert exported is not None, f"{name} has no __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr}"
