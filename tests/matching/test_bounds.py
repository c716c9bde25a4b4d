"""The vectorised bounds never undercut the exact alignment they let the screener skip."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proscribe.matching.name_v1 import align_forms, bounds, name_forms
from proscribe.matching.name_v1.bounds import TokenTable

WORDS = ["kim", "jong", "un", "jongun", "chong", "ri", "lee", "yi", "pak", "park", "choe",
         "mohammed", "muhammad", "ali", "al", "abd", "abdul", "rahman", "wang", "wen", "xian",
         "jsc", "argument", "jscargument", "11420", "11421", "a", "j", "k", "smith", "smyth",
         "somad", "okta", "aqqad", "hong", "chen", "chan", "hall", "bin", "salam", "said",
         "ould", "de", "la"]

token_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(token_lists, min_size=1, max_size=3), st.lists(token_lists, min_size=1,
       max_size=12), st.lists(st.booleans(), min_size=12, max_size=12))
def test_bound_is_at_least_the_exact_score(queries: list[list[str]],
                                           names: list[list[str]],
                                           person: list[bool]) -> None:
    qforms = [name_forms(" ".join(q), True)[0] for q in queries]
    cforms = [name_forms(" ".join(n), True)[0] for n in names]
    table = TokenTable.build(cforms, person[: len(cforms)])
    bounds, compound = table.upper_bounds(qforms, np.arange(len(cforms)))
    for k, cf in enumerate(cforms):
        for i, qf in enumerate(qforms):
            exact, _ = align_forms(qf, cf, person[k])
            assert bounds[i, k] >= exact - 1e-9, (qf, cf, bounds[i, k], exact)
            if not compound[k]:
                # Without a possible compound the compound search changes nothing.
                assert align_forms(qf, cf, person[k], False)[0] == exact


def test_bound_with_a_repeated_token_and_a_compound() -> None:
    """ABD RI RI: the compound "abd ri" takes the first RI and the query's RI the second,
    so the second copy of RI is not bounded by its second-best match; likewise a query
    compound ("x ri" ~ XRI) taking the first of two query RIs (found by Hypothesis against
    an earlier bound)."""
    for query, name in (("ri abdul", "abd ri ri"), ("x ri ri", "xri ri")):
        (q,) = name_forms(query, True)
        (c,) = name_forms(name, True)
        for person in (True, False):
            bounds, _ = TokenTable.build([c], [person]).upper_bounds([q], np.arange(1))
            assert bounds[0, 0] >= align_forms(q, c, person)[0] - 1e-9, (query, person)


def test_bound_separates_a_far_name() -> None:
    (q,) = name_forms("satya okta marpaung", True)
    (c,) = name_forms("aqqad ziyad", True)
    bounds, _ = TokenTable.build([c], [True]).upper_bounds([q], np.arange(1))
    assert bounds[0, 0] < 0.3


DOBS = [None, "1944", "1962", "1962-05-01", "1984"]
COUNTRIES = [None, "kp", "ru"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_lists, token_lists, st.sampled_from(DOBS), st.sampled_from(DOBS),
       st.sampled_from(COUNTRIES), st.sampled_from(COUNTRIES), st.booleans(),
       st.sampled_from(["person", "organization", None]))
def test_facts_ceiling_bounds_the_score(query: list[str], name: list[str], qdob: str | None,
                                        edob: str | None, qc: str | None, ec: str | None,
                                        person: bool, qtype: str | None) -> None:
    from proscribe.matching.name_v1.scorer import NAME_WEIGHT, facts_ceiling, soft_cap
    from proscribe.model import Entity, EntityKind, FuzzyDate, Name
    from proscribe.screening import Screener, ScreeningQuery, _prepare

    entity = Entity("t", "1", EntityKind.PERSON if person else EntityKind.ORGANIZATION,
                    [Name(" ".join(name))], birth_dates=[FuzzyDate(edob)] if edob else [],
                    nationalities=[ec] if ec else [])
    screener = Screener.build([entity], [])
    q = ScreeningQuery(name=" ".join(query), dob=qdob, country=qc, type=qtype)
    scored = screener.compare(q, entity)
    most = facts_ceiling(_prepare(q).facts, screener._facts[0])
    assert most is not None
    # Whatever the name scored, the score is at most what a name that good plus the best
    # the facts can add would give (what screening._score prunes by).
    assert scored.score <= soft_cap(NAME_WEIGHT * scored.name_score + most) + 1e-9


HANGUL = {"김정은": "kim jong un", "김영철": "kim yong chol", "리용호": "ri yong ho",
          "정숙은영이": "jung suk eun young lee", "황병기": "hwang byungki",
          "박산다라": "sandara park", "최룡해": "choe ryong hae", "윤호진": "yun ho jin",
          # Chinese names written in Hangul: by sound, and by the Korean reading of Hanja.
          "리샤오펑": "li xiaopeng", "양제츠": "yang jiechi", "왕소군": "wang zhaojun"}
edits = st.lists(st.tuples(st.sampled_from(["del", "sub", "ins"]), st.integers(0, 40),
                           st.sampled_from("abceghijklmnorsuwy")), max_size=4)


def _edit(text: str, ops: list[tuple[str, int, str]]) -> str:
    for op, at, letter in ops:
        i = at % (len(text) + 1)
        if op == "del" and i < len(text) and text[i] != " ":
            text = text[:i] + text[i + 1:]
        elif op == "sub" and i < len(text) and text[i] != " ":
            text = text[:i] + letter + text[i + 1:]
        elif op == "ins":
            text = text[:i] + letter + text[i:]
    return text.strip() or "x"


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(HANGUL)), st.sampled_from(sorted(HANGUL)), edits)
def test_hangul_bound_is_at_least_the_syllable_alignment(hangul: str, other: str,
                                                         ops: list[tuple[str, int, str]]
                                                         ) -> None:
    """names.hangul_name_bound >= the syllable alignment, for Latin names near the right
    one (a few edits) and near other people's."""
    from proscribe.matching.name_v1.names import hangul_name_bound, hangul_reading_orders

    q = name_forms(hangul, True)[0]
    c = name_forms(_edit(HANGUL[other], ops), True)[0]
    orders = hangul_reading_orders(hangul)
    exact, _ = align_forms(q, c, True)
    assert hangul_name_bound(orders, c.text, c.joined) >= exact - 1e-9, (hangul, c.text)
    assert hangul_name_bound(orders, c.text, c.joined, c.raw_tokens) >= exact - 1e-9, \
        (hangul, c.text)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(HANGUL)), st.lists(st.sampled_from(sorted(HANGUL)), min_size=1,
       max_size=3), st.integers(0, 2), st.booleans())
