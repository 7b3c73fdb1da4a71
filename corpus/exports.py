"""The corpus as JSON Lines: one object per article, re-importable by the JSONL importer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from corpus.models import Article
from corpus.selectors import articles_for_export

EXPORT_CHUNK_SIZE = 500


def article_as_dict(article: Article) -> dict[str, Any]:
    """An article with its segmentation; empty strings are written as null."""
    return {
        "external_id": article.external_id or None,
        "title": article.title or None,
        "published": article.published,
        "publisher": article.publisher or None,
        "author": article.author or None,
        "url": article.url or None,
        "language": article.language,
        "content_hash": article.content_hash,
        "text": article.text,
        "metadata": article.metadata,
        "blocks": [
            {"kind": block.kind, "start": block.start, "end": block.end}
            for block in article.blocks.all()
        ],
        "sentences": [[sentence.start, sentence.end] for sentence in article.sentences.all()],
    }


def iter_articles_jsonl() -> Iterator[str]:
    """One JSON line per article, streamed in chunks with flat memory."""
    for article in articles_for_export().iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield json.dumps(article_as_dict(article), ensure_ascii=False) + "\n"
