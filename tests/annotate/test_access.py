"""Role checks (annotate/access.py): who sees and writes what; the selectors built on them."""

import pytest

from annotate.access import access_assignment, access_attribution, access_project, project_role
from annotate.errors import Forbidden, NotFound
from annotate.history import snapshot_attribution
from annotate.selectors import (
    assignments_for_user,
    attributions_for_assignment,
    history_for_annotator,
    history_for_article,
    history_for_assignment,
)
from annotate.services.assignments import get_or_create_gold_assignment, submit_assignment
from annotate.services.attributions import create_attribution
from annotate.services.projects import update_project
from tests.annotate.conftest import claim_data, make_claim


def test_project_role_per_member(world):
    assert project_role(world.annotator, world.project.pk) == "annotator"
    assert project_role(world.reviewer, world.project.pk) == "reviewer"
    assert project_role(world.manager, world.project.pk) == "manager"
    assert project_role(world.outsider, world.project.pk) is None


def test_superuser_acts_as_manager_everywhere(world, make_user):
    boss = make_user("boss", is_superuser=True)
    assert project_role(boss, world.project.pk) == "manager"
    assert access_project(boss, world.project.pk, min_role="manager") == world.project


def test_access_project_refuses_below_min_role(world):
    with pytest.raises(Forbidden, match="User ann1 is annotator in project 'test'"):
        access_project(world.annotator, world.project.pk, min_role="reviewer")


def test_access_project_hides_project_from_outsiders(world):
    with pytest.raises(NotFound):
        access_project(world.outsider, world.project.pk)


def test_annotator_reads_only_own_assignment_in_blind_project(world):
    assert access_assignment(world.annotator, world.assignment.pk) == world.assignment
    with pytest.raises(NotFound):
        access_assignment(world.annotator, world.other_assignment.pk)


def test_annotator_reads_others_work_in_open_project_but_cannot_write_it(world):
    update_project(project_id=world.project.pk, user=world.manager, changes={"is_blind": False})
    assert access_assignment(world.annotator, world.other_assignment.pk)
    with pytest.raises(Forbidden, match="it belongs to another annotator"):
        access_assignment(world.annotator, world.other_assignment.pk, write=True)


def test_reviewer_and_manager_read_and_write_every_assignment(world):
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    for user in (world.reviewer, world.manager, world.admin):
        assert access_assignment(user, world.assignment.pk, write=True)


def test_gold_assignment_is_written_by_reviewers_only(world):
    gold = get_or_create_gold_assignment(
        project_id=world.project.pk, article_id=world.article.pk, user=world.reviewer
    )
    create_attribution(assignment_id=gold.pk, user=world.manager, data=claim_data(world))
    with pytest.raises(NotFound):
        create_attribution(assignment_id=gold.pk, user=world.annotator, data=claim_data(world))


def test_access_attribution_hides_claims_of_other_annotators(world):
    claim = make_claim(world)
    assert access_attribution(world.annotator, claim.pk).pk == claim.pk
    with pytest.raises(NotFound, match=f"Claim {claim.pk} does not exist"):
        access_attribution(world.other_annotator, claim.pk)


def test_assignments_for_user_follows_roles_and_counts_claims(world):
    make_claim(world)
    make_claim(world)
    own = assignments_for_user(world.annotator)
    assert [(a.pk, a.attribution_count) for a in own] == [(world.assignment.pk, 2)]
    assert assignments_for_user(world.reviewer).count() == 2
    assert assignments_for_user(world.outsider).count() == 0


def test_attributions_for_assignment_costs_three_queries_whatever_the_count(
    world, django_assert_num_queries
):
    for _ in range(3):
        make_claim(world)
    with django_assert_num_queries(3):
        small = [snapshot_attribution(a) for a in attributions_for_assignment(world.assignment.pk)]
    for _ in range(6):
        make_claim(world)
    with django_assert_num_queries(3):
        large = [snapshot_attribution(a) for a in attributions_for_assignment(world.assignment.pk)]
    assert (len(small), len(large)) == (3, 9)


def test_history_is_readable_per_assignment_article_and_annotator(world):
    claim = make_claim(world)
    make_claim(world, user=world.reviewer)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    per_assignment = [e.action for e in history_for_assignment(world.assignment.pk)]
    assert per_assignment == [
        "assignment.created",
        "attribution.created",
        "attribution.created",
        "assignment.submitted",
    ]
    per_article = history_for_article(world.project.pk, world.article.pk)
    assert per_article.filter(assignment=world.other_assignment).count() == 1
    assert per_article.count() == 5
    by_other = history_for_annotator(world.project.pk, world.other_annotator.pk)
    assert [e.action for e in by_other] == ["membership.set", "assignment.created"]
    mine = history_for_annotator(world.project.pk, world.annotator.pk)
    assert claim.pk in {e.attribution_id for e in mine}
