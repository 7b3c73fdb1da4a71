import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.models import Assignment, HistoryEntry
from annotate.services.assignments import accept_assignment, submit_assignment
from annotate.services.projects import add_articles
from tests.api.conftest import client_for
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def url(assignment, action=""):
    return f"/api/assignments/{assignment.pk}/" + (f"{action}/" if action else "")


def test_annotator_lists_only_their_own_assignments(world, annotator_client):
    response = annotator_client.get("/api/assignments/")

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == world.assignment.pk
    assert row["annotator_name"] == "ann1"
    assert row["article_title"] == "A test article"
    assert row["attribution_count"] == 0


def test_reviewer_lists_every_assignment_of_the_project(world, reviewer_client):
    response = reviewer_client.get("/api/assignments/", {"project": world.project.pk})

    assert {row["id"] for row in response.json()["results"]} == {
        world.assignment.pk,
        world.other_assignment.pk,
    }


def test_list_filters_by_status_and_annotator(world, reviewer_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    submitted = reviewer_client.get("/api/assignments/", {"status": "submitted"}).json()
    by_other = reviewer_client.get(
        "/api/assignments/", {"annotator": world.other_annotator.pk}
    ).json()

    assert [row["id"] for row in submitted["results"]] == [world.assignment.pk]
    assert [row["id"] for row in by_other["results"]] == [world.other_assignment.pk]


def test_list_refuses_an_unknown_status(world, reviewer_client):
    response = reviewer_client.get("/api/assignments/", {"status": "finished"})

    assert response.status_code == 400
    assert response.json()["field"] == "status"
    assert "finished" in response.json()["detail"]


def test_list_takes_the_same_queries_for_n_and_2n_assignments(world, manager_client):
    def add(count):
        articles = [ArticleFactory(segmented=False) for _ in range(count)]
        add_articles(
            project_id=world.project.pk, user=world.manager, article_ids=[a.pk for a in articles]
        )
        manager_client.post(
            f"/api/projects/{world.project.pk}/assign/",
            {"articles": [a.pk for a in articles]},
            format="json",
        )

    add(2)
    with CaptureQueriesContext(connection) as small:
        manager_client.get("/api/assignments/")
    add(4)
    with CaptureQueriesContext(connection) as large:
        response = manager_client.get("/api/assignments/")

    assert len(response.json()["results"]) == 2 + 2 * 2 + 2 * 4
    assert len(large) == len(small)


def test_annotator_cannot_see_another_annotators_assignment(world, annotator_client):
    response = annotator_client.get(url(world.other_assignment))

    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_outsider_cannot_see_any_assignment(world, outsider_client):
    assert outsider_client.get(url(world.assignment)).status_code == 404
    assert outsider_client.get("/api/assignments/").json()["results"] == []


def test_submit_moves_to_submitted_and_records_history(world, annotator_client):
    response = annotator_client.post(url(world.assignment, "submit"), {}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert response.json()["version"] == 2
    entry = HistoryEntry.objects.get(action="assignment.submitted")
    assert entry.via == "api"
    assert entry.assignment_id == world.assignment.pk
    assert entry.before["status"] == "in_progress"


def test_annotator_cannot_accept_their_own_work(world, annotator_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = annotator_client.post(url(world.assignment, "accept"), {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "Forbidden"


def test_reject_needs_a_comment(world, reviewer_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = reviewer_client.post(url(world.assignment, "reject"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "comment"


def test_reject_with_a_comment_is_shown_to_the_annotator(world, reviewer_client, annotator_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = reviewer_client.post(
        url(world.assignment, "reject"), {"comment": "Cue missing in §2."}, format="json"
    )

    assert response.status_code == 200
    entry = HistoryEntry.objects.get(action="assignment.rejected")
    assert (entry.user, entry.via, entry.after["status"]) == (world.reviewer, "api", "rejected")
    seen = annotator_client.get(url(world.assignment)).json()
    assert seen["status"] == "rejected"
    assert seen["review_comment"] == "Cue missing in §2."


def test_transition_with_a_stale_version_is_a_conflict(world, reviewer_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = reviewer_client.post(url(world.assignment, "accept"), {"version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "Conflict"
    assert Assignment.objects.get(pk=world.assignment.pk).status == "submitted"


def test_transition_not_allowed_names_from_and_to(world, reviewer_client):
    response = reviewer_client.post(url(world.assignment, "accept"), {}, format="json")

    assert response.status_code == 400
    assert "in progress" in response.json()["detail"] or "in_progress" in response.json()["detail"]


def test_gold_and_reopen_step_forward_and_back(world, reviewer_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    accept_assignment(assignment_id=world.assignment.pk, user=world.reviewer)

    gold = reviewer_client.post(url(world.assignment, "gold"), {}, format="json")
    back = reviewer_client.post(url(world.assignment, "reopen"), {}, format="json")
    again = reviewer_client.post(url(world.assignment, "reopen"), {}, format="json")

    assert gold.json()["status"] == "gold"
    assert back.json()["status"] == "accepted"
    assert again.json()["status"] == "submitted"
    actions = HistoryEntry.objects.filter(assignment_id=world.assignment.pk, via="api")
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "assignment.gold",
        "assignment.accepted",
        "assignment.submitted",
    ]


def test_reopen_of_work_in_progress_is_refused(world, reviewer_client):
    response = reviewer_client.post(url(world.assignment, "reopen"), {}, format="json")

    assert response.status_code == 400
    assert "nothing to reopen" in response.json()["detail"]


def test_manager_creates_an_assignment(world, manager_client, make_user):
    article = ArticleFactory(segmented=False)
    add_articles(project_id=world.project.pk, user=world.manager, article_ids=[article.pk])

    response = manager_client.post(
        "/api/assignments/",
        {"project": world.project.pk, "article": article.pk, "annotator": world.annotator.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "in_progress"
    assert HistoryEntry.objects.filter(
        action="assignment.created", assignment_id=response.json()["id"], via="api"
    ).exists()


def test_annotator_cannot_create_assignments(world, annotator_client):
    response = annotator_client.post(
        "/api/assignments/",
        {
            "project": world.project.pk,
            "article": world.article.pk,
            "annotator": world.annotator.pk,
        },
        format="json",
    )

    assert response.status_code == 403


def test_manager_assigns_articles_to_k_annotators(world, manager_client):
    articles = [ArticleFactory(segmented=False) for _ in range(3)]
    add_articles(
        project_id=world.project.pk, user=world.manager, article_ids=[a.pk for a in articles]
    )

    response = manager_client.post(
        f"/api/projects/{world.project.pk}/assign/",
        {"articles": [a.pk for a in articles]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert len(response.json()) == 3 * 2
    assert {row["annotator_name"] for row in response.json()} == {"ann1", "ann2"}
    recorded = HistoryEntry.objects.filter(action="assignment.created", via="api")
    assert {entry.assignment_id for entry in recorded} == {row["id"] for row in response.json()}


def test_reviewer_opens_the_gold_assignment_of_an_article(world, reviewer_client):
    response = reviewer_client.post(
        "/api/assignments/adjudicate/",
        {"project": world.project.pk, "article": world.article.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["is_gold"] is True
    assert response.json()["annotator_name"] == "reviewer"


def test_assignment_history_lists_claims_and_review(world, reviewer_client):
    world.make_claim()
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = reviewer_client.get(url(world.assignment, "history"))

    actions = [entry["action"] for entry in response.json()["results"]]
    assert "attribution.created" in actions
    assert actions[-1] == "assignment.submitted"


def test_annotator_cannot_read_the_history_of_another_assignment(world):
    response = client_for(world.annotator).get(url(world.other_assignment, "history"))

    assert response.status_code == 404
