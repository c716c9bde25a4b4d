"""The library entry point and the CLI commands, run for real (no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import proscribe
from proscribe.cli import app
from proscribe.settings import override_settings

STS = {
    "date": "2018-01-20",
    "kind": "ship_to_ship_transfer",
    "parties": [{"name": "Rye Song Gang 1", "type": "vessel", "country": "kp"}],
}


def test_check_entry_point_without_lists(tmp_path: Path) -> None:
    with override_settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}"):
        result = proscribe.check(STS)
    assert result.verdict == "prohibited"
    assert "UNSCR 2375 OP11" in result.citations
    assert result.screening.screened is False or result.screening.hits == []


def test_cli_check_json_and_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "a.json"
    path.write_text(json.dumps(STS))
    out = runner.invoke(app, ["check", str(path), "--json", "--no-screen"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["verdict"] == "prohibited"
    path.write_text(json.dumps({**STS, "kind": "smuggling"}))
    bad = runner.invoke(app, ["check", str(path)])
    assert bad.exit_code != 0
    assert bad.exception is not None and getattr(bad.exception, "fields", {}).get("field") == "kind"


def test_cli_rules_and_ledger(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["rules", "list", "--json", "--layer", "un", "--on", "2018-06-01"])
    assert listed.exit_code == 0, listed.output
    ids = {m["id"] for m in json.loads(listed.output)}
    assert "un-2397-op5-refined-petroleum-cap" in ids
    assert "un-2375-op14-refined-petroleum-cap" not in ids  # superseded
    shown = runner.invoke(app, ["rules", "show", "un-2375-op17-work-authorizations"])
    assert json.loads(shown.output)["citation"] == "UNSCR 2375 OP17"
    path = tmp_path / "oil.json"
    path.write_text(json.dumps({"date": "2018-03-01", "kind": "trade", "destination": "kp",
                                "goods": [{"hs": "2710", "quantity": 300000, "unit": "bbl"}]}))
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = runner.invoke(app, ["ledger", "record", str(path), "--url", url])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["ledger", "record", str(path), "--url", url])
    assert second.exit_code == 1 and "prohibited" in second.output
