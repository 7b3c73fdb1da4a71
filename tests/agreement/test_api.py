"""Agreement, progress, comparison and adjudication over the REST API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotate.models import Assignment, Attribution
from tests.agreement.conftest import add_annotated_articles


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(review, tail):
    return f"/api/projects/{review.project.pk}/{tail}"


def article_url(review, tail):
    return url(review, f"articles/{review.article.pk}/{tail}")


@pytest.fixture
def annotated(review):
    first = review.claim(review.first)
    second = review.claim(review.second, type="indirect")
    review.submit_both()
    return first, second


def test_reviewer_reads_project_agreement(review, annotated):
    response = client_for(review.reviewer).get(url(review, "agreement/"))
    assert response.status_code == 200
    body = response.json()
    assert body["annotators"] == ["ann1", "ann2"]
    assert body["units"]["f1"]["overall"]["f1"] == 1.0
    assert body["labels"]["type"]["percent"] == 0.0


def test_agreement_of_one_article(review, annotated):
    response = client_for(review.manager).get(
        url(review, "agreement/"), {"article": review.article.pk}
    )
    assert response.status_code == 200
    assert response.json()["article"] == review.article.pk


def test_agreement_refuses_an_article_outside_the_project(review, annotated):
    response = client_for(review.reviewer).get(url(review, "agreement/"), {"article": 999999})
    assert response.status_code == 404
    assert "is not in project" in response.json()["detail"]


def test_agreement_refuses_a_malformed_article(review):
    response = client_for(review.reviewer).get(url(review, "agreement/"), {"article": "x"})
    assert response.status_code == 400
    assert response.json()["field"] == "article"
    assert "valid integer" in response.json()["detail"]


def test_annotators_cannot_read_agreement_and_outsiders_get_404(review, annotated):
    response = client_for(review.ann1).get(url(review, "agreement/"))
    assert response.status_code == 403
    assert "needs the reviewer role" in response.json()["detail"]
    assert client_for(review.outsider).get(url(review, "agreement/")).status_code == 404
    assert APIClient().get(url(review, "agreement/")).status_code in (401, 403)


def test_progress_is_for_managers(review, annotated):
    response = client_for(review.manager).get(url(review, "progress/"))
    assert response.status_code == 200
    rows = {row["annotator"]: row for row in response.json()["annotators"]}
    assert rows["ann1"]["statuses"]["submitted"] == 1
    assert client_for(review.reviewer).get(url(review, "progress/")).status_code == 403


def test_comparison_lists_aligned_claims(review, annotated):
    response = client_for(review.reviewer).get(article_url(review, "comparison/"))
    assert response.status_code == 200
    (row,) = response.json()["rows"]
    assert row["differs"] == ["type"]
    assert set(row["claims"]) == {"ann1", "ann2"}


def test_reviewer_merges_a_gold_claim_and_finishes_gold(review, annotated):
    first, second = annotated
    client = client_for(review.reviewer)
    response = client.post(
        article_url(review, "gold/claims/"),
        {"sources": {"content": first.pk, "type": second.pk}},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["type"] == "indirect"
    assert response.json()["origin"] == "adjudicated"
    finished = client.post(article_url(review, "gold/finish/"), {}, format="json")
    assert finished.status_code == 200
    gold = Assignment.objects.get(project=review.project, article=review.article, is_gold=True)
    assert gold.status == "gold"
    assert Attribution.objects.filter(assignment=gold).count() == 1


def test_accept_agreed_over_the_api(review):
    review.claim(review.first)
    review.claim(review.second)
    review.submit_both()
    response = client_for(review.reviewer).post(article_url(review, "gold/accept-agreed/"))
    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_gold_claim_refuses_bad_input_with_400(review, annotated):
    client = client_for(review.reviewer)
    response = client.post(
        article_url(review, "gold/claims/"), {"sources": {"speaker": 1}}, format="json"
    )
    assert response.status_code == 400
    assert "'content' claim id" in response.json()["detail"]
    response = client.post(article_url(review, "gold/claims/"), {"sources": "nope"}, format="json")
    assert response.status_code == 400


def test_annotator_cannot_adjudicate(review, annotated):
    first, _ = annotated
    response = client_for(review.ann1).post(
        article_url(review, "gold/claims/"), {"sources": {"content": first.pk}}, format="json"
    )
    assert response.status_code == 403
    assert not Assignment.objects.filter(is_gold=True).exists()


@pytest.mark.parametrize("path", ["agreement/", "progress/"], ids=["agreement", "progress"])
def test_report_queries_do_not_grow_with_articles(review, django_assert_num_queries, path):
    """The same number of queries at 2 and at 4 annotated articles."""
    client = client_for(review.manager)
    add_annotated_articles(review, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(review, path)).status_code == 200
    add_annotated_articles(review, 2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(review, path))
    assert response.status_code == 200
