import pytest

from annotate.models import HistoryEntry, Project, VocabularyTerm

pytestmark = pytest.mark.django_db


def test_member_lists_their_projects_with_role_and_vocabulary(world, annotator_client):
    response = annotator_client.get("/api/projects/")

    assert response.status_code == 200
    (project,) = response.json()["results"]
    assert project["role"] == "annotator"
    assert project["annotators_per_article"] == 2
    assert [term["value"] for term in project["vocabulary"]["polarity"]] == [
        "favor",
        "against",
        "neutral",
    ]


def test_outsider_sees_no_project(world, outsider_client):
    assert outsider_client.get("/api/projects/").json()["results"] == []
    assert outsider_client.get(f"/api/projects/{world.project.pk}/").status_code == 404


def test_superuser_is_manager_of_every_project(world):
    from tests.api.conftest import client_for

    response = client_for(world.admin).get(f"/api/projects/{world.project.pk}/")

    assert response.json()["role"] == "manager"


def test_manager_updates_guidelines_which_bumps_their_version(world, manager_client):
    response = manager_client.patch(
        f"/api/projects/{world.project.pk}/",
        {"guidelines": "# Mark every cue"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["guidelines"] == "# Mark every cue"
    assert response.json()["guidelines_version"] == 2
    assert HistoryEntry.objects.filter(
        action__startswith="project.", via="api", user=world.manager
    ).exists()


def test_annotator_cannot_update_the_project(world, annotator_client):
    response = annotator_client.patch(
        f"/api/projects/{world.project.pk}/", {"guidelines": "none"}, format="json"
    )

    assert response.status_code == 403
    assert "manager" in response.json()["detail"]
    assert Project.objects.get(pk=world.project.pk).guidelines == ""


def test_update_refuses_k_below_one(world, manager_client):
    response = manager_client.patch(
        f"/api/projects/{world.project.pk}/", {"annotators_per_article": 0}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "annotators_per_article"


def test_manager_adds_a_vocabulary_term(world, manager_client, annotator_client):
    response = manager_client.post(
        f"/api/projects/{world.project.pk}/vocabulary/",
        {"kind": "polarity", "value": "mixed-feelings", "label": "Mixed"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    project = annotator_client.get(f"/api/projects/{world.project.pk}/").json()
    assert {"value": "mixed-feelings", "label": "Mixed"} in project["vocabulary"]["polarity"]
    assert project["vocabulary_version"] == 2
    assert HistoryEntry.objects.filter(action__startswith="vocabulary", via="api").exists()


def test_manager_retires_a_vocabulary_term(world, manager_client):
    response = manager_client.post(
        f"/api/projects/{world.project.pk}/vocabulary/",
        {"kind": "polarity", "value": "neutral", "is_active": False},
        format="json",
    )

    assert response.status_code == 201
    terms = manager_client.get(f"/api/projects/{world.project.pk}/vocabulary/").json()
    neutral = next(t for t in terms if t["value"] == "neutral")
    assert neutral["is_active"] is False
    assert VocabularyTerm.objects.get(project=world.project, value="neutral").is_active is False


def test_annotator_cannot_change_the_vocabulary(world, annotator_client):
    response = annotator_client.post(
        f"/api/projects/{world.project.pk}/vocabulary/",
        {"kind": "polarity", "value": "meh"},
        format="json",
    )

    assert response.status_code == 403


def test_vocabulary_refuses_an_unknown_kind(world, manager_client):
    response = manager_client.post(
        f"/api/projects/{world.project.pk}/vocabulary/",
        {"kind": "mood", "value": "happy"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "kind"


def test_reviewer_lists_members(world, reviewer_client, annotator_client):
    response = reviewer_client.get(f"/api/projects/{world.project.pk}/members/")

    assert response.status_code == 200
    assert {m["username"]: m["role"] for m in response.json()}["ann2"] == "annotator"
    assert annotator_client.get(f"/api/projects/{world.project.pk}/members/").status_code == 403


def test_project_list_takes_the_same_queries_for_n_and_2n_projects(world, manager_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotate.services.projects import create_project, set_membership

    def add(count, offset):
        for n in range(count):
            project = create_project(name=f"extra {offset + n}", user=world.admin)
            set_membership(
                project_id=project.pk, user=world.admin, member_id=world.manager.pk, role="manager"
            )

    add(1, 0)
    with CaptureQueriesContext(connection) as small:
        manager_client.get("/api/projects/")
    add(2, 100)
    with CaptureQueriesContext(connection) as large:
        response = manager_client.get("/api/projects/")

    assert len(response.json()["results"]) == 4
    assert len(large) == len(small)


def test_superuser_creates_a_project_and_manages_it(world):
    from tests.api.conftest import client_for

    response = client_for(world.admin).post(
        "/api/projects/", {"name": "Second corpus", "annotators_per_article": 3}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "manager"
    assert response.json()["annotators_per_article"] == 3
    assert HistoryEntry.objects.filter(action="project.created", via="api").exists()


def test_annotator_without_the_permission_cannot_create_projects(world, annotator_client):
    response = annotator_client.post("/api/projects/", {"name": "Mine"}, format="json")

    assert response.status_code == 403
    assert not Project.objects.filter(name="Mine").exists()


def test_manager_adds_and_removes_a_member(world, manager_client):
    url = f"/api/projects/{world.project.pk}/members/"

    added = manager_client.post(url, {"user": world.outsider.pk, "role": "reviewer"}, "json")
    removed = manager_client.delete(f"{url}?user={world.outsider.pk}")

    assert added.status_code == 200, added.json()
    assert added.json() == {"user": world.outsider.pk, "username": "outsider", "role": "reviewer"}
    assert removed.status_code == 204
    assert "outsider" not in {m["username"] for m in manager_client.get(url).json()}
    actions = HistoryEntry.objects.filter(via="api").values_list("action", flat=True)
    assert {"membership.set", "membership.removed"} <= set(actions)


def test_reviewer_cannot_change_members(world, reviewer_client):
    response = reviewer_client.post(
        f"/api/projects/{world.project.pk}/members/",
        {"user": world.outsider.pk, "role": "manager"},
        format="json",
    )

    assert response.status_code == 403


def test_manager_adds_articles_to_the_project(world, manager_client):
    from tests.factories import ArticleFactory

    articles = [ArticleFactory(segmented=False) for _ in range(2)]

    response = manager_client.post(
        f"/api/projects/{world.project.pk}/add-articles/",
        {"articles": [world.article.pk] + [a.pk for a in articles]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {"added": 2}
    assert world.project.articles.count() == 3
    assert HistoryEntry.objects.filter(
        action="project.articles_added", via="api", user=world.manager
    ).exists()


def test_adding_unknown_articles_is_refused(world, manager_client):
    response = manager_client.post(
        f"/api/projects/{world.project.pk}/add-articles/", {"articles": [987654]}, format="json"
    )

    assert response.status_code == 400
    assert "987654" in response.json()["detail"]
