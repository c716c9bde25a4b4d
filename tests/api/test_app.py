"""Every endpoint and every error path, through TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from proscribe.store.audit import AuditLog
from proscribe.store.keys import KeyStore

if TYPE_CHECKING:
    from tests.api.conftest import Env

from fastapi.testclient import TestClient

JANG = {"name": "Jang Su Han", "type": "person", "dob": "1969"}


def _screen(client: TestClient, env: Env, body: dict[str, object] | None = None,
            token: str | None = None) -> dict[str, object]:
    r = client.post("/screen", json=body or JANG, headers=env.h(token or env.screen))
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()
    return data


# ------------------------------------------------------------------ operations
def test_healthz_readyz_and_openapi(client: TestClient) -> None:
    from proscribe.matching import name_v1

    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["compiled"] is name_v1.COMPILED
    assert health["algorithm"] == f"name-v1@{name_v1.ALGORITHM_VERSION}"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["list_versions"][0]["version"] == "2026-01-10"
    spec = client.get("/openapi.json").json()
    for path in ("/screen", "/screen/batch", "/match/{dataset}", "/check", "/entities/{entity_id}",
                 "/lists", "/lists/{source}/diff", "/admin/lists/update", "/metrics"):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_readyz_is_503_without_a_list(db_url: str) -> None:
    from proscribe.api import ApiConfig, create_app
    from proscribe.settings import get_settings

    token = KeyStore.open(db_url).create(["screen"])[1]
    with TestClient(create_app(get_settings(), ApiConfig(api_index_poll_s=0))) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["error"] == "IndexNotReadyError"
        r = c.post("/screen", json=JANG, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 503
        assert "import" in r.json()["message"]


def test_metrics(client: TestClient, env: Env) -> None:
    _screen(client, env)
    text = client.get("/metrics").text
    assert 'proscribe_http_requests_total{method="POST",route="/screen",status="200"} 1.0' in text
    assert "proscribe_http_request_duration_seconds_bucket" in text
    assert 'proscribe_index_info{algorithm="name-v1@' in text
    assert 'proscribe_list_age_seconds{source="un",version="2026-01-10"}' in text
    assert "proscribe_ready 1.0" in text
    # The one screening ran from the /screen queue, and its audit record was committed.
    assert "proscribe_screen_queued_total 1.0" in text
    assert "proscribe_screen_runs_total 1.0" in text
    assert "proscribe_audit_commits_total 1.0" in text


# ------------------------------------------------------------------ screening
def test_screen(client: TestClient, env: Env) -> None:
    r = client.post("/screen", json=JANG, headers=env.h(env.screen))
    assert r.status_code == 200
    data = r.json()
    top = data["candidates"][0]
    assert top["entity_id"] == "un:KPi.900"
    assert top["band"] == "match" and data["band"] == "match"
    assert top["explanation"]
    assert data["list_versions"] == [
        {"source": "un", "version": "2026-01-10", "published": "2026-01-10",
         "sha256": data["list_versions"][0]["sha256"]}]
    assert data["algorithm"]["id"] == "name-v1" and data["algorithm"]["version"]
    assert data["index_version"] == r.headers["x-proscribe-index"]
    assert r.headers["x-proscribe-lists"] == "un=2026-01-10"
    assert r.headers["x-proscribe-algorithm"].startswith("name-v1@")
    assert data["audit_id"] == 1


def test_screen_identifier_only(client: TestClient, env: Env) -> None:
    data = _screen(client, env, {"identifiers": ["passport:745420176"]})
    assert data["candidates"][0]["entity_id"] == "un:KPi.900"  # type: ignore[index]


def test_screen_batch(client: TestClient, env: Env) -> None:
    body = {"queries": [JANG, {"name": "Ocean Maritime Management"}, {"name": "Nobody Atall"}]}
    r = client.post("/screen/batch", json=body, headers=env.h(env.screen))
    assert r.status_code == 200, r.text
    data = r.json()
    assert len(data["results"]) == 3
    assert data["results"][0]["candidates"][0]["entity_id"] == "un:KPi.900"
    assert data["list_versions"][0]["version"] == "2026-01-10"
    assert len(AuditLog.open(env.url)) == 1  # one record for the batch


def test_screen_batch_limit(env: Env) -> None:
    with env.client(api_batch_max=2) as c:
        r = c.post("/screen/batch", json={"queries": [JANG] * 3}, headers=env.h(env.screen))
        assert r.status_code == 422
        assert "at most 2" in r.json()["message"]
    with env.client() as c:
        r = c.post("/screen/batch", json={"queries": []}, headers=env.h(env.screen))
        assert r.status_code == 422


def test_match_is_yente_shaped(client: TestClient, env: Env) -> None:
    body = {"queries": {
        "q1": {"schema": "Person", "properties": {
            "name": ["Jang Su Han"], "birthDate": ["1969-11-08"], "nationality": ["kp"]}},
        "q2": {"schema": "Company", "properties": {"name": "Ocean Maritime Management"}},
    }}
    r = client.post("/match/default?limit=2", json=body, headers=env.h(env.screen))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["limit"] == 2
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200
    assert q1["total"]["relation"] == "eq"
    assert q1["query"]["schema"] == "Person"
    top = q1["results"][0]
    for field in ("id", "caption", "schema", "properties", "datasets", "score", "match",
                  "features", "explanations"):
        assert field in top
    assert top["id"] == "un:KPi.900" and top["match"] is True and top["schema"] == "Person"
    assert "JANG SU HAN" in top["properties"]["name"]
    assert len(q1["results"]) <= 2
    assert data["responses"]["q2"]["results"][0]["id"] == "un:KPe.020"
    assert data["list_versions"] and data["algorithm"]["id"] == "name-v1"
    # A threshold above every score: results still come, none is a match.
    r = client.post("/match/un?threshold=1.0", json=body, headers=env.h(env.screen))
    assert all(not x["match"] for x in r.json()["responses"]["q1"]["results"])
    # Datasets other than the loaded lists are 404, an unknown schema 422.
    assert client.post("/match/ofac_sdn", json=body,
                       headers=env.h(env.screen)).status_code == 404
    bad = {"queries": {"q": {"schema": "Banana", "properties": {"name": ["x"]}}}}
    assert client.post("/match/default", json=bad, headers=env.h(env.screen)).status_code == 422
    r = client.post("/match/default?algorithm=logic-v1", json=body, headers=env.h(env.screen))
    assert r.status_code == 422 and r.json()["field"] == "algorithm"


def test_check(client: TestClient, env: Env) -> None:
    pytest.importorskip("proscribe.checking")
    activity = {"date": "2026-02-01", "kind": "financial_service", "jurisdiction": "un",
                "parties": [{"name": "Ocean Maritime Management Company", "role": "beneficiary",
                             "country": "kp"}]}
    r = client.post("/check", json=activity, headers=env.h(env.check))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["result"] and data["list_versions"] and data["audit_id"] >= 1
    r = client.post("/check", json={**activity, "kind": "nonsense"}, headers=env.h(env.check))
    assert r.status_code == 422
    r = client.post("/check", json={**activity, "colour": "red"}, headers=env.h(env.check))
    assert r.status_code == 422


# ------------------------------------------------------------------ lists
def test_entity(client: TestClient, env: Env) -> None:
    r = client.get("/entities/un:KPi.900", headers=env.h(env.screen))
    assert r.status_code == 200
    data = r.json()
    assert data["id"] == "un:KPi.900"
    assert data["records"][0]["entity"]["ref"] == "KPi.900"
    assert data["list_versions"][0]["version"] == "2026-01-10"
    assert client.get("/entities/un:NOPE", headers=env.h(env.screen)).status_code == 404
    assert client.get("/entities/nocolon", headers=env.h(env.screen)).status_code == 404


def test_lists_and_diff(client: TestClient, env: Env) -> None:
    r = client.get("/lists", headers=env.h(env.screen))
    assert [v["version"] for v in r.json()["lists"]] == ["2026-01-10"]
    env.add_version("v2")
    assert client.post("/admin/lists/update", headers=env.h(env.admin)).status_code == 200
    r = client.get("/lists?all=true", headers=env.h(env.screen))
    assert [v["version"] for v in r.json()["lists"]] == ["2026-01-10", "2026-02-10"]
    r = client.get("/lists?as_of=2026-01-20", headers=env.h(env.screen))
    assert [v["version"] for v in r.json()["lists"]] == ["2026-01-10"]
    r = client.get("/lists/un/diff?from=2026-01-10&to=latest", headers=env.h(env.screen))
    assert r.status_code == 200, r.text
    diff = r.json()["diff"]
    assert diff["from"] == "2026-01-10" and diff["to"] == "2026-02-10"
    assert "un:KPe.999" in {e["id"] for e in diff["added"]}
    assert client.get("/lists/un/diff?from=1999-01-01",
                      headers=env.h(env.screen)).status_code == 404
    assert client.get("/lists/nosuch/diff", headers=env.h(env.screen)).status_code == 404


# ------------------------------------------------------------------ updates and as-of
def test_admin_update_swaps_and_as_of(client: TestClient, env: Env) -> None:
    before = _screen(client, env)
    r = client.post("/admin/lists/update", headers=env.h(env.admin))
    assert r.status_code == 200 and r.json()["status"] == "unchanged"
    env.add_version("v2")
    r = client.post("/admin/lists/update", json={}, headers=env.h(env.admin))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["status"] == "updated"
    assert [v["version"] for v in report["imported"]] == ["2026-02-10"]
    assert report["previous_index_version"] == before["index_version"]
    after = _screen(client, env)
    assert after["list_versions"][0]["version"] == "2026-02-10"  # type: ignore[index]
    assert after["index_version"] != before["index_version"]
    # As of a day in January: the January version, from the as-of cache on the second ask.
    for _ in range(2):
        old = _screen(client, env, {**JANG, "as_of": "2026-01-20"})
        assert old["list_versions"][0]["version"] == "2026-01-10"  # type: ignore[index]
        assert old["index_version"] == before["index_version"]
        assert old["as_of"] == "2026-01-20"
    r = client.post("/screen", json={**JANG, "as_of": "1990-01-01"}, headers=env.h(env.screen))
    assert r.status_code == 503
    r = client.post("/screen", json={**JANG, "as_of": "not a date"}, headers=env.h(env.screen))
    assert r.status_code == 422


def test_failed_import_leaves_old_index(client: TestClient, env: Env) -> None:
    env.add_version("v2")
    client.post("/admin/lists/update", headers=env.h(env.admin))
    serving = _screen(client, env)["index_version"]
    env.add_broken()
    r = client.post("/admin/lists/update", headers=env.h(env.admin))
    assert r.status_code == 200
    report = r.json()
    assert report["status"] == "refused"
    assert report["refused"][0]["source"] == "un" and report["refused"][0]["message"]
    assert report["index_version"] == serving
    assert _screen(client, env)["index_version"] == serving


def test_update_needs_a_lists_folder(env: Env) -> None:
    from proscribe.settings import override_settings

    with override_settings(lists_dir=None):
        from proscribe.api import ApiConfig, create_app
        from proscribe.settings import get_settings

        with TestClient(create_app(get_settings(), ApiConfig(api_index_poll_s=0))) as c:
            r = c.post("/admin/lists/update", headers=env.h(env.admin))
            assert r.status_code == 400 and "PROSCRIBE_LISTS_DIR" in r.json()["message"]
            r = c.post("/admin/lists/update", json={"sources": ["un"]},
                       headers=env.h(env.admin))
            assert r.status_code == 400


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("path,method", [
    ("/screen", "post"), ("/screen/batch", "post"), ("/match/default", "post"),
    ("/check", "post"), ("/entities/un:KPi.900", "get"), ("/lists", "get"),
    ("/lists/un/diff", "get"), ("/admin/lists/update", "post"),
])
def test_no_key_is_401(client: TestClient, path: str, method: str) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 401
    assert r.json()["error"] == "Unauthorized" and r.json()["message"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_bad_and_revoked_keys_are_401(client: TestClient, env: Env) -> None:
    for header in ({"Authorization": "Bearer psk_000000000000_" + "x" * 43},
                   {"Authorization": "Bearer nonsense"}, {"X-API-Key": env.screen + "x"}):
        assert client.post("/screen", json=JANG, headers=header).status_code == 401
    # Other ways to present a key work too.
    assert client.post("/screen", json=JANG, headers={"X-API-Key": env.screen}).status_code == 200
    assert client.post("/screen", json=JANG,
                       headers={"Authorization": f"ApiKey {env.screen}"}).status_code == 200
    keys = KeyStore.open(env.url)
    record, token = keys.create(["screen"], "to revoke")
    keys.revoke(record.key_id)
    assert client.post("/screen", json=JANG, headers=env.h(token)).status_code == 401


def test_wrong_scope_is_403(client: TestClient, env: Env) -> None:
    r = client.post("/screen", json=JANG, headers=env.h(env.check))
    assert r.status_code == 403 and "screen" in r.json()["message"]
    assert client.post("/check", json={}, headers=env.h(env.screen)).status_code == 403
    assert client.post("/admin/lists/update", headers=env.h(env.screen)).status_code == 403
    # admin may do everything
    assert client.post("/screen", json=JANG, headers=env.h(env.admin)).status_code == 200


def test_body_too_large_is_413(env: Env) -> None:
    with env.client(api_max_body_bytes=2000) as c:
        big = {"name": "x" * 900, "identifiers": ["passport:" + "1" * 40] * 40}
        r = c.post("/screen", json=big, headers=env.h(env.screen))
        assert r.status_code == 413 and "2000" in r.json()["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
            yield b'{"name": "'
            for _ in range(30):
                yield b"y" * 100
            yield b'"}'

        r = c.post("/screen", content=chunks(),
                   headers={**env.h(env.screen), "content-type": "application/json"})
        assert r.status_code == 413


@pytest.mark.parametrize("body,needle", [
    (b'{"name": "Jang', "malformed JSON"),
    (b"[1, 2]", "body"),
    (json.dumps({"name": 5}).encode(), "body.name"),
    (json.dumps({"name": "x", "dateOfBirth": "1969"}).encode(), "dateOfBirth"),
    (json.dumps({"name": "x", "limit": 0}).encode(), "limit"),
    (json.dumps({"name": "x", "type": "banana"}).encode(), "type"),
    (json.dumps({"name": "x", "identifiers": "imo:1"}).encode(), "identifiers"),
    (json.dumps({"name": ""}).encode(), "name"),  # refused by the screening core
    (json.dumps({"name": "x", "dob": "1969-13"}).encode(), "dob"),
    (json.dumps({"name": "x", "country": "Atlantis"}).encode(), "country"),
    (json.dumps({"name": "x", "identifiers": ["shoe:42"]}).encode(), "identifier"),
])
def test_bad_input_is_422(client: TestClient, env: Env, body: bytes, needle: str) -> None:
    r = client.post("/screen", content=body,
                    headers={**env.h(env.screen), "content-type": "application/json"})
    assert r.status_code == 422, r.text
    data = r.json()
    assert data["message"]
    assert needle in json.dumps(data)


def test_rate_limit_is_429(env: Env) -> None:
    with env.client(api_rate_limit_per_s=0.5, api_rate_limit_burst=2) as c:
        codes = [c.post("/screen", json=JANG, headers=env.h(env.screen)) for _ in range(3)]
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert int(codes[2].headers["retry-after"]) >= 1
        assert codes[2].json()["error"] == "TooManyRequests"
        # Buckets are per key: another key still gets through.
        assert c.post("/screen", json=JANG, headers=env.h(env.admin)).status_code == 200


def test_not_found_routes_are_json(client: TestClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.json()["error"] == "NotFound"
    r = client.get("/screen")
    assert r.status_code == 405 and r.json()["message"]


# ------------------------------------------------------------------ audit
def test_every_screening_is_audited(client: TestClient, env: Env) -> None:
    _screen(client, env)
    client.post("/screen/batch", json={"queries": [JANG]}, headers=env.h(env.screen))
    client.post("/match/default", json={"queries": {"a": {"schema": "Person", "properties": {
        "name": ["Jang Su Han"]}}}}, headers=env.h(env.screen))
    client.post("/screen", json={"name": ""}, headers=env.h(env.screen))  # refused: no record
    log = AuditLog.open(env.url)
    records = list(log.records())
    assert [r.endpoint for r in records] == ["screen", "screen/batch", "match"]
    first = records[0].record
    key_id = env.screen.split("_")[1]
    assert first["key_id"] == key_id
    assert first["request"]["name"] == "Jang Su Han"
    assert first["result"]["candidates"][0]["entity_id"] == "un:KPi.900"
    assert first["list_versions"][0]["version"] == "2026-01-10"
    assert first["algorithm"]["id"] == "name-v1"
    assert first["at"] and len(first["result_digest"]) == 64
    assert log.verify().ok


def test_audit_digest_only(env: Env) -> None:
    with env.client(api_audit_results=False) as c:
        c.post("/screen", json=JANG, headers=env.h(env.screen))
    (rec,) = AuditLog.open(env.url).records()
    assert set(rec.record["result"]) == {"digest"}
