"""access_assignment runs its query from SQL compiled once per connection: the same assignment,
project, article and role as the ORM gives, in one query."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from annotate.access import _assignment_query, access_assignment
from annotate.errors import NotFound


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["annotator", "reviewer", "manager", "admin"])
@pytest.mark.parametrize("lock", [False, True])
def test_the_compiled_query_gives_what_the_orm_gives(world, who, lock, django_assert_num_queries):
    user = getattr(world, who)
    expected = _assignment_query(world.assignment.pk, user.pk, lock=False).first()
    for _ in range(2):  # compiled on the first call, reused on the second
        with transaction.atomic(), django_assert_num_queries(1):
            assignment = access_assignment(user, world.assignment.pk, write=True, lock=lock)
            assert fields(assignment) == fields(expected)
            assert fields(assignment.project) == fields(expected.project)
            assert fields(assignment.article) == fields(expected.article)
        role = "manager" if who == "admin" else expected.member_role
        assert assignment.user_role == role


@pytest.mark.django_db
def test_an_unknown_or_foreign_assignment_is_not_found(world):
    for _ in range(2):
        with pytest.raises(NotFound):
            access_assignment(world.outsider, world.assignment.pk)
        with pytest.raises(NotFound):
            access_assignment(world.annotator, world.assignment.pk + 1000)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks")
def test_a_lock_outside_a_transaction_is_refused(world):
    for _ in range(2):
        with pytest.raises(TransactionManagementError):
            access_assignment(world.annotator, world.assignment.pk, lock=True)


@pytest.mark.django_db
def test_ids_that_are_not_plain_numbers_go_through_the_orm(world):
    assert access_assignment(world.annotator, str(world.assignment.pk)).pk == world.assignment.pk
    with pytest.raises(NotFound):
        access_assignment(world.annotator, 2**70)


@pytest.mark.django_db
def test_the_compiled_actor_query_finds_what_the_orm_finds(world):
    from annotate.models import Actor
    from annotate.services.attributions import _ACTORS_QUERY, _actors_query
    from annotate.services.projects import create_actor, create_project

    elsewhere = create_project(name="elsewhere", user=world.admin)
    stranger = create_actor(project_id=elsewhere.pk, user=world.admin, name="Stranger")
    candidates = [world.minister.pk, world.officials.pk, stranger.pk, 10**9]
    for count in range(1, len(candidates) + 1):
        ids = sorted(candidates[:count])
        for _ in range(2):
            found = _ACTORS_QUERY.run(world.project.pk, *ids)
            expected = list(_actors_query(world.project.pk, *ids))
            assert sorted((a.pk, a.name, a.aliases) for a in found) == sorted(
                (a.pk, a.name, a.aliases) for a in expected
            )
            assert all(isinstance(a, Actor) and a._state.db == "default" for a in found)
