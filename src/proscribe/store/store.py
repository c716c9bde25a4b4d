"""The versioned list store: every import kept, never overwritten.

SQLite file under the data folder by default; PostgreSQL (or anything SQLAlchemy speaks)
through `PROSCRIBE_DATABASE_URL`. The same code runs on both.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from proscribe.errors import NotFoundError, SourceError, StoreError
from proscribe.model import Entity, IdentifierType, ListVersion
from proscribe.sources.base import ListFileSet, ParsedList, SourceParser
from proscribe.store.diff import ListDiff, diff_entities
from proscribe.store.tables import entities, entity_keys, import_failures, list_versions, metadata

# Identifier types strong enough to say two list records are the same subject.
LINK_TYPES = frozenset(
    {
        IdentifierType.UN_REF,
        IdentifierType.IMO,
        IdentifierType.SWIFT_BIC,
        IdentifierType.PASSPORT,
        IdentifierType.AIRCRAFT_SERIAL,
    }
)


@dataclass(slots=True)
class ImportResult:
    version: ListVersion
    created: bool  # False when the same bytes were already stored (a no-op)


@dataclass(slots=True)
class SubjectRecord:
    entity: Entity
    version: ListVersion
    linked_by: list[str] = field(default_factory=list)  # keys shared with the asked record


@dataclass(slots=True)
class Subject:
    """One designated subject as every current list that names it describes it."""

    id: str
    records: list[SubjectRecord]


def _now() -> datetime:
    return datetime.now(UTC)


def content_hash(entity: Entity) -> str:
    blob = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def link_keys(entity: Entity) -> set[str]:
    keys = set()
    for ident in entity.identifiers:
        if ident.type in LINK_TYPES and len(ident.value.strip()) >= 4:
            keys.add(ident.key)
    return keys


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(url: str) -> Engine:
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                engine = sa.create_engine(url, connect_args={"timeout": 30})

                @sa.event.listens_for(engine, "connect")
                def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA foreign_keys=ON")
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.close()

            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            _ENGINES[url] = engine
        return _ENGINES[url]


class Store:
    """Versioned list store over one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self.ensure_schema()

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        from proscribe.settings import get_settings

        return cls(url or get_settings().store_url)

    def ensure_schema(self) -> None:
        """Bring the schema to the latest migration (Alembic when available)."""
        from proscribe.store.migrate import upgrade

        upgrade(self.engine)

    # ------------------------------------------------------------------ import

    def import_fileset(self, files: ListFileSet, parser: SourceParser | None = None) -> ImportResult:
        """Parse and store one publication; the same bytes twice is a no-op.

        A file the parser refuses raises its SourceError; nothing of it is stored and
        the current version stays current. The refusal is recorded in import_failures.
        """
        from proscribe.sources.registry import get_parser

        parser = parser or get_parser(files.source)
        sha, existing = self.already_stored(files)
        if existing is not None:
            return ImportResult(existing, created=False)
        try:
            parsed = parser.parse(files)
        except SourceError as exc:
            self.record_failure(files, exc)
            raise
        return self.store_parsed(files, parser.parser_version, parsed, sha)

    def already_stored(self, files: ListFileSet) -> tuple[str, ListVersion | None]:
        """The set's sha256 and the stored version with those bytes, if any."""
        try:
            sha = files.sha256()
        except SourceError as exc:
            self.record_failure(files, exc)
            raise
        return sha, self._version_by_sha(files.source, sha)

    def store_parsed(
        self, files: ListFileSet, parser_version: str, parsed: ParsedList, sha: str
    ) -> ImportResult:
        """Store a parsed publication as a new version, in one transaction."""
        published = parsed.published or files.folder_date
        date_source = parsed.date_source if parsed.published else "imported"
        version = ListVersion(
            source=files.source,
            version="",
            published=published,
            sha256=sha,
            parser_version=parser_version,
            imported_at=_now(),
            files=[p.name for p in sorted(files.paths)],
            entries=len(parsed.entities),
            dprk_entries=sum(1 for e in parsed.entities if e.is_dprk),
            date_source=date_source,
            warnings=list(parsed.warnings),
        )
        with self.engine.begin() as conn:
            version.version = self._new_version_id(conn, files.source, published, sha)
            version_id = conn.execute(
                list_versions.insert().values(
                    source=version.source,
                    version=version.version,
                    published=version.published,
                    date_source=version.date_source,
                    sha256=version.sha256,
                    parser_version=version.parser_version,
                    imported_at=version.imported_at,
                    files=version.files,
                    entries=version.entries,
                    dprk_entries=version.dprk_entries,
                    warnings=version.warnings,
                )
            ).inserted_primary_key
            assert version_id is not None
            self._insert_entities(conn, int(version_id[0]), parsed.entities)
        return ImportResult(version, created=True)

    def _insert_entities(self, conn: sa.Connection, version_id: int, items: list[Entity]) -> None:
        seen: set[str] = set()
        rows = []
        for entity in items:
            if entity.ref in seen:
                raise StoreError("duplicate entity ref in one version", found=entity.id)
            seen.add(entity.ref)
            blob = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False)
            rows.append(
                {
                    "version_id": version_id,
                    "source": entity.source,
                    "ref": entity.ref,
                    "kind": entity.kind.value,
                    "name": entity.primary_name[:2000],
                    "is_dprk": entity.is_dprk,
                    "content_hash": hashlib.sha256(blob.encode()).hexdigest(),
                    "data": blob,
                }
            )
        for chunk in _chunks(rows, 2000):
            conn.execute(entities.insert(), chunk)
        ids = dict(
            conn.execute(
                sa.select(entities.c.ref, entities.c.id).where(entities.c.version_id == version_id)
            ).all()
        )
        key_rows = [
            {"entity_id": ids[e.ref], "version_id": version_id, "key": key}
            for e in items
            for key in sorted(link_keys(e))
        ]
        for chunk in _chunks(key_rows, 5000):
            conn.execute(entity_keys.insert(), chunk)

    def _new_version_id(
        self, conn: sa.Connection, source: str, published: date | None, sha: str
    ) -> str:
        base = (published or _now().date()).isoformat()
        taken = conn.execute(
            sa.select(list_versions.c.id).where(
                list_versions.c.source == source, list_versions.c.version == base
            )
        ).first()
        return base if taken is None else f"{base}.{sha[:8]}"

    def record_failure(self, files: ListFileSet, exc: SourceError) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                import_failures.insert().values(
                    source=files.source,
                    files=[str(p) for p in files.paths],
                    at=_now(),
                    error=_jsonable(exc.to_dict()),
                )
            )

    def failures(self, source: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(import_failures).order_by(import_failures.c.id)
        if source:
            query = query.where(import_failures.c.source == source)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # ------------------------------------------------------------------ versions

    def versions(self, source: str | None = None) -> list[ListVersion]:
        query = sa.select(list_versions).order_by(
            list_versions.c.source, list_versions.c.published, list_versions.c.imported_at
        )
        if source:
            query = query.where(list_versions.c.source == source)
        with self.engine.connect() as conn:
            return [_version(r) for r in conn.execute(query)]

    def current_versions(self, as_of: date | None = None) -> list[ListVersion]:
        """The version of each list that was current on `as_of` (default: now).

        Current = the latest publication date on or before the day; a version whose file
        states no date counts from its folder date, else from its import day.
        """
        best: dict[str, ListVersion] = {}
        for version in self.versions():
            day = version.published or (version.imported_at.date() if version.imported_at else None)
            if as_of is not None and (day is None or day > as_of):
                continue
            current = best.get(version.source)
            if current is None or _order(version) >= _order(current):
                best[version.source] = version
        return [best[s] for s in sorted(best)]

    def resolve_version(self, source: str, spec: str) -> ListVersion:
        """A version by id, by date prefix, by sha256 prefix, or 'latest' / 'previous'."""
        versions = self.versions(source)
        if not versions:
            raise NotFoundError(f"no version of {source!r} has been imported", source=source)
        ordered = sorted(versions, key=_order)
        if spec == "latest":
            return ordered[-1]
        if spec == "previous":
            if len(ordered) < 2:
                raise NotFoundError("only one version is stored", source=source)
            return ordered[-2]
        exact = [v for v in versions if v.version == spec]
        if exact:
            return exact[0]
        matches = [v for v in versions if v.version.startswith(spec) or v.sha256.startswith(spec)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError(
                f"no version {spec!r} of {source!r}",
                source=source,
                expected=", ".join(v.version for v in ordered),
            )
        raise StoreError(
            f"version {spec!r} of {source!r} is ambiguous",
            found=", ".join(v.version for v in matches),
        )

    def _version_by_sha(self, source: str, sha: str) -> ListVersion | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(list_versions).where(
                    list_versions.c.source == source, list_versions.c.sha256 == sha
                )
            ).first()
        return _version(row) if row is not None else None

    def _version_row_id(self, version: ListVersion) -> int:
        with self.engine.connect() as conn:
            row_id = conn.execute(
                sa.select(list_versions.c.id).where(
                    list_versions.c.source == version.source,
                    list_versions.c.version == version.version,
                )
            ).scalar_one()
        return int(row_id)

    # ------------------------------------------------------------------ entities

    def version_entities(self, version: ListVersion) -> list[Entity]:
        vid = self._version_row_id(version)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(entities.c.data)
                .where(entities.c.version_id == vid)
                .order_by(entities.c.id)
            )
            return [Entity.from_dict(_json(r[0])) for r in rows]

    def current_entities(
        self, as_of: date | None = None, sources: Iterable[str] | None = None
    ) -> tuple[list[Entity], list[ListVersion]]:
        """Every entity of the versions current on `as_of`, and those versions."""
        wanted = set(sources) if sources else None
        versions = [
            v for v in self.current_versions(as_of) if wanted is None or v.source in wanted
        ]
        out: list[Entity] = []
        for version in versions:
            out.extend(self.version_entities(version))
        return out, versions

    def entity_versions(self, entity_id: str) -> list[tuple[ListVersion, Entity]]:
        """Every stored version of one record, oldest first: its history."""
        source, _, ref = entity_id.partition(":")
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(entities.c.data, list_versions)
                .join(list_versions, list_versions.c.id == entities.c.version_id)
                .where(entities.c.source == source, entities.c.ref == ref)
            ).all()
        pairs = [(_version(r), Entity.from_dict(_json(r[0]))) for r in rows]
        return sorted(pairs, key=lambda p: _order(p[0]))

    def subject(self, entity_id: str, as_of: date | None = None) -> Subject:
        """One record and every current record linked to it by a UN reference or identifier."""
        source, sep, ref = entity_id.partition(":")
        if not sep or not ref:
            raise NotFoundError(
                "entity ids look like source:ref", expected="e.g. un:KPe.020", found=entity_id
            )
        current = {v.source: v for v in self.current_versions(as_of)}
        if source not in current:
            raise NotFoundError(f"no current version of {source!r}", found=entity_id)
        version_ids = {self._version_row_id(v): v for v in current.values()}
        with self.engine.connect() as conn:
            start = conn.execute(
                sa.select(entities.c.id, entities.c.data).where(
                    entities.c.version_id.in_(list(version_ids)),
                    entities.c.source == source,
                    sa.func.lower(entities.c.ref) == ref.lower(),
                )
            ).first()
            if start is None:
                raise NotFoundError(f"{entity_id} is not in the current {source} list")
            # Breadth-first over shared keys, bounded to avoid runaway chains.
            found: dict[int, set[str]] = {start[0]: set()}
            frontier = [start[0]]
            while frontier and len(found) < 50:
                keys = conn.execute(
                    sa.select(entity_keys.c.key).where(entity_keys.c.entity_id.in_(frontier))
                ).scalars().all()
                frontier = []
                if not keys:
                    break
                rows = conn.execute(
                    sa.select(entity_keys.c.entity_id, entity_keys.c.key).where(
                        entity_keys.c.key.in_(set(keys)),
                        entity_keys.c.version_id.in_(list(version_ids)),
                    )
                ).all()
                for ent_id, key in rows:
                    if ent_id not in found:
                        found[ent_id] = set()
                        frontier.append(ent_id)
                    found[ent_id].add(key)
            docs = conn.execute(
                sa.select(entities.c.id, entities.c.version_id, entities.c.data).where(
                    entities.c.id.in_(list(found))
                )
            ).all()
        records = [
            SubjectRecord(Entity.from_dict(_json(data)), version_ids[vid], sorted(found[eid]))
            for eid, vid, data in docs
        ]
        records.sort(key=lambda r: (r.entity.id != entity_id, r.entity.source, r.entity.ref))
        return Subject(id=records[0].entity.id, records=records)


def _order(version: ListVersion) -> tuple[date, datetime]:
    imported = version.imported_at or datetime.min.replace(tzinfo=UTC)
    if imported.tzinfo is None:
        imported = imported.replace(tzinfo=UTC)
    return (version.published or imported.date(), imported)


def _version(row: Any) -> ListVersion:
    m = row._mapping
    imported = m["imported_at"]
    if imported is not None and imported.tzinfo is None:
        imported = imported.replace(tzinfo=UTC)
    return ListVersion(
        source=m["source"],
        version=m["version"],
        published=m["published"],
        sha256=m["sha256"],
        parser_version=m["parser_version"],
        imported_at=imported,
        files=list(_json(m["files"])),
        entries=m["entries"],
        dprk_entries=m["dprk_entries"],
        date_source=m["date_source"],
        warnings=list(_json(m["warnings"])),
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def diff_versions(store: Store, source: str, old_spec: str, new_spec: str) -> ListDiff:
    """Resolve two version specs of one source and diff them."""
    old = store.resolve_version(source, old_spec)
    new = store.resolve_version(source, new_spec)
    return diff_entities(source, old, new, store.version_entities(old), store.version_entities(new))
