"""The candidate index: which list names could a query name be, without scanning them all.

Each name form is indexed under several keys per token, so that a match-band candidate is
found even when no token is spelt the same:

- ``t`` exact token, and the joined form of adjacent tokens (JSC ARGUMENT -> "jscargument");
- ``p`` phonetic skeleton (Mohammed / Muhammad, Jong / Chong);
- ``g`` spelling family (Ri / Lee / Yi, Pak / Park);
- ``d`` the token and each of its one-letter deletions (a SymSpell-style edit neighbourhood,
  which finds every token within one edit: typos, doubled or dropped letters).

Identifiers sit in their own exact index. Postings are one int32 numpy array with offsets,
so a saved index is memory-mapped rather than read; the key table and identifier table are
a small pickle beside it. The scoring of candidates is not done here (see matching/).
"""

from __future__ import annotations

from typing import Literal

import math
import pickle
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA

from proscribe.index.kernel import accumulate, group_hits, top_forms
from proscribe.runtime import thread_scratch
from proscribe.text.phonetic import phonetic_key, spelling_group
from proscribe.text.sinokorean import is_mandarin_unit
from proscribe.text.translit import hangul_syllable_spellings

__all__ = ["CandidateIndex", "JoinedKeys", "KeyGroup", "QueryGroup", "hangul_query_keys",
           "query_keys", "token_keys"]

#: Keys whose postings exceed this many forms are skipped while rarer keys exist: they add
#: cost, not recall (the rare tokens of the same name find the form).
MAX_DF = 4000
#: Discount of approximate keys (phonetic, family, edit) relative to an exact token.
_APPROX = {"t": 1.0, "w": 1.0, "r": 1.0, "g": 0.95, "d": 0.85, "p": 0.7}
#: Key groups (one query token's keys) whose hits are kept between queries.
_CACHE_SIZE = 50_000
#: Prefixes whose `CandidateIndex.has_prefix` answer is kept between queries.
_PREFIX_CACHE = 100_000
_NO_WEIGHTS = np.empty(0, dtype=np.float64)
_NO_IDS = np.empty(0, dtype=np.int32)
#: The hits of a group none of whose keys is indexed.
_NO_GROUP: tuple[np.ndarray, np.ndarray, list[tuple[int, np.ndarray, float]]] = (
    _NO_IDS, _NO_WEIGHTS, [])
#: One key group's hits: form ids, their best key weights, and the common keys skipped
#: (postings count, postings, weight).
_Group = tuple[np.ndarray, np.ndarray, list[tuple[int, np.ndarray, float]]]


def token_keys(token: str) -> list[str]:
    """Index keys of one token."""
    return list(_token_keys(token))


@lru_cache(maxsize=100_000)
def _token_keys(token: str) -> tuple[str, ...]:
    return tuple(_make_token_keys(token))


def _make_token_keys(token: str) -> list[str]:
    keys = ["t" + token]
    digits = any(c.isdigit() for c in token)
    if not digits:
        pk = phonetic_key(token)
        if len(pk) >= 2:
            keys.append("p" + pk)
        group = spelling_group(token)
        if group:
            keys.append("g" + group)
    # Deletion keys, for typos. A number is exact (11420 is not 11421), but a letter typo in
    # a word that holds one ("Best2ay" for BEST2PAY) is found like any other: only letters
    # are deleted, so the digits still have to agree.
    if len(token) >= 4 and (not digits or sum(c.isalpha() for c in token) >= 3):
        keys.append("d" + token)
        keys.extend("d" + token[:i] + token[i + 1:]
                    for i in range(len(token)) if not token[i].isdigit())
    return keys


def compound_keys(raw_tokens: Sequence[str]) -> list[str]:
    """Keys for tokens written together: adjacent pairs, and the whole name when short."""
    keys = ["t" + raw_tokens[i] + raw_tokens[i + 1] for i in range(len(raw_tokens) - 1)]
    if 2 < len(raw_tokens) <= 4:
        keys.append("t" + "".join(raw_tokens))
    return keys


def query_keys(tokens: Sequence[str], raw_tokens: Sequence[str]) -> list[list[str]]:
    """Key groups of a query form: one group per token, then one per compound."""
    groups = [list(_token_keys(t)) for t in tokens]
    for key in compound_keys(raw_tokens):
        token = key[1:]
        groups.append([key, "d" + token])
    if len(raw_tokens) > 1:
        groups.append(["t" + "".join(raw_tokens)])
    repeated = _repeated_keys(tokens)
    if repeated:
        groups.append(repeated)
    if len(tokens) == 1:
        # A one-word name ("Ahmad", once a title is dropped) among the thousands of names
        # holding that word: its own key finds the names that are that word and nothing
        # else, which the token's keys alone, too common to rank, left to chance.
        groups.append(["w" + tokens[0]])
    return groups


