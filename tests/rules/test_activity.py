"""Activity input: bad input gets a QueryError naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from proscribe.errors import QueryError
from proscribe.rules import parse_activity

GOOD: dict[str, Any] = {
    "date": "2018-03-01",
    "kind": "trade",
    "destination": "North Korea",
    "goods": [{"hs": "2710.19", "quantity": 10, "unit": "bbl"}],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "smuggling"}, "kind"),
        ({"date": "2005-12-31"}, "date"),
        ({"date": "2018-02-30"}, "date"),
        ({"date": "01/03/2018"}, "date"),
        ({"goods": [{"hs": "27X0"}]}, "goods.0.hs"),
        ({"goods": [{"hs": "771000"}]}, "goods.0.hs"),
        ({"goods": [{"hs": "271"}]}, "goods.0.hs"),
        ({"goods": [{"hs": "2710", "unit": "gallons of joy"}]}, "goods.0.unit"),
        ({"destination": "Atlantis"}, "destination"),
        ({"jurisdiction": "fr"}, "jurisdiction"),
        ({"colour": "red"}, "colour"),
        ({"contract_date": "2001-01-01"}, "contract_date"),
    ],
)
def test_bad_field_is_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_activity({**GOOD, **change})
    assert err.value.fields["field"] == field


def test_not_an_object() -> None:
    with pytest.raises(QueryError) as err:
        parse_activity(["trade"])
    assert err.value.fields["field"] == "activity"


def test_normalisation() -> None:
    act = parse_activity({**GOOD, "kind": "payment", "direction": "to_dprk", "purpose": "Civil passenger aircraft"})
    assert act.kind == "financial_service"
    assert act.destination == "kp"
    assert act.direction == "to_target"
    assert act.goods[0].hs == "271019"
    assert act.goods[0].unit == "barrel"
    assert act.purpose == "civil_passenger_aircraft"
    assert act.layer == "un"
