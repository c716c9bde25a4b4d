"""One root error, branched by what a caller catches.

HTTP status codes are mapped only in the API's error handlers; the core raises these
with structured fields so the CLI, the API and a batch report say the same thing.
"""

from __future__ import annotations

from typing import Any


class ProscribeError(Exception):
    """Root of every error proscribe raises on purpose."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message, **self.fields}

    def __str__(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.fields.items() if k != "problems")
        return f"{self.message} ({extra})" if extra else self.message


class ConfigError(ProscribeError):
    """A setting or a command-line choice that cannot work."""


class SourceError(ProscribeError):
    """A list file or list set that cannot be imported."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        file: str | None = None,
        location: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(
            message,
            source=source,
            file=file,
            location=location,
            expected=expected,
            found=found,
            problems=problems,
        )
        self.source = source
        self.file = file
        self.location = location
        self.problems = problems or []


class ParseError(SourceError):
    """The file is malformed, truncated, hostile or in the wrong encoding."""


class IncompleteSourceError(SourceError):
    """A list set lacks a file it cannot stand without (OFAC add/alt without sdn.csv)."""


class ChecksumError(SourceError):
    """Downloaded bytes do not match what was expected."""


class DownloadError(SourceError):
    """A list could not be fetched from its official URL."""


class StoreError(ProscribeError):
    """The version store cannot answer (unknown source, version or entity)."""


class NotFoundError(StoreError):
    """The asked-for version, entity or record does not exist."""


class IndexNotReadyError(ProscribeError):
    """No list has been imported, so nothing can be screened."""


class QueryError(ProscribeError):
    """A screening query or activity is invalid; `field` names the culprit."""


class RuleError(ProscribeError):
    """A rules file contradicts itself or does not validate."""
