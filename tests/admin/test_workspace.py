"""The queue and workspace pages in the admin: access, embedded data, guidelines, query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate.history import snapshot_attribution
from annotate.models import Assignment
from annotate.selectors import attributions_for_assignment
from annotate.services.assignments import reject_assignment, submit_assignment
from annotate.services.attributions import StanceData, update_attribution
from annotate.services.projects import update_project
from tests.browser.world import Workspace, add_claims, build_workspace

pytestmark = pytest.mark.django_db

# What serving a page may cost at most: session, user, assignment (with project and article), role;
# blocks, sentences, claims, spans, stances (with target actors), actors, vocabulary; plus what the
# admin's app list (each_context) reads for the navigation. The tests below check that the count
# does not grow with the data.
MAX_QUERIES = 20


@pytest.fixture
def world() -> Workspace:
    return build_workspace()


def workspace_url(assignment: Assignment) -> str:
    return reverse("admin:annotate_workspace", kwargs={"assignment_id": assignment.pk})


def embedded(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="workspace-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_queue_lists_only_own_assignments_with_status_and_claim_count(client, world):
    add_claims(world, 2)
    client.force_login(world.annotator)
    response = client.get(reverse("admin:annotate_queue"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group["project"].pk for group in groups] == [world.project.pk]
    (listed,) = groups[0]["assignments"]
    assert listed.pk == world.assignment.pk
    assert listed.attribution_count == 2
    assert groups[0]["counts"] == {"in progress": 1}
    assert workspace_url(world.other_assignment) not in response.content.decode()


def test_queue_shows_the_reviewer_comment_of_a_rejected_assignment(client, world):
    add_claims(world, 1)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    reject_assignment(
        assignment_id=world.assignment.pk, user=world.reviewer, comment="The cue is missing."
    )
    client.force_login(world.annotator)
    response = client.get(reverse("admin:annotate_queue"))
    assert "The cue is missing." in response.content.decode()
    assert response.context["next_assignment"].pk == world.assignment.pk


def test_workspace_shows_the_reviewer_comment_and_stays_writable_after_a_rejection(client, world):
    add_claims(world, 1)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    reject_assignment(
        assignment_id=world.assignment.pk, user=world.reviewer, comment="The cue is missing."
    )
    client.force_login(world.annotator)
    response = client.get(workspace_url(world.assignment))
    html = response.content.decode()
    assert "Rejected by the reviewer:</strong> The cue is missing." in html
    assert embedded(response)["assignment"]["writable"] is True


def test_next_opens_a_rejected_assignment_before_one_in_progress(client, world):
    second = build_workspace(prefix="b-")
    # The annotator of the first world also works in the second project.
    from annotate.services.assignments import create_assignment
    from annotate.services.projects import add_articles, set_membership

    set_membership(
        project_id=second.project.pk,
        user=second.manager,
        member_id=world.annotator.pk,
        role="annotator",
    )
    add_articles(project_id=second.project.pk, user=second.manager, article_ids=[world.article.pk])
    later = create_assignment(
        project_id=second.project.pk,
        article_id=world.article.pk,
        annotator_id=world.annotator.pk,
        user=second.manager,
    )
    add_claims(world, 1)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    reject_assignment(assignment_id=world.assignment.pk, user=world.reviewer, comment="Redo.")
    client.force_login(world.annotator)
    response = client.get(reverse("admin:annotate_queue_next"))
    assert response.status_code == 302
    assert response["Location"] == workspace_url(world.assignment)
    assert later.status == Assignment.Status.IN_PROGRESS


def test_next_goes_back_to_the_queue_when_everything_is_submitted(client, world):
    add_claims(world, 1)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    client.force_login(world.annotator)
    response = client.get(reverse("admin:annotate_queue_next"), follow=True)
    assert response.redirect_chain == [(reverse("admin:annotate_queue"), 302)]
    assert "Nothing left to annotate" in response.content.decode()


def test_workspace_answers_404_for_another_annotators_assignment(client, world):
    client.force_login(world.annotator)
    response = client.get(workspace_url(world.other_assignment))
    assert response.status_code == 404


def test_workspace_answers_404_for_a_missing_assignment(client, world):
    client.force_login(world.annotator)
    assert client.get(reverse("admin:annotate_workspace", args=[987654])).status_code == 404


def test_workspace_requires_an_admin_login(client, world):
    response = client.get(workspace_url(world.assignment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["reviewer", "manager"])
def test_workspace_opens_any_assignment_of_the_project_for_reviewers_and_managers(
    client, world, role
):
    client.force_login(getattr(world, role))
    response = client.get(workspace_url(world.other_assignment))
    assert response.status_code == 200
    assert response.context["annotator_name"] == world.other_annotator.username
    assert embedded(response)["assignment"]["writable"] is True


def test_workspace_embeds_the_article_and_claims_in_code_points(client, world):
    (claim,) = add_claims(world, 1)
    client.force_login(world.annotator)
    data = embedded(client.get(workspace_url(world.assignment)))
    assert data["article"]["text"] == world.article.text
    assert data["article"]["blocks"][0] == {"kind": "heading", "start": 0, "end": 16}
    assert data["article"]["sentences"][0] == [0, 16]
    (shown,) = data["claims"]
    assert shown["id"] == claim.pk
    start, end = shown["content"][0]
    assert world.article.text[start:end] == "Talks in Baku 🇦🇿"
    assert shown["source"] == list(world.span("The ministry"))
    assert shown["stances"][0]["target_name"] == "Azerbaijani Foreign Ministry"
    assert data["actors"] == [
        {
            "id": world.ministry.pk,
            "name": "Azerbaijani Foreign Ministry",
            "kind": "organisation",
            "aliases": ["the ministry", "MFA"],
        }
    ]
    assert [term["value"] for term in data["project"]["vocabulary"]["polarity"]] == [
        "favor",
        "against",
        "neutral",
    ]
    assert data["assignment"]["writable"] is True
    assert data["suggestions"] == []
    assert data["urls"]["api"] == "/api/"


def test_workspace_is_read_only_for_the_annotator_after_submitting(client, world):
    add_claims(world, 1)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    client.force_login(world.annotator)
    response = client.get(workspace_url(world.assignment))
    assert embedded(response)["assignment"]["writable"] is False
    assert "Read-only: this assignment is submitted." in response.content.decode()
    assert 'id="aw-draft"' not in response.content.decode()


def test_workspace_renders_the_guidelines_markdown_without_raw_html(client, world):
    update_project(
        project_id=world.project.pk,
        user=world.manager,
        changes={
            "guidelines": "## Content\n\n<script>alert(1)</script>\n\n"
            "[bad](javascript:alert(2)) and [good](https://example.org/g)\n\n"
            "| a | b |\n| - | - |\n| 1 | 2 |\n"
        },
    )
    client.force_login(world.annotator)
    html = client.get(workspace_url(world.assignment)).content.decode()
    assert "<h2>Content</h2>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert '<a href="https://example.org/g">good</a>' in html
    assert "<td>1</td>" in html


def test_admin_header_links_to_my_queue(client, world):
    client.force_login(world.annotator)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:annotate_queue")}" id="my-queue-link"' in html


def test_workspace_page_has_no_inline_script(client, world):
    client.force_login(world.annotator)
    html = client.get(workspace_url(world.assignment)).content.decode()
    assert "onclick" not in html
    scripts = html.count("<script")
    sourced = html.count("<script src=")
    data_blocks = html.count('type="application/json"')
    assert scripts == sourced + data_blocks


def test_workspace_costs_the_same_queries_at_10_and_50_claims(
    client, world, django_assert_num_queries
):
    add_claims(world, 10)
    client.force_login(world.annotator)
    with CaptureQueriesContext(connection) as at_10:
        client.get(workspace_url(world.assignment))
    assert len(at_10) <= MAX_QUERIES
    add_claims(world, 40)
    with django_assert_num_queries(len(at_10)):
        response = client.get(workspace_url(world.assignment))
    assert len(embedded(response)["claims"]) == 50


def test_queue_costs_the_same_queries_for_three_times_the_projects(
    client, world, django_assert_num_queries
):
    from annotate.services.assignments import create_assignment
    from annotate.services.projects import add_articles, set_membership

    client.force_login(world.annotator)
    with CaptureQueriesContext(connection) as at_1:
        client.get(reverse("admin:annotate_queue"))
    assert len(at_1) <= MAX_QUERIES
    for index in (1, 2):
        other = build_workspace(prefix=f"p{index}-")
        set_membership(
            project_id=other.project.pk,
            user=other.manager,
            member_id=world.annotator.pk,
            role="annotator",
        )
        add_articles(
            project_id=other.project.pk, user=other.manager, article_ids=[world.article.pk]
        )
        create_assignment(
            project_id=other.project.pk,
            article_id=world.article.pk,
            annotator_id=world.annotator.pk,
            user=other.manager,
        )
    with django_assert_num_queries(len(at_1)):
        response = client.get(reverse("admin:annotate_queue"))
    assert len(response.context["groups"]) == 3


def test_embedded_claims_have_the_shape_of_the_api_snapshot(client, world):
    """The page reads claims as plain rows for speed; they must equal the canonical snapshot."""
    claims = add_claims(world, 3)
    update_attribution(
        attribution_id=claims[1].pk,
        expected_version=1,
        user=world.annotator,
        changes={
            "content": [world.span("Talks"), world.span("Baku")],
            "source": None,
            "speaker_id": None,
            "stances": [
                StanceData(polarity="against", target_topic="peace process"),
                StanceData(polarity="favor", target_actor_id=world.ministry.pk),
            ],
            "nested_in_id": claims[0].pk,
            "confidence": 0.5,
        },
    )
    client.force_login(world.annotator)
    data = embedded(client.get(workspace_url(world.assignment)))
    expected = [
        snapshot_attribution(claim) for claim in attributions_for_assignment(world.assignment.pk)
    ]
    assert data["claims"] == json.loads(json.dumps(expected))
    assert data["claims"][1]["stances"][0]["target_name"] == "peace process"
