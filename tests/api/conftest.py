"""A small project built through the services, and an API client per role (pretix's way)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotate.models import Assignment, Membership, Project
from annotate.services.assignments import create_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import add_articles, create_actor, create_project, set_membership
from corpus.models import Article
from tests.factories import ArticleFactory

TEXT = (
    'The minister said that "talks will resume soon," adding that the border was calm.\n\n'
    "Officials in the capital denied the report. Critics said nothing. “Ça va”, dit-il 😀."
)


@pytest.fixture(autouse=True)
def fresh_cache():
    # The login throttle counts in the cache; each test starts with no requests counted.
    cache.clear()


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

    def span(self, words: str) -> list[int]:
        start = self.article.text.index(words)
        return [start, start + len(words)]

    def claim_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "assignment": self.assignment.pk,
            "content": [self.span('"talks will resume soon,"')],
            "source": self.span("The minister"),
            "cue": self.span("said"),
            "speaker": self.minister.pk,
            "type": "direct",
            "stances": [{"target_topic": "talks", "polarity": "favor"}],
        }
        body.update(overrides)
        return body

    def make_claim(self, assignment: Assignment | None = None, user: Any = None, **kw: Any):
        assignment = assignment or self.assignment
        values: dict[str, Any] = {
            "content": [tuple(self.span('"talks will resume soon,"'))],
            "type": "direct",
            "source": tuple(self.span("The minister")),
            "cue": tuple(self.span("said")),
            "speaker_id": self.minister.pk,
            "stances": [StanceData(polarity="favor", target_topic="talks")],
        }
        values.update(kw)
        return create_attribution(
            assignment_id=assignment.pk,
            user=user or assignment.annotator,
            data=AttributionData(**values),
            via="cli",
        )


@pytest.fixture
def world(make_user) -> World:
    admin = make_user("root", is_superuser=True)
    manager = make_user("manager")
    reviewer = make_user("reviewer")
    annotator = make_user("ann1")
    other = make_user("ann2")
    outsider = make_user("outsider")
    project = create_project(name="api test", user=admin, annotators_per_article=2)
    set_membership(project_id=project.pk, user=admin, member_id=manager.pk, role="manager")
    set_membership(project_id=project.pk, user=manager, member_id=reviewer.pk, role="reviewer")
    for user in (annotator, other):
        set_membership(
            project_id=project.pk, user=manager, member_id=user.pk, role=Membership.Role.ANNOTATOR
        )
    article = ArticleFactory(text=TEXT, title="A test article", publisher="AzerNews")
    add_articles(project_id=project.pk, user=manager, article_ids=[article.pk])
    assignment = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=annotator.pk, user=manager
    )
    other_assignment = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=other.pk, user=manager
    )
    minister = create_actor(
        project_id=project.pk,
        user=manager,
        name="The minister",
        kind="person",
        aliases=["Bayramov", "Джейхун Байрамов"],
    )
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


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def annotator_client(world) -> APIClient:
    return client_for(world.annotator)


@pytest.fixture
def other_annotator_client(world) -> APIClient:
    return client_for(world.other_annotator)


@pytest.fixture
def reviewer_client(world) -> APIClient:
    return client_for(world.reviewer)


@pytest.fixture
def manager_client(world) -> APIClient:
    return client_for(world.manager)


@pytest.fixture
def outsider_client(world) -> APIClient:
    return client_for(world.outsider)
