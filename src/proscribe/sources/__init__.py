"""One module per official list format behind the interface in `base`."""

from proscribe.sources.base import ListFileSet, ParsedList, SourceParser

__all__ = ["ListFileSet", "ParsedList", "SourceParser"]
