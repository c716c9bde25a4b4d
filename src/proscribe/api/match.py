"""yente-compatible /match: FollowTheMoney-shaped examples in, yente-shaped results out.

The translation only: FtM example -> ScreeningQuery, Candidate -> yente result. Scoring is
`Screener.screen()`, the same as /screen.
"""

from __future__ import annotations

from typing import Any

from proscribe.api.models import EntityExample
from proscribe.errors import NotFoundError, QueryError
from proscribe.screening import Screener, ScreeningQuery

ALL_DATASETS = {"default", "sanctions", "all", "proscribe"}

_SCHEMAS: dict[str, str | None] = {
    "person": "person",
    "organization": "organization",
    "company": "organization",
    "publicbody": "organization",
    "legalentity": None,
    "thing": None,
    "vessel": "vessel",
    "airplane": "aircraft",
}
_KIND_SCHEMA = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
                "aircraft": "Airplane"}
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry",
                  "flag")
_ID_PROPS = {
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "swiftBic": "swift_bic",
    "passportNumber": "passport",
    "registrationNumber": "registration",
    "taxNumber": "tax_id",
    "innCode": "tax_id",
    "ogrnCode": "registration",
    "leiCode": "registration",
    "serialNumber": "aircraft_serial",
    "idNumber": "",  # any identifier type
}
_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
MAX_NAMES = 10


def _values(props: dict[str, str | list[str]], key: str) -> list[str]:
    raw = props.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else raw
    return [str(v).strip() for v in items if str(v).strip()]


def example_queries(example: EntityExample, limit: int) -> list[ScreeningQuery]:
    """One ScreeningQuery per name of the example (they share the other facts)."""
    schema = example.schema_.strip()
    if schema.lower() not in _SCHEMAS:
        raise QueryError(f"schema {schema!r} cannot be matched",
                         field="schema", expected=", ".join(sorted(_KIND_SCHEMA.values())))
    kind = _SCHEMAS[schema.lower()]
    props = example.properties
    names = _values(props, "name") + _values(props, "alias")
    if not names:
        parts = [p for key in _NAME_PARTS for p in _values(props, key)[:1]]
        if parts:
            names = [" ".join(parts)]
    dob = None
    for value in _values(props, "birthDate") + _values(props, "incorporationDate"):
        dob = value[:10]
        break
    country = next((v for key in _COUNTRY_PROPS for v in _values(props, key)), None)
    gender = next(iter(_values(props, "gender")), None)
    identifiers = []
    for prop, itype in _ID_PROPS.items():
        for value in _values(props, prop):
            identifiers.append(f"{itype}:{value}" if itype else value)
    if not names and not identifiers:
        raise QueryError("an example needs a name or an identifier property",
                         field="properties.name")
    base: dict[str, Any] = {
        "type": kind, "dob": dob, "country": country,
        "gender": gender if gender in {"male", "female"} else None,
        "identifiers": identifiers[:50], "limit": limit,
    }
    try:
        return [ScreeningQuery(name=n, **base) for n in (names[:MAX_NAMES] or [""])]
    except ValueError as exc:
        raise QueryError(f"invalid example: {exc}", field="properties") from None


def dataset_sources(dataset: str, screener: Screener) -> set[str] | None:
    """None: every list. Else the sources the dataset name stands for (404 if none)."""
    name = dataset.strip().lower()
    if name in ALL_DATASETS:
        return None
    sources = {v.source for v in screener.versions}
    if name in sources:
        return {name}
    raise NotFoundError(
        f"no dataset {dataset!r}",
        expected=", ".join(sorted(ALL_DATASETS | sources)),
    )


def _properties(entity: Any) -> dict[str, list[str]]:
    from proscribe.sources.ftm import to_ftm

    for obj in to_ftm(entity):
        props = obj.get("properties") or {}
        return {k: list(v) for k, v in props.items()}
    return {}


def match_example(
    screener: Screener,
    example: EntityExample,
    *,
    limit: int,
    threshold: float,
    cutoff: float,
    sources: set[str] | None,
    exclude_schema: set[str],
    exclude_ids: set[str],
) -> dict[str, Any]:
    """One yente `EntityMatches` object."""
    wide = min(500, max(20, limit * 4))
    results = screener.screen_many(example_queries(example, wide))
    best: dict[str, Any] = {}
    for result in results:
        for cand in result.candidates:
            seen = best.get(cand.entity_id)
            if seen is None or cand.score > seen.score:
                best[cand.entity_id] = cand
    kept = []
    excluded = {s.lower() for s in exclude_schema}
    for cand in sorted(best.values(), key=lambda c: (-c.score, c.entity_id)):
        schema = _KIND_SCHEMA[cand.kind.value]
        if sources is not None and cand.source not in sources:
            continue
        if schema.lower() in excluded or cand.entity_id in exclude_ids:
            continue
        if cand.score < cutoff:
            continue
        kept.append((cand, schema))
    out = []
    for cand, schema in kept[:limit]:
        entity = screener.entity(cand.entity_id)
        out.append({
            "id": cand.entity_id,
            "caption": cand.name,
            "schema": schema,
            "properties": _properties(entity) if entity is not None else {"name": [cand.name]},
            "datasets": [cand.source],
            "referents": [],
            "target": True,
            "first_seen": None,
            "last_seen": None,
            "last_change": None,
            "score": cand.score,
            "match": cand.score >= threshold,
            "features": {r.feature: r.effect for r in cand.explanation},
            "explanations": {r.feature: {"detail": r.detail, "effect": r.effect}
                             for r in cand.explanation},
            "band": cand.band,
            "matched_name": cand.matched_name,
        })
    query = {"id": example.id, "schema": example.schema_,
             "properties": {k: ([v] if isinstance(v, str) else v)
                            for k, v in example.properties.items()}}
    return {"status": 200, "results": out, "total": {"value": len(kept), "relation": "eq"},
            "query": query}


__all__ = ["dataset_sources", "example_queries", "match_example"]
