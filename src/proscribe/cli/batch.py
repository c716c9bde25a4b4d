"""CLI: `proscribe screen-file`, `customers import`, `monitor run`, `alerts ...`, `webhooks ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from proscribe.cli.app import app, date_option

console = Console()
err = Console(stderr=True)

customers_app = typer.Typer(help="The customer register monitored against the lists.",
                            no_args_is_help=True)
monitor_app = typer.Typer(help="Ongoing monitoring: delta screening after list changes.",
                          no_args_is_help=True)
alerts_app = typer.Typer(help="Monitoring alerts and reviewers' decisions.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook receivers of alerts (signed, retried, outboxed).",
                           no_args_is_help=True)
app.add_typer(customers_app, name="customers")
app.add_typer(monitor_app, name="monitor")
app.add_typer(alerts_app, name="alerts")
app.add_typer(webhooks_app, name="webhooks")


def _store() -> Any:
    from proscribe.store import Store

    return Store.open()


MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="field=Column, e.g. --map name='Full Name' --map dob=Birth. "
                 "Fields: id, name, type, dob, country, gender, imo, passport, national_id."),
]


@app.command("screen-file")
def screen_file_cmd(
    path: Annotated[Path, typer.Argument(help="Customers: .csv, .parquet or .jsonl")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Hits: .csv, .parquet or .jsonl")],
    mapping: MapOpt = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects CSV (default: <out>.rejects.csv)")]
    = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run.")] = False,
    encoding: Annotated[str, typer.Option(help="Text encoding of a CSV/JSONL input.")] = "utf-8",
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")]
    = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Screen against the list "
                                                               "versions current on this date.")]
    = None,
    index: Annotated[Path | None, typer.Option("--index", help="A saved index folder "
                                                               "(Screener.save).")] = None,
    workers: Annotated[int, typer.Option(help="Local processes (or Dask workers with "
                                              "--dask local).")] = 1,
    dask: Annotated[str | None, typer.Option("--dask", help="'local' or a scheduler address "
                                                            "tcp://host:8786.")] = None,
    chunk_size: Annotated[int, typer.Option(help="Rows per partition and checkpoint.")] = 5000,
    limit: Annotated[int | None, typer.Option(
        help="Most candidates per row (default: every one in the review band or above, "
             "up to 500).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Summary as JSON.")] = False,
) -> None:
    """Screen every row of a customer file; hits (match and review bands) go to --out.

    Resumable: killed at any point, run again with --resume and no row is lost or repeated.
    """
    from proscribe.batch import parse_mapping, screen_file

    with Progress(
        TextColumn("[bold]screening"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[rate]} rows/s"), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=err, disable=as_json, transient=False,
    ) as progress:
        task = progress.add_task("screen", total=None, rate="-")
        state: dict[str, float] = {}

        def on_start(summary: Any, total: int | None) -> None:
            import time

            state["t0"], state["start_rows"] = time.perf_counter(), summary.rows
            progress.update(task, total=total, completed=summary.rows)

        def tick(done: int, total: int | None) -> None:
            import time

            dt = time.perf_counter() - state["t0"]
            rate = (done - state["start_rows"]) / dt if dt else 0.0
            progress.update(task, completed=done, total=max(total or 0, done) or None,
                            rate=f"{rate:,.0f}")

        summary = screen_file(
            path, out, mapping=parse_mapping(mapping or []), rejects=rejects, resume=resume,
            encoding=encoding, delimiter=delimiter, as_of=date_option(as_of, "--as-of"), index_path=index,
            workers=workers, dask=dask, chunk_size=chunk_size, limit=limit, progress=tick,
            on_start=on_start,
        )
    if as_json:
        print(json.dumps(summary.to_dict(), default=str))
        return
    table = Table(title=f"Screened {path}", show_header=False)
    table.add_column("what", style="cyan")
    table.add_column("value")
    table.add_row("rows", f"{summary.rows:,}")
    for band in ("match", "review", "no_match"):
        table.add_row(f"rows best in {band}", f"{summary.bands.get(band, 0):,}")
    table.add_row("hits written", f"{summary.hits:,} -> {summary.output}")
    table.add_row("rejects", f"{summary.rejects:,} -> {summary.rejects_file}")
    table.add_row("rate", f"{summary.rate:,.0f} rows/s ({summary.seconds:.1f} s)")
    table.add_row("list versions", ", ".join(summary.list_versions))
    if summary.resumed_at is not None:
        table.add_row("resumed at row", f"{summary.resumed_at:,}")
    console.print(table)


@customers_app.command("import")
def customers_import(
    path: Annotated[Path, typer.Argument(help="Customers file (.csv, .parquet, .jsonl) with an "
                                              "id column.")],
    mapping: MapOpt = None,
    encoding: Annotated[str, typer.Option()] = "utf-8",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Upsert customers by their stable id; changed ones are fully re-screened next run."""
    from proscribe.batch import parse_mapping
    from proscribe.monitor import import_customers

    report = import_customers(_store(), path, mapping=parse_mapping(mapping or []),
                              encoding=encoding)
    if as_json:
        print(json.dumps(report.to_dict()))
        return
    console.print(f"inserted {report.inserted}, updated {report.updated}, "
                  f"unchanged {report.unchanged}, rejected {len(report.rejects)}")
    for r in report.rejects[:20]:
        err.print(f"  line {r['line']}: {r['reason']}")


