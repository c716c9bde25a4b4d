"""OFAC remarks parser: a case table of real remark strings, and property tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.model import DateKind, IdentifierType
from proscribe.sources.ofac_remarks import RemarkFacts, parse_date, parse_remarks

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "ofac" / "remarks_cases.yaml").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["remark"][:40] for c in CASES])
def test_remark_case(case: dict[str, Any]) -> None:
    facts = parse_remarks(case["remark"])
    if "birth_dates" in case:
        got = [[d.value, d.kind.value, d.end] for d in facts.birth_dates]
        assert got == case["birth_dates"]
    if "birth_places" in case:
        assert [[p.value, p.country] for p in facts.birth_places] == case["birth_places"]
    for name in ("nationalities", "citizenships", "countries", "weak_aliases", "unparsed"):
        if name in case:
            assert getattr(facts, name) == case[name], name
    if "gender" in case:
        assert facts.gender == case["gender"]
    if "identifiers" in case:
        got_ids = [[i.type.value, i.value, i.country] for i in facts.identifiers]
        assert got_ids == case["identifiers"]
    if "links" in case:
        assert [link.target_name for link in facts.links] == case["links"]
    if "sanctions_info" in case:
        assert facts.sanctions_info == case["sanctions_info"]
    if "properties" in case:
        assert facts.properties == case["properties"]


@pytest.mark.parametrize(
    ("text", "value", "kind", "end"),
    [
        ("08 Nov 1969", "1969-11-08", DateKind.EXACT, None),
        ("1969", "1969", DateKind.YEAR, None),
        ("Nov 1969", "1969-11", DateKind.MONTH, None),
        ("circa 1965", "1965", DateKind.APPROXIMATE, None),
        ("1960 to 1962", "1960", DateKind.RANGE, "1962"),
        ("01 Jan 1960 to 31 Dec 1962", "1960-01-01", DateKind.RANGE, "1962-12-31"),
    ],
)
def test_parse_date_forms(text: str, value: str, kind: DateKind, end: str | None) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert (parsed.value, parsed.kind, parsed.end) == (value, kind, end)


@pytest.mark.parametrize("text", ["", "32 Nov 1969", "Foo 1969", "sometime", "circa", "1 to"])
def test_parse_date_refuses_what_it_cannot_read(text: str) -> None:
    assert parse_date(text) is None


def test_unreadable_dob_is_kept_not_lost() -> None:
    facts = parse_remarks("DOB sometime in the 1960s; Gender Male.")
    assert facts.birth_dates == []
    assert facts.unparsed == ["DOB sometime in the 1960s"]
    assert facts.gender == "male"


def test_empty_and_null_remarks() -> None:
    assert parse_remarks(None) == RemarkFacts()
    assert parse_remarks("") == RemarkFacts()
    assert parse_remarks("-0- ") == RemarkFacts()


def test_several_dobs_and_identifier_types() -> None:
    facts = parse_remarks("DOB 1969; alt. DOB 1970; alt. DOB 1971; IMO 9123456; MMSI 613123000.")
    assert [d.value for d in facts.birth_dates] == ["1969", "1970", "1971"]
    assert [i.type for i in facts.identifiers] == [IdentifierType.IMO, IdentifierType.MMSI]


# Pieces in the shapes OFAC writes, so generated text reaches every branch, not only the
# "unparsed" one.
_PIECES = st.sampled_from(
    [
        "DOB ", "POB ", "nationality ", "citizen ", "Gender ", "Passport ", "a.k.a. '",
        "Linked To: ", "SWIFT/BIC ", "Vessel Year of Build ", "Other Vessel Flag ",
        "Website ", "IMO ", "alt. ", "(", ")", "'", ";", ".", " to ", "circa ", "Nov ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=12))
def test_parse_remarks_never_raises(parts: list[str]) -> None:
    text = "".join(parts)
    facts = parse_remarks(text)
    # Nothing is invented: every identifier value and alias comes from the text.
    squeezed = " ".join(text.split())
    for ident in facts.identifiers:
        assert ident.value in squeezed
    for alias in facts.weak_aliases:
        assert alias in squeezed


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parse_date_never_raises_and_is_well_formed(text: str) -> None:
    parsed = parse_date(text)
    if parsed is not None:
        low, high = parsed.year_range
        assert low <= high
