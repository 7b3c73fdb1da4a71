import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_username_and_password(world):
    response = APIClient().post(
        "/api/auth/token/", {"username": "ann1", "password": "pw-ann1"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=world.annotator).key}


def test_token_is_refused_for_a_wrong_password(world):
    response = APIClient().post(
        "/api/auth/token/", {"username": "ann1", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "password"
    assert not Token.objects.exists()


def test_token_request_names_a_missing_field(world):
    response = APIClient().post("/api/auth/token/", {"username": "ann1"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "password"


def test_token_authenticates_api_requests(world):
    token = (
        APIClient()
        .post("/api/auth/token/", {"username": "ann1", "password": "pw-ann1"}, format="json")
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.post("/api/attributions/", world.claim_body(), format="json")

    assert response.status_code == 201
    assert response.json()["created_by"] == "ann1"


@pytest.mark.parametrize("header", ["Token nope", "Token " + "0" * 40, "Token a\x00b"])
def test_bad_token_is_unauthenticated(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/projects/")

    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"


def test_anonymous_requests_are_unauthenticated(world):
    response = APIClient().get("/api/attributions/")

    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"


def test_session_login_works_for_the_browser(world):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ann1", password="pw-ann1")

    assert client.get("/api/assignments/").status_code == 200
    refused = client.post("/api/attributions/", world.claim_body(), format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_token_requests_are_throttled_per_client(world):
    client = APIClient()
    for _ in range(30):
        client.post("/api/auth/token/", {"username": "ann1", "password": "guess"}, format="json")

    response = client.post(
        "/api/auth/token/", {"username": "ann1", "password": "pw-ann1"}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["code"] == "Throttled"
    assert "Retry-After" in response.headers
