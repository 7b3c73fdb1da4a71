"""Bad requests answer 4xx JSON naming the field and the reason, never 500."""

import pytest

from annotate.models import Attribution

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/attributions/?speaker=abc", "speaker"),
        ("/api/attributions/?project=99999999999999999999", "project"),
        ("/api/assignments/?article=-1", "article"),
        ("/api/attributions/?created_after=2024-13-01", "created_after"),
        ("/api/actors/?project=1.5", "project"),
        ("/api/history/?project=x", "project"),
    ],
)
def test_malformed_query_parameters_are_named(world, reviewer_client, url, field):
    response = reviewer_client.get(url)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["code"] == "InvalidInput"


@pytest.mark.parametrize("pk", ["abc", "1.0", "99999999999999999999"])
def test_malformed_ids_in_the_path_are_not_found(world, reviewer_client, pk):
    response = reviewer_client.get(f"/api/attributions/{pk}/")

    assert response.status_code == 404


def test_unknown_id_is_not_found_with_a_message(world, reviewer_client):
    response = reviewer_client.get("/api/attributions/123456/")

    assert response.status_code == 404
    assert "123456" in response.json()["detail"]


def test_malformed_json_is_a_parse_error(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidInput"


def test_huge_numbers_in_the_body_are_refused(world, annotator_client):
    body = world.claim_body(assignment=2**70, content=[[0, 2**40]])

    response = annotator_client.post("/api/attributions/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"assignment", "content.0.1"}


def test_lone_surrogates_are_refused(world, annotator_client):
    body = '{"assignment": ID, "content": [[0, 3]], "type": "direct", "note": "\\ud800"}'
    response = annotator_client.post(
        "/api/attributions/",
        data=body.replace("ID", str(world.assignment.pk)),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "note"
    assert not Attribution.objects.exists()


def test_null_characters_are_refused(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(note="a\x00b"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "note"


def test_content_must_be_a_list_of_pairs(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(content=[[1, 2, 3]]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "content.0"
