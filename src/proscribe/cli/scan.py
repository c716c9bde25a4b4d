"""CLI: `proscribe scan` - listed parties and governed activities in a text."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from proscribe.cli.app import app, date_option

console = Console()


@app.command("scan")
def scan_cmd(
    files: Annotated[list[Path], typer.Argument(help="Text files to scan ('-' for stdin).")],
    on: Annotated[str | None, typer.Option("--on", help="Date the measures are read for "
                                                        "(default: today).")] = None,
    review: Annotated[bool, typer.Option("--review", help="Also report review-band parties.")]
    = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Screen against the lists "
                                                             "current on this date.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find listed parties, identifiers, governed activities and cited resolutions in text."""
    from proscribe.scanning import scan
    from proscribe.screeners import get_default_screener

    day = date_option(on, "--on") or date.today()
    screener = get_default_screener(date_option(as_of, "--as-of"))
    out = []
    for path in files:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        result = scan(text, screener=screener, on=day, include_review=review)
        out.append({"file": str(path), **result.to_dict()})
        if as_json:
            continue
        console.rule(f"[bold]{path}")
        parties = Table(title="Listed parties", show_lines=False)
        for col in ("text", "entity", "listed name", "score", "band"):
            parties.add_column(col)
        for p in result.parties:
            parties.add_row(p.text, p.entity_id, p.name, f"{p.score:.3f}", p.band)
        console.print(parties)
        acts = Table(title=f"Activities governed by the measures (on {day})")
        for col in ("activity", "as written", "measures"):
            acts.add_column(col)
        for a in result.activities:
            acts.add_row(a.activity, ", ".join(sorted(set(a.texts))),
                         "; ".join(m.citation for m in a.measures) or "-")
        console.print(acts)
        for r in result.resolutions:
            console.print(f"cites [bold]{r.text}[/]"
                          + (f" paragraph {r.paragraph}" if r.paragraph else "")
                          + ": " + ("; ".join(m.citation for m in r.measures) or "-"))
    if as_json:
        print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
