"""In-memory candidate index (tokens, phonetic/transliteration keys, edits, identifiers)."""

from proscribe.index.candidates import CandidateIndex, query_keys, token_keys

__all__ = ["CandidateIndex", "query_keys", "token_keys"]
