"""Which modules setup.py compiles (mypyc, Cython), and a guard against stale compiled copies.

In an editable install the compiled extension sits next to its source, and Python imports
the extension first: after an edit (or a checkout) it would run the old code. When any
compiled module is older than its source, every module of the group (they call each other
directly in C) is imported from source instead, and a warning says to rebuild
(`pip install -e .`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: Read by setup.py (as text, before the package is installed): keep it a plain list.
COMPILED_MODULES = [
    "proscribe.matching.name_v1.names",
    "proscribe.matching.name_v1.scorer",
    "proscribe.matching.name_v1.features",
    "proscribe.matching.name_v1.bounds",
    "proscribe.text.phonetic",
]
#: Compiled by Cython from plain Python plus the types of a `.pxd` beside it (the numeric
#: kernels, where mypyc's boxed numbers were the cost). Same reading rule as above.
CYTHON_MODULES = [
    "proscribe.matching.name_v1.kernel",
    "proscribe.index.kernel",
]

_ROOT = Path(__file__).resolve().parent.parent


def _paths(module: str) -> tuple[Path, list[Path]]:
    base = _ROOT.joinpath(*module.split("."))
    source = base.with_suffix(".py")
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    built = [base.parent / (base.name + s) for s in suffixes]
    return source, [p for p in built if p.exists()]


def stale_modules() -> list[str]:
    """Compiled modules older than their source (empty when none is compiled)."""
    out = []
    for module in COMPILED_MODULES + CYTHON_MODULES:
        source, built = _paths(module)
        sources = [s for s in (source, source.with_suffix(".pxd")) if s.exists()]
        if built and any(b.stat().st_mtime < s.stat().st_mtime for b in built for s in sources):
            out.append(module)
    return out


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Import the listed modules from their .py files, not their compiled extensions."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = set(modules)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        source, _ = _paths(fullname)
        return importlib.util.spec_from_file_location(fullname, source)


def guard() -> None:
    """Run once, from proscribe/__init__.py, before any compiled module is imported."""
    stale = stale_modules()
    if stale and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst(COMPILED_MODULES + CYTHON_MODULES))
        logging.getLogger("proscribe").warning(
            "compiled matcher modules are older than their source (%s): running the source; "
            "rebuild with `pip install -e .`", ", ".join(stale))
