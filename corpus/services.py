"""Writes to the corpus: importing articles, editing their metadata, deleting them."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from corpus.bulk import insert_rows
from corpus.errors import Conflict, InvalidInput, NotFound
from corpus.importers.base import ArticleRecord, RecordError
from corpus.models import Article, Block, Sentence, content_hash
from corpus.segmentation import BlockRow, block_rows, segment_many

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
# Below this many new articles in a chunk, starting worker processes costs more than it saves.
POOL_THRESHOLD = 200
# Columns written by `insert_rows`, in row order (`created_at` is set per chunk, as auto_now_add).
ARTICLE_FIELDS = (
    "title",
    "published_date",
    "published_at",
    "published_offset_minutes",
    "publisher",
    "author",
    "url",
    "language",
    "external_id",
    "metadata",
    "text",
    "content_hash",
    "created_at",
)
BLOCK_FIELDS = ("article", "kind", "start", "end")
SENTENCE_FIELDS = ("article", "block", "start", "end")


@dataclass
class ImportResult:
    """What one import run did. `skipped_ids` are the existing articles the duplicates matched."""

    created: int = 0
    skipped: int = 0
    blocks: int = 0
    sentences: int = 0
    created_ids: list[int] = field(default_factory=list)
    skipped_ids: list[int] = field(default_factory=list)


def _chunks(records: Iterable[ArticleRecord], size: int) -> Iterator[list[ArticleRecord]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    step = -(-len(items) // parts)
    return [items[i : i + step] for i in range(0, len(items), step)]


def _check_storable(record: ArticleRecord) -> None:
    """Refuse what a database cannot store: U+0000 (PostgreSQL text and JSON) and lone
    surrogates (not UTF-8, so no content hash either), the same way on every database."""
    fields = {
        "text": record.text,
        "title": record.title,
        "publisher": record.publisher,
        "author": record.author,
        "url": record.url,
        "language": record.language,
        "external_id": record.external_id,
        "metadata": json.dumps(record.metadata, ensure_ascii=False),
    }
    for name, value in fields.items():
        if "\x00" in value or (name == "metadata" and "\\u0000" in value):
            raise RecordError(
                record.origin,
                f"{name} contains a NUL character (U+0000), which cannot be stored; remove it",
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise RecordError(
                record.origin,
                f"{name} contains a lone surrogate (U+{ord(value[error.start]):04X}) at "
                f"offset {error.start}: it is not a character; fix the encoding",
            ) from None


def _build_article(record: ArticleRecord, digest: str) -> Article:
    published = record.published
    article = Article(
        title=record.title,
        published_date=published.date if published else None,
        published_at=published.at if published else None,
        published_offset_minutes=published.offset_minutes if published else None,
        publisher=record.publisher,
        author=record.author,
        url=record.url,
        language=record.language,
        external_id=record.external_id,
        metadata=record.metadata,
        text=record.text,
        content_hash=digest,
    )
    try:
        article.clean_fields(exclude=["content_hash"])
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
        raise RecordError(record.origin, problems) from None
    return article


class _Importer:
    """One run: dedupes by content hash, segments (in workers when large), inserts in bulk."""

    def __init__(self, workers: int, progress: Callable[[int], None] | None, every: int) -> None:
        self.workers = workers
        self.progress = progress
        self.every = every
        self.read = 0
        self.pool: Pool | None = None
        self.seen: set[str] = set()
        self.result = ImportResult()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def prepare(self, chunk: list[ArticleRecord]) -> tuple[list[Article], list[ArticleRecord]]:
        """New articles of `chunk` (unsaved) and their records; duplicates are counted."""
        digests = []
        for record in chunk:
            _check_storable(record)
            digest = content_hash(record.text)
            if record.content_hash is not None and record.content_hash != digest:
                raise RecordError(
                    record.origin,
                    f"content_hash {record.content_hash!r} does not match the text ({digest})",
                )
            digests.append(digest)
        existing = dict(
            Article.objects.filter(content_hash__in=set(digests)).values_list("content_hash", "id")
        )
        articles, kept = [], []
        for record, digest in zip(chunk, digests, strict=True):
            if digest in existing:
                self.result.skipped += 1
                self.result.skipped_ids.append(existing[digest])
            elif digest in self.seen:
                self.result.skipped += 1
            else:
                self.seen.add(digest)
                articles.append(_build_article(record, digest))
                kept.append(record)
        self.read += len(chunk)
        if (
            self.progress is not None
            and self.read // self.every != (self.read - len(chunk)) // self.every
        ):
            self.progress(self.read)
        return articles, kept

    def start_segmenting(self, records: list[ArticleRecord]) -> Callable[[], list[list[BlockRow]]]:
        """Start segmenting the records that carry no blocks; return a function awaiting it."""
        jobs = [(r.text, r.body_start, r.heading_lines) for r in records if r.blocks is None]
        pending: AsyncResult[list[list[list[BlockRow]]]] | None = None
        if self.workers > 1 and len(jobs) >= POOL_THRESHOLD:
            if self.pool is None:
                # spawn, not fork: a forked child would share the database connection's socket.
                self.pool = multiprocessing.get_context("spawn").Pool(self.workers)
            pending = self.pool.map_async(segment_many, _split(jobs, self.workers * 2))

        def wait() -> list[list[BlockRow]]:
            segmented = (
                [blocks for part in pending.get() for blocks in part]
                if pending is not None
                else segment_many(jobs)
            )
            found = iter(segmented)
            return [block_rows(r.blocks) if r.blocks is not None else next(found) for r in records]

        return wait

    def insert(self, articles: list[Article], segmented: list[list[BlockRow]]) -> None:
        if not articles:
            return
        created_at = timezone.now()
        article_ids = insert_rows(
            Article,
            ARTICLE_FIELDS,
            [
                (*(getattr(article, name) for name in ARTICLE_FIELDS[:-1]), created_at)
                for article in articles
            ],
            with_ids=True,
        )
        blocks: list[tuple[int, str, int, int]] = []
        spans: list[tuple[tuple[int, int], ...]] = []
        for article_id, article_blocks in zip(article_ids, segmented, strict=True):
            for kind, start, end, block_sentences in article_blocks:
                blocks.append((article_id, kind, start, end))
                spans.append(block_sentences)
        block_ids = insert_rows(Block, BLOCK_FIELDS, blocks, with_ids=True)
        sentences = [
            (block[0], block_id, start, end)
            for block, block_id, block_sentences in zip(blocks, block_ids, spans, strict=True)
            for start, end in block_sentences
        ]
        insert_rows(Sentence, SENTENCE_FIELDS, sentences)
        self.result.created += len(articles)
        self.result.created_ids.extend(article_ids)
        self.result.blocks += len(blocks)
        self.result.sentences += len(sentences)

    def run(self, records: Iterable[ArticleRecord], chunk_size: int) -> ImportResult:
        pending: tuple[list[Article], Callable[[], list[list[BlockRow]]]] | None = None
        for chunk in _chunks(records, chunk_size):
            articles, kept = self.prepare(chunk)
            waiting = self.start_segmenting(kept)
            # Insert the previous chunk while the workers segment this one.
            if pending is not None:
                self.insert(pending[0], pending[1]())
            pending = (articles, waiting)
        if pending is not None:
            self.insert(pending[0], pending[1]())
        return self.result


def import_articles(
    *,
    records: Iterable[ArticleRecord],
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> ImportResult:
    """Store every new article of `records` with its blocks and sentences, in one transaction.

    An article whose text (content hash) is already stored, or appeared earlier in the same run,
    is skipped and counted, so re-importing the same files creates nothing. The first bad record
    (a `RecordError` from the reader, a field that fails validation, a declared content hash
    that does not match) raises `RecordError` naming its file and line, and nothing of the run is
    stored. Records are read lazily in chunks; once a chunk holds enough new articles, sentence
    splitting runs in `workers` processes (default: up to 2 CPUs) while the main process writes
    the previous chunk. `progress(n)` is called after about every `progress_every` records read.
    """
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    importer = _Importer(workers, progress, progress_every)
    try:
        with transaction.atomic():
            result = importer.run(records, chunk_size)
    except IntegrityError as error:
        # Usually another import stored one of these texts between the duplicate check and the
        # insert (records are validated before, so other constraints should not fail here).
        logger.warning("import_articles: integrity error %s", error)
        raise Conflict(
            _(
                "The database refused the articles (%(error)s). If another import ran at the "
                "same time, run this one again: stored texts will be skipped."
            )
            % {"error": error}
        ) from error
    finally:
        importer.close()
    return result


EDITABLE_FIELDS = frozenset(("title", "publisher", "author", "url", "language", "external_id"))


def update_article(*, article_id: int, changes: dict[str, Any]) -> Article:
    """Change an article's descriptive metadata (not its text, hash, dates or segmentation).

    The text is the article's identity and every offset into it must stay valid, so a change to
    `text` or `content_hash` is refused with `InvalidInput`, as is any other unknown field. Locks
    the row, validates the fields, saves only what changed. Raises `NotFound`.
    """
    refused = sorted(set(changes) - EDITABLE_FIELDS)
    if refused:
        if {"text", "content_hash"} & set(refused):
            raise InvalidInput(
                _(
                    "The text of an article never changes: labels point into it by offset. "
                    "Import the corrected text as a new article instead."
                ),
                field="text",
            )
        raise InvalidInput(
            _("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(refused)},
            field=refused[0],
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFound(_("Article %(id)s does not exist.") % {"id": article_id})
        changed = [name for name, value in changes.items() if getattr(article, name) != value]
        for name in changed:
            setattr(article, name, changes[name])
        try:
            article.full_clean(exclude=["content_hash"], validate_unique=False)
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise InvalidInput(f"{name}: {' '.join(messages)}", field=name) from None
        if changed:
            article.save(update_fields=changed)
    return article


def delete_articles(*, article_ids: Iterable[int]) -> int:
    """Delete articles with their blocks and sentences; refused (`Conflict`) if labels use them."""
    ids = list(article_ids)
    try:
        with transaction.atomic():
            deleted, _by_model = Article.objects.filter(pk__in=ids).delete()
    except (ProtectedError, RestrictedError) as error:
        raise Conflict(
            _("Articles in a project or with labels cannot be deleted: %(error)s")
            % {"error": error.args[0]}
        ) from error
    return deleted