def test_hangul_bound_holds_for_names_of_other_lengths(hangul: str, others: list[str],
                                                       drop: int, rotate: bool) -> None:
    """The bound by lengths (names._length_costs) never undercuts the alignment, for Latin
    names far longer or shorter than the Hangul one: other people's names run together,
    with tokens left out or moved."""
    from proscribe.matching.name_v1.names import hangul_name_bound, hangul_reading_orders

    tokens = [t for o in others for t in HANGUL[o].split()]
    tokens = tokens[drop:] or tokens
    if rotate:
        tokens = tokens[1:] + tokens[:1]
    q = name_forms(hangul, True)[0]
    c = name_forms(" ".join(tokens), True)[0]
    exact, _ = align_forms(q, c, True)
    orders = hangul_reading_orders(hangul)
    assert hangul_name_bound(orders, c.text, c.joined, c.raw_tokens) >= exact - 1e-9, \
        (hangul, c.text)


def test_hangul_bound_counts_the_length_the_syllables_need() -> None:
    """"PAK, Yong Sik" has every letter 백명자옥자 needs, but ten letters cannot hold five
    syllables whose spellings take at least 14 (skipping one costs two edits): the bound
    leaves it out, as the alignment scores it 0."""
    from proscribe.matching.name_v1.names import hangul_name_bound, hangul_reading_orders

    q = name_forms("명자 옥자 백", True)[0]
    c = name_forms("PAK, Yong Sik", True)[0]
    assert align_forms(q, c, True)[0] == 0.0
    assert hangul_name_bound(hangul_reading_orders("명자 옥자 백"), c.text, c.joined,
                             c.raw_tokens) < 0.5