def _repeated_keys(tokens: Sequence[str]) -> list[str]:
    """Keys of a name word written twice ("Abdullah Abdullah"), also when one of the two is
    misspelt ("Abdulah Abdullah"): among the thousands of names holding "abdullah", those
    holding it twice share a key of their own."""
    out: list[str] = []
    for i in range(len(tokens)):
        a = tokens[i]
        if len(a) < 3:
            continue
        for j in range(i + 1, len(tokens)):
            b = tokens[j]
            if a == b or (len(b) >= 3 and OSA.distance(a, b, score_cutoff=1) <= 1):
                for key in ("r" + a, "r" + b):
                    if key not in out:
                        out.append(key)
    return out


#: A Hangul syllable's spellings used in joined keys (Jongun, Youngho): those costing at
#: most this (text/translit.py costs; 0 = a standard scheme).
_JOINED_SPELLING_COST = 0.2
#: Most keys one joined group may hold (the product of its syllables' spellings).
_JOINED_KEYS = 512
#: Joined groups of at most this many keys are written out (`_joined_group`).
_SPELT_OUT = 16


@lru_cache(maxsize=16_384)
def _ranked_spellings(syllable: str, surname: bool) -> tuple[tuple[str, float], ...]:
    """A syllable's accepted spellings with their costs, cheapest first (then by letter)."""
    return tuple(sorted(hangul_syllable_spellings(syllable, surname).items(),
                        key=lambda vc: (vc[1], vc[0])))


@lru_cache(maxsize=16_384)
def _syllable_spellings(syllable: str, surname: bool, most: float) -> tuple[str, ...]:
    return tuple(v for v, c in _ranked_spellings(syllable, surname) if c <= most)


@lru_cache(maxsize=16_384)
def _syllable_group(syllable: str, surname: bool) -> tuple[str, ...]:
    """One syllable's key group: its standard spellings' token keys, its others' exact."""
    keys: list[str] = []
    for v, c in _ranked_spellings(syllable, surname):
        if c == 0.0:
            keys.extend(_token_keys(v))
        else:
            keys.append("t" + v)
    return tuple(dict.fromkeys(keys))


class JoinedKeys:
    """A joined key group (adjacent Hangul syllables written together: Jongun, Youngho) as
    the spellings of each syllable, not the product of them.

    The product is up to `_JOINED_KEYS` strings, of which a list holds almost none (0.13
    of 160 on average for the Hangul names of the negatives file): spelling them all out
    cost a Hangul query ~0.5 ms to write and ~0.4 ms to look up. `CandidateIndex` expands
    the group against its own keys instead (`present`), a syllable at a time, keeping only
    the prefixes some key starts with. `keys()` is the whole product, in order: the first
    `_JOINED_KEYS` combinations, each syllable's spellings in the order given (`parts`)."""

    __slots__ = ("_hash", "parts")

    def __init__(self, parts: tuple[tuple[str, ...], ...]) -> None:
        self.parts = parts
        self._hash = hash(("JoinedKeys", parts))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JoinedKeys) and other.parts == self.parts

    def __repr__(self) -> str:
        return f"JoinedKeys({self.parts!r})"

    def __bool__(self) -> bool:  # whether the product holds any key
        return all(self.parts)

    def __reduce__(self) -> tuple[type[JoinedKeys], tuple[tuple[tuple[str, ...], ...]]]:
        return (JoinedKeys, (self.parts,))

    def keys(self) -> tuple[str, ...]:
        """Every key of the group, distinct, in product order (`_JOINED_KEYS` at most)."""
        combos = [""]
        for spellings in self.parts:
            combos = [c + v for c in combos for v in spellings][:_JOINED_KEYS]
        return tuple(dict.fromkeys("t" + c for c in combos))

    def present(self, has_prefix: Callable[[str], bool], slots: dict[str, int]) -> tuple[
            str, ...]:
        """The group's keys that are in `slots`: the same as those of `keys()`, found by
        extending only the combinations that are a prefix of some key (`has_prefix`, on
        "t" + the combination). A combination's rank in the product (its place before the
        cut at `_JOINED_KEYS`) is kept along, so the cut is the same."""
        frontier: list[tuple[str, int]] = [("t", 0)]
        last = len(self.parts) - 1
        for k, spellings in enumerate(self.parts):
            n = len(spellings)
            grown: list[tuple[str, int]] = []
            for combo, rank in frontier:
                base = rank * n
                for i, v in enumerate(spellings):
                    if base + i >= _JOINED_KEYS:
                        break
                    key = combo + v
                    if key in slots if k == last else has_prefix(key):
                        grown.append((key, base + i))
            frontier = grown
            if not frontier:
                break
        return tuple(dict.fromkeys(key for key, _ in frontier))


