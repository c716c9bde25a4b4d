"""CLI: `proscribe lists ...`, `proscribe entity`, `proscribe export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from proscribe.cli.app import app, date_option
from proscribe.errors import ConfigError
from proscribe.settings import get_settings

lists_app = typer.Typer(help="Import, inspect, compare and update the official lists.",
                        no_args_is_help=True)
app.add_typer(lists_app, name="lists")

console = Console()
err = Console(stderr=True)


def _store() -> Any:
    from proscribe.store import Store

    return Store.open()


@lists_app.command("import")
def lists_import(
    path: Annotated[
        Path | None, typer.Argument(help="Lists folder (default: PROSCRIBE_LISTS_DIR).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
    monitor: Annotated[
        bool, typer.Option("--monitor/--no-monitor",
                           help="Run delta screening of the customer register afterwards.")
    ] = True,
) -> None:
    """Import every list publication under the lists folder (same bytes twice: no-op).

    When a new version became current and customers are registered, the customers are
    delta-screened against what changed and alerts are raised (see `proscribe alerts`).
    """
    from proscribe.store import import_folder

    settings = get_settings()
    folder = path or settings.lists_dir
    if folder is None:
        raise ConfigError("no lists folder: set PROSCRIBE_LISTS_DIR or pass a path")
    store = _store()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[current]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json,
        auto_refresh=False,  # no refresh thread: lets the importer fork parse workers
    ) as progress:
        task = progress.add_task("importing", total=None, current="")

        def show(fs: Any) -> None:
            progress.update(task, current=f"{fs.source} {fs.folder_date}")
            progress.refresh()

        outcomes = import_folder(
            store,
            folder,
            max_bytes=settings.max_list_file_mb * 1024 * 1024,
            progress=show,
        )
    report = []
    for out in outcomes:
        row: dict[str, Any] = {
            "source": out.files.source,
            "folder": str(out.files.paths[0].parent) if out.files.paths else None,
        }
        if out.result is not None:
            v = out.result.version
            row.update(
                status="imported" if out.result.created else "unchanged",
                version=v.version,
                entries=v.entries,
                dprk_entries=v.dprk_entries,
                warnings=v.warnings,
            )
        else:
            assert out.error is not None
            row.update(status="refused", error=out.error.to_dict())
        report.append(row)
    if as_json:
        print(json.dumps(report, indent=2, default=str))
    else:
        table = Table(title=f"Import of {folder}")
        for col in ("source", "status", "version", "entries", "DPRK", "notes"):
            table.add_column(col)
        for row in report:
            notes = "; ".join(row.get("warnings") or [])
            if row["status"] == "refused":
                notes = str(row["error"].get("message")) + " " + json.dumps(
                    {k: v for k, v in row["error"].items() if k in ("file", "location")}
                )
            table.add_row(
                row["source"],
                {"imported": "[green]imported", "unchanged": "unchanged",
                 "refused": "[red]refused"}[row["status"]],
                row.get("version", ""),
                str(row.get("entries", "")),
                str(row.get("dprk_entries", "")),
                notes,
            )
        console.print(table)
    if any(r["status"] == "refused" for r in report):
        err.print("[yellow]Some publications were refused; the previous versions stay current.")
    if monitor and any(r["status"] == "imported" for r in report):
        _monitor_after_import(store, quiet=as_json)


def _monitor_after_import(store: Any, *, quiet: bool) -> None:
    """Delta-screen the customer register when there is one (issue: monitoring on import)."""
    import sqlalchemy as sa

    from proscribe.monitor import run_monitor
    from proscribe.store.customers import customers

    with store.engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar_one()
    if not count:
        return
    report = run_monitor(store)
    if not quiet:
        alerts = ", ".join(f"{n} {kind}" for kind, n in report.alerts.items() if n) or "no alerts"
        err.print(f"monitoring: {count} customers delta-screened: {alerts}")


@lists_app.command("show")
def lists_show(
    all_versions: Annotated[bool, typer.Option("--all", help="Every stored version.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Versions current on a date.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One row per source: version, publication date, sha256, entries, DPRK entries, import time."""
    store = _store()
    versions = store.versions() if all_versions else store.current_versions(date_option(as_of, "--as-of"))
    rows = [
        {
            "source": v.source,
            "version": v.version,
            "published": v.published.isoformat() if v.published else None,
            "date_source": v.date_source,
            "sha256": v.sha256,
            "entries": v.entries,
            "dprk_entries": v.dprk_entries,
            "imported_at": v.imported_at.isoformat() if v.imported_at else None,
            "parser": v.parser_version,
            "warnings": v.warnings,
        }
        for v in versions
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        err.print("No list imported yet: run `proscribe lists import`.")
        return
    table = Table(title="List versions" + (" (all)" if all_versions else " (current)"))
    for col in ("source", "version", "published", "sha256", "entries", "DPRK", "imported at",
                "notes"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["source"], r["version"], f"{r['published']} ({r['date_source']})",
            r["sha256"][:12], str(r["entries"]), str(r["dprk_entries"]),
            (r["imported_at"] or "")[:19], "; ".join(r["warnings"]),
        )
    console.print(table)


@lists_app.command("diff")
def lists_diff(
    source: Annotated[str, typer.Argument(help="Source id: un, ofac_sdn, ofac_cons, uk_ofsi, ...")],
    old: Annotated[str, typer.Argument(help="Older version (id, date prefix, sha prefix, "
                                            "'previous').")],
    new: Annotated[str, typer.Argument(help="Newer version (or 'latest').")] = "latest",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(help="Most entities shown per section.")] = 50,
) -> None:
    """Added, removed and changed entities between two versions, field by field."""
    from proscribe.store import diff_versions

    result = diff_versions(_store(), source, old, new)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    s = result.summary()
    console.print(
        f"[bold]{source}[/] {result.old.version} -> {result.new.version}: "
        f"[green]{s['added']} added[/], [red]{s['removed']} removed[/], "
        f"[yellow]{s['changed']} changed[/]"
    )
    for e in result.added[:limit]:
        console.print(f"  [green]+ {e.id}[/] {e.primary_name}")
    for e in result.removed[:limit]:
        console.print(f"  [red]- {e.id}[/] {e.primary_name}")
    for c in result.changed[:limit]:
        console.print(f"  [yellow]~ {c.entity_id}[/] {c.name}")
        for f in c.changes:
            if f.added or f.removed:
                for item in f.removed:
                    console.print(f"      {f.field}: [red]- {json.dumps(item, ensure_ascii=False)}")
                for item in f.added:
                    console.print(f"      {f.field}: [green]+ {json.dumps(item, ensure_ascii=False)}")
            else:
                console.print(f"      {f.field}: {f.old!r} -> {f.new!r}")


