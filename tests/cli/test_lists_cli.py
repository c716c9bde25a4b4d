"""`proscribe lists ...`, `entity`, `export` through the real Typer app."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proscribe.cli import app
from proscribe.settings import override_settings

FIX = Path(__file__).parent.parent / "fixtures" / "store"
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_import_show_diff_entity_export(data_dir: Path, tmp_path: Path) -> None:
    out = json.loads(_run("lists", "import", str(FIX / "v1"), "--json"))
    assert out[0]["status"] == "imported" and out[0]["entries"] == 3
    again = json.loads(_run("lists", "import", str(FIX / "v1"), "--json"))
    assert again[0]["status"] == "unchanged"
    _run("lists", "import", str(FIX / "v2"))
    shown = json.loads(_run("lists", "show", "--json"))
    assert [(r["source"], r["version"], r["entries"]) for r in shown] == [("un", "2026-02-10", 3)]
    past = json.loads(_run("lists", "show", "--as-of", "2026-01-31", "--json"))
    assert past[0]["version"] == "2026-01-10"
    text = _run("lists", "diff", "un", "2026-01-10", "latest")
    assert "1 added" in text and "1 removed" in text and "1 changed" in text
    assert "Han Jang-su" in text
    entity = json.loads(_run("entity", "un:KPe.020", "--json"))
    assert entity["records"][0]["entity"]["ref"] == "KPe.020"
    export = tmp_path / "out.ftm.json"
    _run("export", "--format", "ftm", "--out", str(export))
    rows = [json.loads(line) for line in export.read_text().splitlines()]
    schemata = {r["schema"] for r in rows}
    assert {"Person", "Organization", "Sanction"} <= schemata
    omm = next(r for r in rows if r["id"] == "proscribe-un-KPe.020")
    assert "IMO1790183" in omm["properties"]["imoNumber"]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[str]:
    root = next((FIX / "v2").rglob("consolidated.xml")).parent

    def handler(*a: object, **k: object) -> _Handler:
        return _Handler(*a, directory=str(root), **k)  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_update_downloads_from_configured_url(data_dir: Path, file_server: str) -> None:
    with override_settings(url_un=f"{file_server}/consolidated.xml"):
        report = json.loads(_run("lists", "update", "--source", "un", "--json"))
    assert report == [
        {"source": "un", "status": "imported", "version": "2026-02-10", "error": None}
    ]


def test_update_offline_fails_clearly_and_changes_nothing(data_dir: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with override_settings(url_un=f"http://127.0.0.1:{port}/consolidated.xml",
                           download_timeout_s=2.0):
        result = runner.invoke(app, ["lists", "update", "--source", "un"])
    assert result.exit_code != 0
    assert "could not download" in str(result.exception)
    assert not (data_dir / "downloads").exists()
    shown = runner.invoke(app, ["lists", "show", "--json"])
    assert json.loads(shown.output) == []


def test_import_runs_monitoring_when_customers_are_registered(
    data_dir: Path, tmp_path: Path
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer_id,name,type\nc1,Han Jang Su,person\nc3,Korea Test Trading Corporation,"
        "company\n",
        encoding="utf-8",
    )
    _run("customers", "import", str(customers))
    first = runner.invoke(app, ["lists", "import", str(FIX / "v1")], catch_exceptions=False)
    assert first.exit_code == 0
    assert "monitoring: 2 customers delta-screened" in first.output
    second = runner.invoke(app, ["lists", "import", str(FIX / "v2")], catch_exceptions=False)
    assert second.exit_code == 0
    from proscribe.monitor import list_alerts
    from proscribe.store import Store

    kinds = {(a["kind"], a["customer_id"], a["entity_id"]) for a in list_alerts(Store.open())}
    assert ("new_hit", "c3", "un:KPe.999") in kinds  # listed in v2, found on import
    assert ("changed_hit", "c1", "un:KPi.900") in kinds  # alias added in v2
