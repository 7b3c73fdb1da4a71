"""The OpenAPI schema is complete, and the API keeps to it under schemathesis' generated requests.

schemathesis drives the WSGI application in-process, so the requests see this test's database
(and its transaction) and need no server.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and generation mode: ~40 operations x (8 + 6 + 8 on real ids) make some
# 800 requests (hypothesis stops early where an operation has fewer distinct inputs).
POSITIVE_EXAMPLES = 8
NEGATIVE_EXAMPLES = 6


def test_schema_is_served_and_documents_every_endpoint(world):
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/auth/token/",
        "/api/projects/{id}/vocabulary/",
        "/api/articles/{id}/",
        "/api/actors/{id}/merge/",
        "/api/assignments/{id}/reject/",
        "/api/attributions/{id}/",
        "/api/attributions/{id}/history/",
        "/api/history/",
    ):
        assert path in paths
    patch = paths["/api/attributions/{id}/"]["patch"]
    assert set(patch["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    assert "post" not in paths["/api/history/"]


def test_swagger_docs_are_served(world):
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def real_ids(world, claim) -> dict[str, int]:
    """Ids of existing objects, by the first path segment, so some requests reach real rows."""
    return {
        "projects": world.project.pk,
        "articles": world.article.pk,
        "actors": world.officials.pk,
        "assignments": world.assignment.pk,
        "attributions": claim.pk,
    }


@pytest.fixture
def keep_test_connection():
    """Django's test client keeps the connection (and the test's transaction) open across
    requests by unhooking close_old_connections; a bare WSGI call must do the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_answers_generated_requests_without_server_errors(world, keep_test_connection):
    claim = world.make_claim()
    token = Token.objects.create(user=world.reviewer).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    ids = real_ids(world, claim)
    failures: list[str] = []
    operations = 0
    requests = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        segment = operation.path.split("/")[2]
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if "{id}" in operation.path and segment in ids:
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"id": ids[segment]})
            )
        for mode, strategy in zip(("positive", "negative", "real id"), strategies, strict=False):
            examples = NEGATIVE_EXAMPLES if mode == "negative" else POSITIVE_EXAMPLES

            @given(case=strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                nonlocal requests
                requests += 1
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.label} ({mode}): {exc}")

    assert operations >= 30
    assert requests >= 300
    print(f"schemathesis: {requests} requests over {operations} operations")
    assert not failures, "\n\n".join(failures)