@monitor_app.command("run")
def monitor_run(
    deliver: Annotated[bool, typer.Option(help="Try webhook delivery after the run.")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Delta-screen after list imports and customer changes; raise alerts."""
    from proscribe.monitor import deliver_pending, run_monitor

    store = _store()
    report = run_monitor(store)
    delivery = deliver_pending(store) if deliver else None
    if as_json:
        print(json.dumps({**report.to_dict(),
                          "webhooks": delivery.to_dict() if delivery else None}, default=str))
        return
    for d in report.deltas:
        console.print(f"[bold]{d.source}[/] {d.old or '(first run)'} -> {d.new}: "
                      f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
    console.print(f"customers: {report.customers_screened_full} fully screened, "
                  f"{report.customers_screened_delta} against {report.delta_entities} "
                  "changed entries")
    console.print("alerts: " + ", ".join(f"{k} {v}" for k, v in report.alerts.items())
                  + f", suppressed {report.suppressed}")
    if delivery and (delivery.delivered or delivery.pending):
        console.print(f"webhooks: {delivery.delivered} delivered, {delivery.pending} pending")


@alerts_app.command("list")
def alerts_list(
    status: Annotated[str | None, typer.Option(help="open, suppressed or decided")] = "open",
    customer: Annotated[str | None, typer.Option(help="Only this customer id.")] = None,
    kind: Annotated[str | None, typer.Option(help="new_hit, changed_hit, removed_hit")] = None,
    limit: Annotated[int, typer.Option()] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Alerts, oldest first."""
    from proscribe.monitor import list_alerts

    rows = list_alerts(_store(), status=status if status != "all" else None, kind=kind,
                       customer_id=customer, limit=limit)
    if as_json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    table = Table(title=f"Alerts ({status or 'all'})")
    for col in ("id", "kind", "customer", "entity", "name", "score", "band", "reason",
                "version", "status"):
        table.add_column(col)
    for a in rows:
        table.add_row(str(a["id"]), a["kind"], a["customer_id"], a["entity_id"],
                      a["entity_name"], f"{a['score']:.3f}" if a["score"] is not None else "",
                      a["band"] or "", a["reason"], a["version"], a["status"])
    console.print(table)


@alerts_app.command("decide")
def alerts_decide(
    alert_id: Annotated[int, typer.Argument()],
    decision: Annotated[str, typer.Argument(help="true_match or false_positive")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    reviewer: Annotated[str, typer.Option(help="Who decided.")],
) -> None:
    """Decide an alert; the same pair is suppressed until the listed entity changes."""
    from proscribe.monitor import decide

    made = decide(_store(), alert_id, decision, reason, reviewer)
    console.print(f"alert {alert_id}: {made.decision} by {made.reviewer} (decision {made.id})")


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument()],
    secret: Annotated[str | None, typer.Option(help="HMAC secret (default: generated).")] = None,
) -> None:
    """Register a receiver; alerts are POSTed to it signed with its secret."""
    from proscribe.monitor import add_webhook

    wid, key = add_webhook(_store(), url, secret)
    console.print(f"webhook {wid}: {url}")
    if secret is None:
        console.print(f"secret (shown once): {key}")


@webhooks_app.command("list")
def webhooks_list() -> None:
    """Receivers and their undelivered alerts."""
    from proscribe.monitor import list_webhooks

    for w in list_webhooks(_store()):
        console.print(f"{w['id']} {w['url']} {'active' if w['active'] else 'removed'} "
                      f"pending={w['pending']}")


@webhooks_app.command("rekey")
def webhooks_rekey() -> None:
    """Encrypt webhook secrets stored in plain text by older versions."""
    from proscribe.monitor import rekey_webhooks

    n = rekey_webhooks(_store())
    console.print(f"{n} webhook secret(s) encrypted")


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: Annotated[int, typer.Argument()]) -> None:
    """Stop sending to a receiver (its history stays)."""
    from proscribe.monitor import remove_webhook

    remove_webhook(_store(), webhook_id)


@webhooks_app.command("deliver")
def webhooks_deliver(
    wait: Annotated[float, typer.Option(help="Keep retrying for up to this many seconds.")] = 0,
) -> None:
    """Send due alerts from the outbox (retries back off exponentially)."""
    from proscribe.monitor import deliver_pending, deliver_until_idle

    store = _store()
    report = deliver_until_idle(store, wait=wait) if wait else deliver_pending(store)
    console.print(f"delivered {report.delivered}, failed {report.failed}, "
                  f"pending {report.pending}")
    for e in report.errors[-5:]:
        err.print(f"  {e}")


__all__: list[str] = []
