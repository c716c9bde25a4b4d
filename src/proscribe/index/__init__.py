"""In-memory candidate index (tokens, phonetic/transliteration keys, edits, identifiers)."""

from proscribe.index.candidates import (
    CandidateIndex,
    JoinedKeys,
    KeyGroup,
    QueryGroup,
    hangul_query_keys,
    query_keys,
    token_keys,
)

__all__ = ["CandidateIndex", "JoinedKeys", "KeyGroup", "QueryGroup", "hangul_query_keys",
           "query_keys", "token_keys"]
