"""The Typer application object; command modules register on it."""

from __future__ import annotations

from datetime import date

import typer

from proscribe.errors import ConfigError

app = typer.Typer(
    name="proscribe",
    help="Sanctions compliance engine: official lists, explainable screening, regime rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def date_option(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD command-line option as a date; a clear error naming the option."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} must be a date YYYY-MM-DD", found=value) from None
