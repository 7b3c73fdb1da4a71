"""CSV with a header row naming the columns; `text` is required, the others optional."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from corpus.importers.base import ArticleRecord, RecordError, read_text
from corpus.importers.fields import STRING_FIELDS, record_from_mapping

COLUMNS = ("external_id", "title", "text", "published", "publisher", "author", "url", "language")
OPTIONAL_COLUMNS = ("metadata",)
MAX_CELL_CHARS = 64 * 1024 * 1024


def read_csv_file(path: Path) -> Iterator[ArticleRecord]:
    """Yield one record per row; `metadata`, if present, is a JSON object in one cell."""
    # The default cell limit (128 KiB) is smaller than a long article.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RecordError(f"{path}:1", "the file is empty: expected a header row") from None
    except csv.Error as error:
        raise RecordError(f"{path}:1", f"malformed CSV: {error}") from None
    names = [name.strip() for name in header]
    unknown = [name for name in names if name not in COLUMNS + OPTIONAL_COLUMNS]
    if unknown or "text" not in names or len(set(names)) != len(names):
        raise RecordError(
            f"{path}:1",
            f"wrong header {','.join(names)!r}: expected the columns {','.join(COLUMNS)} "
            f"(text required, metadata optional)",
        )
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RecordError(f"{path}:{start}", f"malformed CSV: {error}") from None
        line = reader.line_num
        origin = f"{path}:{start}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise RecordError(origin, f"{len(row)} cells, the header has {len(names)}")
        mapping: dict[str, object] = dict(zip(names, row, strict=True))
        for key in (*STRING_FIELDS, "published"):
            if mapping.get(key) == "":
                mapping[key] = None
        if "metadata" in mapping:
            raw = mapping["metadata"]
            try:
                mapping["metadata"] = json.loads(raw) if raw else None  # type: ignore[arg-type]
            except json.JSONDecodeError as error:
                raise RecordError(origin, f"'metadata' is not JSON: {error.msg}") from None
        yield record_from_mapping(mapping, origin)
