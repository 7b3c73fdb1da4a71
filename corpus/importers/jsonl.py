"""JSON Lines: one article object per line (the format `export_articles` writes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from corpus.importers.base import ArticleRecord, RecordError, read_text
from corpus.importers.fields import record_from_mapping


def read_jsonl_file(path: Path) -> Iterator[ArticleRecord]:
    """Yield one record per non-blank line; a bad line raises `RecordError` naming it."""
    # Split on LF only: str.splitlines() would also break at U+2028 inside a JSON string.
    for number, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(
                origin, f"malformed JSON: {error.msg} at column {error.colno}"
            ) from None
        if not isinstance(value, dict):
            raise RecordError(
                origin, f"each line must be a JSON object, not {type(value).__name__}"
            )
        yield record_from_mapping(value, origin)
