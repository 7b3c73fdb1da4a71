"""The export's one read path: a project's labels as native documents, chunk by chunk.

A *document* is one article with every assignment that passes the filters, in the shape of a
native JSONL line (see docs/exports.md). Every other format is rendered from these documents, so
all formats agree on what is exported.

Memory stays flat: the ids of the matching articles come from one query ordered by
`content_hash` (unique, and the same on every machine, so the order of an export does not depend
on primary keys), read through `.iterator(chunk_size=...)`; each chunk of articles then fetches
its rows, blocks, sentences, assignments, claims, spans, stances and actors in a constant number
of queries (`QUERIES_PER_CHUNK`), whatever the chunk holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest

from annotate.models import Actor, Assignment, Attribution, Span, Stance
from corpus.models import Article, Block, Sentence

DEFAULT_CHUNK_SIZE = 500
# Articles, blocks, sentences, assignments, claims, spans, stances, actors; plus one query for
# the ordered article ids of the whole export.
QUERIES_PER_CHUNK = 8

Document = dict[str, Any]


@dataclass(frozen=True)
class ExportFilters:
    """Which assignments an export holds. Empty tuples and None mean "no restriction".

    `since`/`until` select assignments whose last change (the assignment itself or any of its
    claims) lies in `[since, until)`. `gold_only` keeps the settled version of each article: the
    assignments with status `gold`.
    """

    statuses: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    gold_only: bool = False

    def as_manifest(self) -> dict[str, Any]:
        return {
            "status": list(self.statuses),
            "annotator": list(self.annotators),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "gold_only": self.gold_only,
        }


@dataclass
class Counts:
    articles: int = 0
    assignments: int = 0
    attributions: int = 0
    spans: int = 0
    stances: int = 0
    by_split: dict[str, int] = field(default_factory=dict)

    def add(self, document: Document) -> None:
        self.articles += 1
        for assignment in document["assignments"]:
            self.assignments += 1
            for claim in assignment["attributions"]:
                self.attributions += 1
                self.spans += len(claim["content"]) + (claim["source"] is not None)
                self.spans += claim["cue"] is not None
                self.stances += len(claim["stances"])
        part = document.get("split")
        if part is not None:
            self.by_split[part] = self.by_split.get(part, 0) + 1

    def as_manifest(self) -> dict[str, Any]:
        counts: dict[str, Any] = {
            "articles": self.articles,
            "assignments": self.assignments,
            "attributions": self.attributions,
            "spans": self.spans,
            "stances": self.stances,
        }
        if self.by_split:
            counts["articles_by_split"] = dict(sorted(self.by_split.items()))
        return counts


def matching_assignments(project_id: int, filters: ExportFilters) -> QuerySet[Assignment]:
    assignments = Assignment.objects.filter(project_id=project_id)
    if filters.gold_only:
        assignments = assignments.filter(status=Assignment.Status.GOLD)
    if filters.statuses:
        assignments = assignments.filter(status__in=filters.statuses)
    if filters.annotators:
        assignments = assignments.filter(annotator__username__in=filters.annotators)
    if filters.since is not None or filters.until is not None:
        latest_claim = Subquery(
            Attribution.objects.filter(assignment=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        assignments = assignments.annotate(
            last_change=Greatest(
                "updated_at",
                Coalesce(latest_claim, "updated_at", output_field=DateTimeField()),
                output_field=DateTimeField(),
            )
        )
        if filters.since is not None:
            assignments = assignments.filter(last_change__gte=filters.since)
        if filters.until is not None:
            assignments = assignments.filter(last_change__lt=filters.until)
    return assignments


def _in(model: type[Model], column: str, ids: Collection[int]) -> Any:
    """`column IN ids` as one array parameter on PostgreSQL (`= ANY(%s)`): a thousand-id IN list
    costs more to build and parse on the client than the query takes to run."""
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 (table and column names come from the code, ids are a parameter)
            f'"{model._meta.db_table}"."{column}" = ANY(%s)',
            (list(ids),),
            output_field=BooleanField(),
        )
    return Q(**{f"{column}__in": ids})


# Times are written in UTC with microseconds, always: `2026-01-02T03:04:05.000006+00:00`.
UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"
_PG_UTC_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def _iso(value: dt.datetime | dt.date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime(UTC_FORMAT)
    return value.isoformat()


def _utc_text(field: str) -> Any:
    """The time as text. PostgreSQL formats it itself (`to_char`, the same text as UTC_FORMAT),
    which costs less than turning it into a datetime and back; elsewhere `_iso` formats it."""
    if connection.vendor == "postgresql":
        return Func(
            F(field),
            template=f"to_char(%(expressions)s AT TIME ZONE 'UTC', '{_PG_UTC_FORMAT}')",
            output_field=CharField(),
        )
    return F(field)


def _actor(actor: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "name": actor["name"],
        "kind": actor["kind"],
        "aliases": actor["aliases"],
        "description": actor["description"],
    }


def _claim_sort_key(claim: dict[str, Any]) -> tuple[Any, ...]:
    """Order claims by their content, never by database ids, so that an import elsewhere exports
    in the same order: content spans, source, cue, then the other fields that tell claims apart."""
    speaker = claim["speaker"]
    return (
        claim["content"],
        claim["source"] or [],
        claim["cue"] or [],
        claim["type"],
        speaker["name"] if speaker else "",
        claim["category"],
        claim["note"],
        claim["created_at"] or "",
        claim["updated_at"] or "",
    )


def _full_sort_key(claim: dict[str, Any]) -> tuple[Any, ...]:
    rest = {k: v for k, v in claim.items() if k not in ("id", "nested_in", "_pk", "_parent")}
    return (*_claim_sort_key(claim), json.dumps(rest, sort_keys=True), claim["_pk"])


def _build_assignment(
    assignment: Mapping[str, Any],
    claims: list[Mapping[str, Any]],
    spans: dict[int, list[tuple[str, int, int]]],
    stances: dict[int, list[tuple[int | None, str, str]]],
    actors: Mapping[int, Mapping[str, Any]],
) -> dict[str, Any]:
    built = []
    for row in claims:
        content: list[list[int]] = []
        source = cue = None
        for role, start, end in spans.get(row["id"], ()):
            if role == Span.Role.CONTENT:
                content.append([start, end])
            elif role == Span.Role.SOURCE:
                source = [start, end]
            else:
                cue = [start, end]
        content.sort()
        built.append(
            {
                "id": None,
                "content": content,
                "source": source,
                "cue": cue,
                "speaker": _actor(actors.get(row["speaker_id"])) if row["speaker_id"] else None,
                "type": row["type"],
                "stances": [
                    {
                        "target_actor": _actor(actors.get(target)) if target else None,
                        "target_topic": topic,
                        "polarity": polarity,
                    }
                    for target, topic, polarity in stances.get(row["id"], ())
                ],
                "nested_in": None,
                "category": row["category"],
                "note": row["note"],
                "confidence": row["confidence"],
                "origin": row["origin"],
                "created_by": row["created_by__username"],
                "updated_by": row["updated_by__username"],
                "created_at": _iso(row["t_created"]),
                "updated_at": _iso(row["t_updated"]),
                "_pk": row["id"],
                "_parent": row["nested_in_id"],
            }
        )
    built.sort(key=_claim_sort_key)
    keys = [_claim_sort_key(claim) for claim in built]
    if any(a == b for a, b in pairwise(keys)):
        # Claims equal on every cheap key (rare): break the tie on everything else.
        built.sort(key=_full_sort_key)
    local = {claim["_pk"]: number for number, claim in enumerate(built, start=1)}
    for number, claim in enumerate(built, start=1):
        claim["id"] = number
        claim["nested_in"] = local.get(claim.pop("_parent"))
        del claim["_pk"]
    return {
        "annotator": assignment["annotator__username"],
        "is_gold": assignment["is_gold"],
        "status": assignment["status"],
        "review_comment": assignment["review_comment"],
        "reviewed_by": assignment["reviewed_by__username"],
        "reviewed_at": _iso(assignment["t_reviewed"]),
        "submitted_at": _iso(assignment["t_submitted"]),
        "created_at": _iso(assignment["t_created"]),
        "updated_at": _iso(assignment["t_updated"]),
        "attributions": built,
    }


ARTICLE_FIELDS = (
    "id",
    "content_hash",
    "external_id",
    "title",
    "published_date",
    "published_at",
    "published_offset_minutes",
    "publisher",
    "author",
    "url",
    "language",
    "metadata",
    "text",
)


def _chunk_documents(
    articles: Sequence[Mapping[str, Any]], assignments_qs: QuerySet[Assignment]
) -> list[Document]:
    article_ids = [article["id"] for article in articles]
    blocks: dict[int, list[list[Any]]] = defaultdict(list)
    for article_id, kind, start, end in (
        Block.objects.filter(_in(Block, "article_id", article_ids))
        .order_by("article_id", "start")
        .values_list("article_id", "kind", "start", "end")
    ):
        blocks[article_id].append([kind, start, end])
    sentences: dict[int, list[list[int]]] = defaultdict(list)
    for article_id, start, end in (
        Sentence.objects.filter(_in(Sentence, "article_id", article_ids))
        .order_by("article_id", "start")
        .values_list("article_id", "start", "end")
    ):
        sentences[article_id].append([start, end])

    assignments = list(
        assignments_qs.filter(_in(Assignment, "article_id", article_ids))
        .order_by()
        .values(
            "id",
            "article_id",
            "annotator__username",
            "is_gold",
            "status",
            "review_comment",
            "reviewed_by__username",
            t_reviewed=_utc_text("reviewed_at"),
            t_submitted=_utc_text("submitted_at"),
            t_created=_utc_text("created_at"),
            t_updated=_utc_text("updated_at"),
        )
    )
    assignment_ids = [row["id"] for row in assignments]
    claims: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    actor_ids: set[int] = set()
    attribution_ids: list[int] = []
    for row in (
        Attribution.objects.filter(_in(Attribution, "assignment_id", assignment_ids))
        .order_by("id")
        .values(
            "id",
            "assignment_id",
            "speaker_id",
            "type",
            "category",
            "nested_in_id",
            "note",
            "confidence",
            "origin",
            "created_by__username",
            "updated_by__username",
            t_created=_utc_text("created_at"),
            t_updated=_utc_text("updated_at"),
        )
    ):
        claims[row["assignment_id"]].append(row)
        attribution_ids.append(row["id"])
        if row["speaker_id"]:
            actor_ids.add(row["speaker_id"])
    spans: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for attribution_id, role, start, end in (
        Span.objects.filter(_in(Span, "attribution_id", attribution_ids))
        .order_by()
        .values_list("attribution_id", "role", "start", "end")
    ):
        spans[attribution_id].append((role, start, end))
    stances: dict[int, list[tuple[int | None, str, str]]] = defaultdict(list)
    for attribution_id, target, topic, polarity in (
        Stance.objects.filter(_in(Stance, "attribution_id", attribution_ids))
        .order_by("attribution_id", "id")
        .values_list("attribution_id", "target_actor_id", "target_topic", "polarity")
    ):
        stances[attribution_id].append((target, topic, polarity))
        if target:
            actor_ids.add(target)
    actors = {
        row["id"]: row
        for row in Actor.objects.filter(_in(Actor, "id", actor_ids)).values(
            "id", "name", "kind", "aliases", "description"
        )
    }

    by_article: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for assignment in assignments:
        by_article[assignment["article_id"]].append(
            _build_assignment(assignment, claims.get(assignment["id"], []), spans, stances, actors)
        )
    documents = []
    for article in articles:
        article_assignments = by_article.get(article["id"], [])
        # Gold last; otherwise by annotator: usernames are unique per (article, non-gold).
        article_assignments.sort(key=lambda a: (a["is_gold"], a["annotator"]))
        documents.append(
            {
                "article_id": article["id"],
                "content_hash": article["content_hash"],
                "external_id": article["external_id"],
                "title": article["title"],
                "published_date": _iso(article["published_date"]),
                "published_at": _iso(article["published_at"]),
                "published_offset_minutes": article["published_offset_minutes"],
                "publisher": article["publisher"],
                "author": article["author"],
                "url": article["url"],
                "language": article["language"],
                "metadata": article["metadata"],
                "text": article["text"],
                "blocks": blocks.get(article["id"], []),
                "sentences": sentences.get(article["id"], []),
                "assignments": article_assignments,
            }
        )
    return documents


def iter_documents(
    project_id: int, filters: ExportFilters, *, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[Document]:
    """Yield the project's articles that have at least one matching assignment, by content hash.

    Each document carries `article_id` (this database's id, for formats that show it) besides the
    native fields."""
    assignments_qs = matching_assignments(project_id, filters)
    # One ordered query for the ids, read `chunk_size` at a time (a server-side cursor on
    # PostgreSQL): the database sorts once, where paging by `content_hash > last` made it join
    # and sort the whole project again for every page.
    article_ids = (
        Article.objects.filter(Exists(assignments_qs.filter(article_id=OuterRef("pk"))))
        .order_by("content_hash")
        .values_list("pk", flat=True)
        .iterator(chunk_size=chunk_size)
    )
    while batch := list(islice(article_ids, chunk_size)):
        rows = {
            row["id"]: row
            for row in Article.objects.filter(_in(Article, "id", batch)).values(*ARTICLE_FIELDS)
        }
        yield from _chunk_documents([rows[pk] for pk in batch], assignments_qs)
