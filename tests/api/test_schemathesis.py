"""Property-based fuzzing of every operation in /openapi.json: never a 5xx.

Each operation gets generated requests (valid and invalid) sent with an admin key, so
they reach validation and the handlers rather than stopping at 401.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from proscribe.api import ApiConfig, create_app  # noqa: E402

if TYPE_CHECKING:
    from tests.api.conftest import Env

MAX_EXAMPLES = int(os.environ.get("PROSCRIBE_FUZZ_EXAMPLES", "25"))


@pytest.mark.slow
def test_openapi_operations_never_answer_5xx(env: Env) -> None:
    app = create_app(env.settings, ApiConfig(api_index_poll_s=0, api_rate_limit_per_s=0))
    failures: list[str] = []
    with TestClient(app, raise_server_exceptions=False) as client:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [op.ok() for op in schema.get_all_operations()]
        assert len(operations) == 13
        for op in operations:
            if op.path == "/admin/lists/update":
                continue  # re-imports the lists folder: covered by its own tests

            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy())
            def run(case: Any) -> None:
                kwargs = case.as_transport_kwargs(base_url="http://testserver",
                                                  headers=env.h(env.admin))
                kwargs.pop("cookies", None)
                response = client.request(**kwargs)
                if response.status_code >= 500 and response.status_code != 503:
                    failures.append(f"{case.method} {case.formatted_path}: "
                                    f"{response.status_code} {response.text[:300]}")
                if 400 <= response.status_code < 500:
                    assert response.json()["message"], response.text

            run()
    assert not failures, failures[:10]
