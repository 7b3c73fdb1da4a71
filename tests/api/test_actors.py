import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.models import Actor, Attribution, HistoryEntry
from annotate.services.projects import create_actor

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.json()
    return [actor["name"] for actor in response.json()["results"]]


def test_search_matches_the_name(world, annotator_client):
    response = annotator_client.get(
        "/api/actors/", {"project": world.project.pk, "search": "offic"}
    )

    assert names(response) == ["Officials"]


def test_search_matches_an_alias(world, annotator_client):
    response = annotator_client.get("/api/actors/", {"search": "bayram"})

    assert names(response) == ["The minister"]


def test_search_matches_a_non_ascii_alias(world, annotator_client):
    response = annotator_client.get("/api/actors/", {"search": "Байрамов"})

    assert names(response) == ["The minister"]


def test_actors_of_other_projects_are_hidden(world, outsider_client):
    assert names(outsider_client.get("/api/actors/")) == []
    assert outsider_client.get(f"/api/actors/{world.minister.pk}/").status_code == 404


def test_member_creates_an_actor(world, annotator_client):
    response = annotator_client.post(
        "/api/actors/",
        {
            "project": world.project.pk,
            "name": "Hikmet Hajiyev",
            "kind": "person",
            "aliases": ["Hajiyev", "the presidential aide"],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == ["Hajiyev", "the presidential aide"]
    assert HistoryEntry.objects.filter(
        action="actor.created", object_id=response.json()["id"], via="api"
    ).exists()


def test_create_refuses_a_duplicate_name_as_a_conflict(world, annotator_client):
    response = annotator_client.post(
        "/api/actors/", {"project": world.project.pk, "name": "Officials"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["field"] == "name"
    assert "Officials" in response.json()["detail"]


def test_create_in_a_foreign_project_is_not_found(world, outsider_client):
    response = outsider_client.post(
        "/api/actors/", {"project": world.project.pk, "name": "Someone"}, format="json"
    )

    assert response.status_code == 404


def test_update_renames_an_actor(world, reviewer_client):
    response = reviewer_client.patch(
        f"/api/actors/{world.officials.pk}/", {"name": "Capital officials"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Actor.objects.get(pk=world.officials.pk).name == "Capital officials"
    assert HistoryEntry.objects.filter(action="actor.updated", via="api").exists()


def test_reviewer_merges_actors(world, reviewer_client):
    claim = world.make_claim(speaker_id=world.officials.pk)

    response = reviewer_client.post(
        f"/api/actors/{world.officials.pk}/merge/", {"into": world.minister.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert "Officials" in response.json()["aliases"]
    assert not Actor.objects.filter(pk=world.officials.pk).exists()
    assert Attribution.objects.get(pk=claim.pk).speaker_id == world.minister.pk
    assert HistoryEntry.objects.filter(attribution_id=claim.pk, via="api").exists()


def test_annotator_cannot_merge_actors(world, annotator_client):
    response = annotator_client.post(
        f"/api/actors/{world.officials.pk}/merge/", {"into": world.minister.pk}, format="json"
    )

    assert response.status_code == 403
    assert Actor.objects.filter(pk=world.officials.pk).exists()


def test_list_takes_the_same_queries_for_n_and_2n_actors(world, annotator_client):
    def add(count, offset):
        for n in range(count):
            create_actor(
                project_id=world.project.pk, user=world.manager, name=f"Actor {offset + n}"
            )

    add(2, 0)
    with CaptureQueriesContext(connection) as small:
        annotator_client.get("/api/actors/")
    add(4, 100)
    with CaptureQueriesContext(connection) as large:
        response = annotator_client.get("/api/actors/")

    assert len(response.json()["results"]) == 8
    assert len(large) == len(small)
