# ruff: noqa: RUF001 (the fixture text has curly quotes and a dotless i on purpose)
"""An exportable project built with the ORM: split content, overlapping spans across claims,
nesting, stances on actors and topics, several annotators, a gold version, non-ASCII text."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotate.models import (
    Actor,
    Assignment,
    Attribution,
    Membership,
    Project,
    ProjectArticle,
    Span,
    Stance,
    VocabularyTerm,
)
from annotate.services.projects import DEFAULT_VOCABULARY
from corpus.models import Article, Block, Sentence, content_hash
from corpus.segmentation import segment

TEXTS = [
    # Curly quotes, emoji (outside the BMP), a quote split by "he said", a nested claim.
    "Bayramov rejects claims\n\n"
    "“The ‘blockade’ claims of the Armenian side 🙄 do not reflect the truth,” he said, "
    "“and Zürich talks will go on.”\n"
    "The ministry noted that Yerevan wants peace.",
    "Lum welcomed the talks.\n\nAccording to the UN, 1 million people were displaced — "
    "a heavy toll 💔.",
    "No claims here, only a sentence about the weather in Bakı.",
]


@dataclass
class Dataset:
    project: Project
    users: dict[str, Any]
    articles: list[Article]
    actors: dict[str, Actor] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)


def make_article(text: str, **fields: Any) -> Article:
    article = Article.objects.create(text=text, content_hash=content_hash(text), **fields)
    for block in segment(text):
        block_row = Block.objects.create(
            article=article, kind=block.kind, start=block.start, end=block.end
        )
        for start, end in block.sentences:
            Sentence.objects.create(article=article, block=block_row, start=start, end=end)
    return article


def span_of(text: str, needle: str) -> tuple[int, int]:
    """The first occurrence of `needle` as whole words (so "he" is not found in "The")."""
    match = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text)
    assert match, needle
    return match.start(), match.end()


def make_claim(
    assignment: Assignment,
    *,
    content: list[str],
    source: str | None = None,
    cue: str | None = None,
    speaker: Actor | None = None,
    type: str = "indirect",
    stances: list[tuple[str, Actor | str]] = (),  # type: ignore[assignment]
    nested_in: Attribution | None = None,
    note: str = "",
    confidence: float | None = None,
    category: str = "",
) -> Attribution:
    text = assignment.article.text
    claim = Attribution.objects.create(
        assignment=assignment,
        speaker=speaker,
        type=type,
        category=category,
        nested_in=nested_in,
        note=note,
        confidence=confidence,
        created_by=assignment.annotator,
        updated_by=assignment.annotator,
    )
    for needle in content:
        Span.objects.create(
            attribution=claim,
            role="content",
            **dict(zip(("start", "end"), span_of(text, needle), strict=True)),
        )
    for role, needle in (("source", source), ("cue", cue)):
        if needle:
            start, end = span_of(text, needle)
            Span.objects.create(attribution=claim, role=role, start=start, end=end)
    for polarity, target in stances:
        if isinstance(target, Actor):
            Stance.objects.create(attribution=claim, target_actor=target, polarity=polarity)
        else:
            Stance.objects.create(attribution=claim, target_topic=target, polarity=polarity)
    return claim


def build_dataset(make_user: Any, name: str = "Exports") -> Dataset:
    users = {
        "manager": make_user(f"{name}-manager"),
        "reviewer": make_user(f"{name}-reviewer"),
        "ann1": make_user(f"{name}-ann1"),
        "ann2": make_user(f"{name}-änn2"),
        "outsider": make_user(f"{name}-outsider"),
    }
    project = Project.objects.create(name=name, guidelines="Mark who said what.")
    for kind, values in DEFAULT_VOCABULARY.items():
        for position, value in enumerate(values):
            VocabularyTerm.objects.create(
                project=project, kind=kind, value=value, position=position
            )
    for role, key in (("manager", "manager"), ("reviewer", "reviewer")):
        Membership.objects.create(project=project, user=users[key], role=role)
    for key in ("ann1", "ann2"):
        Membership.objects.create(project=project, user=users[key], role="annotator")
    articles = [
        Article.objects.filter(content_hash=content_hash(text)).first() or make_article(text)
        for text in TEXTS
    ]
    articles[0].external_id = "az-001"
    articles[0].title = "Bayramov rejects claims"
    articles[0].metadata = {"source": "AzerNews", "tags": ["diplomacy", "ß"]}
    articles[0].save()
    for article in articles:
        ProjectArticle.objects.get_or_create(project=project, article=article)
    data = Dataset(project=project, users=users, articles=articles)
    bayramov = Actor.objects.create(
        project=project, name="Jeyhun Bayramov", kind="person", aliases=["Bayramov", "FM"]
    )
    armenia = Actor.objects.create(project=project, name="Armenia", kind="country")
    ministry = Actor.objects.create(project=project, name="Ministry of Foreign Affairs")
    data.actors = {"bayramov": bayramov, "armenia": armenia, "ministry": ministry}

    first, second, third = articles
    a1 = Assignment.objects.create(
        project=project,
        article=first,
        annotator=users["ann1"],
        status="accepted",
        submitted_at=timezone.now(),
        reviewed_by=users["reviewer"],
        reviewed_at=timezone.now(),
        review_comment="Fine — “good”.",
    )
    outer = make_claim(
        a1,
        content=[
            "The ‘blockade’ claims of the Armenian side 🙄 do not reflect the truth",
            "and Zürich talks will go on.",
        ],
        source="he",
        cue="said",
        speaker=bayramov,
        type="direct",
        stances=[("against", armenia), ("favor", "peace process")],
        note="Split quote;\tsee line 2\nsecond line",
        confidence=0.75,
        category="statement",
    )
    make_claim(
        a1,
        content=["‘blockade’ claims"],
        source="the Armenian side",
        speaker=armenia,
        type="indirect",
        nested_in=outer,
    )
    make_claim(
        a1,
        content=["Yerevan wants peace"],
        source="The ministry",
        cue="noted",
        speaker=ministry,
        stances=[("neutral", armenia)],
    )
    a2 = Assignment.objects.create(
        project=project,
        article=first,
        annotator=users["ann2"],
        status="submitted",
        submitted_at=timezone.now(),
    )
    make_claim(
        a2,
        content=["claims of the Armenian side 🙄 do not reflect the truth"],
        cue="said",
        type="mixed",
    )
    gold = Assignment.objects.create(
        project=project, article=first, annotator=users["reviewer"], is_gold=True, status="gold"
    )
    make_claim(
        gold,
        content=["The ‘blockade’ claims of the Armenian side 🙄 do not reflect the truth"],
        source="he",
        cue="said",
        speaker=bayramov,
        type="direct",
    )
    a3 = Assignment.objects.create(
        project=project, article=second, annotator=users["ann1"], status="in_progress"
    )
    make_claim(
        a3,
        content=["1 million people were displaced"],
        cue="According to",
        source="the UN",
        type="indirect",
        stances=[("neutral", "displacement")],
    )
    make_claim(a3, content=["the talks"], source="Lum", cue="welcomed", type="indirect")
    a4 = Assignment.objects.create(
        project=project,
        article=third,
        annotator=users["ann2"],
        status="rejected",
        review_comment="Nothing to mark? Check again.",
    )
    data.assignments = {"a1": a1, "a2": a2, "gold": gold, "a3": a3, "a4": a4}
    return data


@pytest.fixture
def dataset(make_user: Any) -> Dataset:
    return build_dataset(make_user)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run_export(project: Project, fmt: str, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / f"export-{fmt}-{len(list(tmp_path.iterdir()))}"
    call_command(
        "export_annotations",
        "--project",
        str(project.pk),
        "--format",
        fmt,
        "--out",
        str(out),
        *args,
        stderr=io.StringIO(),
    )
    return out.read_bytes()


def read_jsonl(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = data.decode("utf-8").splitlines()
    manifest = json.loads(lines[0])["manifest"]
    return manifest, [json.loads(line) for line in lines[1:]]


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def aware(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
