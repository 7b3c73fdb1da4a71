"""Turn one JSONL object or CSV row into an `ArticleRecord`, with messages naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corpus.importers.base import ArticleRecord, RecordError, parse_published
from corpus.segmentation import HEADING, PARAGRAPH, BlockSpan, check_segments

STRING_FIELDS = ("external_id", "title", "publisher", "author", "url", "language")
KNOWN_FIELDS = frozenset(
    (*STRING_FIELDS, "text", "published", "metadata", "content_hash", "blocks", "sentences")
)


def _string(mapping: Mapping[str, Any], key: str, origin: str) -> str:
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(origin, f"{key!r} must be a string, not {value!r}")
    return value.strip()


def _offsets(value: Any, what: str, origin: str) -> tuple[int, int]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        raise RecordError(
            origin, f"{what} must be a pair of integer offsets [start, end], not {value!r}"
        )
    return value[0], value[1]


def _blocks(mapping: Mapping[str, Any], text: str, origin: str) -> list[BlockSpan] | None:
    raw_blocks, raw_sentences = mapping.get("blocks"), mapping.get("sentences")
    if raw_blocks is None and raw_sentences is None:
        return None
    if not isinstance(raw_blocks, list) or not isinstance(raw_sentences, list):
        raise RecordError(origin, "'blocks' and 'sentences' come together, both as lists")
    sentences = sorted(_offsets(s, "a sentence", origin) for s in raw_sentences)
    blocks: list[BlockSpan] = []
    index = 0
    for raw in raw_blocks:
        if not isinstance(raw, dict) or raw.get("kind") not in (PARAGRAPH, HEADING):
            raise RecordError(
                origin,
                f"a block must be {{'kind': 'paragraph'|'heading', 'start', 'end'}}, not {raw!r}",
            )
        start, end = _offsets([raw.get("start"), raw.get("end")], "a block", origin)
        inside = []
        while index < len(sentences) and sentences[index][0] < end:
            if sentences[index][0] < start:
                break
            inside.append(sentences[index])
            index += 1
        blocks.append(BlockSpan(raw["kind"], start, end, tuple(inside)))
    if index != len(sentences):
        s, e = sentences[index]
        raise RecordError(origin, f"sentence {s}-{e} lies in no block")
    problem = check_segments(text, blocks)
    if problem is not None:
        raise RecordError(origin, problem)
    return blocks


def record_from_mapping(mapping: Mapping[str, Any], origin: str) -> ArticleRecord:
    """Validate one object's shape and values (not the database rules) into a record."""
    unknown = sorted(set(mapping) - KNOWN_FIELDS)
    if unknown:
        raise RecordError(
            origin,
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_FIELDS))}",
        )
    text = mapping.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(origin, f"'text' is missing or empty ({text!r}): an article needs a text")
    published = None
    raw_published = mapping.get("published")
    if raw_published not in (None, ""):
        if not isinstance(raw_published, str):
            raise RecordError(origin, f"'published' must be a string, not {raw_published!r}")
        try:
            published = parse_published(raw_published)
        except ValueError as error:
            raise RecordError(origin, f"bad 'published': {error}") from None
    metadata = mapping.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise RecordError(origin, f"'metadata' must be an object, not {metadata!r}")
    content_hash = mapping.get("content_hash")
    if content_hash is not None and not isinstance(content_hash, str):
        raise RecordError(origin, f"'content_hash' must be a string, not {content_hash!r}")
    body_start = metadata.get("body_start", 0)
    if not isinstance(body_start, int) or not 0 <= body_start <= len(text):
        raise RecordError(
            origin, f"metadata 'body_start' {body_start!r} is not an offset into the text"
        )
    return ArticleRecord(
        origin=origin,
        text=text,
        external_id=_string(mapping, "external_id", origin),
        title=_string(mapping, "title", origin),
        published=published,
        publisher=_string(mapping, "publisher", origin),
        author=_string(mapping, "author", origin),
        url=_string(mapping, "url", origin),
        language=_string(mapping, "language", origin) or "en",
        metadata=metadata,
        body_start=body_start,
        blocks=_blocks(mapping, text, origin),
        content_hash=content_hash,
    )
