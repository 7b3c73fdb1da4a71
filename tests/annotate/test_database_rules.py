"""Rules the database itself holds, whatever path writes the row (SQLite and PostgreSQL)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from annotate.models import Assignment, Attribution, HistoryEntry, Project, Span
from corpus.models import Article
from tests.annotate.conftest import make_article, make_claim


def test_article_text_cannot_change_once_a_span_points_into_it(world):
    make_claim(world)
    with (
        pytest.raises(IntegrityError, match="Article text cannot change once claims point into it"),
        transaction.atomic(),
    ):
        Article.objects.filter(pk=world.article.pk).update(text="Something else.")
    world.article.refresh_from_db()
    assert world.article.text.startswith("The minister said")


def test_article_text_without_spans_can_still_be_corrected(world):
    article = make_article("A first version of the text.")
    Article.objects.filter(pk=article.pk).update(text="A corrected version of the text.")
    article.refresh_from_db()
    assert article.text == "A corrected version of the text."


def test_article_metadata_can_change_when_spans_point_into_it(world):
    make_claim(world)
    Article.objects.filter(pk=world.article.pk).update(title="New title")


def test_history_entry_cannot_be_updated(world):
    make_claim(world)
    entry = HistoryEntry.objects.filter(action="attribution.created").get()
    with (
        pytest.raises(IntegrityError, match="History entries are append-only"),
        transaction.atomic(),
    ):
        HistoryEntry.objects.filter(pk=entry.pk).update(action="attribution.deleted")
    entry.refresh_from_db()
    assert entry.action == "attribution.created"


def test_assignment_with_history_cannot_be_deleted_alone(world):
    with pytest.raises(RestrictedError):
        Assignment.objects.filter(pk=world.assignment.pk).delete()


def test_deleting_a_project_removes_its_labels_and_history(world):
    parent = make_claim(world, content=[world.span('said that "talks will resume soon,"')])
    make_claim(world, content=[world.span("talks")], nested_in_id=parent.pk)

    Project.objects.filter(pk=world.project.pk).delete()

    assert not Attribution.objects.exists()
    assert not Span.objects.exists()
    assert not HistoryEntry.objects.filter(project_id=world.project.pk).exists()


def test_span_end_must_follow_start_in_the_database(world):
    claim = make_claim(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Span.objects.create(attribution=claim, role="content", start=40, end=40)
