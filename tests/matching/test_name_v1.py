"""name-v1 against the reviewer-readable case table, plus scorer properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from proscribe.matching.name_v1 import name_forms, soft_cap, token_similarity
from proscribe.model import (
    Entity,
    EntityKind,
    FuzzyDate,
    Identifier,
    IdentifierType,
    Name,
    NameKind,
)
from proscribe.screening import Screener, ScreeningQuery

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "name_v1.yaml").read_text())


def _entity(spec: dict[str, Any]) -> Entity:
    # "weak:EAST ASIA TRADING" is a weak (low-quality) alias; other names are plain.
    names = [Name(n[5:], NameKind.WEAK_ALIAS) if n.startswith("weak:") else Name(n)
             for n in spec["names"]]
    ids = []
    for text in spec.get("ids", []):
        kind, _, value = text.partition(":")
        ids.append(Identifier(IdentifierType(kind), value))
    dates = [FuzzyDate(spec["dob"])] if spec.get("dob") else []
    return Entity("case", spec["id"], EntityKind(spec["kind"]), names, birth_dates=dates,
                  nationalities=spec.get("countries", []), identifiers=ids)


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_case_table(case: dict[str, Any]) -> None:
    # Each case gets an index of its own candidate among all the others' candidates.
    others = [_entity(c["candidate"]) for c in CASES if c["candidate"]["id"] !=
              case["candidate"]["id"]]
    screener = Screener.build([*others, _entity(case["candidate"])], [])
    result = screener.screen(ScreeningQuery(limit=50, **case["query"]))
    found = {c.entity_id: c for c in result.candidates}
    cand = found.get(f"case:{case['candidate']['id']}")
    band = cand.band if cand else "no_match"
    assert band == case["band"], (case["why"], cand and cand.explanation)


def test_scores_keep_order_below_one() -> None:
    e1 = Entity("t", "1", EntityKind.PERSON, [Name("Ri Yong Ho")],
                birth_dates=[FuzzyDate("1956-08-22")], nationalities=["kp"])
    e2 = Entity("t", "2", EntityKind.PERSON, [Name("Ri Yong Ho")])
    s = Screener.build([e1, e2], [])
    r = s.screen(ScreeningQuery(name="Ri Yong Ho", dob="1956-08-22", country="kp"))
    assert [c.entity_id for c in r.candidates] == ["t:1", "t:2"]
    assert 1.0 > r.candidates[0].score > r.candidates[1].score
    assert soft_cap(1.2) < 1.0 and soft_cap(1.1) < soft_cap(1.2)


def test_token_similarity_rules() -> None:
    assert token_similarity("11420", "11421") == 0.0
    assert token_similarity("ri", "lee") >= 0.9
    assert token_similarity("mohammed", "muhammad") >= 0.85
    assert token_similarity("chol", "chun") < 0.5
    assert token_similarity("agrosoyuz", "aquariusii") < 0.6


def test_name_forms_split_legal_forms() -> None:
    (form,) = name_forms("PAO Sberbank", False)
    assert form.tokens == ("sberbank",) and form.legal == ("jsc",)
    assert name_forms("Mr John Smith", True)[0].tokens == ("john", "smith")


def test_hangul_against_latin_syllable_by_syllable() -> None:
    from proscribe.matching.name_v1.names import align_forms

    def sim(hangul: str, latin: str) -> float:
        return align_forms(name_forms(hangul, True)[0], name_forms(latin, True)[0], True)[0]

    # Hyphen, space, joined; surname first or last: all the same name.
    jong_un = sim("김정은", "Kim Jong Un")
    for latin in ("Kim Jong-un", "Kim Jongun", "Jong-un KIM"):
        assert sim("김정은", latin) == jong_un
    assert sim("정은 김", "Kim Jong Un") == jong_un
    # The spellings that tell each syllable apart (Revised Romanization's jeong, eun) are
    # the name itself; McCune-Reischauer's, which 정 shares with 종 and 은 with 운, rank
    # just below (hangul_spelling_ambiguity), and so do informal ones; another syllable is
    # review at most.
    assert sim("김정은", "Kim Jeong-eun") == 1.0
    assert 0.97 < jong_un < 1.0
    assert 0.95 < sim("김정은", "Kim Jung-eun") < 1.0
    # "Dae" is only ever 대; "Tae" is 태, or 대 written the McCune-Reischauer way.
    assert sim("김대원", "Kim Dae-won") > sim("김대원", "Kim Tae-won") > 0.97
    assert sim("김영철", "Kim Yong Chun") < 0.8
    assert sim("경수 김", "Kim Su Gwang") < 0.5
    assert sim("김종은", "김정은") < 0.8
    # 심 (Sim, Shim) is among the commonest surnames: its names are aligned syllable by
    # syllable too, not token by token on one romanisation (where 경수 심 took Kim Su-Kwang
    # for a 0.76 review).
    assert sim("경수 심", "Shim Kyung-soo") > 0.95
    assert sim("경수 심", "KIM, Su-Kwang") < 0.5


def test_the_explanation_names_spellings_that_other_syllables_share() -> None:
    from proscribe.matching.name_v1.names import align_forms
    from proscribe.matching.name_v1.scorer import score_entity
    from proscribe.matching.name_v1.features import EntityFacts, QueryFacts

    pairs = align_forms(name_forms("김정은", True)[0], name_forms("Kim Jong Un", True)[0],
                        True)[1]
    assert [q for q, _, _ in pairs] == ["김", "정 [jong: also 종, 청]", "은 [un: also 운, 언]"]
    # The Revised Romanization tells each syllable apart: nothing to say.
    pairs = align_forms(name_forms("김정은", True)[0], name_forms("Kim Jeong-eun", True)[0],
                        True)[1]
    assert [q for q, _, _ in pairs] == ["김", "정", "은"]
    # The reason says why an exact romanisation scores below 1.0.
    entity = Entity("t", "1", EntityKind.PERSON, [Name("KIM Jong Un")])
    scored = score_entity(name_forms("김정은", True), QueryFacts(EntityKind.PERSON),
                          [(f, NameKind.PRIMARY) for f in name_forms("KIM Jong Un", True)],
                          EntityFacts(entity), True, 0.8, lambda t: 10.0)
    detail = scored.reasons[0][1]
    assert detail.endswith("; spellings other syllables share: jong: also 종, 청; "
                           "un: also 운, 언"), detail


def test_chinese_names_written_in_hangul_against_pinyin() -> None:
    from proscribe.matching.name_v1.names import (
        SINO_KOREAN_FACTOR,
        TRANSCRIPTION_FACTOR,
        align_forms,
    )

    def sim(hangul: str, latin: str) -> float:
        return align_forms(name_forms(hangul, True)[0], name_forms(latin, True)[0], True)[0]

    # By the sound of the Mandarin (리샤오펑) and by the Korean reading of the characters
    # (왕소군 is 王昭君): the same name, below a Korean spelling that fits.
    for hangul, latin in (("리샤오펑", "Li Xiaopeng"), ("양제츠", "Yang Jiechi")):
        assert sim(hangul, latin) == pytest.approx(TRANSCRIPTION_FACTOR), (hangul, latin)
    # A character reading that other syllables share too (zhao: 昭 is 소, 趙 is 조) is
    # charged a little (hangul_spelling_ambiguity).
    for hangul, latin in (("왕소군", "Wang Zhaojun"), ("이홍장", "Li Hongzhang")):
        s = sim(hangul, latin)
        assert SINO_KOREAN_FACTOR - 0.05 < s <= SINO_KOREAN_FACTOR + 1e-9, (hangul, latin)
    # A Korean name keeps its Korean reading first, and another Chinese name stays apart.
    assert sim("김정은", "Kim Jong Un") > 0.97
    assert sim("김정은", "Jin Zhengen") < sim("김정은", "Kim Jong Un")
    assert sim("리샤오펑", "Li Xiaoming") < 0.7


def test_a_single_common_word_is_not_a_match_on_a_one_word_list_name() -> None:
    # UNITED COMPANY OJSC is "united" once its legal forms are split off; "United" in a
    # text ("the United States") must not match it. How rare a whole name is among list
    # names says nothing about how common it is in the world, so exact organisation names
    # keep the common-name guard of their words (this is why "OAO Gazprom" against
    # GAZPROM, a word of 64 list names, stays in review).
    words = ["airlines", "shipbuilding", "trading", "energy", "nations", "metals", "grain",
             "aircraft", "engine", "instrument", "chemical", "bank"]
    ents = [Entity("t", "u", EntityKind.ORGANIZATION, [Name("UNITED COMPANY OJSC")])]
    ents += [Entity("t", w, EntityKind.ORGANIZATION, [Name(f"UNITED {w.upper()} CORPORATION")])
             for w in words]
    s = Screener.build(ents, [])
    top = s.screen(ScreeningQuery(name="United")).candidates[0]
    assert top.entity_id == "t:u" and top.band == "review"
    assert "common_name" in {r.feature for r in top.explanation}



def test_an_organisations_initials_are_one_acronym_and_a_kindless_name_keeps_both() -> None:
    assert [f.tokens for f in name_forms("A.B.C. Trading Company", False)] == [("abc", "trading")]
    assert [f.tokens for f in name_forms("U.N.I. Empresa S.A.", False)] == [("uni", "empresa")]
    # two letters are joined only as a legal form: U.S. stays initials of United States
    assert [f.tokens for f in name_forms("U.S. Steel", False)] == [("u", "s", "steel")]
    kindless = [f.tokens for f in name_forms("J.R.R. Tolkien", None)]
    assert ("j", "r", "r", "tolkien") in kindless and ("jrr", "tolkien") in kindless
    assert [f.tokens for f in name_forms("J.R.R. Tolkien", True)] == [("j", "r", "r", "tolkien")]


def test_a_legal_form_in_letters_after_a_numeral_or_an_acronym_stays_a_legal_form() -> None:
    forms = name_forms("Bain Capital Fund X L.P.", False)
    assert [(f.tokens, f.legal) for f in forms] == [(("bain", "capital", "fund", "x"), ("lp",))]
    assert [(f.tokens, f.legal) for f in name_forms("I.B.M. S.A.", False)] == [(("ibm",), ("sa",))]
    # three letters with nothing before them stay one acronym
    assert [f.tokens for f in name_forms("Bank of U.S.A.", False)] == [("bank", "of", "usa")]


def test_a_company_that_differs_only_in_a_number_is_held_in_review_and_says_why() -> None:
    s = Screener.build([Entity("t", "xi", EntityKind.ORGANIZATION,
                               [Name("Bain Capital Fund XI L.P.")])], [])
    top = s.screen(ScreeningQuery(name="Bain Capital Fund X L.P.", type="organization"))
    assert top.candidates[0].band == "review"
    reasons = {r.feature: r.detail for r in top.candidates[0].explanation}
    assert "numbers differ" in reasons["number_conflict"]
    same = s.screen(ScreeningQuery(name="Bain Capital Fund XI LP", type="organization"))
    assert same.candidates[0].band == "match"


def test_the_explanation_names_the_tokens_left_unpaired() -> None:
    s = Screener.build([Entity("t", "p", EntityKind.PERSON, [Name("Hans Joachim Friedrich")]),
                        Entity("t", "o", EntityKind.ORGANIZATION, [Name("Deutsche Bank AG")])],
                       [])

    def detail(query: str, kind: str) -> str:
        top = s.screen(ScreeningQuery(name=query, type=kind)).candidates[0]
        return {r.feature: r.detail for r in top.explanation}["name_similarity"]

    assert detail("Hans Otto Friedrich", "person").endswith(
        "unpaired: query 'otto'; list 'joachim'")
    assert detail("Hans Friedrich", "person").endswith("unpaired: list 'joachim'")
    assert detail("Deutsche Bank (Schweiz) AG", "organization").endswith(
        "unpaired: query 'schweiz'")
    assert "unpaired" not in detail("Friedrich, Hans Joachim", "person")


def test_remembered_token_similarities_are_token_similarity() -> None:
    """align_forms remembers token similarities per query token (names._row_similarity):
    the same values as token_similarity, and no more than `_SIMILARITIES_KEPT` pairs in
    all (dropped together when full)."""
    from proscribe.matching.name_v1 import names
    from proscribe.matching.name_v1.names import (
        _row_similarity,
        _similarity_row,
        token_similarity,
    )

    words = ["kim", "jong", "un", "jongun", "muhammad", "mohammed", "ali", "al", "11420",
             "11421", "j", "smith", "smyth"]
    for a in words:
        row = _similarity_row(a)
        for b in words:
            assert _row_similarity(row, a, b) == token_similarity(a, b)
            assert _row_similarity(row, a, b) == token_similarity(a, b)  # remembered
    row = _similarity_row("filler")
    for n in range(names._SIMILARITIES_KEPT + 10):
        _row_similarity(row, "filler", f"t{n}")
        assert names._similarities <= names._SIMILARITIES_KEPT
    assert len(names._SIMILARITY_ROWS) <= 1
