"""Native JSONL, the reference format: one article per line, lossless (see annotate.imports).

Database ids are left out on purpose: articles are known by `content_hash`, claims by a local id
(`1`, `2`, ... within their assignment, in content order), users by username and actors by name,
so an export imported into another project or instance exports again to the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from annotate.exports.base import ExportContext, LineFormat
from annotate.exports.records import Document


def native_line(document: Document) -> str:
    line = {key: value for key, value in document.items() if key != "article_id"}
    return json.dumps(line, ensure_ascii=False) + "\n"


class JsonlFormat(LineFormat):
    name = "jsonl"
    media_type = "application/x-ndjson"
    extension = "jsonl"

    def render(self, document: Document, context: ExportContext) -> Iterable[str]:
        yield native_line(document)


FORMAT = JsonlFormat()
