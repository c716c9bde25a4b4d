"""Country names as lists write them -> ISO 3166-1 alpha-2 (lower case).

Uses rigour's territory database (the one OpenSanctions keeps), which already knows
"Korea, North", "Democratic People's Republic of Korea" and "DPRK"; cached because the
same few hundred spellings recur across 40k list records.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import lookup_territory


@lru_cache(maxsize=8192)
def country_code(name: str | None) -> str | None:
    """ISO2 code for a country name or code, None when unknown."""
    if not name:
        return None
    text = name.strip().strip(".").strip()
    if not text:
        return None
    territory = lookup_territory(text)
    if territory is None:
        return None
    code = territory.code
    return code.lower() if code else None
