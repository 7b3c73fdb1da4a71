"""A project with one article given to two annotators and a reviewer, built through the services."""

from dataclasses import dataclass
from typing import Any

import pytest

from annotate.models import Assignment, Membership, Project
from annotate.services.assignments import create_assignment, submit_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import add_articles, create_actor, create_project, set_membership
from corpus.models import Article, content_hash

TEXT = (
    'The minister said that "talks will resume soon," adding that the border was calm.\n\n'
    "Officials in the capital denied the report. Critics said the talks had failed."
)


@dataclass
class Review:
    project: Project
    article: Article
    manager: Any
    reviewer: Any
    ann1: Any
    ann2: Any
    outsider: Any
    first: Assignment
    second: Assignment
    minister: Any
    officials: Any

    def span(self, words: str) -> tuple[int, int]:
        start = self.article.text.index(words)
        return start, start + len(words)

    def claim(self, assignment: Assignment, **overrides: Any):
        values: dict[str, Any] = {
            "content": [self.span("talks will resume soon,")],
            "type": "direct",
            "source": self.span("The minister"),
            "cue": self.span("said"),
            "speaker_id": self.minister.pk,
            "stances": [StanceData(polarity="favor", target_topic="talks")],
        }
        values.update(overrides)
        user = self.ann1 if assignment.pk == self.first.pk else self.ann2
        return create_attribution(
            assignment_id=assignment.pk, user=user, data=AttributionData(**values), via="api"
        )

    def submit_both(self) -> None:
        submit_assignment(assignment_id=self.first.pk, user=self.ann1, via="api")
        submit_assignment(assignment_id=self.second.pk, user=self.ann2, via="api")


@pytest.fixture
def review(make_user) -> Review:
    admin = make_user("root", is_superuser=True)
    manager = make_user("manager")
    reviewer = make_user("reviewer")
    ann1 = make_user("ann1")
    ann2 = make_user("ann2")
    outsider = make_user("outsider")
    project = create_project(name="review-test", user=admin, annotators_per_article=2)
    set_membership(project_id=project.pk, user=admin, member_id=manager.pk, role="manager")
    set_membership(project_id=project.pk, user=manager, member_id=reviewer.pk, role="reviewer")
    for user in (ann1, ann2):
        set_membership(
            project_id=project.pk, user=manager, member_id=user.pk, role=Membership.Role.ANNOTATOR
        )
    article = Article.objects.create(title="Talks", text=TEXT, content_hash=content_hash(TEXT))
    add_articles(project_id=project.pk, user=manager, article_ids=[article.pk])
    first = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=ann1.pk, user=manager
    )
    second = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=ann2.pk, user=manager
    )
    minister = create_actor(project_id=project.pk, user=manager, name="The minister", kind="person")
    officials = create_actor(project_id=project.pk, user=manager, name="Officials", kind="group")
    return Review(
        project=project,
        article=article,
        manager=manager,
        reviewer=reviewer,
        ann1=ann1,
        ann2=ann2,
        outsider=outsider,
        first=first,
        second=second,
        minister=minister,
        officials=officials,
    )


def add_annotated_articles(review: Review, count: int) -> None:
    """`count` more articles of the project, each with one claim by each annotator, submitted."""
    start = Article.objects.count()
    for number in range(start, start + count):
        text = f"{TEXT}\n\nNote {number}."
        article = Article.objects.create(
            title=f"Talks {number}", text=text, content_hash=content_hash(text)
        )
        add_articles(project_id=review.project.pk, user=review.manager, article_ids=[article.pk])
        for user in (review.ann1, review.ann2):
            assignment = create_assignment(
                project_id=review.project.pk,
                article_id=article.pk,
                annotator_id=user.pk,
                user=review.manager,
            )
            create_attribution(
                assignment_id=assignment.pk,
                user=user,
                data=AttributionData(
                    content=[review.span("talks will resume soon,")],
                    type="direct",
                    speaker_id=review.minister.pk,
                    stances=[StanceData(polarity="favor", target_topic="talks")],
                ),
                via="api",
            )
            submit_assignment(assignment_id=assignment.pk, user=user, via="api")
