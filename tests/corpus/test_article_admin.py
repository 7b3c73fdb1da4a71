"""The article admin: list, search, filters, query count, segmented change page, read-only text."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from corpus.models import Article
from tests.corpus.conftest import SEEDS
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:corpus_article_changelist")


@pytest.fixture
def admin_client_(client, make_user):
    client.force_login(make_user("boss", is_superuser=True))
    return client


def _change_url(article: Article) -> str:
    return reverse("admin:corpus_article_change", args=[article.pk])


def test_article_changelist_lists_articles_with_counts(admin_client_):
    """The list shows title, publisher and the number of sentences."""
    article = ArticleFactory(title="Bayramov meets Lavrov", publisher="Azernews")
    response = admin_client_.get(CHANGELIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bayramov meets Lavrov" in content
    assert "Azernews" in content
    assert f">{article.sentences.count()}<" in content


def test_article_changelist_query_count_does_not_grow_with_rows(admin_client_):
    """Same number of queries for N and 2N articles: no query per row."""
    ArticleFactory.create_batch(5)
    with CaptureQueriesContext(connection) as small:
        assert admin_client_.get(CHANGELIST).status_code == 200
    ArticleFactory.create_batch(5)
    with CaptureQueriesContext(connection) as large:
        assert admin_client_.get(CHANGELIST).status_code == 200
    assert len(large) == len(small)


def test_article_changelist_searches_title_and_text(admin_client_):
    """`?q=` finds an article by a word of its text and of its title."""
    ArticleFactory(title="First", text="Nothing special here.")
    ArticleFactory(title="Second", text="The Southern Gas Corridor was discussed.")
    by_text = admin_client_.get(CHANGELIST, {"q": "Corridor"}).context["cl"].result_list
    assert [a.title for a in by_text] == ["Second"]
    by_title = admin_client_.get(CHANGELIST, {"q": "First"}).context["cl"].result_list
    assert [a.title for a in by_title] == ["First"]


def test_article_changelist_filters_by_publisher_and_language(admin_client_):
    """The publisher and language filters narrow the list."""
    ArticleFactory(title="A", publisher="Azernews", language="en")
    ArticleFactory(title="B", publisher="APA", language="ru")
    rows = admin_client_.get(CHANGELIST, {"publisher": "APA"}).context["cl"].result_list
    assert [a.title for a in rows] == ["B"]
    rows = admin_client_.get(CHANGELIST, {"language": "en"}).context["cl"].result_list
    assert [a.title for a in rows] == ["A"]


def test_article_changelist_filters_by_published_date(admin_client_):
    """The published-date filter takes a date range."""
    ArticleFactory(title="Old", published_date=dt.date(2020, 1, 1))
    ArticleFactory(title="New", published_date=dt.date(2023, 9, 7))
    rows = (
        admin_client_.get(
            CHANGELIST, {"published_date__gte": "2023-01-01", "published_date__lt": "2024-01-01"}
        )
        .context["cl"]
        .result_list
    )
    assert [a.title for a in rows] == ["New"]


def test_article_change_page_shows_sentences_and_headings(admin_client_):
    """The seed 002 page outlines each sentence and shows its four headings as headings."""
    call_command("import_articles", str(SEEDS), stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get(external_id="002_6cee9a5cac6f40e7")
    content = admin_client_.get(_change_url(article)).content.decode()
    assert content.count('class="corpus-sentence"') == article.sentences.count()
    for heading in ("Singapore, Sweden", "UNAOC", "Hungary", "Red Cross"):
        assert f">{heading}</span></h3>" in content
    assert 'class="corpus-header"' in content
    assert "Bayramov noted.</span>" in content
    assert "corpus/article.css" in content


def test_article_change_page_escapes_the_text(admin_client_):
    """Markup in an article's text is shown, not run."""
    article = ArticleFactory(text="He wrote <script>alert(1)</script> today. Then left.")
    content = admin_client_.get(_change_url(article)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content


def test_article_change_page_keeps_the_text_read_only(admin_client_):
    """Posting a new text changes metadata only; the text and its hash stay."""
    article = ArticleFactory(text="Original text. Second sentence.", title="Old title")
    response = admin_client_.post(
        _change_url(article),
        {
            "title": "New title",
            "external_id": article.external_id,
            "publisher": article.publisher,
            "author": article.author,
            "url": "",
            "language": "en",
            "text": "Replaced text.",
            "content_hash": "0" * 64,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.text == "Original text. Second sentence."
    assert article.content_hash != "0" * 64
    assert b'name="text"' not in admin_client_.get(_change_url(article)).content


def test_article_admin_has_no_add_page(admin_client_):
    """Articles come from import_articles: the add page is refused."""
    assert admin_client_.get(reverse("admin:corpus_article_add")).status_code == 403


def test_article_admin_deletes_an_unused_article(admin_client_):
    """An article no label uses can be deleted, with its blocks and sentences."""
    article = ArticleFactory()
    response = admin_client_.post(
        reverse("admin:corpus_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_article_changelist_names_untitled_seeds_by_their_first_words(admin_client_):
    """An article without title is listed by the start of its body, not its header line."""
    call_command("import_articles", str(SEEDS), stdout=StringIO(), stderr=StringIO())
    content = admin_client_.get(CHANGELIST).content.decode()
    assert "Azerbaijani Foreign Minister Jeyhun Bayramov and New" in content
    assert " date 2023-04-05" not in content


def test_blocks_and_sentences_have_no_admin_pages():
    """Blocks and sentences are not editable in the admin: they have no pages of their own."""
    for name in ("admin:corpus_block_changelist", "admin:corpus_sentence_changelist"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
