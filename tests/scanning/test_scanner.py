"""The text scanner: listed parties, identifiers, activities and resolutions in prose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from proscribe.scanning import scan
from proscribe.screening import Screener
from proscribe.sources.base import ListFileSet
from proscribe.sources.un_sc import PARSER

FIX = Path(__file__).parent.parent / "fixtures" / "store"


@pytest.fixture(scope="module")
def screener() -> Screener:
    path = next((FIX / "v2").rglob("consolidated.xml"))
    parsed = PARSER.parse(ListFileSet("un", [path], date(2026, 2, 10)))
    from proscribe.model import ListVersion

    version = ListVersion("un", "2026-02-10", date(2026, 2, 10), "0" * 64, PARSER.parser_version)
    return Screener.build(parsed.entities, [version])


TEXT = (
    "Pyongyang, 3 March. Ocean Maritime Management Company operated the ship, according to "
    "the Panel. A vessel managed by the firm (IMO 1790183) loaded coal and refined petroleum "
    "in a ship-to-ship transfer. Resolution 2371 (2017), in paragraph 8, bans such coal; "
    "new joint ventures are barred too. The weather was fine."
)


def test_finds_listed_party_by_name_and_identifier(screener: Screener) -> None:
    result = scan(TEXT, screener=screener, on=date(2018, 1, 15))
    found = {p.entity_id: p for p in result.parties}
    assert "un:KPe.020" in found
    mention = found["un:KPe.020"]
    assert TEXT[mention.start:mention.end] == mention.text
    assert mention.band == "match" and mention.explanation
    assert result.list_versions[0]["version"] == "2026-02-10"
    assert result.algorithm.get("id")


def test_identifier_alone_is_found(screener: Screener) -> None:
    result = scan("The tanker reported IMO 1790183 on arrival.", screener=screener)
    assert [p.entity_id for p in result.parties] == ["un:KPe.020"]
    assert result.parties[0].explanation[0]["feature"] == "identifier_match"


def test_activities_are_tied_to_the_measures_in_force(screener: Screener) -> None:
    result = scan(TEXT, screener=screener, on=date(2018, 1, 15))
    acts = {a.activity: a for a in result.activities}
    assert {"coal", "refined_petroleum", "ship_to_ship", "joint_venture"} <= set(acts)
    assert len(acts["coal"].offsets) == 2
    coal = {m.citation for m in acts["coal"].measures}
    assert "UNSCR 2371 OP8" in coal
    jv = {m.citation for m in acts["joint_venture"].measures}
    assert "UNSCR 2375 OP18" in jv
    before = scan(TEXT, screener=screener, on=date(2016, 6, 1))
    coal_2016 = {m.citation for a in before.activities if a.activity == "coal"
                 for m in a.measures}
    assert "UNSCR 2371 OP8" not in coal_2016  # not yet adopted in June 2016


def test_resolution_and_paragraph_citations(screener: Screener) -> None:
    result = scan(TEXT, screener=screener)
    (res,) = result.resolutions
    assert (res.resolution, res.paragraph) == ("2371", "8")
    assert [m.citation for m in res.measures] == ["UNSCR 2371 OP8"]


def test_plain_text_yields_nothing(screener: Screener) -> None:
    result = scan("The weather in Geneva was fine on Tuesday.", screener=screener)
    assert result.parties == [] and result.activities == [] and result.resolutions == []


@pytest.mark.slow
def test_real_news_article(lists_dir: Path, tmp_path: Path) -> None:
    from proscribe.store import Store, import_folder

    store = Store(f"sqlite:///{tmp_path / 'news.db'}")
    import_folder(store, lists_dir)
    entities, versions = store.current_entities()
    real = Screener.build(entities, versions)
    news = lists_dir.parent / "news" / "002_36a783e96519096e.txt"
    result = scan(news.read_text(encoding="utf-8"), screener=real, on=date(2018, 8, 6))
    names = {p.entity_id for p in result.parties}
    assert "ofac_sdn:24606" in names  # "the Agrosoyuz commercial bank"
    # "United" (of "United Nations") is not UNITED COMPANY OJSC: a common word alone.
    assert "ofac_cons:20001" not in {p.entity_id for p in result.parties if p.band == "match"}
    acts = {a.activity for a in result.activities}
    assert {"workers", "textiles", "joint_venture", "refined_petroleum", "natural_gas"} <= acts
    # The other article: "East Asia" is a weak alias of OFAC's EAST ASIA TRADING, held in
    # review; "United" is not matched either.
    other = scan((lists_dir.parent / "news" / "000_b3271f8a2b91d408.txt").read_text(
        encoding="utf-8"), screener=real, on=date(2017, 8, 7))
    matched = {p.entity_id for p in other.parties if p.band == "match"}
    assert "ofac_cons:20001" not in matched
    assert not any(p.text == "East Asia" for p in other.parties if p.band == "match")
