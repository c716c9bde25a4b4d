"""Column guessing, explicit mapping and row parsing."""

from __future__ import annotations

import pytest

from proscribe.batch import ColumnMap, guess_columns, parse_mapping, row_query
from proscribe.batch.columns import RowError
from proscribe.errors import ConfigError


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["name"], {"name": "name"}),
        (["Full Name", "Date of Birth", "Nationality", "Customer ID"],
         {"name": "Full Name", "dob": "Date of Birth", "country": "Nationality",
          "id": "Customer ID"}),
        (["customer_name", "DOB", "country", "IMO", "passport", "id", "type"],
         {"name": "customer_name", "dob": "DOB", "country": "country", "imo": "IMO",
          "passport": "passport", "id": "id", "type": "type"}),
    ],
)
def test_guesses_from_headers(headers: list[str], expected: dict[str, str]) -> None:
    got = {k: v for k, v in guess_columns(headers).to_dict().items() if v}
    assert got == expected


def test_explicit_mapping_wins() -> None:
    cols = guess_columns(["Party", "Birth", "name"], parse_mapping(["name=Party", "dob=Birth"]))
    assert (cols.name, cols.dob) == ("Party", "Birth")


def test_missing_name_column_is_refused_with_the_headers() -> None:
    with pytest.raises(ConfigError, match="no name column") as info:
        guess_columns(["id", "dob"], file="x.csv")
    assert info.value.fields["found"] == "id, dob"


def test_mapping_to_an_absent_column_is_refused() -> None:
    with pytest.raises(ConfigError, match="not in the file"):
        guess_columns(["name"], {"dob": "Birthday"})
    with pytest.raises(ConfigError, match="field=Column"):
        parse_mapping(["name"])
    with pytest.raises(ConfigError, match="unknown field"):
        parse_mapping(["colour=Red"])


def test_row_query_fields() -> None:
    cols = ColumnMap(name="n", type="t", dob="d", country="c", imo="i", passport="p")
    q = row_query({"n": " MV Chong Gon ", "t": "Ship", "d": "", "c": "KP", "i": "8660313",
                   "p": ""}, cols)
    assert q == {"name": "MV Chong Gon", "type": "vessel", "country": "KP",
                 "identifiers": ["imo:8660313"]}
    assert row_query({"n": "A B", "d": "08.11.1969"}, cols)["dob"] == "1969-11-08"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"n": ""}, "empty name"),
        ({"n": "X", "d": "1969-13-01"}, "impossible date"),
        ({"n": "X", "d": "last year"}, "unrecognised date"),
        ({"n": "X", "t": "robot"}, "unknown type"),
    ],
)
def test_unusable_rows_say_why(record: dict[str, str], reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        row_query(record, ColumnMap(name="n", type="t", dob="d"))