@lists_app.command("update")
def lists_update(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Download the current files from the official URLs and import them.

    Offline or unreachable: fails with a clear message and changes nothing.
    """
    from proscribe.sources.download import fetch, official_downloads
    from proscribe.store import import_folder

    settings = get_settings()
    root = settings.data_dir / "downloads"
    downloads = [d for d in official_downloads(settings) if not source or d.source in source]
    if not downloads:
        raise ConfigError("no downloadable source selected", found=", ".join(source or []))
    fetch(downloads, root, timeout=settings.download_timeout_s)
    outcomes = import_folder(_store(), root)
    report = [
        {"source": o.files.source,
         "status": ("refused" if o.error else "imported" if o.result and o.result.created
                    else "unchanged"),
         "version": o.result.version.version if o.result else None,
         "error": o.error.to_dict() if o.error else None}
        for o in outcomes
    ]
    if as_json:
        print(json.dumps(report, indent=2, default=str))
    else:
        for r in report:
            console.print(f"{r['source']}: {r['status']} {r['version'] or r['error']}")


@lists_app.command("failures")
def lists_failures(source: Annotated[str | None, typer.Argument()] = None) -> None:
    """Refused imports: which files, when and why."""
    for f in _store().failures(source):
        console.print(f"{f['at']} {f['source']}: {json.dumps(f['error'], default=str)}")


@app.command("entity")
def entity_cmd(
    entity_id: Annotated[str, typer.Argument(help="source:ref, e.g. un:KPe.020 or ofac_sdn:24606")],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Everything the lists say about one entity, in every source that lists it."""
    subject = _store().subject(entity_id, date_option(as_of, "--as-of"))
    if as_json:
        print(json.dumps(
            {"id": subject.id, "records": [
                {"entity": r.entity.to_dict(), "version": r.version.version,
                 "linked_by": r.linked_by} for r in subject.records]},
            indent=2, ensure_ascii=False, default=str))
        return
    for rec in subject.records:
        e = rec.entity
        head = f"[bold]{e.id}[/] ({e.kind.value}) in {e.source} {rec.version.version}"
        if rec.linked_by:
            head += f"  linked by {', '.join(rec.linked_by)}"
        console.rule(head)
        table = Table(show_header=False, box=None)
        table.add_column("field", style="cyan")
        table.add_column("value")
        for n in e.names:
            table.add_row(f"name ({n.kind.value})", n.value)
        for d in e.birth_dates:
            table.add_row("birth date", d.value + (f"..{d.end}" if d.end else "")
                          + f" ({d.kind.value})")
        for p in e.birth_places:
            table.add_row("birth place", p.value)
        if e.nationalities:
            table.add_row("nationality", ", ".join(e.nationalities))
        if e.gender:
            table.add_row("gender", e.gender)
        for i in e.identifiers:
            table.add_row(i.type.value, i.value + (f" ({i.country})" if i.country else ""))
        for a in e.addresses:
            table.add_row("address", a.full or ", ".join(
                x for x in (a.street, a.city, a.region, a.country_name or a.country) if x))
        if e.programmes:
            table.add_row("programmes", ", ".join(e.programmes))
        if e.listed_on:
            table.add_row("listed on", e.listed_on.isoformat())
        for k in e.links:
            table.add_row(f"link ({k.relation})", k.target_name)
        for key, values in e.properties.items():
            table.add_row(key, ", ".join(values))
        if e.remarks:
            table.add_row("remarks", e.remarks)
        console.print(table)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="ftm (FollowTheMoney JSON lines)")] = "ftm",
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources.")] = None,
    dprk_only: Annotated[bool, typer.Option("--dprk-only")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
) -> None:
    """Export the current lists as FollowTheMoney entities (one JSON object a line)."""
    if fmt != "ftm":
        raise ConfigError("unknown export format", expected="ftm", found=fmt)
    from proscribe.sources.ftm import to_ftm

    store = _store()
    versions = [v for v in store.current_versions() if not source or v.source in source]
    fh = out.open("w", encoding="utf-8") if out else sys.stdout
    count = 0
    try:
        for version in versions:
            for entity in store.version_entities(version):
                if dprk_only and not entity.is_dprk:
                    continue
                for obj in to_ftm(entity, version):
                    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
                    count += 1
    finally:
        if out:
            fh.close()
    if out:
        err.print(f"wrote {count} FtM entities to {out}")


db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations to the configured database."""
    store = _store()
    console.print(f"schema up to date: {store.url}")


__all__: list[str] = []
