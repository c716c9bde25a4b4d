from __future__ import annotations

import json
from pathlib import Path

import pytest

import proscribe
from proscribe.errors import IndexNotReadyError, QueryError
from proscribe.model import (
    Entity,
    EntityKind,
    FuzzyDate,
    Identifier,
    IdentifierType,
    ListVersion,
    Name,
)
from proscribe.screeners import get_default_screener, screen, set_default_screener
from proscribe.screening import Screener, ScreeningQuery


@pytest.fixture()
def screener() -> Screener:
    ents = [
        Entity("un", "KPi.033", EntityKind.PERSON, [Name("KIM JONG UN")],
               birth_dates=[FuzzyDate("1984-01-08")], nationalities=["kp"]),
        Entity("ofac_sdn", "1", EntityKind.ORGANIZATION, [Name("AGROSOYUZ OOO")]),
    ]
    versions = [ListVersion("un", "2026-02-27-x", None, "", "1")]
    return Screener.build(ents, versions)


def test_screen_result_shape(screener: Screener) -> None:
    r = screener.screen(ScreeningQuery(name="Kim Chong-un", type="person", dob="1984-01-08",
                                       country="North Korea"))
    top = r.candidates[0]
    assert top.entity_id == "un:KPi.033" and top.band == "match" and r.band == "match"
    assert {x.feature for x in top.explanation} >= {"name_similarity", "dob_match"}
    assert top.alignment and r.algorithm.id == "name-v1"
    assert r.list_versions[0].source == "un"
    assert [c.score for c in r.candidates] == sorted((c.score for c in r.candidates),
                                                     reverse=True)


def test_screen_data_is_the_json_of_screen() -> None:
    """The service answers from `screen_data` (no result models): the same data, field by
    field, as the JSON dump of `screen()`, on queries with many candidates and reasons."""
    words = ["kim", "jong", "un", "ri", "yong", "ho", "pak", "chol", "bank", "melli"]
    ents = [Entity("t", str(i), [EntityKind.PERSON, EntityKind.ORGANIZATION,
                                 EntityKind.VESSEL][i % 3],
                   [Name(" ".join(words[(i * k + 1) % len(words)] for k in range(1, 3 + i % 2)))],
                   birth_dates=[FuzzyDate("1984-01-08")] if i % 3 == 0 else [],
                   nationalities=["kp"] if i % 2 else [])
            for i in range(40)]
    s = Screener.build(ents, [ListVersion("t", "1", None, "", "1")])
    queries = [ScreeningQuery(name="kim jong un", dob="1984", country="kp"),
               ScreeningQuery(name="Ri Yong Ho", type="person", limit=3),
               ScreeningQuery(name="bank melli", match_threshold=0.5, review_threshold=0.2),
               ScreeningQuery(name="nobody at all"),
               ScreeningQuery(name="pak chol", identifiers=["imo:9999999"], gender="m")]
    for q in queries:
        data = s.screen_data(q)
        dumped = s.screen(q).model_dump(mode="json", exclude={"algorithm", "list_versions"})
        assert data.pop("elapsed_ms") >= 0 and dumped.pop("elapsed_ms") >= 0
        assert data == dumped, q.name
        assert json.dumps(data, sort_keys=True) == json.dumps(dumped, sort_keys=True)
    assert any(s.screen_data(q)["candidates"] for q in queries)


@pytest.mark.parametrize("kw,field", [({"name": ""}, "name"), ({"name": "x", "dob": "1984-13"},
                                      "dob"), ({"name": "x", "dob": "84"}, "dob"),
                                      ({"name": "x", "identifiers": ["nope:1"]}, "identifiers")])
def test_invalid_queries_name_the_field(screener: Screener, kw: dict[str, object],
                                        field: str) -> None:
    with pytest.raises(QueryError) as err:
        screener.screen(ScreeningQuery(**kw))  # type: ignore[arg-type]
    assert err.value.fields["field"] == field


def test_save_and_mmap_load(screener: Screener, tmp_path: Path) -> None:
    screener.save(tmp_path / "idx")
    loaded = Screener.load(tmp_path / "idx", mmap=True)
    a = screener.screen("Агросоюз")
    b = loaded.screen("Агросоюз")
    assert [(c.entity_id, c.score) for c in a.candidates] == \
        [(c.entity_id, c.score) for c in b.candidates]
    assert loaded.entity("ofac_sdn:1") is not None and loaded.versions[0].source == "un"
    with pytest.raises(IndexNotReadyError):
        Screener.load(tmp_path / "missing")


