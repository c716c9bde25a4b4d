"""Domain types: Entity, Name, Identifier, ListVersion. No I/O."""

from proscribe.model.entity import (
    Address,
    DateKind,
    Entity,
    EntityKind,
    FuzzyDate,
    Identifier,
    IdentifierType,
    Link,
    Name,
    NameKind,
    Place,
    normalize_identifier,
)
from proscribe.model.version import ListVersion

__all__ = [
    "Address",
    "DateKind",
    "Entity",
    "EntityKind",
    "FuzzyDate",
    "Identifier",
    "IdentifierType",
    "Link",
    "ListVersion",
    "Name",
    "NameKind",
    "Place",
    "normalize_identifier",
]
