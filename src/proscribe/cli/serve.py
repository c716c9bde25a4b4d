"""CLI commands: serve (filled in by its owner)."""

from proscribe.cli.app import app  # noqa: F401
