"""Command-line interface: a thin layer over the library entry points."""

from __future__ import annotations

import sys

from proscribe.cli.app import app
from proscribe.errors import ProscribeError

# Each module registers its commands on `app` when imported.
from proscribe.cli import lists as _lists  # noqa: F401,E402
from proscribe.cli import screen as _screen  # noqa: F401,E402
from proscribe.cli import check as _check  # noqa: F401,E402
from proscribe.cli import serve as _serve  # noqa: F401,E402
from proscribe.cli import batch as _batch  # noqa: F401,E402
from proscribe.cli import scan as _scan  # noqa: F401,E402


def main() -> None:
    """Console entry point: ProscribeError becomes a one-line message and exit code 2."""
    try:
        app()
    except ProscribeError as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/] {exc}")
        sys.exit(2)


__all__ = ["app", "main"]
