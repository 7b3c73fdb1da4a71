"""Token-level BIO for sequence taggers (CoNLL style).

One document per assignment (an article labelled by two annotators appears twice), introduced by a
comment line `# doc = <content_hash> annotator=<username> status=<status>[ split=<part>]`; one
token per line as `token<TAB>tag`; sentences (the article's stored sentences) separated by blank
lines. Tokens are runs of word characters (with inner apostrophes: `don't`, `Azerbaijan\u2019s`) or
single other non-space characters. Tags: `B-`/`I-` + `SOURCE`, `CUE`, `CONTENT`, or `O`.

Overlaps (claims nest and spans overlap; a tagger wants one tag per token): a token takes the tag
of one span among those it touches, chosen by role first, CUE > SOURCE > CONTENT, then by the
outermost claim (least nested, then earliest start, then longest span). A token starts a chunk
(`B-`) when the span it took differs from the previous token's, so a content interrupted by a cue
continues as a new `B-CONTENT` chunk. The native JSONL keeps every span for uses that need them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from annotate.exports.base import ExportContext, LineFormat
from annotate.exports.records import Document

TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|[^\w\s]")
ROLE_PRIORITY = {"cue": 0, "source": 1, "content": 2}
TAG = {"cue": "CUE", "source": "SOURCE", "content": "CONTENT"}


def tokenize(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in TOKEN.finditer(text, start, end)]


def _depths(claims: list[dict[str, Any]]) -> dict[int, int]:
    parents = {claim["id"]: claim["nested_in"] for claim in claims}
    depths: dict[int, int] = {}
    for claim_id in parents:
        depth, seen, current = 0, {claim_id}, parents[claim_id]
        while current is not None and current not in seen:
            depth += 1
            seen.add(current)
            current = parents.get(current)
        depths[claim_id] = depth
    return depths


def _spans(claims: list[dict[str, Any]]) -> list[tuple[tuple[Any, ...], str, int, int]]:
    """(priority key, role, start, end) of every span; a smaller key wins a token."""
    depths = _depths(claims)
    spans = []
    for claim in claims:
        parts = [("content", span) for span in claim["content"]]
        parts += [(role, claim[role]) for role in ("source", "cue") if claim[role] is not None]
        for role, (start, end) in parts:
            key = (ROLE_PRIORITY[role], depths[claim["id"]], start, -end, claim["id"])
            spans.append((key, role, start, end))
    return spans


def _tag_sentence(text: str, start: int, end: int, spans: list[tuple[Any, ...]]) -> str:
    """The token lines of one sentence. Spans are painted over the tokens they touch from the
    lowest priority to the highest, so each token ends up with the span that wins it."""
    matches = list(TOKEN.finditer(text, start, end))
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    owners: list[tuple[Any, ...] | None] = [None] * len(matches)
    for span in reversed(spans):
        first = bisect_right(ends, span[2])  # the first token ending after the span starts
        last = bisect_left(starts, span[3])  # the first token starting at or after its end
        owners[first:last] = [span] * (last - first)
    lines = []
    previous = None
    for match, owner in zip(matches, owners, strict=True):
        if owner is None:
            lines.append(f"{match.group()}\tO\n")
        else:
            prefix = "I-" if owner is previous else "B-"
            lines.append(f"{match.group()}\t{prefix}{TAG[owner[1]]}\n")
        previous = owner
    return "".join(lines)


def sentence_ranges(document: Document) -> list[tuple[int, int]]:
    if document["sentences"]:
        return [(start, end) for start, end in document["sentences"]]
    if document["blocks"]:
        return [(start, end) for _, start, end in document["blocks"]]
    return [(0, len(document["text"]))]


class BioFormat(LineFormat):
    name = "bio"
    media_type = "text/plain"
    extension = "conll"
    manifest_prefix = "# "

    def render(self, document: Document, context: ExportContext) -> Iterable[str]:
        text = document["text"]
        sentences = sentence_ranges(document)
        for assignment in document["assignments"]:
            header = (
                f"# doc = {document['content_hash']} annotator={assignment['annotator']} "
                f"status={assignment['status']}"
            )
            if "split" in document:
                header += f" split={document['split']}"
            lines = [header + "\n"]
            spans = sorted(_spans(assignment["attributions"]))
            for sentence_start, sentence_end in sentences:
                local = [s for s in spans if s[2] < sentence_end and s[3] > sentence_start]
                if not local:
                    # Most sentences hold no label: every token is O.
                    words = TOKEN.findall(text, sentence_start, sentence_end)
                    if words:
                        lines.append("\tO\n".join(words) + "\tO\n")
                    lines.append("\n")
                    continue
                lines.append(_tag_sentence(text, sentence_start, sentence_end, local))
                lines.append("\n")
            yield "".join(lines)


FORMAT = BioFormat()
