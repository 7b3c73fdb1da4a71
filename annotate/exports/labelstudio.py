"""Label Studio 1.23.2 import format: a JSON list of tasks, plus the labeling config.

A zip of `manifest.json`, `labeling_config.xml` (paste it in the project's Labeling Interface,
Code view) and the tasks to import, `tasks.json` (or one `<part>.json` per split part). One task
per article: `data` holds `text` and the article's identity; `annotations` holds one annotation
per assignment (`ground_truth` marks gold), in the order of `data.assignments`, which names the
annotator and status of each (Label Studio assigns imported annotations to the importing user).

Each claim is regions and relations in the annotation's `result`: a `labels` region per span
(`Content`, `Source`, `Cue`; `value.start`/`end` are code points, which Label Studio's Text tag
uses since its frontend stores code points rather than JavaScript string lengths), per-region
`choices` (`type`) and `textarea` (`speaker`, `stances`) on the claim's first content region,
and `relation` items: `source_of`, `cue_of` (to the first content region), `continues` (from a
content part to the next) and `nested_in` (to the outer claim's first content region). Region ids
are `<annotation>_<claim>_<role><n>`, unique in the task.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from typing import Any
from xml.sax.saxutils import quoteattr

from annotate.exports.base import ExportContext, ZipFormat, ZipWriter
from annotate.exports.records import Document

LABELS = {"content": "Content", "source": "Source", "cue": "Cue"}
RELATIONS = ("source_of", "cue_of", "continues", "nested_in")


def _region(
    region_id: str,
    text: str,
    start: int,
    end: int,
    from_name: str,
    kind: str,
    value: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": region_id,
        "from_name": from_name,
        "to_name": "text",
        "type": kind,
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text[start:end], **value},
    }


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {
        "from_id": from_id,
        "to_id": to_id,
        "type": "relation",
        "direction": "right",
        "labels": [label],
    }


def annotation_result(text: str, claims: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    first_content: dict[int, str] = {}
    for claim in claims:
        base = f"{prefix}_{claim['id']}_"
        content_ids = []
        for number, (start, end) in enumerate(claim["content"], start=1):
            region_id = f"{base}content{number}"
            content_ids.append(region_id)
            result.append(
                _region(region_id, text, start, end, "label", "labels", {"labels": ["Content"]})
            )
        first = content_ids[0]
        first_content[claim["id"]] = first
        start, end = claim["content"][0]
        result.append(
            _region(first, text, start, end, "type", "choices", {"choices": [claim["type"]]})
        )
        speaker = claim["speaker"]["name"] if claim["speaker"] else "unknown"
        result.append(_region(first, text, start, end, "speaker", "textarea", {"text": [speaker]}))
        if claim["stances"]:
            stances = [
                f"{s['polarity']}: "
                + (s["target_actor"]["name"] if s["target_actor"] else s["target_topic"])
                for s in claim["stances"]
            ]
            result.append(
                _region(first, text, start, end, "stances", "textarea", {"text": stances})
            )
        for previous, following in pairwise(content_ids):
            relations.append(_relation(previous, following, "continues"))
        for role in ("source", "cue"):
            if claim[role] is None:
                continue
            region_id = f"{base}{role}1"
            s, e = claim[role]
            result.append(
                _region(region_id, text, s, e, "label", "labels", {"labels": [LABELS[role]]})
            )
            relations.append(_relation(region_id, first, f"{role}_of"))
    for claim in claims:
        if claim["nested_in"] is not None:
            relations.append(
                _relation(
                    first_content[claim["id"]], first_content[claim["nested_in"]], "nested_in"
                )
            )
    return result + relations


def task(document: Document, with_split: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": document["text"],
        "article_id": document["article_id"],
        "content_hash": document["content_hash"],
        "external_id": document["external_id"],
        "title": document["title"],
        "assignments": [
            {"annotator": a["annotator"], "status": a["status"], "is_gold": a["is_gold"]}
            for a in document["assignments"]
        ],
    }
    if with_split:
        data["split"] = document["split"]
    annotations = [
        {
            "result": annotation_result(document["text"], a["attributions"], f"a{number}"),
            "ground_truth": a["is_gold"],
            "was_cancelled": False,
        }
        for number, a in enumerate(document["assignments"], start=1)
    ]
    return {"data": data, "annotations": annotations}


def labeling_config(types: list[str]) -> str:
    choices = "\n".join(f"      <Choice value={quoteattr(value)}/>" for value in types)
    relations = "\n".join(f"    <Relation value={quoteattr(value)}/>" for value in RELATIONS)
    return f"""<View>
  <Labels name="label" toName="text">
    <Label value="Content" background="#f6c343"/>
    <Label value="Source" background="#4c9be8"/>
    <Label value="Cue" background="#e8674c"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Relations>
{relations}
  </Relations>
  <View visibleWhen="region-selected">
    <Header value="Claim type"/>
    <Choices name="type" toName="text" perRegion="true" choice="single">
{choices}
    </Choices>
    <Header value="Speaker"/>
    <TextArea name="speaker" toName="text" perRegion="true" maxSubmissions="1"/>
    <Header value="Stances (polarity: target), one per line"/>
    <TextArea name="stances" toName="text" perRegion="true"/>
  </View>
</View>
"""


class LabelStudioFormat(ZipFormat):
    name = "labelstudio"

    def write(
        self, documents: Iterator[Document], archive: ZipWriter, context: ExportContext
    ) -> None:
        with_split = context.options.split is not None
        names = [f"{name}.json" for name in context.split_names] or ["tasks.json"]
        first = dict.fromkeys(names, True)
        for name in names:
            archive.spool(name).write(b"[")
        types = list(context.vocabulary.get("attribution_type", []))
        for document in documents:
            name = f"{document['split']}.json" if with_split else "tasks.json"
            out = archive.spool(name)
            out.write(b"\n" if first[name] else b",\n")
            first[name] = False
            out.write(json.dumps(task(document, with_split), ensure_ascii=False).encode())
            for assignment in document["assignments"]:
                for claim in assignment["attributions"]:
                    if claim["type"] not in types:
                        types.append(claim["type"])
        for name in names:
            archive.spool(name).write(b"\n]\n")
        archive.add("labeling_config.xml", labeling_config(types).encode())


FORMAT = LabelStudioFormat()
