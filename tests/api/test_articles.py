import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.services.projects import add_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_detail_has_text_blocks_and_sentences(world, annotator_client):
    response = annotator_client.get(f"/api/articles/{world.article.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == world.article.text
    assert body["blocks"][0] == {"kind": "paragraph", "start": 0, "end": 81}
    start, end = body["sentences"][-1]
    assert body["text"][start:end].endswith("😀.")
    assert body["content_hash"] == world.article.content_hash


def test_article_list_carries_metadata_without_text(world, annotator_client):
    response = annotator_client.get("/api/articles/")

    (row,) = response.json()["results"]
    assert row["title"] == "A test article"
    assert "text" not in row


def test_article_outside_my_projects_is_not_found(world, annotator_client, outsider_client):
    stray = ArticleFactory()

    assert annotator_client.get(f"/api/articles/{stray.pk}/").status_code == 404
    assert outsider_client.get(f"/api/articles/{world.article.pk}/").status_code == 404


def test_article_list_filters_by_project_publisher_language_and_date(world, reviewer_client):
    old = ArticleFactory(publisher="Trend", language="az", published_date=dt.date(2020, 1, 2))
    add_articles(project_id=world.project.pk, user=world.manager, article_ids=[old.pk])

    def ids(**params):
        response = reviewer_client.get("/api/articles/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(project=world.project.pk) == [world.article.pk, old.pk]
    assert ids(publisher="Trend") == [old.pk]
    assert ids(language="az") == [old.pk]
    assert ids(published_after="2020-01-01", published_before="2020-01-31") == [old.pk]
    assert ids(published_after="2021-01-01") == []


def test_article_list_refuses_a_malformed_date(world, reviewer_client):
    response = reviewer_client.get("/api/articles/", {"published_after": "yesterday"})

    assert response.status_code == 400
    assert response.json()["field"] == "published_after"


def test_article_list_takes_the_same_queries_for_n_and_2n_articles(world, reviewer_client):
    def add(count):
        articles = [ArticleFactory(segmented=False) for _ in range(count)]
        add_articles(
            project_id=world.project.pk, user=world.manager, article_ids=[a.pk for a in articles]
        )

    add(3)
    with CaptureQueriesContext(connection) as small:
        reviewer_client.get("/api/articles/")
    add(6)
    with CaptureQueriesContext(connection) as large:
        response = reviewer_client.get("/api/articles/")

    assert len(response.json()["results"]) == 10
    assert len(large) == len(small)
