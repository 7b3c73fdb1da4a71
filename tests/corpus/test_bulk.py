"""`corpus.bulk.insert_rows` (COPY on PostgreSQL, executemany on SQLite) under `import_articles`."""

import pytest
from django.db import connection

from corpus.bulk import insert_rows
from corpus.errors import Conflict
from corpus.importers import ArticleRecord
from corpus.importers.base import parse_published
from corpus.models import Article, Block, Sentence
from corpus.segmentation import PARAGRAPH, BlockSpan
from corpus.services import import_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_insert_rows_returns_the_ids_of_the_rows_in_order():
    """Ids come back in row order and continue after the stored ones."""
    before = ArticleFactory(segmented=False)
    ids = insert_rows(Block, ("article", "kind", "start", "end"), [], with_ids=True)
    assert ids == []
    rows = [(before.pk, PARAGRAPH, start, start + 1) for start in (5, 0, 3)]
    ids = insert_rows(Block, ("article", "kind", "start", "end"), rows, with_ids=True)
    assert len(set(ids)) == 3
    assert [Block.objects.get(pk=pk).start for pk in ids] == [5, 0, 3]
    assert ids == sorted(ids)


def test_insert_rows_falls_back_to_bulk_create_on_other_databases(monkeypatch):
    """A database without a fast path gets `bulk_create`, with the same result."""
    article = ArticleFactory(segmented=False)
    monkeypatch.setattr(connection, "vendor", "other")
    ids = insert_rows(
        Block, ("article", "kind", "start", "end"), [(article.pk, PARAGRAPH, 0, 4)], with_ids=True
    )
    assert Block.objects.get(pk=ids[0]).article_id == article.pk


def test_import_articles_does_not_reuse_the_id_of_a_deleted_article():
    """Like the database's own counter: a deleted article's id is not given out again."""
    deleted = ArticleFactory(segmented=False)
    deleted_id = deleted.pk
    deleted.delete()
    result = import_articles(records=[ArticleRecord(origin="x", text="New one.")], workers=1)
    assert result.created_ids[0] > deleted_id


def test_import_articles_stores_awkward_characters_exactly():
    """Tabs, backslashes, CR, `\\N`, quotes and astral characters survive COPY and executemany."""
    text = 'Tab\there. A back\\slash \\N and "quotes".\r\nCR\rline. Emoji \U0001f600 and\u2028more.'
    metadata = {"k": 'v\t\\ "q" \u00e9', "n": [1, 2.5, None, True], "body_start": 0}
    record = ArticleRecord(
        origin="x",
        text=text,
        title="T\\t",
        url="https://example.com/a?b=c",
        metadata=metadata,
        published=parse_published("2023-04-05T17:49:00-03:30"),
    )
    result = import_articles(records=[record], workers=1)
    article = Article.objects.get(pk=result.created_ids[0])
    assert (article.text, article.title, article.metadata) == (text, "T\\t", metadata)
    assert article.published == "2023-04-05T17:49:00-03:30"
    assert article.created_at is not None
    blocks = list(article.blocks.order_by("start"))
    assert [text[b.start : b.end] for b in blocks] == [
        'Tab\there. A back\\slash \\N and "quotes".',
        "CR",
        "line. Emoji \U0001f600 and\u2028more.",
    ]
    for sentence in article.sentences.select_related("block"):
        assert sentence.block.article_id == article.pk
        assert sentence.block.start <= sentence.start < sentence.end <= sentence.block.end


@pytest.mark.parametrize(
    "sentences",
    [((3, 3),), ((0, 2), (0, 3))],
    ids=["empty sentence", "two sentences at one offset"],
)
def test_import_articles_stores_nothing_when_the_database_refuses_a_sentence(sentences):
    """The database constraints still hold on the fast path, and a refusal rolls back the run."""
    good = ArticleRecord(origin="a", text="Fine text.")
    bad = ArticleRecord(
        origin="b", text="Bad", blocks=[BlockSpan(PARAGRAPH, 0, 3, sentences)], body_start=0
    )
    with pytest.raises(Conflict, match="The database refused the articles"):
        import_articles(records=[good, bad], workers=1)
    assert (Article.objects.count(), Block.objects.count(), Sentence.objects.count()) == (0, 0, 0)
