"""Export to FollowTheMoney entities, so the data moves into the OpenSanctions/Aleph world.

Each listed record becomes a Person / Organization / Vessel / Airplane entity plus a
Sanction entity pointing at it (FtM's own way to say "listed by X under programme Y").
Ids are `proscribe-<source>-<ref>` so repeated exports are stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from followthemoney import model

from proscribe.model import Entity, EntityKind, IdentifierType, ListVersion, NameKind

_SCHEMA = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
}

_AUTHORITY = {
    "un": "United Nations Security Council",
    "ofac_sdn": "US Office of Foreign Assets Control (SDN)",
    "ofac_cons": "US Office of Foreign Assets Control (non-SDN)",
    "uk_ofsi": "UK Office of Financial Sanctions Implementation",
    "uk_fcdo": "UK Foreign, Commonwealth and Development Office",
    "eu": "European Union",
}

# Identifier type -> FtM property, per schema family (FtM refuses unknown properties).
_ID_PROPS = {
    IdentifierType.IMO: "imoNumber",
    IdentifierType.MMSI: "mmsi",
    IdentifierType.CALL_SIGN: "callSign",
    IdentifierType.SWIFT_BIC: "swiftBic",
    IdentifierType.PASSPORT: "passportNumber",
    IdentifierType.NATIONAL_ID: "idNumber",
    IdentifierType.REGISTRATION: "registrationNumber",
    IdentifierType.TAX_ID: "taxNumber",
    IdentifierType.EMAIL: "email",
    IdentifierType.WEBSITE: "website",
    IdentifierType.PHONE: "phone",
    IdentifierType.AIRCRAFT_SERIAL: "serialNumber",
    IdentifierType.AIRCRAFT_TAIL: "registrationNumber",
}


def ftm_id(entity: Entity) -> str:
    ref = re.sub(r"[^A-Za-z0-9.\-]", "-", entity.ref)
    return f"proscribe-{entity.source}-{ref}"


def _add(proxy: Any, prop: str, value: str | None) -> None:
    if value and prop in proxy.schema.properties:
        proxy.add(prop, value, quiet=True)


def to_ftm(entity: Entity, version: ListVersion | None = None) -> Iterator[dict[str, Any]]:
    """FtM entity dicts for one record: the subject and its Sanction."""
    proxy = model.make_entity(_SCHEMA[entity.kind])
    proxy.id = ftm_id(entity)
    for name in entity.names:
        prop = {
            NameKind.PRIMARY: "name",
            NameKind.ALIAS: "alias",
            NameKind.ORIGINAL_SCRIPT: "alias",
            NameKind.WEAK_ALIAS: "weakAlias",
            NameKind.FORMER: "previousName",
        }[name.kind]
        _add(proxy, prop, name.value)
    for dob in entity.birth_dates:
        _add(proxy, "birthDate", dob.value if dob.kind.value != "range" else None)
    for place in entity.birth_places:
        _add(proxy, "birthPlace", place.value)
    for code in entity.nationalities:
        _add(proxy, "nationality", code)
    for code in entity.countries:
        _add(proxy, "country", code)
    _add(proxy, "gender", entity.gender)
    for title in entity.titles:
        _add(proxy, "title", title)
    for pos in entity.positions:
        _add(proxy, "position", pos)
    for ident in entity.identifiers:
        if ident.type is IdentifierType.UN_REF:
            continue
        _add(proxy, _ID_PROPS.get(ident.type, "idNumber"), ident.value)
    for addr in entity.addresses:
        text = addr.full or ", ".join(
            p for p in (addr.street, addr.city, addr.region, addr.postal_code, addr.country_name)
            if p
        )
        _add(proxy, "address", text)
        _add(proxy, "country", addr.country)
    for flag in entity.properties.get("flag", []):
        _add(proxy, "flag", flag)
    _add(proxy, "notes", entity.remarks)
    _add(proxy, "topics", "sanction")
    yield proxy.to_dict()

    sanction = model.make_entity("Sanction")
    sanction.id = f"{proxy.id}-sanction"
    sanction.add("entity", proxy.id)
    _add(sanction, "authority", _AUTHORITY.get(entity.source, entity.source))
    _add(sanction, "authorityId", entity.ref)
    for ref in entity.un_refs:
        _add(sanction, "unscId", ref)
    for programme in entity.programmes:
        _add(sanction, "program", programme)
    if entity.listed_on:
        _add(sanction, "listingDate", entity.listed_on.isoformat())
    if version is not None:
        _add(sanction, "recordId", f"{version.source}@{version.version}")
    yield sanction.to_dict()


def export_ftm(
    items: Iterable[tuple[Entity, ListVersion | None]],
) -> Iterator[dict[str, Any]]:
    for entity, version in items:
        yield from to_ftm(entity, version)
