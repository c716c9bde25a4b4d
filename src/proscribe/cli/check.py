"""CLI commands: `check` an activity, browse `rules`, keep the caps `ledger`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from proscribe.cli.app import app, date_option
from proscribe.errors import QueryError

rules_app = typer.Typer(help="Browse the regime measures encoded as data.", no_args_is_help=True)
ledger_app = typer.Typer(help="Running totals of quantities reported against caps.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(ledger_app, name="ledger")


def _read_activity(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QueryError(f"no such file: {path}", field="activity") from None
    except json.JSONDecodeError as exc:
        raise QueryError(f"{path} is not JSON: {exc}", field="activity") from None


def _print_result(result: Any) -> None:
    console = Console()
    console.print(f"[bold]verdict:[/] {result.verdict}  ({result.regime}, {result.date}, {result.kind}, jurisdiction {result.jurisdiction})")
    for name, lv in result.layers.items():
        mark = "binding" if lv.binding else "for information"
        console.print(f"  layer {name}: {lv.verdict} ({mark})")
    for m in result.measures:
        console.print(f"[bold]{m.citation}[/] [{m.layer}, grade {m.confidence}] {m.outcome}: {m.title}")
        for r in m.reasons:
            console.print(f"    - {r}")
    for c in result.conditions:
        due = f" (by {c.deadline})" if c.deadline else ""
        console.print(f"[yellow]condition[/] {c.text}{due} [{c.citation}]")
    for mf in result.missing:
        console.print(f"[cyan]missing[/] {mf.field}: {mf.question} yes -> {mf.if_yes}, no -> {mf.if_no} [{mf.citation}]")
    for u in result.caps:
        console.print(f"cap {u.cap}: {u.used_before:,.0f} + {u.this_activity:,.0f} of {u.limit:,.0f} {u.unit} ({u.period_start} to {u.period_end})")
    for f in result.unconfirmed:
        console.print(f"[magenta]unconfirmed citation[/] {f.citation} (grade {f.grade}): {f.note or ''}")
    if not result.screening.screened:
        console.print(f"[red]note[/] {result.screening.note}")
    for n in result.notes:
        console.print(f"note: {n}")
    console.print(f"rules {result.rules_version}, engine {result.engine_version}")


@app.command("check")
def check_cmd(
    activity: Path = typer.Argument(..., help="Activity as a JSON file."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    regime: str = typer.Option("dprk", help="Regime whose measures apply."),
    ledger: bool = typer.Option(False, "--ledger", help="Count earlier shipments recorded in the caps ledger."),
    ledger_url: str | None = typer.Option(None, help="SQLAlchemy URL of the ledger (default: the store)."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Do not screen the parties against the lists."),
) -> None:
    """Check an activity against the regime's measures on its date, with the paragraphs cited."""
    from proscribe.checking import check
    from proscribe.rules import CapLedger

    led = CapLedger(ledger_url) if (ledger or ledger_url) else None
    result = check(_read_activity(activity), regime=regime, ledger=led, screen_parties=not no_screen)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_result(result)


@rules_app.command("list")
def rules_list(
    regime: str = typer.Option("dprk", help="Regime."),
    layer: str | None = typer.Option(None, help="Only this layer (un, us_ofac, eu, uk)."),
    on: str | None = typer.Option(None, help="Only measures in force on this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the measures of a regime."""
    from proscribe.rules import load_regime

    rs = load_regime(regime)
    day = date_option(on, "--on")
    rows = [
        lm for lm in rs.measures
        if (layer is None or lm.layer == layer) and (day is None or lm.in_force(day))
    ]
    if as_json:
        typer.echo(json.dumps([
            {"id": lm.measure.id, "layer": lm.layer, "citation": lm.measure.citation,
             "effective": lm.measure.effective.isoformat(),
             "ends": lm.ends.isoformat() if lm.ends else None,
             "grade": lm.measure.confidence.grade, "title": lm.measure.title}
            for lm in rows], indent=2))
        return
    table = Table(title=f"{regime} measures (rules {rs.version})")
    for col in ("id", "layer", "citation", "in force", "grade", "title"):
        table.add_column(col)
    for lm in rows:
        span = f"{lm.measure.effective} - {lm.ends or ''}"
        table.add_row(lm.measure.id, lm.layer, lm.measure.citation, span, lm.measure.confidence.grade, lm.measure.title)
    Console().print(table)


@rules_app.command("show")
def rules_show(
    measure_id: str = typer.Argument(..., help="Measure id, e.g. un-2375-op17-work-authorizations."),
    regime: str = typer.Option("dprk", help="Regime."),
) -> None:
    """Show one measure record as JSON, with its end after supersession."""
    from proscribe.rules import load_regime

    rs = load_regime(regime)
    lm = rs.by_id.get(measure_id)
    if lm is None:
        raise QueryError(f"no measure {measure_id!r} in regime {regime}", field="measure_id")
    data = lm.measure.model_dump(mode="json", exclude_defaults=True)
    data["layer"] = lm.layer
    data["in_force_until"] = lm.ends.isoformat() if lm.ends else None
    if lm.exemption_ends:
        data["exemptions_end"] = {k: v.isoformat() for k, v in lm.exemption_ends.items()}
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@ledger_app.command("show")
def ledger_show(url: str | None = typer.Option(None, help="SQLAlchemy URL (default: the store).")) -> None:
    """Show running totals per cap and period."""
    from proscribe.rules import CapLedger

    rows = CapLedger(url).totals()
    table = Table(title="cap ledger")
    for col in ("cap", "period start", "unit", "total", "entries"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["cap"]), str(r["period_start"]), str(r["unit"]), f"{r['total']:,.0f}", str(r["entries"]))
    Console().print(table)


@ledger_app.command("record")
def ledger_record(
    activity: Path = typer.Argument(..., help="Activity as a JSON file."),
    url: str | None = typer.Option(None, help="SQLAlchemy URL (default: the store)."),
    reference: str | None = typer.Option(None, help="Shipment reference to store with the entry."),
    regime: str = typer.Option("dprk", help="Regime."),
) -> None:
    """Check a shipment against the caps and, when permitted, record it in the ledger."""
    from proscribe.checking import check
    from proscribe.rules import CapLedger

    led = CapLedger(url)
    result = check(_read_activity(activity), regime=regime, ledger=led, screen_parties=False)
    n = led.record_result(result, reference)
    if n == 0:
        typer.echo(f"not recorded: verdict {result.verdict}")
        raise typer.Exit(1)
    for u in result.caps:
        typer.echo(f"recorded {u.this_activity:,.0f} {u.unit} against {u.cap}: {u.used_after:,.0f} of {u.limit:,.0f} used")
