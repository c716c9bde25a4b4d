"""Build: the hot path of the matcher compiled to C with mypyc, when a C compiler is there.

The modules listed below are plain, strictly typed Python; mypyc (part of mypy) compiles
them to C extensions at install time. Nothing changes in behaviour: the same source runs
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
_modules = next(ast.literal_eval(node.value) for node in _tree.body
                if isinstance(node, ast.AnnAssign | ast.Assign)
                and "COMPILED_MODULES" in ast.unparse(node))
COMPILED = ["src/" + m.replace(".", "/") + ".py" for m in _modules]

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
        for ext in ext_modules:
            ext.optional = True

setup(ext_modules=ext_modules)
