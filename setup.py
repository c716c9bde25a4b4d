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

COMPILED = [
    "src/proscribe/matching/name_v1/names.py",
    "src/proscribe/matching/name_v1/scorer.py",
    "src/proscribe/matching/name_v1/features.py",
    "src/proscribe/matching/name_v1/bounds.py",
    "src/proscribe/text/phonetic.py",
]

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
