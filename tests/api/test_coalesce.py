"""The /screen route's coalescer: requests ready together are screened back to back, and
each gets its own result or its own error."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from proscribe.api.coalesce import ScreenCoalescer
from proscribe.model import Entity, EntityKind, ListVersion, Name
from proscribe.screening import Screener, ScreeningQuery
from proscribe.store.audit import canonical_json


@pytest.fixture(scope="module")
def screener() -> Screener:
    ents = [Entity("un", "KPi.033", EntityKind.PERSON, [Name("KIM JONG UN")]),
            Entity("ofac_sdn", "1", EntityKind.ORGANIZATION, [Name("AGROSOYUZ OOO")]),
            Entity("un", "KPe.001", EntityKind.ORGANIZATION,
                   [Name("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED")])]
    return Screener.build(ents, [ListVersion("un", "1", None, "", "1")])


def _top(result: dict[str, Any]) -> str | None:
    cands = result["candidates"]
    return str(cands[0]["entity_id"]) if cands else None


def test_requests_ready_together_are_screened_in_one_run(screener: Screener) -> None:
    names = ["Kim Jong Un", "Agrosoyuz", "Ocean Maritime Management", "Nobody Atall",
             "Kim Chong-un"]
    co = ScreenCoalescer()

    async def main() -> list[tuple[dict[str, Any], str]]:
        return await asyncio.gather(*[co.screen_data(screener, ScreeningQuery(name=n))
                                      for n in names])

    done = asyncio.run(main())
    # The JSON text of each result is its canonical JSON (the audit record's and answer's).
    assert all(text == canonical_json(result) for result, text in done)
    results = [result for result, _ in done]
    assert co.runs == 1 and co.screenings == len(names)
    # Each request has its own answer, the one screen_data gives it alone.
    for name, result in zip(names, results, strict=True):
        alone = screener.screen_data(ScreeningQuery(name=name))
        assert {**result, "elapsed_ms": 0} == {**alone, "elapsed_ms": 0}
    assert [_top(r) for r in results] == ["un:KPi.033", "ofac_sdn:1", "un:KPe.001", None,
                                          "un:KPi.033"]


def test_one_failing_screening_fails_only_its_request(screener: Screener) -> None:
    co = ScreenCoalescer()

    async def main() -> list[Any]:
        good = co.screen_data(screener, ScreeningQuery(name="Agrosoyuz"))
        bad = co.screen_data(screener, None)  # type: ignore[arg-type]
        return list(await asyncio.gather(good, bad, return_exceptions=True))

    good, bad = asyncio.run(main())
    assert _top(good[0]) == "ofac_sdn:1"
    assert isinstance(bad, AttributeError)


def test_a_cancelled_request_is_not_screened(screener: Screener) -> None:
    co = ScreenCoalescer()

    async def main() -> tuple[dict[str, Any], str]:
        gone = asyncio.ensure_future(co.screen_data(screener, ScreeningQuery(name="Kim")))
        kept = asyncio.ensure_future(co.screen_data(screener,
                                                    ScreeningQuery(name="Agrosoyuz")))
        await asyncio.sleep(0)  # both queued
        gone.cancel()
        return await kept

    assert _top(asyncio.run(main())[0]) == "ofac_sdn:1"
    assert co.screenings == 1


def test_each_event_loop_has_its_own_queue(screener: Screener) -> None:
    """Two loops in two threads (as two test clients of one app): every request is
    screened and answered on its own loop."""
    import threading

    co = ScreenCoalescer()
    names = ["Kim Jong Un", "Agrosoyuz", "Ocean Maritime Management"]
    tops: dict[str, list[str | None]] = {}

    async def many(tag: str) -> None:
        done = await asyncio.gather(*[co.screen_data(screener, ScreeningQuery(name=n))
                                      for n in names * 20])
        tops[tag] = [_top(result) for result, _ in done]

    threads = [threading.Thread(target=asyncio.run, args=(many(tag),)) for tag in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = ["un:KPi.033", "ofac_sdn:1", "un:KPe.001"] * 20
    assert tops == {"a": expected, "b": expected}
    assert co.screenings == 2 * len(expected)


def test_results_are_written_as_canonical_json(screener: Screener) -> None:
    """The answer's and the audit record's text (orjson) is json.dumps's canonical text."""
    from proscribe.store.audit import canonical_json_data

    for name in ("Kim Jong Un", "Ocean Maritime Management", "Agrosoyuz", "김정은",
                 "John Smith"):
        result = screener.screen_data(ScreeningQuery(name=name, type="person"))
        assert canonical_json_data(result) == canonical_json(result)
