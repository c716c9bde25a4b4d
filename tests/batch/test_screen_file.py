"""screen_file end to end on the small UN lists: formats, rejects, bad input, kill/resume."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from proscribe.batch import HIT_COLUMNS, screen_file
from proscribe.errors import ConfigError, QueryError

from .conftest import write_customers


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _normal(rows: list[dict]) -> list[tuple]:
    return [tuple(str(r[c]) if r[c] is not None else "" for c in HIT_COLUMNS) for r in rows]


def test_csv_parquet_jsonl_round_trip(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "customers.csv"
    write_customers(src, 1200)
    s_csv = screen_file(src, tmp_path / "hits.csv", chunk_size=250)
    assert s_csv.rows == 1200 and s_csv.complete
    assert s_csv.rejects == 2  # rows 499 and 998 have no name
    assert s_csv.list_versions == ["un:2026-02-10"]
    assert sum(s_csv.bands.values()) == 1200 - 2
    hits = _csv_rows(tmp_path / "hits.csv")
    assert len(hits) == s_csv.hits > 0
    assert {h["entity_id"] for h in hits} >= {"un:KPi.900", "un:KPe.020"}
    assert not any(h["entity_id"] == "un:KPi.901" for h in hits)  # delisted in v2
    rejects = _csv_rows(tmp_path / "hits.rejects.csv")
    assert [(r["line"], r["reason"]) for r in rejects] == [("500", "empty name"),
                                                           ("999", "empty name")]

    s_pq = screen_file(src, tmp_path / "hits.parquet", chunk_size=300)
    s_js = screen_file(src, tmp_path / "out.jsonl", chunk_size=1000)
    assert s_pq.hits == s_js.hits == s_csv.hits
    table = pq.read_table(tmp_path / "hits.parquet")
    assert table.schema.field("score").type == pa.float64()
    from_pq = table.to_pylist()
    from_js = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert _normal(from_pq) == _normal(from_js) == _normal(hits)
    assert not (tmp_path / "hits.parquet.parts").exists()

    # Parquet in, too, with the same result.
    pq.write_table(pa.Table.from_pylist(_csv_rows(src)), tmp_path / "customers.parquet")
    s_in_pq = screen_file(tmp_path / "customers.parquet", tmp_path / "again.csv")
    rows_pq = _csv_rows(tmp_path / "again.csv")
    # Parquet "lines" are row numbers; CSV lines count the header.
    assert [(int(r["line"]) + 1, r["entity_id"]) for r in rows_pq] == [
        (int(r["line"]), r["entity_id"]) for r in hits]
    assert s_in_pq.rejects == 2


def test_unparseable_rows_are_rejected_and_the_run_goes_on(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text(
        "name,dob,type\n"
        "Han Jang Su,,person\n"
        "Too,many,fields,here\n"
        "Someone,1969-02-30,person\n"
        "Someone Else,,robot\n"
        "Ocean Maritime Management,,company\n",
        encoding="utf-8",
    )
    summary = screen_file(src, tmp_path / "h.csv")
    assert summary.rows == 5 and summary.rejects == 3
    reasons = {int(r["line"]): r["reason"] for r in _csv_rows(tmp_path / "h.rejects.csv")}
    assert reasons == {3: "expected 3 fields, found 4",
                       4: "impossible date of birth '1969-02-30'",
                       5: "unknown type 'robot' (person, organization, vessel or aircraft)"}
    assert {r["line"] for r in _csv_rows(tmp_path / "h.csv")} == {"2", "6"}


def test_wrong_encoding_is_refused_before_any_work(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "latin.csv"
    src.write_bytes("name\nJos\u00e9 Garc\u00eda\nM\u00fcller\n".encode("latin-1"))
    out = tmp_path / "h.csv"
    with pytest.raises(QueryError, match="not valid utf-8") as info:
        screen_file(src, out)
    assert info.value.fields["location"] == "line 2"
    assert not out.exists()
    summary = screen_file(src, out, encoding="latin-1")
    assert summary.rows == 2 and summary.rejects == 0


def test_missing_name_column_is_refused_before_any_work(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("id,surname\n1,Han\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no name column"):
        screen_file(src, tmp_path / "h.csv")
    assert not (tmp_path / "h.csv").exists()
    summary = screen_file(src, tmp_path / "h.csv", mapping={"name": "surname"})
    assert summary.rows == 1


def test_as_of_screens_against_the_versions_of_that_day(store_url: str, tmp_path: Path) -> None:
    from datetime import date

    from proscribe import screeners

    src = tmp_path / "c.csv"
    src.write_text("name,type\nKim Yong Chol,person\n", encoding="utf-8")
    old = screen_file(src, tmp_path / "old.csv", as_of=date(2026, 1, 20))
    new = screen_file(src, tmp_path / "new.csv", as_of=date(2026, 2, 15))
    assert old.list_versions == ["un:2026-01-10"] and new.list_versions == ["un:2026-02-10"]
    assert [r["entity_id"] for r in _csv_rows(tmp_path / "old.csv")] == ["un:KPi.901"]
    assert _csv_rows(tmp_path / "new.csv") == []
    # The library entry point says which versions it used.
    then = screeners.screen("Kim Yong Chol", as_of=date(2026, 1, 20), type="person")
    assert [(v.source, v.version) for v in then.list_versions] == [("un", "2026-01-10")]
    assert then.candidates[0].entity_id == "un:KPi.901"
    now = screeners.screen("Kim Yong Chol", as_of=date(2026, 2, 15), type="person")
    assert [(v.source, v.version) for v in now.list_versions] == [("un", "2026-02-10")]
    assert all(c.entity_id != "un:KPi.901" for c in now.candidates)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from proscribe.cli import main; main()", *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def test_killed_and_resumed_loses_and_repeats_nothing(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "customers.csv"
    write_customers(src, 30000)
    env = {**os.environ, "PROSCRIBE_DATABASE_URL": store_url,
           "PROSCRIBE_DATA_DIR": str(tmp_path)}
    args = ["screen-file", str(src), "--out", str(tmp_path / "hits.csv"), "--chunk-size", "200", "--json"]
    progress = tmp_path / "hits.csv.progress"
    kills = 0
    for target in (1000, 9000):  # kill twice, at different points
        proc = _cli(args + (["--resume"] if kills else []), env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                done = json.loads(progress.read_text())["rows"]
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                done = 0
            if done >= target or proc.poll() is not None:
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        _, stderr = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, stderr.decode()
        kills += 1
    state = json.loads(progress.read_text())
    assert 0 < state["rows"] < 30000 and not state["complete"]
    final = _cli(args + ["--resume"], env)
    _, stderr = final.communicate(timeout=120)
    assert final.returncode == 0, stderr.decode()

    clean = screen_file(src, tmp_path / "clean.csv", chunk_size=777)
    assert (tmp_path / "hits.csv").read_bytes() == (tmp_path / "clean.csv").read_bytes()
    assert (tmp_path / "hits.rejects.csv").read_bytes() == (
        tmp_path / "clean.rejects.csv").read_bytes()
    resumed = json.loads(progress.read_text())
    assert resumed["complete"] and resumed["rows"] == clean.rows == 30000
    assert resumed["bands"] == clean.bands and resumed["rejects"] == clean.rejects


def test_resume_refuses_other_input(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    write_customers(src, 50)
    screen_file(src, tmp_path / "h.csv")
    state = json.loads((tmp_path / "h.csv.progress").read_text())
    state["complete"] = False
    (tmp_path / "h.csv.progress").write_text(json.dumps(state))
    write_customers(src, 60)
    with pytest.raises(ConfigError, match="cannot resume"):
        screen_file(src, tmp_path / "h.csv", resume=True)


def test_every_namesake_in_the_review_band_is_a_hit(tmp_path: Path) -> None:
    # A common name has dozens of namesakes on the real lists (48 for "Muhamad Ali"): a
    # batch lists them all, not the ten a single screening shows by default.
    from proscribe.model import Entity, EntityKind, Name
    from proscribe.screening import Screener

    namesakes = [Entity("t", f"ali{n}", EntityKind.PERSON, [Name("Muhammad Ali")])
                 for n in range(25)]
    screener = Screener.build([*namesakes, Entity("t", "other", EntityKind.PERSON,
                                                  [Name("Olga Novak")])], [])
    src = tmp_path / "customers.csv"
    src.write_text("id,name,type\nC1,Muhamad Ali,person\nC2,Anna Lindqvist,person\n",
                   encoding="utf-8")
    summary = screen_file(src, tmp_path / "hits.csv", screener=screener)
    hits = _csv_rows(tmp_path / "hits.csv")
    assert {h["entity_id"] for h in hits} == {e.id for e in namesakes}
    assert summary.bands["no_match"] == 1
    # An explicit limit still caps them.
    screen_file(src, tmp_path / "top3.csv", screener=screener, limit=3)
    assert len(_csv_rows(tmp_path / "top3.csv")) == 3


def test_repeated_rows_are_screened_once_and_each_reported(tmp_path: Path) -> None:
    # A customer file repeats whole rows: each distinct query is validated and screened
    # once, and every row still gets its own hits (or its own reject, with the reason).
    from proscribe.batch import ColumnMap, screen_rows
    from proscribe.model import Entity, EntityKind, Name
    from proscribe.screening import Screener

    screener = Screener.build([Entity("t", "kim", EntityKind.PERSON, [Name("Kim Yong Chol")]),
                               Entity("t", "olga", EntityKind.PERSON, [Name("Olga Novak")])],
                              [])
    cols = ColumnMap(name="name", type="type", dob="dob")
    rows = [(2, {"name": "Kim Yong Chol", "type": "person", "dob": ""}),
            (3, {"name": "Olga Novak", "type": "person", "dob": "1970"}),
            (4, {"name": "Kim Yong Chol", "type": "person", "dob": ""}),
            (5, {"name": "Kim Yong Chol", "type": "robot", "dob": ""}),
            (6, {"name": "Kim Yong Chol", "type": "robot", "dob": ""}),
            (7, {"name": "Olga Novak", "type": "person", "dob": "1971"})]
    out = screen_rows(screener, cols, rows)
    by_line = {h["line"]: (h["entity_id"], h["score"], h["band"]) for h in out.hits}
    assert set(by_line) == {2, 3, 4, 7}
    assert by_line[2] == by_line[4]
    assert [(r["line"], r["reason"][:12]) for r in out.rejects] == [(5, "unknown type"),
                                                                   (6, "unknown type")]
    # A query the model refuses (here every row's: a limit of 0) is refused for each row
    # that repeats it, with the model's reason.
    refused = screen_rows(screener, cols, rows[:3], limit=0)
    assert [r["line"] for r in refused.rejects] == [2, 3, 4]
    assert all("limit" in r["reason"] for r in refused.rejects)
    assert not refused.hits
