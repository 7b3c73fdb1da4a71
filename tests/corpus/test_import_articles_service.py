"""`import_articles` and the metadata edit path, called directly."""

import pytest

from corpus import services
from corpus.errors import Conflict, InvalidInput
from corpus.importers import ArticleRecord, files_to_import, read_records
from corpus.models import Article, Sentence
from corpus.services import import_articles, update_article
from tests.corpus.conftest import SEEDS
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _records(n: int) -> list[ArticleRecord]:
    seed_texts = [r.text for r in read_records(files_to_import([SEEDS]))]
    return [
        ArticleRecord(origin=f"gen:{i}", text=f"Copy {i}. " + seed_texts[i % 5], body_start=0)
        for i in range(n)
    ]


def test_import_articles_in_worker_processes_matches_inline_segmentation(monkeypatch):
    """Segmenting in a process pool stores exactly what inline segmentation stores."""
    monkeypatch.setattr(services, "POOL_THRESHOLD", 1)
    pooled = import_articles(records=_records(12), workers=2, chunk_size=5)
    pooled_spans = list(
        Sentence.objects.order_by("article_id", "start").values_list("start", "end")
    )
    Article.objects.all().delete()
    inline = import_articles(records=_records(12), workers=1, chunk_size=5)
    inline_spans = list(
        Sentence.objects.order_by("article_id", "start").values_list("start", "end")
    )
    assert (
        (pooled.created, pooled.sentences)
        == (inline.created, inline.sentences)
        == (12, inline.sentences)
    )
    assert pooled_spans == inline_spans


def test_import_articles_reports_created_and_skipped_ids():
    """`created_ids` are the new articles; `skipped_ids` the stored ones the duplicates matched."""
    first = import_articles(records=_records(3), workers=1)
    again = import_articles(records=_records(4), workers=1)
    assert first.created == 3
    assert (again.created, again.skipped) == (1, 3)
    assert again.skipped_ids == first.created_ids
    assert Article.objects.count() == 4


def test_update_article_refuses_to_change_the_text():
    """The text is the article's identity: no edit path changes it."""
    article = ArticleFactory()
    with pytest.raises(InvalidInput, match="The text of an article never changes"):
        update_article(article_id=article.pk, changes={"text": "Something else."})
    article.refresh_from_db()
    assert article.text != "Something else."


def test_update_article_changes_metadata_fields():
    """Title and publisher can be corrected; only they are saved."""
    article = ArticleFactory(title="Old", publisher="X")
    update_article(article_id=article.pk, changes={"title": "New", "publisher": "Y"})
    article.refresh_from_db()
    assert (article.title, article.publisher) == ("New", "Y")


def test_update_article_refuses_an_invalid_url():
    """Field validation runs before saving, naming the field."""
    article = ArticleFactory()
    with pytest.raises(InvalidInput, match="url: Enter a valid URL"):
        update_article(article_id=article.pk, changes={"url": "nope"})


def test_import_articles_turns_a_concurrent_duplicate_into_a_conflict(monkeypatch):
    """A text stored by another import after the duplicate check ends in Conflict, not a 500."""
    records = _records(2)
    original = services._Importer.prepare

    def prepare_then_race(self, chunk):
        prepared = original(self, chunk)
        # Stands in for another import storing the same text; it runs inside this transaction
        # here, so the rollback removes it too.
        ArticleFactory(text=chunk[0].text, segmented=False)
        return prepared

    monkeypatch.setattr(services._Importer, "prepare", prepare_then_race)
    with pytest.raises(Conflict, match="run this one again"):
        import_articles(records=records, workers=1)
    assert Article.objects.count() == 0
