"""A small project built through the services: manager, reviewer, two annotators, one article."""

from dataclasses import dataclass
from typing import Any

import pytest

from annotate.models import Assignment, Membership, Project
from annotate.services.assignments import create_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import add_articles, create_actor, create_project, set_membership
from corpus.models import Article, content_hash

TEXT = (
    'The minister said that "talks will resume soon," adding that the border was calm.\n\n'
    "Officials in the capital denied the report.   Critics said nothing."
)


def make_article(text: str = TEXT) -> Article:
    return Article.objects.create(
        title="A test article", text=text, content_hash=content_hash(text)
    )


@dataclass
class World:
    project: Project
    article: Article
    admin: Any
    manager: Any
    reviewer: Any
    annotator: Any
    other_annotator: Any
    outsider: Any
    assignment: Assignment
    other_assignment: Assignment
    minister: Any
    officials: Any

    def span(self, words: str) -> tuple[int, int]:
        start = self.article.text.index(words)
        return start, start + len(words)


@pytest.fixture
def world(make_user) -> World:
    admin = make_user("root", is_superuser=True)
    manager = make_user("manager")
    reviewer = make_user("reviewer")
    annotator = make_user("ann1")
    other = make_user("ann2")
    outsider = make_user("outsider")
    project = create_project(name="test", user=admin, annotators_per_article=2)
    set_membership(project_id=project.pk, user=admin, member_id=manager.pk, role="manager")
    set_membership(project_id=project.pk, user=manager, member_id=reviewer.pk, role="reviewer")
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
    minister = create_actor(project_id=project.pk, user=manager, name="The minister", kind="person")
    officials = create_actor(project_id=project.pk, user=manager, name="Officials", kind="group")
    return World(
        project=project,
        article=article,
        admin=admin,
        manager=manager,
        reviewer=reviewer,
        annotator=annotator,
        other_annotator=other,
        outsider=outsider,
        assignment=assignment,
        other_assignment=other_assignment,
        minister=minister,
        officials=officials,
    )


def claim_data(world: World, **overrides: Any) -> AttributionData:
    values: dict[str, Any] = {
        "content": [world.span('"talks will resume soon,"')],
        "type": "direct",
        "source": world.span("The minister"),
        "cue": world.span("said"),
        "speaker_id": world.minister.pk,
        "stances": [StanceData(polarity="favor", target_topic="talks")],
    }
    values.update(overrides)
    return AttributionData(**values)


def make_claim(world: World, user: Any = None, **overrides: Any):
    return create_attribution(
        assignment_id=world.assignment.pk,
        user=user or world.annotator,
        data=claim_data(world, **overrides),
        via="api",
    )
