"""CLI: `proscribe serve`, `proscribe keys ...`, `proscribe audit ...`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from proscribe.cli.app import app

console = Console()
err = Console(stderr=True)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
    http: Annotated[str, typer.Option(
        help="HTTP parser: auto (httptools when installed, else h11), httptools, h11.")] = "auto",
    loop: Annotated[str, typer.Option(
        help="Event loop: auto (uvloop when installed, else asyncio), uvloop, asyncio.")]
    = "auto",
) -> None:
    """Run the HTTP API under uvicorn (JSON logs on stderr).

    The screening index is built once, here, and saved under data_dir/index/<version>/;
    every worker memory-maps that copy instead of building its own.
    """
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess, multiprocess

    from proscribe.api.balance import BALANCED, BOARD_ENV, BalancedWorker, create_board
    from proscribe.api.listen import listen_socket
    from proscribe.api.observe import configure_logging
    from proscribe.api.service import IndexManager
    from proscribe.settings import get_settings

    log_config = configure_logging(log_level)
    settings = get_settings()
    served = IndexManager(settings, settings).load()
    if served is None:
        err.print("[yellow]No list imported yet: the service starts not ready "
                  "(POST /admin/lists/update or `proscribe lists import`).")
    else:
        err.print(f"index {served.index_version} over {served.header}")
    # Workers are fresh processes: they read settings from the environment.
    os.environ.setdefault("PROSCRIBE_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        os.environ.setdefault("PROSCRIBE_DATABASE_URL", settings.database_url)
    if settings.lists_dir:
        os.environ.setdefault("PROSCRIBE_LISTS_DIR", str(settings.lists_dir))
    os.environ["PROSCRIBE_LOG_LEVEL"] = log_level
    config = uvicorn.Config(
        "proscribe.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config,
        access_log=False,
        proxy_headers=False,
        http=http,
        loop=loop,
    )
    try:
        sock = listen_socket(host, port)
    except OSError as exc:
        err.print(f"[red]cannot listen on {host}:{port}: {exc}")
        raise typer.Exit(3) from None
    board = None
    try:
        if workers > 1:
            if BALANCED:
                # Workers accept on the shared socket by turns, keeping their counts of
                # open connections even (api/balance.py).
                import tempfile
                from pathlib import Path

                try:
                    fd, name = tempfile.mkstemp(prefix="proscribe-serve-", suffix=".board")
                    os.close(fd)
                    board = create_board(Path(name), 2 * workers)
                except OSError as exc:
                    err.print(f"[yellow]no connection board ({exc}): workers accept "
                              "as uvicorn's do, unevenly")
                else:
                    os.environ[BOARD_ENV] = str(board)
                    multiprocess.Process = BalancedWorker  # type: ignore[misc]
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        if board is not None:
            board.unlink(missing_ok=True)


# ---------------------------------------------------------------------- keys
keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    scope: Annotated[list[str], typer.Option("--scope", help="screen, check, monitor or "
                                                            "admin (repeatable).")],
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key.")] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a key and print it once: only its sha256 is stored."""
    from proscribe.store.keys import KeyStore

    record, token = KeyStore.open().create(scope, name)
    if as_json:
        print(json.dumps({**record.to_dict(), "key": token}))
        return
    err.print(f"key {record.key_id} ({', '.join(record.scopes)}) created; "
              "it is shown only now:")
    print(token)


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every key: id, name, scopes, created, revoked (never the key itself)."""
    from proscribe.store.keys import KeyStore

    keys = KeyStore.open().list()
    if as_json:
        print(json.dumps([k.to_dict() for k in keys], indent=2))
        return
    table = Table(title="API keys")
    for col in ("id", "name", "scopes", "created", "revoked"):
        table.add_column(col)
    for k in keys:
        table.add_row(k.key_id, k.name, ", ".join(k.scopes), k.created_at.isoformat()[:19],
                      k.revoked_at.isoformat()[:19] if k.revoked_at else "")
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (see keys list).")]) -> None:
    """Revoke a key (workers stop accepting it within PROSCRIBE_API_KEY_CACHE_S)."""
    from proscribe.store.keys import KeyStore

    key = KeyStore.open().revoke(key_id)
    err.print(f"key {key.key_id} revoked at {key.revoked_at}")


# ---------------------------------------------------------------------- audit
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    expect_head: Annotated[str | None, typer.Option(
        "--expect-head", help="Hash the log must end at (kept from an earlier verify).")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="Verify an exported JSON-lines file instead of the database.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recompute the chain: exit 1 and name each edited, deleted or reordered record."""
    from proscribe.store.audit import AuditLog, verify_export

    if file is not None:
        with file.open(encoding="utf-8") as fh:
            report = verify_export(fh)
    else:
        report = AuditLog.open().verify(expect_head)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    elif report.ok:
        console.print(f"[green]audit log intact[/]: {report.records} records, head {report.head}")
    else:
        err.print(f"[red]audit log broken[/]: {len(report.problems)} problems in "
                  f"{report.records} records")
        for problem in report.problems:
            err.print(f"  {problem}")
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
    since: Annotated[int, typer.Option(help="Only records after this sequence number.")] = 0,
) -> None:
    """Every record as one JSON line with its hash, for an examiner (`verify --file`)."""
    from proscribe.store.audit import AuditLog

    log = AuditLog.open()
    if out is None:
        log.export(sys.stdout, since)
        return
    with out.open("w", encoding="utf-8") as fh:
        n = log.export(fh, since)
    err.print(f"wrote {n} audit records to {out}")


__all__: list[str] = []
