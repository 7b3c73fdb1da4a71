"""CSV: one row per claim, for spreadsheets and pandas.

The first line is the manifest as a comment (`# {"manifest": ...}`); read the table with
`pandas.read_csv(path, skiprows=1)` or skip one line before `csv.DictReader`. Offsets are JSON
(`[[start, end], ...]`, code points); the texts of a split content are joined by " … ".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from annotate.exports.base import ExportContext, LineFormat
from annotate.exports.records import Document

COLUMNS = (
    "article_id",
    "content_hash",
    "external_id",
    "title",
    "split",
    "annotator",
    "status",
    "is_gold",
    "claim",
    "content_text",
    "content_offsets",
    "source_text",
    "source_offsets",
    "cue_text",
    "cue_offsets",
    "speaker",
    "speaker_kind",
    "type",
    "category",
    "stances",
    "nested_in",
    "note",
    "confidence",
    "origin",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)
CONTENT_JOINER = " … "


def _span(text: str, span: list[int] | None) -> tuple[str, str]:
    if span is None:
        return "", ""
    return text[span[0] : span[1]], json.dumps(span)


def _stances(stances: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "target": stance["target_actor"]["name"]
                if stance["target_actor"]
                else stance["target_topic"],
                "target_is_actor": stance["target_actor"] is not None,
                "polarity": stance["polarity"],
            }
            for stance in stances
        ],
        ensure_ascii=False,
    )


class CsvFormat(LineFormat):
    name = "csv"
    media_type = "text/csv"
    extension = "csv"
    manifest_prefix = "# "

    def _rows(self, rows: Iterable[Iterable[Any]]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()

    def header(self, context: ExportContext) -> Iterable[str]:
        yield self._rows([COLUMNS])

    def render(self, document: Document, context: ExportContext) -> Iterable[str]:
        text = document["text"]
        rows = []
        for assignment in document["assignments"]:
            for claim in assignment["attributions"]:
                speaker = claim["speaker"]
                rows.append(
                    (
                        document["article_id"],
                        document["content_hash"],
                        document["external_id"],
                        document["title"],
                        document.get("split", ""),
                        assignment["annotator"],
                        assignment["status"],
                        assignment["is_gold"],
                        claim["id"],
                        CONTENT_JOINER.join(text[s:e] for s, e in claim["content"]),
                        json.dumps(claim["content"]),
                        *_span(text, claim["source"]),
                        *_span(text, claim["cue"]),
                        speaker["name"] if speaker else "",
                        speaker["kind"] if speaker else "",
                        claim["type"],
                        claim["category"],
                        _stances(claim["stances"]),
                        claim["nested_in"] if claim["nested_in"] is not None else "",
                        claim["note"],
                        claim["confidence"] if claim["confidence"] is not None else "",
                        claim["origin"],
                        claim["created_by"],
                        claim["created_at"],
                        claim["updated_by"],
                        claim["updated_at"],
                    )
                )
        if rows:
            yield self._rows(rows)


FORMAT = CsvFormat()