#: One query token's keys, or a Hangul name's joined group (expanded by the index); as a
#: query hands it to `lookup`, and as it is kept (a cache key; `hangul_query_keys`).
QueryGroup = Sequence[str] | JoinedKeys
KeyGroup = tuple[str, ...] | JoinedKeys


@lru_cache(maxsize=65536)
def _joined_group(syllables: tuple[str, ...], first_is_surname: bool) -> KeyGroup:
    """Keys of adjacent syllables written together (every spelling of each), as a
    `JoinedKeys`: where the product would pass `_JOINED_KEYS`, a syllable's non-standard
    spellings are left out."""
    parts: list[tuple[str, ...]] = []
    count = 1
    for k, syl in enumerate(syllables):
        spellings = _syllable_spellings(syl, first_is_surname and k == 0, _JOINED_SPELLING_COST)
        if count * len(spellings) > _JOINED_KEYS:
            spellings = _syllable_spellings(syl, first_is_surname and k == 0, 0.0)
        parts.append(spellings)
        count = min(_JOINED_KEYS, count * len(spellings))
    # A syllable with one spelling joins its neighbour's (gao + ga + jin is gaogajin): the
    # product and its cut are the same, and so is the group of another reading that splits
    # the same letters otherwise (a group met twice is looked up once).
    merged: list[tuple[str, ...]] = []
    for part in parts:
        if merged and len(part) == 1:
            merged[-1] = tuple(v + part[0] for v in merged[-1])
        elif merged and len(merged[-1]) == 1:
            merged[-1] = tuple(merged[-1][0] + v for v in part)
        else:
            merged.append(part)
    group = JoinedKeys(tuple(merged))
    # A small group is written out, as a token's keys are (and is the same group as one of
    # them when it has the same keys: 아 alone is "ta" read as Korean or as Chinese).
    return group.keys() if count <= _SPELT_OUT else group


@lru_cache(maxsize=8192)
def hangul_query_keys(orders: tuple[tuple[str, ...], ...]) -> tuple[
        tuple[KeyGroup, int], ...]:
    """Key groups of a Hangul personal name, given as its syllable orders (surname first).

    A romanised form per scheme (RR, McCune-Reischauer) finds only list names spelt wholly
    in one scheme; lists and people mix them (Kim Young-ho, Hwang Byungki, Sandara Park).
    So each syllable's group holds every accepted spelling of it (the standard ones with
    their approximate keys too), and the joined groups every spelling of adjacent syllables
    written together and of the whole given name: whichever way the list spells the name,
    its tokens hit these groups as exactly as a Latin query's own tokens hit theirs.

    Each group comes with the number of syllables it spans, which weighs it in `lookup`:
    a list name that writes the given name as one word ("Junhyung Kim") hits one joined
    group where "Kim Jun-hyun" hits two syllable groups, and would otherwise rank below
    every list name sharing two of the syllables.
    """
    groups: list[tuple[KeyGroup, int]] = []
    seen: set[KeyGroup] = set()

    def add(group: KeyGroup, span: int = 1) -> None:  # distinct keys, in order
        if group and group not in seen:
            seen.add(group)
            groups.append((group, span))

    for sylls in orders:
        if is_mandarin_unit(sylls[0]):
            # A Chinese reading (text/sinokorean.py): its given name, written together as
            # pinyin names are ("Wang Zhaojun"), looked up exactly (the keys of every
            # reading of every syllable would find thousands). The Korean reading's
            # surname group holds the common spellings of the surname already.
            add(_joined_group(sylls[1:], False), len(sylls) - 1)
            continue
        for k, syl in enumerate(sylls):
            add(_syllable_group(syl, k == 0))
        for k in range(len(sylls) - 1):
            add(_joined_group(sylls[k:k + 2], k == 0), 2)
        if len(sylls) > 3:
            add(_joined_group(sylls[1:], False), len(sylls) - 1)
        add(_joined_group(sylls, True), len(sylls))
    return tuple(groups)


