"""The index never misses a candidate that the slow reference scorer puts in the match band."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proscribe.model import Entity, EntityKind, Name
from proscribe.screening import Screener, ScreeningQuery

GIVEN = ["kim", "jong", "un", "ri", "yong", "ho", "mohammed", "ali", "hassan", "abdul",
         "rahman", "olga", "petrova", "ivan", "sergei", "chol", "chun", "pak", "anna"]
ORGS = ["bank", "trading", "argument", "agrosoyuz", "melli", "shipping", "ocean", "star",
        "best2pay", "11420", "sky7line"]


def _typo(word: str, k: int) -> str:
    if len(word) < 4:
        return word
    i = k % len(word)
    return word[:i] + word[i + 1:]


names = st.lists(st.sampled_from(GIVEN), min_size=1, max_size=3)
orgs = st.lists(st.sampled_from(ORGS), min_size=1, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=5, max_size=40), st.lists(orgs, min_size=1, max_size=20),
       names, st.integers(0, 10), st.booleans())
def test_index_finds_every_reference_match(people: list[list[str]], companies: list[list[str]],
                                           query: list[str], k: int, typo: bool) -> None:
    entities = [Entity("p", str(i), EntityKind.PERSON, [Name(" ".join(n))])
                for i, n in enumerate(people)]
    entities += [Entity("o", str(i), EntityKind.ORGANIZATION, [Name(" ".join(n))])
                 for i, n in enumerate(companies)]
    screener = Screener.build(entities, [])
    words = [(_typo(w, k) if typo and j == 0 else w) for j, w in enumerate(query)]
    q = ScreeningQuery(name=" ".join(words), limit=500)
    reference = {e.id for e in screener.entities
                 if screener.band(screener.compare(q, e).score) == "match"}
    found = {c.entity_id for c in screener.screen(q).candidates}
    assert reference <= found


def test_a_letter_typo_in_a_word_with_digits_is_found() -> None:
    """Words holding a digit had exact keys only, so "Best2ay Limited" proposed nothing
    although the reference scorer puts BEST2PAY LIMITED in the review band; a number alone
    is still exact (11420 is not 11421)."""
    ents = [Entity("o", "1", EntityKind.ORGANIZATION, [Name("BEST2PAY LIMITED")]),
            Entity("o", "2", EntityKind.ORGANIZATION, [Name("11420 CORP")])]
    s = Screener.build(ents, [])
    for typo in ("BEST2AY LIMITED", "BEST2PY LIMITED", "BEST2PAYS LIMITED"):
        q = ScreeningQuery(name=typo, type="organization")
        assert s.band(s.compare(q, ents[0]).score) in ("review", "match")
        assert [c.entity_id for c in s.screen(q).candidates] == ["o:1"], typo
    assert not s.screen(ScreeningQuery(name="11421 CORP", type="organization")).candidates


def test_a_one_word_name_is_found_among_thousands_holding_that_word() -> None:
    """"Ahmad Sayyed" is "ahmad" once its title is dropped; among more than MAX_DF names
    holding "ahmad" (whose keys are then too common to rank) the list's "Ahmad SAYYED"
    (also "ahmad") was proposed or not by chance, though it scores in the review band."""
    from proscribe.index.candidates import MAX_DF

    given = ["khalid", "omar", "yusuf", "hassan", "bilal", "tariq", "nasir", "karim"]
    crowd = [Entity("c", str(i), EntityKind.PERSON,
                    [Name(f"Ahmad {given[i % 8]} {given[(i // 8) % 8]}{i}")])
             for i in range(MAX_DF + 200)]
    target = Entity("t", "1", EntityKind.PERSON, [Name("Ahmad SAYYED")])
    s = Screener.build([*crowd, target], [])
    q = ScreeningQuery(name="Ahmad Sayyed", type="person")
    assert s.band(s.compare(q, target).score) == "review"
    assert s.screen(q).candidates[0].entity_id == "t:1"


def test_a_name_word_written_twice_is_found_in_a_crowd() -> None:
    """"Abdulah ABDULLAH" scores in the match band against "Abdullah ABDULLAH", but both of
    its words hit every name holding "abdullah" alike, and the target was left out of the
    proposed forms by its id; names holding the word twice have a key of their own."""
    given = ["ahmed", "omar", "yusuf", "hassan", "bilal", "tariq", "nasir", "karim", "zaid"]
    crowd = [Entity("c", str(i), EntityKind.PERSON,
                    [Name(f"Abdullah {given[i % 9]}{i // 9}")]) for i in range(400)]
    target = Entity("t", "1", EntityKind.PERSON, [Name("Abdullah ABDULLAH")])
    s = Screener.build([*crowd, target], [])
    for name in ("Abdulah ABDULLAH", "Abdullah Abdullah", "ABDULLAH ABDULAH"):
        q = ScreeningQuery(name=name, type="person")
        assert s.band(s.compare(q, target).score) == "match"
        assert s.screen(q).candidates[0].entity_id == "t:1", name


def test_identifier_only_query() -> None:
    from proscribe.model import Identifier, IdentifierType

    e = Entity("o", "1", EntityKind.VESSEL, [Name("CHON MA SAN")],
               identifiers=[Identifier(IdentifierType.IMO, "IMO 8660313")])
    s = Screener.build([e], [])
    r = s.screen(ScreeningQuery(identifiers=["imo:8660313"]))
    assert r.candidates[0].entity_id == "o:1" and r.band == "match"


# Korean names as lists spell them, their Hangul, and other people's names: the pruning by
# the Hangul bound and by each entity's own facts (screening._score) must change nothing.
KOREAN = ["kim jong un", "kim yong chol", "ri yong ho", "pak pong ju", "choe ryong hae",
          "u ye jin", "jang min sok", "kim yo jong", "jin tiesan", "htet u hein", "yun ho jin",
          "김정은", "김영철", "리용호", "우예진", "장민석", "김여정", "olga petrova",
          "mohammed ali hassan", "ivan sergei", "kim chol"]
HANGUL_QUERIES = ["김정은", "김영철", "리용호", "박봉주", "최룡해", "우예진", "장민석", "김여정",
                  "정은 김", "윤호진"]
people = st.tuples(st.sampled_from(KOREAN), st.sampled_from([None, "1944", "1962", "1984"]),
                   st.sampled_from([None, "kp", "ru", "cn"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(people, min_size=3, max_size=30),
       st.sampled_from(HANGUL_QUERIES + KOREAN), st.sampled_from([None, "1944", "1984"]),
       st.sampled_from([None, "kp", "ru"]))
def test_pruning_drops_no_candidate(listed: list[tuple[str, str | None, str | None]],
                                    query: str, dob: str | None, country: str | None) -> None:
    from proscribe.model import FuzzyDate
    from proscribe.screening import LIST_FLOOR_BELOW_REVIEW
    from proscribe.settings import get_settings

    entities = [Entity("p", str(i), EntityKind.PERSON, [Name(n)],
                       birth_dates=[FuzzyDate(d)] if d else [],
                       nationalities=[c] if c else [])
                for i, (n, d, c) in enumerate(listed)]
    screener = Screener.build(entities, [])
    q = ScreeningQuery(name=query, type="person", dob=dob, country=country, limit=500)
    floor = get_settings().review_threshold - LIST_FLOOR_BELOW_REVIEW
    everything = {(screener.entities[ent].id, round(s.score, 4))
                  for s, ent in screener.score_all(q) if s.score >= floor}
    pruned = {(c.entity_id, round(c.score, 4)) for c in screener.screen(q).candidates}
    assert pruned == everything


# A Hangul name against list names that mix romanisation schemes, in a crowd of more list
# names sharing its syllables than the index proposes (64): each syllable's every spelling
# is a key (index.hangul_query_keys), so the mixed spelling is not crowded out.
CROWD_SURNAMES = ["jang", "paek", "ri", "jo", "thae", "park", "choe", "han", "yun", "o", "kang",
                  "son", "ko", "mun", "jon", "ryu", "so", "hong", "pyon", "an"]
CROWD_GIVEN = ["yong ho", "yong-ho", "yongho", "yeong ho", "young ho"]
MIXED = [("김영호", "Kim Young-ho"), ("황병기", "Hwang Byungki"), ("박산다라", "Sandara Park"),
         ("김정은", "Kim Jong-eun"), ("리용호", "Lee Yongho")]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MIXED), st.integers(0, 2**16))
def test_hangul_query_finds_mixed_spellings_in_a_crowd(pair: tuple[str, str], seed: int) -> None:
    import random

    rng = random.Random(seed)
    hangul, latin = pair
    crowd = [f"{rng.choice(CROWD_SURNAMES)} {rng.choice(CROWD_GIVEN)}" for _ in range(150)]
    crowd += [f"kim {g}" for g in ("byung ki", "byeong gi", "jong un", "dara", "san")] * 10
    entities = [Entity("p", str(i), EntityKind.PERSON, [Name(n)]) for i, n in enumerate(crowd)]
    entities.append(Entity("p", "target", EntityKind.PERSON, [Name(latin)]))
    rng.shuffle(entities)
    screener = Screener.build(entities, [])
    q = ScreeningQuery(name=hangul, type="person", limit=500)
    reference = {e.id for e in screener.entities
                 if screener.band(screener.compare(q, e).score) == "match"}
    assert "p:target" in reference
    found = {c.entity_id for c in screener.screen(q).candidates}
    assert reference <= found


# A joined Hangul group is expanded against the index's own keys (index.JoinedKeys): the
# keys it finds are exactly those of the whole product that the index holds, the cut at
# the product's first 512 combinations included.
PARTS = st.lists(st.lists(st.sampled_from(["a", "ae", "e", "ga", "ka", "o", "oh", "jin",
                                           "chin", "yong", "young", "ho", "hoh"]),
                          min_size=1, max_size=9, unique=True).map(tuple),
                 min_size=1, max_size=5).map(tuple)


@settings(max_examples=200, deadline=None)
@given(PARTS, st.data())
def test_joined_keys_finds_the_products_keys_that_the_index_holds(
        parts: tuple[tuple[str, ...], ...], data: st.DataObject) -> None:
    from bisect import bisect_left

    from proscribe.index import JoinedKeys

    group = JoinedKeys(parts)
    every = group.keys()
    assert len(every) <= 512
    # The index holds some of the product's keys, some others, and prefixes of neither.
    held = data.draw(st.lists(st.sampled_from(every), max_size=6))
    held += data.draw(st.lists(st.text("aeghjknoy", min_size=1, max_size=12)
                               .map(lambda s: "t" + s), max_size=6))
    slots = {k: n for n, k in enumerate(dict.fromkeys(held))}
    ordered = sorted(slots)

    def has_prefix(prefix: str) -> bool:
        i = bisect_left(ordered, prefix)
        return i < len(ordered) and ordered[i].startswith(prefix)

    assert group.present(has_prefix, slots) == tuple(k for k in every if k in slots)


def test_joined_groups_that_spell_the_same_keys_are_one_group() -> None:
    from proscribe.index import JoinedKeys
    from proscribe.index.candidates import _joined_group

    # A syllable with one spelling joins its neighbour's, however the letters are split.
    split = JoinedKeys((("ga", "ka"), ("o",), ("jin", "chin")))
    assert split.keys() == ("tgaojin", "tgaochin", "tkaojin", "tkaochin")
    # Small groups are written out as token groups are: 아 alone is the key "ta".
    assert _joined_group(("아",), False) == ("ta",)
    big = _joined_group(("영", "호", "철"), True)
    assert isinstance(big, JoinedKeys) and len(big.keys()) > 16
    assert "tyoungho" + "chol" in big.keys() or "tyounghochul" in big.keys()


def test_a_hangul_querys_joined_groups_find_a_list_name_written_as_one_word() -> None:
    from proscribe.index import JoinedKeys, hangul_query_keys
    from proscribe.matching.name_v1.names import hangul_reading_orders

    entities = [Entity("p", "1", EntityKind.PERSON, [Name("Kim Younghochul")]),
                Entity("p", "2", EntityKind.PERSON, [Name("Park Seo-yeon")])]
    index = Screener.build(entities, []).index
    found = set()
    for group, _ in hangul_query_keys(hangul_reading_orders("김영호철")):
        if isinstance(group, JoinedKeys):
            found.update(group.present(index.has_prefix, index.slots))
    assert found == {"tyounghochul", "tkimyounghochul"}  # the given name; the whole name


def test_groups_without_an_indexed_key_are_answered_without_filling_the_cache() -> None:
    # A customer name's joined word pairs ("anna" + "novak") are new with nearly every
    # name; kept, they pushed the first names and surnames out of the group cache.
    from proscribe.index import JoinedKeys
    from proscribe.index.candidates import _token_keys

    s = Screener.build([Entity("t", "1", EntityKind.PERSON, [Name("Anna Novak")]),
                        Entity("t", "2", EntityKind.PERSON, [Name("Olga Novak")])], [])
    index = s.index
    index._cache.clear()
    novak = _token_keys("novak")
    unknown = ("tannanovakk", "dannanovakk")
    ids, _, _ = index._group_hits(novak)
    assert ids.shape[0] == 2 and novak in index._cache
    ids, ws, skipped = index._group_hits(unknown)
    assert ids.shape[0] == 0 and ws.shape[0] == 0 and not skipped
    assert unknown not in index._cache
    # The lookup of a name holding both finds the same forms as the known group alone.
    assert sorted(index.lookup([novak, unknown], 10).tolist()) == \
        sorted(index.lookup([novak], 10).tolist())
    # A Hangul name's joined group is kept even when none of its keys is indexed: its
    # expansion against the index is what it costs, and given names recur.
    joined = JoinedKeys((("jeong", "jung"), ("eun", "un")))
    ids, _, _ = index._group_hits(joined)
    assert ids.shape[0] == 0 and joined in index._cache
