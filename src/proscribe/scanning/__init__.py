"""Scan news and reports for listed parties and for activities the measures govern."""

from proscribe.scanning.scanner import (
    ActivityMention,
    MeasureRef,
    PartyMention,
    ResolutionMention,
    ScanResult,
    scan,
)

__all__ = [
    "ActivityMention",
    "MeasureRef",
    "PartyMention",
    "ResolutionMention",
    "ScanResult",
    "scan",
]
