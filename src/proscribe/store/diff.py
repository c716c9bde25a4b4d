"""What changed between two versions of one list, entity by entity and field by field."""

from __future__ import annotations

import json
import dataclasses
from dataclasses import dataclass
from typing import Any

from proscribe.model import Entity, ListVersion


@dataclass(slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    added: list[Any] = dataclasses.field(default_factory=list)  # list fields: only in new
    removed: list[Any] = dataclasses.field(default_factory=list)  # items only in old


@dataclass(slots=True)
class EntityChange:
    entity_id: str
    name: str
    changes: list[FieldChange]


@dataclass(slots=True)
class ListDiff:
    source: str
    old: ListVersion
    new: ListVersion
    added: list[Entity]
    removed: list[Entity]
    changed: list[EntityChange]

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.old.version,
            "to": self.new.version,
            "summary": self.summary(),
            "added": [{"id": e.id, "name": e.primary_name} for e in self.added],
            "removed": [{"id": e.id, "name": e.primary_name} for e in self.removed],
            "changed": [
                {
                    "id": c.entity_id,
                    "name": c.name,
                    "changes": [
                        {"field": f.field, "old": f.old, "new": f.new, "added": f.added,
                         "removed": f.removed}
                        for f in c.changes
                    ],
                }
                for c in self.changed
            ],
        }


def _canon(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def entity_changes(old: Entity, new: Entity) -> list[FieldChange]:
    """Field-by-field differences; list fields report the items added and removed."""
    a, b = old.to_dict(), new.to_dict()
    changes = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if _canon(va) == _canon(vb):
            continue
        if isinstance(va, list) and isinstance(vb, list):
            sa_, sb_ = {_canon(x): x for x in va}, {_canon(x): x for x in vb}
            added = [sb_[k] for k in sb_ if k not in sa_]
            removed = [sa_[k] for k in sa_ if k not in sb_]
            if not added and not removed:  # same items, other order: not a change
                continue
            changes.append(FieldChange(key, va, vb, added, removed))
        else:
            changes.append(FieldChange(key, va, vb))
    return changes


def diff_entities(
    source: str, old: ListVersion, new: ListVersion, before: list[Entity], after: list[Entity]
) -> ListDiff:
    old_by_ref = {e.ref: e for e in before}
    new_by_ref = {e.ref: e for e in after}
    added = [new_by_ref[r] for r in new_by_ref if r not in old_by_ref]
    removed = [old_by_ref[r] for r in old_by_ref if r not in new_by_ref]
    changed = []
    for ref in new_by_ref.keys() & old_by_ref.keys():
        fields = entity_changes(old_by_ref[ref], new_by_ref[ref])
        if fields:
            changed.append(EntityChange(new_by_ref[ref].id, new_by_ref[ref].primary_name, fields))
    changed.sort(key=lambda c: c.entity_id)
    return ListDiff(source, old, new, added, removed, changed)
