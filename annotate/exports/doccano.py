"""doccano 1.8.4 import format: "Sequence labeling" JSONL with `entities` and `relations`.

A zip of `manifest.json` and the JSONL to upload, `documents.jsonl` (or one `<part>.jsonl` per
split part). One line per assignment: `text`, `entities` (`{id, label, start_offset, end_offset}`
with integer ids: doccano silently drops spans whose ids are strings), `relations`
(`{id, from_id, to_id, type}`), and the same metadata keys on every line (doccano fails a whole
file when a key is missing on some lines): `article_id`, `content_hash`, `external_id`, `title`,
`annotator`, `status`, `is_gold`, `split` (with a split only), `claims`. Lines are written with
`\\u` escapes (ASCII only), since doccano misdetects the encoding of small UTF-8 files.

Labels: `CONTENT`, `SOURCE`, `CUE`; relations `source_of` (source -> content), `cue_of`
(cue -> content), `continues` (a content part -> the next part of the same claim), `nested_in`
(first content part -> the outer claim's first part). The same label at the same offsets is one
entity shared by the claims that use it. Claims overlap and nest, so the doccano project must be
created with "Allow overlapping spans" (and relations) on, otherwise doccano drops overlaps.
Offsets are code points, as doccano's importer counts them (Python string indices).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from annotate.exports.base import ExportContext, ZipFormat, ZipWriter
from annotate.exports.records import Document


class _Ids:
    def __init__(self) -> None:
        self.entity = 0
        self.relation = 0


def doccano_line(
    document: Document, assignment: dict[str, Any], ids: _Ids, with_split: bool
) -> str:
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    by_span: dict[tuple[str, int, int], int] = {}

    def entity(label: str, start: int, end: int) -> int:
        key = (label, start, end)
        if key not in by_span:
            ids.entity += 1
            by_span[key] = ids.entity
            entities.append(
                {"id": ids.entity, "label": label, "start_offset": start, "end_offset": end}
            )
        return by_span[key]

    def relation(from_id: int, to_id: int, kind: str) -> None:
        ids.relation += 1
        relations.append({"id": ids.relation, "from_id": from_id, "to_id": to_id, "type": kind})

    claims = []
    first_content: dict[int, int] = {}
    for claim in assignment["attributions"]:
        content_ids = [entity("CONTENT", s, e) for s, e in claim["content"]]
        first_content[claim["id"]] = content_ids[0]
        for previous, following in pairwise(content_ids):
            relation(previous, following, "continues")
        role_ids: dict[str, int | None] = {}
        for role, label in (("source", "SOURCE"), ("cue", "CUE")):
            role_ids[role] = None
            if claim[role] is not None:
                role_ids[role] = entity(label, *claim[role])
                relation(role_ids[role], content_ids[0], f"{role}_of")  # type: ignore[arg-type]
        claims.append(
            {
                "claim": claim["id"],
                "content": content_ids,
                "source": role_ids["source"],
                "cue": role_ids["cue"],
                "speaker": claim["speaker"]["name"] if claim["speaker"] else None,
                "type": claim["type"],
                "category": claim["category"],
                "stances": [
                    {
                        "target": s["target_actor"]["name"]
                        if s["target_actor"]
                        else s["target_topic"],
                        "polarity": s["polarity"],
                    }
                    for s in claim["stances"]
                ],
                "nested_in": claim["nested_in"],
            }
        )
    for claim in assignment["attributions"]:
        if claim["nested_in"] is not None:
            relation(first_content[claim["id"]], first_content[claim["nested_in"]], "nested_in")
    line: dict[str, Any] = {
        "text": document["text"],
        "entities": entities,
        "relations": relations,
        "article_id": document["article_id"],
        "content_hash": document["content_hash"],
        "external_id": document["external_id"],
        "title": document["title"],
        "annotator": assignment["annotator"],
        "status": assignment["status"],
        "is_gold": assignment["is_gold"],
    }
    if with_split:
        line["split"] = document["split"]
    line["claims"] = claims
    return json.dumps(line, ensure_ascii=True) + "\n"


class DoccanoFormat(ZipFormat):
    name = "doccano"

    def write(
        self, documents: Iterator[Document], archive: ZipWriter, context: ExportContext
    ) -> None:
        ids = _Ids()
        with_split = context.options.split is not None
        if not with_split:
            archive.spool("documents.jsonl")
        for name in context.split_names:
            archive.spool(f"{name}.jsonl")
        for document in documents:
            name = f"{document['split']}.jsonl" if with_split else "documents.jsonl"
            out = archive.spool(name)
            for assignment in document["assignments"]:
                out.write(doccano_line(document, assignment, ids, with_split).encode("ascii"))


FORMAT = DoccanoFormat()
