"""The assignment workflow: allowed and refused transitions, who may make them, history."""

import pytest

from annotate.errors import Conflict, Forbidden, InvalidInput, NotFound
from annotate.models import Assignment, HistoryEntry
from annotate.selectors import history_for_assignment
from annotate.services.assignments import (
    accept_assignment,
    assign_articles,
    change_assignment_status,
    create_assignment,
    get_or_create_gold_assignment,
    reject_assignment,
    submit_assignment,
)
from annotate.services.projects import add_articles, update_project
from tests.annotate.conftest import make_article, make_claim


def test_submit_accept_records_each_status_change(world):
    submitted = submit_assignment(
        assignment_id=world.assignment.pk, user=world.annotator, via="browser"
    )
    assert (submitted.status, submitted.version) == ("submitted", 2)
    accepted = accept_assignment(
        assignment_id=world.assignment.pk, user=world.reviewer, comment="ok"
    )
    assert accepted.status == "accepted"
    assert accepted.reviewed_by == world.reviewer

    entries = list(
        history_for_assignment(world.assignment.pk).filter(action__startswith="assignment.")
    )
    actions = [(e.action, e.before and e.before["status"], e.after["status"]) for e in entries]
    assert actions == [
        ("assignment.created", None, "in_progress"),
        ("assignment.submitted", "in_progress", "submitted"),
        ("assignment.accepted", "submitted", "accepted"),
    ]
    assert entries[-1].user == world.reviewer
    assert entries[-1].after["comment"] == "ok"


def test_reject_needs_comment_and_makes_assignment_writable_again(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    with pytest.raises(InvalidInput, match="A rejection needs a comment"):
        reject_assignment(assignment_id=world.assignment.pk, user=world.reviewer, comment="  ")

    rejected = reject_assignment(
        assignment_id=world.assignment.pk, user=world.reviewer, comment="Mark the cue."
    )
    assert rejected.review_comment == "Mark the cue."
    make_claim(world)  # writable again by its annotator
    again = submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    assert again.status == "submitted"


def test_transition_not_allowed_names_from_and_to(world):
    with pytest.raises(
        InvalidInput,
        match=r"cannot go from in_progress to accepted: from in_progress it can go to submitted",
    ):
        accept_assignment(assignment_id=world.assignment.pk, user=world.reviewer)
    assert Assignment.objects.get(pk=world.assignment.pk).status == "in_progress"


def test_annotator_cannot_accept_or_reject(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    with pytest.raises(Forbidden, match="only reviewers and managers can"):
        accept_assignment(assignment_id=world.assignment.pk, user=world.annotator)


def test_annotator_cannot_submit_another_annotators_assignment(world):
    with pytest.raises(NotFound):
        submit_assignment(assignment_id=world.other_assignment.pk, user=world.annotator)


def test_reviewer_reopens_review_and_promotes_to_gold(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    accept_assignment(assignment_id=world.assignment.pk, user=world.reviewer)
    change_assignment_status(
        assignment_id=world.assignment.pk, user=world.reviewer, to_status="submitted"
    )
    accept_assignment(assignment_id=world.assignment.pk, user=world.reviewer)
    gold = change_assignment_status(
        assignment_id=world.assignment.pk, user=world.manager, to_status="gold"
    )
    assert gold.status == "gold"
    assert HistoryEntry.objects.filter(action="assignment.gold").count() == 1


def test_status_change_refuses_stale_version(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    with pytest.raises(Conflict, match=r"changed by ann1 at .* \(now submitted, version 2"):
        change_assignment_status(
            assignment_id=world.assignment.pk,
            user=world.reviewer,
            to_status="accepted",
            expected_version=1,
        )


def test_unknown_status_is_refused(world):
    with pytest.raises(InvalidInput, match="Unknown status 'done'"):
        change_assignment_status(
            assignment_id=world.assignment.pk, user=world.reviewer, to_status="done"
        )


def test_gold_assignment_goes_to_gold_and_back(world):
    gold = get_or_create_gold_assignment(
        project_id=world.project.pk, article_id=world.article.pk, user=world.reviewer
    )
    assert gold.is_gold
    assert gold.annotator == world.reviewer
    same = get_or_create_gold_assignment(
        project_id=world.project.pk, article_id=world.article.pk, user=world.manager
    )
    assert same.pk == gold.pk
    done = change_assignment_status(assignment_id=gold.pk, user=world.reviewer, to_status="gold")
    assert done.status == "gold"
    reopened = change_assignment_status(
        assignment_id=gold.pk, user=world.reviewer, to_status="in_progress"
    )
    assert reopened.status == "in_progress"


def test_annotator_cannot_create_gold_assignment(world):
    with pytest.raises(Forbidden, match="needs the reviewer role"):
        get_or_create_gold_assignment(
            project_id=world.project.pk, article_id=world.article.pk, user=world.annotator
        )


def test_create_assignment_refuses_duplicate(world):
    with pytest.raises(Conflict, match=f"already has an assignment for user {world.annotator.pk}"):
        create_assignment(
            project_id=world.project.pk,
            article_id=world.article.pk,
            annotator_id=world.annotator.pk,
            user=world.manager,
        )


def test_create_assignment_refuses_article_outside_project(world):
    article = make_article("Another text entirely.")
    with pytest.raises(InvalidInput, match=f"Article {article.pk} is not in project 'test'"):
        create_assignment(
            project_id=world.project.pk,
            article_id=article.pk,
            annotator_id=world.annotator.pk,
            user=world.manager,
        )


def test_reviewer_cannot_create_regular_assignment(world):
    with pytest.raises(Forbidden, match="needs the manager role"):
        create_assignment(
            project_id=world.project.pk,
            article_id=world.article.pk,
            annotator_id=world.annotator.pk,
            user=world.reviewer,
        )


def test_assign_articles_gives_each_article_to_k_annotators(world):
    articles = [make_article(f"Article number {n} says things.") for n in range(3)]
    add_articles(
        project_id=world.project.pk, user=world.manager, article_ids=[a.pk for a in articles]
    )

    created = assign_articles(project_id=world.project.pk, user=world.manager)

    assert len(created) == 6
    for article in articles:
        assert Assignment.objects.filter(article=article, is_gold=False).count() == 2
    assert assign_articles(project_id=world.project.pk, user=world.manager) == []
    assert HistoryEntry.objects.filter(action="assignment.created").count() == 8


def test_assign_articles_refuses_when_fewer_annotators_than_k(world):
    update_project(
        project_id=world.project.pk, user=world.manager, changes={"annotators_per_article": 3}
    )
    with pytest.raises(InvalidInput, match="to 3 annotators but has 2 annotator member"):
        assign_articles(project_id=world.project.pk, user=world.manager)


def test_rejection_is_recorded_with_reviewer_comment_and_channel(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator, via="browser")
    reject_assignment(
        assignment_id=world.assignment.pk,
        user=world.reviewer,
        comment="The cue of claim 2 is missing.",
        via="api",
    )
    entry = history_for_assignment(world.assignment.pk).get(action="assignment.rejected")
    assert (entry.user, entry.via, entry.annotator) == (world.reviewer, "api", world.annotator)
    assert entry.before["status"] == "submitted"
    assert entry.after["status"] == "rejected"
    assert entry.after["comment"] == "The cue of claim 2 is missing."
    assert entry.after["reviewed_by"] == world.reviewer.pk
