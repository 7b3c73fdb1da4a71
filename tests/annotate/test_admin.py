"""The admin lists, filters and forms: constant queries per page, writes through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate.models import Actor, Attribution, HistoryEntry, VocabularyTerm
from annotate.services.assignments import create_assignment
from annotate.services.attributions import StanceData
from annotate.services.projects import add_articles, create_actor
from tests.annotate.conftest import make_article, make_claim

CHANGELISTS = ("project", "actor", "assignment", "attribution", "historyentry")


def _grow(world, n, offset):
    """Add n rows to every changelist: claims, actors, articles with assignments (and history)."""
    from annotate.services.projects import create_project

    for i in range(n):
        make_claim(
            world,
            stances=[
                StanceData(polarity="against", target_actor_id=world.officials.pk),
                StanceData(polarity="favor", target_topic=f"topic {offset + i}"),
            ],
        )
        create_actor(project_id=world.project.pk, user=world.manager, name=f"Actor {offset + i}")
        article = make_article(f"Article {offset + i} has its own text.")
        add_articles(project_id=world.project.pk, user=world.manager, article_ids=[article.pk])
        create_assignment(
            project_id=world.project.pk,
            article_id=article.pk,
            annotator_id=world.annotator.pk,
            user=world.manager,
        )
        create_project(name=f"project {offset + i}", user=world.admin)


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("who", ["admin", "manager"])
def test_changelist_costs_the_same_queries_at_n_and_2n_rows(
    world, client, django_assert_num_queries, model, who
):
    user = getattr(world, who)
    client.force_login(user)
    url = reverse(f"admin:annotate_{model}_changelist")
    _grow(world, 5, 0)
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response.status_code == 200
    _grow(world, 5, 5)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_attribution_changelist_filters_by_polarity_speaker_and_status(world, client):
    client.force_login(world.admin)
    against = make_claim(
        world, stances=[StanceData(polarity="against", target_actor_id=world.officials.pk)]
    )
    make_claim(world, speaker_id=world.officials.pk)
    url = reverse("admin:annotate_attribution_changelist")

    response = client.get(url, {"polarity": "against"})
    assert [row.pk for row in response.context["cl"].result_list] == [against.pk]
    response = client.get(url, {"speaker__id__exact": world.officials.pk})
    assert response.context["cl"].result_count == 1
    response = client.get(url, {"assignment__status__exact": "submitted"})
    assert response.context["cl"].result_count == 0
    response = client.get(url, {"type__exact": "direct"})
    assert response.context["cl"].result_count == 2


def test_history_cannot_be_added_changed_or_deleted_in_admin(world, client):
    client.force_login(world.admin)
    make_claim(world)
    entry = HistoryEntry.objects.filter(action="attribution.created").get()

    assert client.get(reverse("admin:annotate_historyentry_add")).status_code == 403
    change_url = reverse("admin:annotate_historyentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert "&quot;speaker_name&quot;: &quot;The minister&quot;" in page.content.decode()
    assert client.post(change_url, {"action": "x"}).status_code == 403
    delete_url = reverse("admin:annotate_historyentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "attribution.created"


def test_claim_change_form_is_read_only(world, client):
    client.force_login(world.admin)
    claim = make_claim(world, note="original")
    url = reverse("admin:annotate_attribution_change", args=[claim.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"talks will resume soon" in page.content
    assert client.post(url, {"note": "edited"}).status_code == 403
    claim.refresh_from_db()
    assert claim.note == "original"


def test_claim_delete_in_admin_goes_through_the_service(world, client):
    client.force_login(world.reviewer)
    parent = make_claim(world, content=[world.span('said that "talks will resume soon,"')])
    child = make_claim(world, content=[world.span("talks")], nested_in_id=parent.pk)
    url = reverse("admin:annotate_attribution_delete", args=[parent.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Attribution.objects.filter(pk=parent.pk).exists()
    child.refresh_from_db()
    assert child.nested_in_id is None
    entry = HistoryEntry.objects.get(action="attribution.deleted")
    assert (entry.via, entry.user) == ("admin", world.reviewer)


def test_delete_selected_claims_goes_through_the_service(world, client):
    client.force_login(world.admin)
    claims = [make_claim(world) for _ in range(3)]
    response = client.post(
        reverse("admin:annotate_attribution_changelist"),
        {"action": "delete_selected", "_selected_action": [c.pk for c in claims], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Attribution.objects.exists()
    assert HistoryEntry.objects.filter(action="attribution.deleted", via="admin").count() == 3


def test_annotator_sees_no_claims_or_history_in_admin(world, client):
    client.force_login(world.annotator)
    make_claim(world)
    for model in ("attribution", "historyentry", "assignment"):
        assert client.get(reverse(f"admin:annotate_{model}_changelist")).status_code == 403
    assert client.get(reverse("admin:annotate_project_changelist")).status_code == 200


def test_outsider_sees_no_project(world, client):
    client.force_login(world.outsider)
    assert client.get(reverse("admin:annotate_project_changelist")).status_code == 403


def test_add_project_in_admin_uses_the_service(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:annotate_project_add"),
        {
            "name": "from admin",
            "description": "",
            "guidelines": "# Rules",
            "annotators_per_article": 2,
            "is_blind": "on",
            "vocabulary-TOTAL_FORMS": 0,
            "vocabulary-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = HistoryEntry.objects.get(action="project.created", after__name="from admin")
    assert entry.via == "admin"
    assert VocabularyTerm.objects.filter(project_id=entry.project_id).count() == 13


def test_vocabulary_inline_edit_is_recorded(world, client):
    client.force_login(world.manager)
    url = reverse("admin:annotate_project_change", args=[world.project.pk])
    page = client.get(url)
    data = _form_data(page)
    data["vocabulary-TOTAL_FORMS"] = str(int(data["vocabulary-TOTAL_FORMS"]) + 1)
    n = int(data["vocabulary-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"vocabulary-{n}-kind": "polarity",
            f"vocabulary-{n}-value": "sceptical",
            f"vocabulary-{n}-label": "Sceptical",
            f"vocabulary-{n}-position": "5",
            f"vocabulary-{n}-is_active": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = HistoryEntry.objects.get(action="vocabulary.set")
    assert (entry.via, entry.after["value"]) == ("admin", "sceptical")


def test_duplicate_actor_name_in_admin_is_a_form_error(world, client):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("admin:annotate_actor_add"),
        {"project": world.project.pk, "name": "Officials", "kind": "", "aliases": "[]"},
        follow=True,
    )
    assert response.status_code == 200
    assert "An actor with this name already exists in the project." in response.content.decode()
    assert Actor.objects.filter(name="Officials").count() == 1


def _form_data(page):
    """The values of the change form as the browser would post them."""
    import re

    html = page.content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
        data[name] = "on"
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        if selected:
            data[name] = selected.group(1)
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_actor_in_use_cannot_be_deleted_in_admin(world, client):
    client.force_login(world.reviewer)
    make_claim(world, speaker_id=world.officials.pk)
    url = reverse("admin:annotate_actor_delete", args=[world.officials.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete actor" in response.content.decode()
    assert Actor.objects.filter(pk=world.officials.pk).exists()


def test_service_refusal_in_admin_is_a_message_not_an_error(world, client):
    client.force_login(world.reviewer)
    stances = [
        StanceData(polarity="favor", target_actor_id=world.minister.pk),
        StanceData(polarity="against", target_actor_id=world.officials.pk),
    ]
    make_claim(world, speaker_id=None, stances=stances)
    response = client.post(
        reverse("admin:annotate_actor_changelist"),
        {"action": "merge_into_first", "_selected_action": [world.officials.pk, world.minister.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "give it one stance before merging" in response.content.decode()
    assert Actor.objects.filter(pk=world.minister.pk).exists()


def test_merge_action_moves_claims_and_records_them(world, client):
    client.force_login(world.reviewer)
    duplicate = create_actor(project_id=world.project.pk, user=world.annotator, name="Zofficials")
    claim = make_claim(world, speaker_id=duplicate.pk)
    response = client.post(
        reverse("admin:annotate_actor_changelist"),
        {"action": "merge_into_first", "_selected_action": [world.officials.pk, duplicate.pk]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.speaker_id == world.officials.pk
    assert HistoryEntry.objects.get(action="actor.merged").via == "admin"
