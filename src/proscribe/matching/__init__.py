"""Comparison functions and versioned matching algorithms (one package per version)."""

from proscribe.matching.name_v1 import ALGORITHM_ID, ALGORITHM_VERSION

__all__ = ["ALGORITHM_ID", "ALGORITHM_VERSION"]
