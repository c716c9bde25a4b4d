"""proscribe: sanctions compliance engine."""

__version__ = "0.1.0"

