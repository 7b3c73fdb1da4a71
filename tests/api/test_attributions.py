import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.models import Attribution, HistoryEntry
from annotate.services.assignments import submit_assignment
from annotate.services.attributions import StanceData

pytestmark = pytest.mark.django_db


def history(action, **filters):
    return list(HistoryEntry.objects.filter(action=action, **filters).order_by("id"))


def test_create_attribution_answers_the_snapshot_and_records_history(world, annotator_client):
    response = annotator_client.post("/api/attributions/", world.claim_body(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content"] == [world.span('"talks will resume soon,"')]
    assert body["source"] == world.span("The minister")
    assert body["speaker_name"] == "The minister"
    assert body["version"] == 1
    assert body["created_by"] == "ann1"
    assert body["stances"] == [
        {"target_actor": None, "target_name": "talks", "target_topic": "talks", "polarity": "favor"}
    ]
    (entry,) = history("attribution.created", attribution_id=body["id"])
    assert entry.via == "api"
    assert entry.user == world.annotator
    assert entry.after["content"] == body["content"]


def test_create_attribution_answers_what_a_later_read_answers(world, annotator_client):
    body = world.claim_body(
        content=[world.span("adding that the border was calm"), world.span('"talks will resume')],
        stances=[
            {"target_actor": world.officials.pk, "polarity": "against"},
            {"target_topic": "  the border ", "polarity": "neutral"},
        ],
    )

    created = annotator_client.post("/api/attributions/", body, format="json").json()
    read = annotator_client.get(f"/api/attributions/{created['id']}/").json()

    assert created == read


def test_create_attribution_from_the_workspace_records_via_browser(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(), format="json", HTTP_X_CLIENT="workspace"
    )

    assert response.status_code == 201
    (entry,) = history("attribution.created", attribution_id=response.json()["id"])
    assert entry.via == "browser"


def test_create_attribution_refuses_whitespace_span(world, annotator_client):
    gap = world.article.text.index("\n\n")
    body = world.claim_body(content=[[gap, gap + 2]])

    response = annotator_client.post("/api/attributions/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidInput"
    assert response.json()["field"].startswith("content")
    assert "whitespace" in response.json()["detail"]
    assert not Attribution.objects.exists()


def test_create_attribution_refuses_span_outside_the_article(world, annotator_client):
    size = len(world.article.text)
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(content=[[size - 2, size + 5]]), format="json"
    )

    assert response.status_code == 400
    assert str(size) in response.json()["detail"]


def test_create_attribution_refuses_wrong_types_naming_the_field(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/",
        world.claim_body(content="everything", confidence="high"),
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "content"
    assert set(body["errors"]) == {"content", "confidence"}


def test_create_attribution_refuses_a_type_outside_the_vocabulary(world, annotator_client):
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(type="rumour"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "type"
    assert "rumour" in response.json()["detail"]


def test_create_attribution_refuses_a_stance_with_two_targets(world, annotator_client):
    stance = {"target_actor": world.officials.pk, "target_topic": "talks", "polarity": "favor"}
    response = annotator_client.post(
        "/api/attributions/", world.claim_body(stances=[stance]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "stances.0.target_actor"


def test_create_attribution_in_another_annotators_assignment_is_not_found(
    world, other_annotator_client
):
    response = other_annotator_client.post("/api/attributions/", world.claim_body(), format="json")

    assert response.status_code == 404
    assert not Attribution.objects.exists()


def test_create_attribution_after_submitting_is_forbidden(world, annotator_client):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    response = annotator_client.post("/api/attributions/", world.claim_body(), format="json")

    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_list_by_assignment_returns_every_claim_in_one_answer(world, annotator_client):
    for _ in range(120):  # more than the default page size
        world.make_claim()

    response = annotator_client.get(
        "/api/attributions/", {"assignment": world.assignment.pk, "page_size": 10}
    )

    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 120
    assert body["next"] is None


def test_list_by_assignment_of_another_annotator_is_not_found(world, other_annotator_client):
    world.make_claim()

    response = other_annotator_client.get("/api/attributions/", {"assignment": world.assignment.pk})

    assert response.status_code == 404


def test_list_by_assignment_refuses_a_non_integer_id(world, annotator_client):
    response = annotator_client.get("/api/attributions/", {"assignment": "first"})

    assert response.status_code == 400
    assert response.json()["field"] == "assignment"


def test_list_hides_claims_of_other_annotators(world, annotator_client, reviewer_client):
    mine = world.make_claim()
    world.make_claim(assignment=world.other_assignment)

    ids = [c["id"] for c in annotator_client.get("/api/attributions/").json()["results"]]
    all_ids = [c["id"] for c in reviewer_client.get("/api/attributions/").json()["results"]]

    assert ids == [mine.pk]
    assert len(all_ids) == 2


def test_list_filters_by_speaker_type_and_polarity(world, reviewer_client):
    by_minister = world.make_claim()
    world.make_claim(
        speaker_id=world.officials.pk,
        type="indirect",
        stances=[],
        content=[tuple(world.span("denied the report"))],
        source=None,
        cue=None,
    )

    def ids(**params):
        response = reviewer_client.get("/api/attributions/", params)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids(speaker=world.minister.pk) == [by_minister.pk]
    assert ids(type="direct") == [by_minister.pk]
    assert ids(polarity="favor") == [by_minister.pk]
    assert len(ids(project=world.project.pk, article=world.article.pk)) == 2


def test_list_paginates_with_a_cursor(world, reviewer_client):
    claims = [world.make_claim() for _ in range(5)]

    first = reviewer_client.get("/api/attributions/", {"page_size": 3}).json()
    second = reviewer_client.get(first["next"]).json()

    seen = [c["id"] for c in first["results"] + second["results"]]
    assert seen == [c.pk for c in claims]
    assert second["next"] is None


@pytest.mark.parametrize("by_assignment", [False, True])
def test_list_takes_the_same_queries_for_n_and_2n_claims(world, annotator_client, by_assignment):
    params = {"assignment": world.assignment.pk} if by_assignment else {}
    for _ in range(3):
        world.make_claim()
    with CaptureQueriesContext(connection) as small:
        annotator_client.get("/api/attributions/", params)
    for _ in range(3):
        world.make_claim(
            stances=[StanceData(polarity="against", target_actor_id=world.officials.pk)]
        )

    with CaptureQueriesContext(connection) as large:
        response = annotator_client.get("/api/attributions/", params)

    assert len(response.json()["results"]) == 6
    assert len(large) == len(small)


def test_retrieve_answers_the_snapshot(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.get(f"/api/attributions/{claim.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == claim.pk
    assert response.json()["cue"] == world.span("said")


def test_retrieve_claim_of_another_annotator_is_not_found(world, other_annotator_client):
    claim = world.make_claim()

    response = other_annotator_client.get(f"/api/attributions/{claim.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_update_with_the_current_version_bumps_it_and_records_history(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.patch(
        f"/api/attributions/{claim.pk}/",
        {"version": 1, "type": "indirect", "note": "paraphrased"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["type"] == "indirect"
    assert response.json()["content"] == [world.span('"talks will resume soon,"')]
    (entry,) = history("attribution.updated", attribution_id=claim.pk)
    assert entry.before["type"] == "direct"
    assert entry.after["note"] == "paraphrased"
    assert entry.via == "api"


def test_update_can_clear_the_speaker_and_replace_the_stances(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.patch(
        f"/api/attributions/{claim.pk}/",
        {
            "version": 1,
            "speaker": None,
            "stances": [{"target_actor": world.officials.pk, "polarity": "against"}],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["speaker"] is None
    assert response.json()["stances"][0]["target_name"] == "Officials"


def test_update_with_a_stale_version_is_a_conflict_naming_who_and_when(
    world, annotator_client, reviewer_client
):
    claim = world.make_claim()
    reviewer_client.patch(
        f"/api/attributions/{claim.pk}/", {"version": 1, "note": "checked"}, format="json"
    )

    response = annotator_client.patch(
        f"/api/attributions/{claim.pk}/", {"version": 1, "note": "mine"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "Conflict"
    assert body["field"] == "version"
    assert "reviewer" in body["detail"]
    assert "UTC" in body["detail"]
    assert body["current"]["version"] == 2
    assert body["current"]["note"] == "checked"
    assert len(history("attribution.updated", attribution_id=claim.pk)) == 1


def test_update_without_version_is_refused(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.patch(
        f"/api/attributions/{claim.pk}/", {"note": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "version"


def test_update_refuses_nesting_in_itself(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.patch(
        f"/api/attributions/{claim.pk}/", {"version": 1, "nested_in": claim.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "nested_in"


def test_put_is_not_allowed(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.put(
        f"/api/attributions/{claim.pk}/", world.claim_body(), format="json"
    )

    assert response.status_code == 405


def test_delete_needs_the_version(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.delete(f"/api/attributions/{claim.pk}/")

    assert response.status_code == 400
    assert response.json()["field"] == "version"
    assert Attribution.objects.filter(pk=claim.pk).exists()


def test_delete_with_a_stale_version_is_a_conflict(world, annotator_client):
    claim = world.make_claim()
    annotator_client.patch(f"/api/attributions/{claim.pk}/", {"version": 1, "note": "x"}, "json")

    response = annotator_client.delete(f"/api/attributions/{claim.pk}/?version=1")

    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    assert Attribution.objects.filter(pk=claim.pk).exists()


def test_delete_removes_the_claim_and_records_history(world, annotator_client):
    claim = world.make_claim()

    response = annotator_client.delete(f"/api/attributions/{claim.pk}/?version=1")

    assert response.status_code == 204
    assert not Attribution.objects.filter(pk=claim.pk).exists()
    (entry,) = history("attribution.deleted", attribution_id=claim.pk)
    assert entry.before["id"] == claim.pk
    assert entry.user == world.annotator


def test_claim_history_lists_its_changes(world, annotator_client):
    claim = world.make_claim()
    annotator_client.patch(f"/api/attributions/{claim.pk}/", {"version": 1, "note": "x"}, "json")

    response = annotator_client.get(f"/api/attributions/{claim.pk}/history/")

    assert response.status_code == 200
    actions = [e["action"] for e in response.json()["results"]]
    assert actions == ["attribution.created", "attribution.updated"]
    assert response.json()["results"][1]["user"] == "ann1"
