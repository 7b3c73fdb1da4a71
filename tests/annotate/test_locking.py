"""Row locks: a status change waits for a claim write in flight on the same assignment."""

import threading

import pytest
from django.db import connection, transaction

from annotate.access import access_assignment
from annotate.models import Assignment, HistoryEntry
from annotate.services.assignments import submit_assignment
from tests.annotate.conftest import make_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises every writer anyway"
    ),
]


def test_submit_waits_for_the_claim_write_holding_the_assignment_lock(world):
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        access_assignment(world.annotator, world.assignment.pk, write=True, lock=True)
        submitter = threading.Thread(target=submit)
        submitter.start()
        submitter.join(timeout=0.5)
        assert submitter.is_alive(), "the submit did not wait for the assignment lock"
        make_claim(world)
    submitter.join(timeout=10)

    assert not errors
    assert Assignment.objects.get(pk=world.assignment.pk).status == "submitted"
    actions = list(
        HistoryEntry.objects.filter(assignment=world.assignment)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["attribution.created", "assignment.submitted"]
