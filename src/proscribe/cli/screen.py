"""`proscribe screen`: screen one party against the imported lists."""

from __future__ import annotations

from typing import Annotated

import typer

from proscribe.cli.app import app, date_option


@app.command("screen")
def screen_command(
    name: Annotated[str, typer.Argument(help="Name in any script.")] = "",
    type: Annotated[str | None, typer.Option("--type", "-t",
                                             help="person, organization, vessel, aircraft.")
                    ] = None,
    dob: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO2 code or country name.")] = None,
    gender: Annotated[str | None, typer.Option(help="male / female.")] = None,
    ident: Annotated[list[str] | None, typer.Option(
        "--id", help='Identifier "type:value", e.g. imo:8660313 (repeatable).')] = None,
    limit: Annotated[int | None, typer.Option(help="Most candidates shown.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Screen against the lists as they stood on this date (YYYY-MM-DD).")
                     ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable result.")] = False,
) -> None:
    """Screen a person, organization or vessel; candidates with score, band and reasons."""
    from proscribe.screeners import screen
    from proscribe.screening import ScreeningQuery

    when = date_option(as_of, "--as-of")
    query = ScreeningQuery(name=name, type=type, dob=dob, country=country, gender=gender,
                           identifiers=list(ident or []), limit=limit)
    result = screen(query, as_of=when)
    if json_out:
        typer.echo(result.model_dump_json(indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    colour = {"match": "bold red", "review": "yellow", "no_match": "green"}
    table = Table(title=f"{name or ', '.join(query.identifiers)}: "
                        f"[{colour[result.band]}]{result.band}[/]")
    for col in ("score", "band", "entity", "name", "matched name", "why"):
        table.add_column(col)
    for c in result.candidates:
        why = "\n".join(f"{r.effect:+.2f} {r.feature}: {r.detail}" for r in c.explanation)
        align = ", ".join(f"{t.query}~{t.candidate} {t.similarity:.2f}" for t in c.alignment)
        table.add_row(f"{c.score:.3f}", f"[{colour[c.band]}]{c.band}[/]", c.entity_id, c.name,
                      c.matched_name, why + (f"\ntokens: {align}" if align else ""))
    console.print(table)
    versions = ", ".join(f"{v.source} {v.version}" for v in result.list_versions)
    console.print(f"{result.algorithm.id} {result.algorithm.version}; lists: {versions}; "
                  f"{result.elapsed_ms:.2f} ms")


@app.command("version")
def version(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """proscribe's version, the matching algorithm's, and whether the matcher runs compiled."""
    import json
    import platform

    import proscribe
    from proscribe.matching.name_v1 import ALGORITHM_ID, ALGORITHM_VERSION, COMPILED

    info = {"proscribe": proscribe.__version__, "algorithm": f"{ALGORITHM_ID}@{ALGORITHM_VERSION}",
            "compiled": COMPILED, "python": platform.python_version()}
    if as_json:
        typer.echo(json.dumps(info))
    else:
        typer.echo(f"proscribe {info['proscribe']}, {info['algorithm']} "
                   f"({'compiled' if COMPILED else 'interpreted'}), Python {info['python']}")
