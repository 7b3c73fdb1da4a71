"""Reads of the corpus, with their query shape fixed so no caller runs a query per row."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from corpus.models import Article, Block, Sentence


def _count(model: type[Block] | type[Sentence]) -> Coalesce:
    counts = (
        model.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def articles_with_counts() -> QuerySet[Article]:
    """Articles annotated with `block_count` and `sentence_count` (one query for a page)."""
    return Article.objects.annotate(block_count=_count(Block), sentence_count=_count(Sentence))


def articles_for_export() -> QuerySet[Article]:
    """Articles with their blocks and sentences prefetched in offset order."""
    return Article.objects.order_by("pk").prefetch_related(
        Prefetch("blocks", queryset=Block.objects.order_by("start")),
        Prefetch("sentences", queryset=Sentence.objects.order_by("start")),
    )


def article_segments(article: Article) -> tuple[list[Block], list[Sentence]]:
    """The blocks and sentences of one article, in offset order (two queries)."""
    blocks = list(Block.objects.filter(article=article).order_by("start"))
    sentences = list(Sentence.objects.filter(article=article).order_by("start"))
    return blocks, sentences
