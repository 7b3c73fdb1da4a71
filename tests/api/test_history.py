import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def actions(response):
    assert response.status_code == 200, response.json()
    return [entry["action"] for entry in response.json()["results"]]


def test_history_needs_a_project(world, reviewer_client):
    response = reviewer_client.get("/api/history/")

    assert response.status_code == 400
    assert response.json()["field"] == "project"


def test_reviewer_reads_the_history_of_an_article(world, reviewer_client):
    world.make_claim()
    world.make_claim(assignment=world.other_assignment)

    response = reviewer_client.get(
        "/api/history/", {"project": world.project.pk, "article": world.article.pk}
    )

    assert actions(response).count("attribution.created") == 2


def test_reviewer_reads_the_history_of_an_annotator(world, reviewer_client):
    world.make_claim()
    world.make_claim(assignment=world.other_assignment)

    response = reviewer_client.get(
        "/api/history/",
        {
            "project": world.project.pk,
            "annotator": world.other_annotator.pk,
            "action": "attribution.created",
        },
    )

    (entry,) = response.json()["results"]
    assert entry["annotator"] == "ann2"
    assert entry["after"]["assignment"] == world.other_assignment.pk


def test_history_of_a_deleted_claim_stays_readable(world, reviewer_client, annotator_client):
    claim = world.make_claim()
    annotator_client.delete(f"/api/attributions/{claim.pk}/?version=1")

    response = reviewer_client.get(
        "/api/history/", {"project": world.project.pk, "attribution": claim.pk}
    )

    assert actions(response) == ["attribution.created", "attribution.deleted"]


def test_annotator_sees_only_history_of_their_own_work(world, annotator_client):
    mine = world.make_claim()
    world.make_claim(assignment=world.other_assignment)

    response = annotator_client.get(
        "/api/history/", {"project": world.project.pk, "action": "attribution.created"}
    )

    assert [entry["attribution"] for entry in response.json()["results"]] == [mine.pk]


def test_outsider_cannot_read_the_history(world, outsider_client):
    response = outsider_client.get("/api/history/", {"project": world.project.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_history_has_no_write_methods(world, reviewer_client, method):
    world.make_claim()
    entry_url = "/api/history/"

    response = getattr(reviewer_client, method)(entry_url, {}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "MethodNotAllowed"


def test_history_takes_the_same_queries_for_n_and_2n_entries(world, reviewer_client):
    for _ in range(3):
        world.make_claim()
    params = {"project": world.project.pk, "action": "attribution.created"}
    with CaptureQueriesContext(connection) as small:
        reviewer_client.get("/api/history/", params)
    for _ in range(3):
        world.make_claim(assignment=world.other_assignment)
    with CaptureQueriesContext(connection) as large:
        response = reviewer_client.get("/api/history/", params)

    assert len(response.json()["results"]) == 6
    assert len(large) == len(small)