def test_default_screener_hook(screener: Screener) -> None:
    set_default_screener(screener)
    try:
        assert get_default_screener() is screener
        r = proscribe.screen("Kim Jong Un", type="person")
        assert r.candidates[0].entity_id == "un:KPi.033"
        assert screen(ScreeningQuery(name="Agrosoyuz")).candidates
        assert screener.screen_many(["Kim Jong Un", "Agrosoyuz"])[1].candidates
    finally:
        set_default_screener(None)


def test_cli_screen_json(screener: Screener) -> None:
    from typer.testing import CliRunner

    from proscribe.cli import app

    set_default_screener(screener)
    try:
        runner = CliRunner()
        res = runner.invoke(app, ["screen", "Kim Chong-un", "--type", "person", "--dob",
                                  "1984-01-08", "--country", "kp", "--json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        assert data["candidates"][0]["entity_id"] == "un:KPi.033"
        res = runner.invoke(app, ["screen", "Агросоюз", "--type", "organization"])
        assert res.exit_code == 0 and "AGROSOYUZ" in res.output
    finally:
        set_default_screener(None)


def test_bounded_screen_lists_what_exhaustive_scoring_lists() -> None:
    from proscribe.screening import LIST_FLOOR_BELOW_REVIEW, NameMemo
    from proscribe.settings import get_settings

    words = ["kim", "jong", "un", "ri", "yong", "ho", "pak", "chol", "wang", "wen", "xian",
             "ali", "hassan", "abdul", "rahman", "bank", "melli", "trading"]
    ents = [Entity("t", str(i), EntityKind.PERSON if i % 3 else EntityKind.ORGANIZATION,
                   [Name(" ".join(words[(i * k + 3) % len(words)] for k in range(1, 2 + i % 3)))])
            for i in range(60)]
    # An organization with a date (of registration) and a country: with a person's date
    # of birth and country agreeing, its kind mismatch still leaves it listable.
    ents.append(Entity("t", "org-dated", EntityKind.ORGANIZATION, [Name("kim jong un")],
                       birth_dates=[FuzzyDate("1984")], nationalities=["kp"]))
    # Korean persons, some near one another (for the Hangul names below).
    for i, korean in enumerate(["Kim Jong Un", "Kim Jong Nam", "Ri Yong Ho", "Yong-ho Lee",
                                "Pak Chol", "Park Chul-su", "Wang Wen", "Kim Chol"]):
        ents.append(Entity("t", f"ko-{i}", EntityKind.PERSON, [Name(korean)],
                           birth_dates=[FuzzyDate("1984")] if i % 2 else []))
    s = Screener.build(ents, [])
    # With a kind, the other kind's entities (a person against an organization) are left
    # out before their bounds where even a perfect name cannot reach the floor: with the
    # query's own facts (screen) or any it could bring (the batch's proposals); not with a
    # low review threshold, where they can.
    # Hangul personal names are scored on their syllable alignment before the rest
    # (Screener._syllables_reach), and pass over what it cannot raise to the floor.
    for name in ["kim jong un", "wen xian wang", "abdul rahman ali", "bank melli", "ri yong",
                 "김정은", "용호 리", "박철", "왕문"]:
        for kind in (None, "person", "organization"):
            for dob, country in [(None, None), ("1984", None), (None, "kp"), ("1984", "kp")]:
                for review in (None, 0.3):
                    q = ScreeningQuery(name=name, limit=5, type=kind, dob=dob,
                                       country=country, review_threshold=review)
                    floor = (review or get_settings().review_threshold) \
                        - LIST_FLOOR_BELOW_REVIEW
                    full = [(round(x.score, 4), s.entities[e].id) for x, e in s.score_all(q)
                            if x.score >= floor][:5]
                    got = [(c.score, c.entity_id) for c in s.screen(q).candidates]
                    assert got == full, q
                    # The batch path lists exactly the candidates in the match or review
                    # band, with or without a memory of earlier names.
                    want = [(c.score, c.entity_id, c.band) for c in s.screen(q).candidates
                            if c.band != "no_match"]
                    assert [(c.score, c.entity_id, c.band) for c in s.screen_hits(q)] == want
                    memo = NameMemo()
                    for _ in range(2):
                        assert [(c.score, c.entity_id, c.band)
                                for c in s.screen_hits(q, memo)] == want, q



def test_screen_hits_with_a_name_memo_gives_the_same_hits() -> None:
    # A batch reuses what one row's name found for later rows with that name and other
    # facts (NameMemo): the hits must be those of screening each row afresh.
    from proscribe.screening import NameMemo

    ents = [
        Entity("un", "1", EntityKind.PERSON, [Name("KIM JONG UN"), Name("KIM CHONG UN")],
               birth_dates=[FuzzyDate("1984-01-08")], nationalities=["kp"]),
        Entity("un", "2", EntityKind.PERSON, [Name("KIM JONG NAM")],
               birth_dates=[FuzzyDate("1971-05-10")], nationalities=["kp"]),
        Entity("un", "3", EntityKind.PERSON, [Name("KIM YONG UN")],
               birth_dates=[FuzzyDate("1950")], nationalities=["cn"]),
        Entity("ofac_sdn", "4", EntityKind.VESSEL, [Name("CHON MA SAN")],
               identifiers=[Identifier(IdentifierType.IMO, "8660313")]),
        Entity("ofac_sdn", "5", EntityKind.ORGANIZATION, [Name("KIM JONG UN TRADING CO")]),
    ]
    s = Screener.build(ents, [])
    rows = []
    for name in ["Kim Jong Un", "Kim Chong-un", "Jong Un", "Chonmasan", "김정은"]:
        for kind in (None, "person"):
            for dob, country in [(None, None), ("1984-01-08", "kp"), ("1950", "cn"),
                                 ("2001", "fr"), ("1971-05", None)]:
                rows.append(ScreeningQuery(name=name, type=kind, dob=dob, country=country))
    # The name alone does not find the vessel; its IMO number does.
    rows.append(ScreeningQuery(name="Ocean Star"))
    rows.append(ScreeningQuery(name="Ocean Star", identifiers=["imo:8660313"]))
    rows.append(ScreeningQuery(name="Ocean Star", identifiers=["imo:8660313"], dob="1984"))
    # A lower review threshold lists candidates that the default one left out.
    rows.append(ScreeningQuery(name="Jong Un", review_threshold=0.3))
    rows.append(ScreeningQuery(name="Jong Un", review_threshold=0.3, country="fr"))
    memo = NameMemo(size=4)  # small: entries are dropped and made again
    for _ in range(2):
        for q in rows:
            fresh = [(c.entity_id, c.score, c.band, c.explanation) for c in s.screen_hits(q)]
            again = [(c.entity_id, c.score, c.band, c.explanation)
                     for c in s.screen_hits(q, memo)]
            assert again == fresh, q
    assert memo.hits > 0 and len(memo) == 4
    # The rows do find something, by identifier alone and under the lower threshold.
    assert not s.screen_hits(rows[-5])
    assert [c.entity_id for c in s.screen_hits(rows[-4])] == ["ofac_sdn:4"]
    assert any(c.score < 0.6 for c in s.screen_hits(rows[-2]))
    memo = NameMemo()
    for q in [ScreeningQuery(name="Jong Un"), rows[-2], rows[-1], ScreeningQuery(name="Jong Un")]:
        assert s.screen_hits(q, memo) == s.screen_hits(q), q


def test_a_dropped_index_is_freed_without_the_cycle_collector(screener: Screener,
                                                               tmp_path: Path) -> None:
    # Indexes are frozen out of the cycle collector after a load (runtime.gc_paused): that
    # is only safe while an index holds no reference cycles.
    import gc

    screener.save(tmp_path / "idx")
    loaded = Screener.load(tmp_path / "idx")
    loaded.screen(ScreeningQuery(name="Kim Jong Un"))
    assert loaded.entities
    gc.unfreeze()
    gc.collect()  # whatever else was frozen with it
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to look at it
    try:
        del loaded
        gc.collect()
        ours = [type(o).__qualname__ for o in gc.garbage
                if type(o).__module__.startswith("proscribe")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # Other threads of the test session may leave garbage of their own; none of the
    # index's objects may need the collector.
    assert ours == []
