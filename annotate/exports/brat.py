"""brat standoff: a zip of `.txt`/`.ann` pairs plus `annotation.conf`.

One pair per assignment, named `<content_hash[:16]>-<annotator>[-gold].txt/.ann`, in a folder
per split part when a split is asked for. In each `.ann`:
- `T` lines: `Content` (one entity per claim, its content spans as a discontinuous range
  `T1<TAB>Content 10 20;30 40<TAB>text`), `Source`, `Cue`. brat offsets are code points, as ours.
  brat cannot show an annotation across a line break, so a span is cut into fragments at line
  breaks (the fragments of a span together cover it, less the line breaks).
- `R` lines: `SourceOf Arg1:<source> Arg2:<content>`, `CueOf Arg1:<cue> Arg2:<content>`,
  `NestedIn Arg1:<content> Arg2:<outer content>`.
- `A` lines on the Content entity: `Type` and, when set, `Category`.
- `#` notes (`AnnotatorNotes`) on the Content entity: speaker, stances, note, confidence.
`annotation.conf` declares these types, the attribute values used, and allows overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from annotate.exports.base import ExportContext, ZipFormat, ZipWriter, one_line, part_prefix
from annotate.exports.records import Document

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`[start, end)` cut at line breaks, each piece trimmed of nothing but the breaks."""
    pieces = []
    for match in re.finditer(r"[^\r\n]+", text[start:end]):
        pieces.append((start + match.start(), start + match.end()))
    return pieces


def _entity(
    number: int, label: str, text: str, spans: list[list[int]]
) -> tuple[str, list[tuple[int, int]]]:
    pieces = [piece for start, end in spans for piece in fragments(text, start, end)]
    ranges = ";".join(f"{s} {e}" for s, e in pieces)
    covered = " ".join(text[s:e] for s, e in pieces)
    return f"T{number}\t{label} {ranges}\t{covered}\n", pieces


def _notes(claim: dict[str, Any]) -> str:
    parts = []
    speaker = claim["speaker"]
    parts.append("speaker=" + (speaker["name"] if speaker else "unknown"))
    for stance in claim["stances"]:
        target = (
            stance["target_actor"]["name"] if stance["target_actor"] else stance["target_topic"]
        )
        parts.append(f"stance={stance['polarity']}:{target}")
    if claim["note"]:
        parts.append("note=" + claim["note"])
    if claim["confidence"] is not None:
        parts.append(f"confidence={claim['confidence']}")
    return one_line("; ".join(parts))


def render_ann(text: str, claims: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    counters = {"T": 0, "R": 0, "A": 0, "#": 0}

    def next_id(kind: str) -> int:
        counters[kind] += 1
        return counters[kind]

    content_ids: dict[int, int] = {}
    for claim in claims:
        content = next_id("T")
        content_ids[claim["id"]] = content
        line, pieces = _entity(content, "Content", text, claim["content"])
        if not pieces:
            continue
        lines.append(line)
        for role, label, relation in (("source", "Source", "SourceOf"), ("cue", "Cue", "CueOf")):
            if claim[role] is None or not fragments(text, *claim[role]):
                continue
            entity = next_id("T")
            lines.append(_entity(entity, label, text, [claim[role]])[0])
            lines.append(f"R{next_id('R')}\t{relation} Arg1:T{entity} Arg2:T{content}\n")
        lines.append(f"A{next_id('A')}\tType T{content} {claim['type']}\n")
        if claim["category"]:
            lines.append(f"A{next_id('A')}\tCategory T{content} {claim['category']}\n")
        lines.append(f"#{next_id('#')}\tAnnotatorNotes T{content}\t{_notes(claim)}\n")
    for claim in claims:
        if claim["nested_in"] is not None:
            child, parent = content_ids[claim["id"]], content_ids[claim["nested_in"]]
            lines.append(f"R{next_id('R')}\tNestedIn Arg1:T{child} Arg2:T{parent}\n")
    return "".join(lines)


def annotation_conf(types: list[str], categories: list[str]) -> str:
    lines = [
        "# Claim attribution (source / cue / content); written by the claim-annotation export.",
        "[entities]",
        "Content",
        "Source",
        "Cue",
        "[relations]",
        "SourceOf\tArg1:Source, Arg2:Content",
        "CueOf\tArg1:Cue, Arg2:Content",
        "NestedIn\tArg1:Content, Arg2:Content",
        "<OVERLAP>\tArg1:Content|Source|Cue, Arg2:Content|Source|Cue, <OVL-TYPE>:<ANY>",
        "[events]",
        "[attributes]",
    ]
    if types:
        lines.append(f"Type\tArg:Content, Value:{'|'.join(types)}")
    if categories:
        lines.append(f"Category\tArg:Content, Value:{'|'.join(categories)}")
    return "\n".join(lines) + "\n"


def document_stem(document: Document, assignment: dict[str, Any]) -> str:
    stem = f"{document['content_hash'][:16]}-{_UNSAFE.sub('_', assignment['annotator'])}"
    return stem + "-gold" if assignment["is_gold"] else stem


class BratFormat(ZipFormat):
    name = "brat"

    def write(
        self, documents: Iterator[Document], archive: ZipWriter, context: ExportContext
    ) -> None:
        types = list(context.vocabulary.get("attribution_type", []))
        categories = list(context.vocabulary.get("category", []))
        for document in documents:
            text = document["text"]
            folder = part_prefix(document)
            for assignment in document["assignments"]:
                stem = folder + document_stem(document, assignment)
                archive.add(stem + ".txt", text.encode())
                archive.add(stem + ".ann", render_ann(text, assignment["attributions"]).encode())
                for claim in assignment["attributions"]:
                    if claim["type"] not in types:
                        types.append(claim["type"])
                    if claim["category"] and claim["category"] not in categories:
                        categories.append(claim["category"])
        archive.add("annotation.conf", annotation_conf(types, categories).encode())


FORMAT = BratFormat()
