"""The Typer application object; command modules register on it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="proscribe",
    help="Sanctions compliance engine: official lists, explainable screening, regime rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
