"""A small annotation project for the workspace tests and bench, built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from annotate.models import Actor, Assignment, Attribution, Membership, Project
from annotate.services.assignments import create_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import add_articles, create_actor, create_project, set_membership
from corpus.models import Article, Block, Sentence, content_hash
from corpus.segmentation import segment

# Curly quotes, a quotation split by "…, Bayramov said, …", a combining accent (Cafe\u0301) and
# emoji before the spans: a flag (two code points, four UTF-16 units) and a face (one code point,
# two UTF-16 units), so UTF-16 and code-point offsets differ from the first paragraph on.
ARTICLE_TEXT = (
    "Talks in Baku 🇦🇿\n\n"
    "Cafe\u0301 owners 😀 heard it first. “We will not accept this,” Bayramov said, "
    "“and we will respond to every provocation.”\n\n"
    "The ministry noted that the border was calm. Officials denied the report. "
    'Critics called it "a provocation that nobody wanted," and left.'
)
GUIDELINES = (
    "# Guidelines\n\nMark **who said what**.\n\n| part | what |\n| --- | --- |\n"
    "| content | the words |\n"
)
PASSWORD = "pw-workspace-1"


@dataclass
class Workspace:
    project: Project
    article: Article
    manager: Any
    reviewer: Any
    annotator: Any
    other_annotator: Any
    assignment: Assignment
    other_assignment: Assignment
    ministry: Actor

    def span(self, words: str, occurrence: int = 0) -> tuple[int, int]:
        """Code-point offsets of `words` in the article (Python indices, as stored)."""
        start = -1
        for _ in range(occurrence + 1):
            start = self.article.text.index(words, start + 1)
        return start, start + len(words)


def make_article(text: str = ARTICLE_TEXT, title: str = "Talks in Baku") -> Article:
    """The article with this text (one per text, as the corpus keeps it), segmented."""
    existing = Article.objects.filter(content_hash=content_hash(text)).first()
    if existing is not None:
        return existing
    article = Article.objects.create(title=title, text=text, content_hash=content_hash(text))
    for block_span in segment(text):
        block = Block.objects.create(
            article=article, kind=block_span.kind, start=block_span.start, end=block_span.end
        )
        Sentence.objects.bulk_create(
            Sentence(article=article, block=block, start=start, end=end)
            for start, end in block_span.sentences
        )
    return article


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, **extra
    )


def build_workspace(prefix: str = "") -> Workspace:
    """Manager, reviewer, two annotators of one article, each with an assignment; one actor."""
    admin = make_user(f"{prefix}admin", is_superuser=True)
    manager = make_user(f"{prefix}manager")
    reviewer = make_user(f"{prefix}reviewer")
    annotator = make_user(f"{prefix}annotator1")
    other = make_user(f"{prefix}annotator2")
    project = create_project(
        name=f"{prefix}workspace", user=admin, guidelines=GUIDELINES, annotators_per_article=2
    )
    set_membership(
        project_id=project.pk, user=admin, member_id=manager.pk, role=Membership.Role.MANAGER
    )
    set_membership(
        project_id=project.pk, user=manager, member_id=reviewer.pk, role=Membership.Role.REVIEWER
    )
    for user in (annotator, other):
        set_membership(
            project_id=project.pk, user=manager, member_id=user.pk, role=Membership.Role.ANNOTATOR
        )
    article = make_article()
    add_articles(project_id=project.pk, user=manager, article_ids=[article.pk])
    assignment = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=annotator.pk, user=manager
    )
    other_assignment = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=other.pk, user=manager
    )
    ministry = create_actor(
        project_id=project.pk,
        user=manager,
        name="Azerbaijani Foreign Ministry",
        kind="organisation",
        aliases=["the ministry", "MFA"],
    )
    return Workspace(
        project=project,
        article=article,
        manager=manager,
        reviewer=reviewer,
        annotator=annotator,
        other_annotator=other,
        assignment=assignment,
        other_assignment=other_assignment,
        ministry=ministry,
    )


def add_claims(world: Workspace, count: int) -> list[Attribution]:
    """`count` claims in the annotator's assignment, each with a speaker, source, cue and stance
    (every relation the workspace reads), cycling over the article's sentences."""
    sentences = list(
        Sentence.objects.filter(article=world.article).order_by("start").values_list("start", "end")
    )
    source = world.span("The ministry")
    cue = world.span("noted")
    claims = []
    for index in range(count):
        start, end = sentences[index % len(sentences)]
        claims.append(
            create_attribution(
                assignment_id=world.assignment.pk,
                user=world.annotator,
                data=AttributionData(
                    content=[(start, end)],
                    type="indirect",
                    source=source,
                    cue=cue,
                    speaker_id=world.ministry.pk,
                    stances=[StanceData(polarity="favor", target_actor_id=world.ministry.pk)],
                    note=f"claim {index}",
                ),
                via="system",
            )
        )
    return claims