def test_hangul_bound_allows_for_a_skipped_syllable() -> None:
    """황 needs four letters (h, w, a, n) that every spelling has; skipping it costs 2
    edits, not 4, and the bound keeps that slack (Jung Suk Eun Young is 황정숙은영 with its
    surname missing)."""
    from proscribe.matching.name_v1.names import hangul_name_bound, korean_syllable_orders

    q = name_forms("황정숙은영", True)[0]
    orders = korean_syllable_orders("황정숙은영")
    for latin in ("jung suk eun young", "jungsuk eunyoung"):
        c = name_forms(latin, True)[0]
        exact, _ = align_forms(q, c, True)
        assert exact > 0.5
        assert hangul_name_bound(orders, c.text, c.joined) >= exact - 1e-9, latin


# The edit distances of the bounds: `kernel.osa_rows` over byte arrays must give exactly
# rapidfuzz's OSA distances (which the interpreted source and long or non-ASCII names use),
# up to the cap that decides a similarity.
ascii_text = st.text(alphabet="abcdeijknorsu", min_size=1, max_size=70)


def _osa_rows(rows: list[str], cols: list[str], row_tok: list[bool], col_tok: list[bool],
              wide: float, narrow: float) -> np.ndarray:
    from proscribe.matching.name_v1.kernel import osa_rows

    data = np.frombuffer("".join(cols).encode("latin-1"), dtype=np.uint8)
    off = np.zeros(len(cols) + 1, dtype=np.int32)
    np.cumsum([len(c) for c in cols], out=off[1:])
    pm = np.zeros(256, dtype=np.uint64)
    dist = np.full((len(rows), len(cols)), -1, dtype=np.int32)
    osa_rows(rows, np.arange(len(cols), dtype=np.int32), data, off, pm, dist,
             np.asarray(row_tok, dtype=np.uint8), np.asarray(col_tok, dtype=np.uint8),
             wide, narrow)
    assert not pm.any()  # the pattern table is left as it was found
    return dist


@settings(max_examples=300, deadline=None)
@given(st.lists(ascii_text.filter(lambda t: len(t) <= 64), min_size=1, max_size=4),
       st.lists(st.text(alphabet="abcdeijknorsu", max_size=70), min_size=1, max_size=8))
def test_osa_rows_is_rapidfuzz_osa(rows: list[str], cols: list[str]) -> None:
    from rapidfuzz.distance import OSA

    dist = _osa_rows(rows, cols, [True] * len(rows), [True] * len(cols), 1.0, 1.0)
    for r, row in enumerate(rows):
        for c, col in enumerate(cols):
            assert dist[r, c] == OSA.distance(row, col), (row, col)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ascii_text.filter(lambda t: len(t) <= 24), st.booleans()),
                min_size=1, max_size=4),
       st.lists(st.tuples(st.text(alphabet="abcdeijknorsu", max_size=24), st.booleans()),
                min_size=1, max_size=8))
def test_osa_rows_caps_distances_that_decide_nothing(rows: list[tuple[str, bool]],
                                                    cols: list[tuple[str, bool]]) -> None:
    """Exact up to the cap of the pair's kind (token or compound on each side), L + 1 past
    it, and nothing measured between two compounds."""
    from rapidfuzz.distance import OSA

    from proscribe.matching.name_v1.bounds import _OSA_NARROW, _OSA_WIDE

    dist = _osa_rows([r for r, _ in rows], [c for c, _ in cols], [t for _, t in rows],
                     [t for _, t in cols], _OSA_WIDE, _OSA_NARROW)
    for r, (row, rt) in enumerate(rows):
        for c, (col, ct) in enumerate(cols):
            big = max(len(row), len(col))
            if not (rt or ct):
                assert dist[r, c] == big + 1
                continue
            near = (rt and ct) or abs(len(row) - len(col)) <= 1
            cap = int((_OSA_WIDE if near else _OSA_NARROW) * big) + 1
            true = OSA.distance(row, col)
            assert dist[r, c] == (true if true <= cap else big + 1), (row, col, rt, ct)


