"""Review screens in the admin: queue, review, history, comparison, agreement, progress."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate.models import Assignment, Attribution, HistoryEntry
from tests.agreement.conftest import add_annotated_articles


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(review):
    first = review.claim(review.first)
    second = review.claim(review.second, type="indirect")
    review.submit_both()
    return first, second


def test_queue_lists_submitted_assignments_for_reviewers(review, submitted):
    response = client_for(review.reviewer).get(reverse("admin:annotate_review_queue"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Waiting for review" in content
    assert reverse("admin:annotate_review_assignment", args=[review.first.pk]) in content
    assert (
        reverse("admin:annotate_review_compare", args=[review.project.pk, review.article.pk])
        in content
    )


def test_queue_shows_annotators_no_project(review, submitted):
    response = client_for(review.ann1).get(reverse("admin:annotate_review_queue"))
    assert response.status_code == 200
    assert "You review no project" in response.content.decode()


def test_review_page_highlights_spans_and_lists_claims(review, submitted):
    first, _ = submitted
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    response = client_for(review.reviewer).get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-claims="{first.pk}"' in content
    assert "talks will resume soon," in content
    assert 'id="rv-accept"' in content and 'id="rv-reject"' in content


def test_annotators_cannot_open_the_review_page_and_outsiders_get_404(review, submitted):
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    assert client_for(review.ann1).get(url).status_code == 403
    assert client_for(review.ann2).get(url).status_code == 404
    assert client_for(review.outsider).get(url).status_code == 404


def test_reject_needs_a_comment(review, submitted):
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    response = client_for(review.reviewer).post(
        url, {"action": "reject", "comment": " "}, follow=True
    )
    assert "A rejection needs a comment" in response.content.decode()
    review.first.refresh_from_db()
    assert review.first.status == "submitted"


def test_reject_with_comment_records_it_for_the_annotator(review, submitted):
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    client_for(review.reviewer).post(
        url, {"action": "reject", "comment": "Cue is wrong.", "version": review.first.version + 1}
    )
    review.first.refresh_from_db()
    assert (review.first.status, review.first.review_comment) == ("rejected", "Cue is wrong.")
    entry = HistoryEntry.objects.get(assignment=review.first, action="assignment.rejected")
    assert entry.via == "browser" and entry.user == review.reviewer
    queue = client_for(review.ann1).get(reverse("admin:annotate_queue")).content.decode()
    assert "Cue is wrong." in queue


def test_accept_a_stale_version_is_refused(review, submitted):
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    response = client_for(review.reviewer).post(
        url, {"action": "accept", "version": 1}, follow=True
    )
    assert "reload it" in response.content.decode()
    review.first.refresh_from_db()
    assert review.first.status == "submitted"


def test_reviewer_corrects_a_claim_with_history(review, submitted):
    first, _ = submitted
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    client_for(review.reviewer).post(
        url,
        {
            "action": "correct",
            "claim": first.pk,
            "claim_version": first.version,
            "type": "indirect",
            "speaker": "unknown",
            "polarity_0": "against",
        },
    )
    claim = Attribution.objects.get(pk=first.pk)
    assert claim.type == "indirect" and claim.speaker_id is None
    assert claim.stances.get().polarity == "against"
    entry = HistoryEntry.objects.get(attribution_id=first.pk, action="attribution.updated")
    assert entry.user == review.reviewer and entry.via == "browser"


def test_claim_history_shows_a_field_diff(review, submitted):
    first, _ = submitted
    url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    reviewer = client_for(review.reviewer)
    reviewer.post(
        url,
        {
            "action": "correct",
            "claim": first.pk,
            "claim_version": first.version,
            "type": "mixed",
            "speaker": str(review.minister.pk),
            "polarity_0": "favor",
        },
    )
    response = reviewer.get(reverse("admin:annotate_review_claim_history", args=[first.pk]))
    content = response.content.decode()
    assert "attribution.created" in content and "attribution.updated" in content
    assert '<td class="rv-before">direct</td><td class="rv-after">mixed</td>' in content


def test_assignment_history_lists_status_changes(review, submitted):
    url = reverse("admin:annotate_review_assignment_history", args=[review.first.pk])
    content = client_for(review.reviewer).get(url).content.decode()
    assert "assignment.submitted" in content
    assert "in_progress" in content and "submitted" in content


def test_claim_history_is_hidden_from_annotators_and_outsiders(review, submitted):
    first, _ = submitted
    url = reverse("admin:annotate_review_claim_history", args=[first.pk])
    assert client_for(review.ann1).get(url).status_code == 403
    assert client_for(review.outsider).get(url).status_code == 404
    assert (
        client_for(review.reviewer)
        .get(reverse("admin:annotate_review_claim_history", args=[999999]))
        .status_code
        == 404
    )


def test_compare_highlights_differences_and_adjudicates(review, submitted):
    first, second = submitted
    url = reverse("admin:annotate_review_compare", args=[review.project.pk, review.article.pk])
    reviewer = client_for(review.reviewer)
    content = reviewer.get(url).content.decode()
    assert 'data-differs="type"' in content
    assert 'class="rv-differs" data-element="type"' in content
    reviewer.post(url, {"action": "merge", "from_content": first.pk, "from_type": second.pk})
    gold = Assignment.objects.get(project=review.project, article=review.article, is_gold=True)
    (claim,) = gold.attributions.all()
    assert claim.type == "indirect" and claim.origin == "adjudicated"
    reviewer.post(url, {"action": "finish"})
    gold.refresh_from_db()
    assert gold.status == "gold"
    assert 'id="rv-reopen"' in reviewer.get(url).content.decode()


def test_compare_take_replaces_the_gold_claim(review, submitted):
    first, second = submitted
    url = reverse("admin:annotate_review_compare", args=[review.project.pk, review.article.pk])
    reviewer = client_for(review.reviewer)
    reviewer.post(url, {"action": "take", "claim": first.pk})
    gold_claim = Attribution.objects.get(assignment__is_gold=True)
    reviewer.post(
        url,
        {
            "action": "take",
            "claim": second.pk,
            "replace": gold_claim.pk,
            "replace_version": gold_claim.version,
        },
    )
    gold_claim.refresh_from_db()
    assert gold_claim.type == "indirect"
    reviewer.post(
        url, {"action": "remove", "gold_claim": gold_claim.pk, "gold_version": gold_claim.version}
    )
    assert not Attribution.objects.filter(assignment__is_gold=True).exists()


def test_compare_reports_bad_input_as_a_message(review, submitted):
    url = reverse("admin:annotate_review_compare", args=[review.project.pk, review.article.pk])
    response = client_for(review.reviewer).post(url, {"action": "take", "claim": "x"}, follow=True)
    assert response.status_code == 200
    assert "Pick a claim to take." in response.content.decode()


def test_compare_refuses_annotators_and_unknown_articles(review, submitted):
    url = reverse("admin:annotate_review_compare", args=[review.project.pk, review.article.pk])
    assert client_for(review.ann1).get(url).status_code == 403
    assert client_for(review.outsider).get(url).status_code == 404
    other = reverse("admin:annotate_review_compare", args=[review.project.pk, 999999])
    assert client_for(review.reviewer).get(other).status_code == 404


def test_agreement_page_shows_tables_and_confusion(review, submitted):
    url = reverse("admin:annotate_review_agreement", args=[review.project.pk])
    content = client_for(review.reviewer).get(url).content.decode()
    assert 'id="rv-span-scores"' in content and 'id="rv-label-scores"' in content
    assert 'class="rv-confusion" data-element="type"' in content
    assert client_for(review.reviewer).get(url, {"article": "x"}).status_code == 404
    assert client_for(review.ann1).get(url).status_code == 403


def test_progress_page_is_for_managers(review, submitted):
    url = reverse("admin:annotate_review_progress", args=[review.project.pk])
    response = client_for(review.manager).get(url)
    assert response.status_code == 200
    assert 'data-annotator="ann1"' in response.content.decode()
    assert client_for(review.reviewer).get(url).status_code == 403


@pytest.mark.parametrize("name", ["admin:annotate_review_queue", "admin:annotate_review_agreement"])
def test_review_pages_queries_do_not_grow_with_articles(review, django_assert_num_queries, name):
    """The same number of queries at 2 and at 4 annotated articles."""
    args = [] if name.endswith("queue") else [review.project.pk]
    client = client_for(review.reviewer)
    add_annotated_articles(review, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, args=args)).status_code == 200
    add_annotated_articles(review, 2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200


def test_assignment_history_names_the_reviewer_and_shows_the_comment(review, submitted):
    review_url = reverse("admin:annotate_review_assignment", args=[review.first.pk])
    reviewer = client_for(review.reviewer)
    reviewer.post(review_url, {"action": "reject", "comment": "Fix the cue."})
    url = reverse("admin:annotate_review_assignment_history", args=[review.first.pk])
    content = reviewer.get(url).content.decode()
    assert '<th scope="row">reviewed_by</th><td class="rv-before">—</td>' in content
    assert '<td class="rv-after">reviewer</td>' in content
    assert '<td class="rv-after">Fix the cue.</td>' in content
