"""Build: the hot path of the matcher compiled to C, when a C compiler is there.

The modules listed in proscribe/_compiled.py are plain, strictly typed Python; mypyc (part
of mypy) compiles most of them to C extensions at install time, and Cython the numeric
kernels (their C types in a `.pxd` beside the `.py`). Nothing changes in behaviour: the same source runs
interpreted when the compiled modules are absent. Set PROSCRIBE_PURE_PYTHON=1 to skip
compiling (for instance on a machine with no C compiler); a failed compile is a warning,
not a failed install (the extensions are optional).
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

import ast
from pathlib import Path

# The list lives in the package (proscribe/_compiled.py), which also guards against stale
# compiled copies; read as text, since the package is not installed yet.
_tree = ast.parse((Path(__file__).parent / "src/proscribe/_compiled.py").read_text())


def _listed(name: str) -> list[str]:
    modules = next(ast.literal_eval(node.value) for node in _tree.body
                   if isinstance(node, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id == name for t in node.targets))
    return ["src/" + m.replace(".", "/") + ".py" for m in modules]


COMPILED = _listed("COMPILED_MODULES")
CYTHONIZED = _listed("CYTHON_MODULES")

ext_modules = []
if os.environ.get("PROSCRIBE_PURE_PYTHON", "") not in ("1", "true", "yes"):
    try:
        from mypyc.build import mypycify
    except ImportError as exc:  # mypy missing from the build environment
        print(f"proscribe: not compiling the matcher ({exc})", file=sys.stderr)
    else:
        # No project config: its pydantic plugin is not in the build environment, and the
        # libraries the modules import (numpy, rapidfuzz) are typed as Any here.
        ext_modules = mypycify(["--config-file=", "--ignore-missing-imports", *COMPILED],
                               opt_level="3", debug_level="0")
    try:
        from Cython.Build import cythonize
    except ImportError as exc:  # Cython missing from the build environment
        print(f"proscribe: not compiling the kernels ({exc})", file=sys.stderr)
    else:
        # Bounds and wrap-around checks off: the kernels index only within the arrays they
        # are given (tests/matching/test_compiled.py checks them against the source).
        # PROSCRIBE_KERNEL_CHECKS=1 builds them with the checks on, to run the tests under.
        checks = os.environ.get("PROSCRIBE_KERNEL_CHECKS", "") in ("1", "true", "yes")
        ext_modules += cythonize(
            CYTHONIZED, quiet=True, force=True,
            compiler_directives={"language_level": 3, "annotation_typing": False,
                                 "boundscheck": checks, "wraparound": False,
                                 "initializedcheck": checks, "cdivision": True})
    for ext in ext_modules:
        ext.optional = True

setup(ext_modules=ext_modules)
