"""proscribe: sanctions compliance engine.

    import proscribe
    proscribe.screen("Kim Chong-un")          # is this party listed?
    proscribe.check(activity)                 # is this activity allowed?

Names are imported lazily so `import proscribe` stays light for the CLI and workers.
"""

from __future__ import annotations

import importlib
from typing import Any

from proscribe._compiled import guard as _guard

_guard()

__version__ = "0.1.0"

_LAZY = {
    "screen": "proscribe.screeners",
    "ScreeningQuery": "proscribe.screening",
    "ScreeningResult": "proscribe.screening",
    "Screener": "proscribe.screening",
    "check": "proscribe.checking",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'proscribe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