class CandidateIndex:
    """Inverted index from keys to name-form ids, plus an identifier index."""

    def __init__(self, slots: dict[str, int], offsets: np.ndarray, postings: np.ndarray,
                 form_entity: np.ndarray, identifiers: dict[str, list[int]]) -> None:
        self.slots = slots
        self.offsets = offsets
        self.postings = postings
        self.form_entity = form_entity
        self.identifiers = identifiers
        self.n_forms = int(form_entity.shape[0])
        self._log_n = math.log(max(self.n_forms, 2) + 1)
        self._cache: dict[KeyGroup, _Group] = {}
        self._joinable: list[str] | None = None  # sorted "t" keys (has_prefix)
        self._prefixes: dict[str, bool] = {}

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, forms: Iterable[tuple[int, Sequence[str], Sequence[str]]],
              identifiers: Iterable[tuple[int, str]]) -> CandidateIndex:
        """Index (entity index, tokens, raw tokens) per name form, and (entity, id key)."""
        table: dict[str, list[int]] = {}
        ents: list[int] = []
        for fid, (ent, tokens, raw) in enumerate(forms):
            ents.append(ent)
            keys: set[str] = set()
            for tok in tokens:
                keys.update(_token_keys(tok))
            keys.update(compound_keys(raw))
            if len(raw) > 1:
                keys.add("t" + "".join(raw))
            if len(tokens) == 1:
                keys.add("w" + tokens[0])
            for tok in tokens:
                if tokens.count(tok) > 1:
                    keys.add("r" + tok)
            for key in keys:
                lst = table.get(key)
                if lst is None:
                    table[key] = [fid]
                else:
                    lst.append(fid)
        slots: dict[str, int] = {}
        sizes = np.empty(len(table), dtype=np.int64)
        flat: list[int] = []
        for n, (key, lst) in enumerate(table.items()):
            slots[key] = n
            sizes[n] = len(lst)
            flat.extend(lst)
        offsets = np.zeros(len(table) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        idents: dict[str, list[int]] = {}
        for ent, key in identifiers:
            bucket = idents.setdefault(key, [])
            if ent not in bucket:
                bucket.append(ent)
        return cls(slots, offsets, np.asarray(flat, dtype=np.int32),
                   np.asarray(ents, dtype=np.int32), idents)

    # ------------------------------------------------------------------ querying
    def df(self, key: str) -> int:
        slot = self.slots.get(key)
        if slot is None:
            return 0
        return int(self.offsets[slot + 1] - self.offsets[slot])

    def idf(self, key: str) -> float:
        """Inverse document frequency of a key, in nats (0 for a key in every form)."""
        return self._log_n - math.log(self.df(key) + 1)

    def _group_hits(self, group: QueryGroup) -> _Group:
        """Forms hit by one key group (one query token's keys), each once with its best
        key's weight, and the common keys skipped (over `MAX_DF` forms); cached per group
        (customer files repeat their first names and surnames)."""
        key: KeyGroup = group if isinstance(group, (JoinedKeys, tuple)) else tuple(group)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        slots = self.slots
        keys: tuple[str, ...]
        if isinstance(key, JoinedKeys):
            keys = key.present(self.has_prefix, slots)
        else:
            keys = key
            for k in keys:
                if k in slots:
                    break
            else:
                # No key of the group is indexed: most are the joined forms of a name's
                # adjacent words ("alischellekens"), one per name pair. Not kept: in a
                # customer file they are nearly all new (308,000 of the 361,000 distinct
                # groups of 100,000 Faker customers were seen once), and kept they pushed
                # the first names and surnames out of the cache (two lookups in three
                # missed it). A Hangul name's joined group is kept either way: expanding
                # it (`present`) is its cost, and given names recur.
                return _NO_GROUP
        gbest, gseen, out_ids, out_ws = self._group_scratch()
        common: list[tuple[int, int, float]] = []
        n = group_hits(keys, self.slots, _APPROX, self.offsets, self.postings, self._log_n,
                       MAX_DF, gbest, gseen, out_ids, out_ws, common)
        skipped = [(hi - lo, self.postings[lo:hi], w) for lo, hi, w in common]
        if n:
            ids, ws = out_ids[:n].copy(), out_ws[:n].copy()
        else:
            ids, ws = _NO_IDS, _NO_WEIGHTS
        hit = (ids, ws, skipped)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = hit
        return hit

    def has_prefix(self, prefix: str) -> bool:
        """Whether some key starts with `prefix` (a "t" key: `JoinedKeys.present`).
        Remembered: the same surnames and syllable pairs start many names, and a search
        of the sorted keys costs ~1.5 µs (a cache miss a comparison)."""
        known = self._prefixes.get(prefix)
        if known is not None:
            return known
        keys = self._joinable
        if keys is None:
            keys = self.warm()
        i = bisect_left(keys, prefix)
        known = i < len(keys) and keys[i].startswith(prefix)
        if len(self._prefixes) >= _PREFIX_CACHE:
            self._prefixes.clear()
        self._prefixes[prefix] = known
        return known

    def warm(self) -> list[str]:
        """Sort the exact-token keys for `has_prefix` now (~0.1 s over all lists) rather
        than on the first Hangul query; the API and batch workers call it on loading."""
        keys = self._joinable
        if keys is None:
            keys = self._joinable = sorted(k for k in self.slots if k[:1] == "t")
        return keys

    def _group_scratch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """This thread's rows for merging one group's keys (kernel.group_hits)."""
        return thread_scratch("index.group", self.n_forms, lambda n: (
            np.zeros(n), np.zeros(n, dtype=np.uint8), np.empty(n, dtype=np.int32),
            np.empty(n)))

    def lookup(self, groups: Sequence[QueryGroup], limit: int,
               spans: Sequence[int] | None = None) -> np.ndarray:
        """Ids of the `limit` forms that share the most (rare) keys with the query groups,
        best first (ties: lower id first).

        A form scores, per group (one query token's keys), the weight of its best key in
        that group (times the group's span, when `spans` gives one: see
        `hangul_query_keys`), summed over groups; keys in more than `MAX_DF` forms then add
        to forms already found, not find new ones."""
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        skipped: list[tuple[int, np.ndarray, float]] = []
        for k, group in enumerate(groups):
            ids, ws, skip = self._group_hits(group)
            span = spans[k] if spans is not None else 1
            if span != 1:
                ws = ws * span
                skip = [(df, arr, w * span) for df, arr, w in skip]
            skipped.extend(skip)
            if ids.shape[0]:
                parts.append((ids, ws))
        if not parts and skipped:
            # Only very common keys: intersect the two rarest instead of scanning them.
            skipped.sort(key=lambda s: s[0])
            base = skipped[0][1]
            if len(skipped) > 1:
                base = np.intersect1d(base, skipped[1][1], assume_unique=False)
            return np.asarray(base[:limit], dtype=np.int32)
        if not parts:
            return np.empty(0, dtype=np.int32)
        dense, seen, touched = self._scratch()
        hit = 0
        for ids, ws in parts:
            hit = accumulate(ids, ws, 0.0, False, dense, seen, touched, hit)
        for _, arr, w in skipped:
            # Common keys only add to forms already found by rarer ones.
            hit = accumulate(arr, _NO_WEIGHTS, w, True, dense, seen, touched, hit)
        return top_forms(dense, seen, touched, hit, limit)

    def _scratch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """This thread's rows for `lookup`, one slot per form: scores and marks (all zero
        between calls) and the ids touched."""
        return thread_scratch("index.lookup", self.n_forms, lambda n: (
            np.zeros(n), np.zeros(n, dtype=np.uint8), np.empty(n, dtype=np.int32)))

    def by_identifier(self, key: str) -> list[int]:
        return self.identifiers.get(key, [])

    # ------------------------------------------------------------------ persistence
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "offsets.npy", self.offsets)
        np.save(folder / "postings.npy", self.postings)
        np.save(folder / "form_entity.npy", self.form_entity)
        with open(folder / "keys.pkl", "wb") as fh:
            pickle.dump({"slots": self.slots, "identifiers": self.identifiers}, fh,
                        protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> CandidateIndex:
        mode: Literal["r"] | None = "r" if mmap else None
        offsets = np.load(folder / "offsets.npy", mmap_mode=mode)
        postings = np.load(folder / "postings.npy", mmap_mode=mode)
        form_entity = np.load(folder / "form_entity.npy", mmap_mode=mode)
        with open(folder / "keys.pkl", "rb") as fh:
            head = pickle.load(fh)  # noqa: S301 - our own file, written by save()
        # Plain ndarray views of the same mapping: every slice of an np.memmap is another
        # memmap built in Python, and the lookup slices postings dozens of times a query.
        if isinstance(offsets, np.memmap):
            offsets = offsets.view(np.ndarray)
            postings = postings.view(np.ndarray)
            form_entity = form_entity.view(np.ndarray)
        return cls(head["slots"], offsets, postings, form_entity, head["identifiers"])