def test_bounds_are_the_same_with_or_without_the_byte_arrays() -> None:
    """The byte-array path (compiled kernel) and rapidfuzz's `cdist` give one bound, for
    names that take either path: long whole names and non-ASCII tokens use `cdist`."""
    names = ["kim jong un", "ri yong ho", "abdul rahman al said", "jsc argument",
             "open joint stock company scientific production association of something long",
             "jose munoz", "mohammed bin salman", "hong kong chinese new year company ltd"]
    queries = ["kim chong un", "abd al rahman", "jscargument", "josé muñoz",
               "open joint stock company scientific production association of something",
               "open joint stock company scientific production association of something long"]
    cforms = [f for n in names for f in name_forms(n, None)]
    qforms = [name_forms(q, None)[0] for q in queries]
    table = TokenTable.build(cforms, [False] * len(cforms))
    fids = np.arange(len(cforms))
    # All the query forms at once (the long one sends them all down the step-by-step
    # path), each alone (the short ones take `kernel.token_bounds` in one call), and the
    # short ones together.
    sets = [qforms, *([q] for q in qforms), [q for q in qforms if len(q.joined) <= 64]]
    with_bytes = [table.upper_bounds(qs, fids) for qs in sets]
    assert table._tables is not None or not bounds._NATIVE_OSA
    table._bytes = table._joined_bytes = table._tables = None  # a token of 256 or above
    for qs, got in zip(sets, with_bytes, strict=True):
        without = table.upper_bounds(qs, fids)
        assert np.array_equal(got[0], without[0]), [q.text for q in qs]
        assert np.array_equal(got[1], without[1]), [q.text for q in qs]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3), st.lists(st.tuples(st.integers(0, 9), st.booleans()), max_size=20),
       st.lists(st.floats(0.0, 1.0), min_size=60, max_size=60),
       st.sampled_from([0.0, 0.5, 0.7]), st.booleans())
def test_entity_bounds_is_the_numpy_reference(nq: int, forms: list[tuple[int, bool]],
                                              values: list[float], floor: float,
                                              check: bool) -> None:
    """kernel.entity_bounds keeps what Screener._propose's numpy form kept: each bound
    scaled by its form's factor, the entities one of whose forms reaches the floor, their
    forms in order, and each entity's best bound (first form first among ties)."""
    from proscribe.matching.name_v1.kernel import entity_bounds

    n = len(forms)
    fids = np.arange(n, dtype=np.int32)[::-1].copy()  # proposed in some order
    form_entity = np.asarray([e for e, _ in forms], dtype=np.int32)
    factor = np.resize(np.asarray([0.9, 1.0, 0.8, 0.75]), n).astype(np.float64)
    ubq = np.asarray(values[: nq * n], dtype=np.float64).reshape(nq, n).copy() if n else \
        np.zeros((nq, 0))
    comp = np.asarray([c for _, c in forms], dtype=bool)
    plus = 0.1 + 1e-9
    # The reference: what _propose did before (numpy, then a loop over Python lists).
    ref = ubq * factor[fids]
    ents = form_entity[fids].tolist()
    live = set(np.asarray(ents)[0.85 * ref.max(axis=0) + plus >= floor].tolist()) \
        if check and n else None
    exp_hits: dict[int, list[int]] = {}
    exp_ub: dict[int, list[float]] = {}
    exp_comp: dict[int, bool] = {}
    exp_ent: dict[int, float] = {}
    for fid, ent, fu, c in zip(fids.tolist(), ents, ref.T.tolist(), comp.tolist(),
                               strict=True):
        if live is not None and ent not in live:
            continue
        exp_hits.setdefault(ent, []).append(fid)
        exp_ub[fid] = fu
        exp_comp[fid] = c
        if max(fu) > exp_ent.get(ent, -1.0):
            exp_ent[ent] = max(fu)
    hits: dict[int, list[int]] = {}
    form_ub: dict[int, list[float]] = {}
    form_comp: dict[int, bool] = {}
    ent_ub: dict[int, float] = {}
    entity_bounds(ubq, comp.view(np.uint8), fids, form_entity, factor, 0.85, plus, floor,
                  check and n > 0, hits, form_ub, form_comp, ent_ub)
    assert np.array_equal(ubq, ref)  # scaled in place
    assert hits == exp_hits and form_ub == exp_ub and form_comp == exp_comp
    assert list(ent_ub.items()) == list(exp_ent.items())  # the same order too
