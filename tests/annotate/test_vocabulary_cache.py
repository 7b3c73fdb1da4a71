"""The cheap claim write: the vocabulary is cached per project and vocabulary_version, and only
from a transaction of its own (a committed version is never reused for other terms); the claim
comes back with its rows; the inserts need no savepoint of their own."""

import pytest
from django.db import transaction

from annotate.errors import InvalidInput
from annotate.models import VocabularyTerm
from annotate.services import attributions
from annotate.services.projects import set_vocabulary_term
from tests.annotate.conftest import make_claim


@pytest.fixture(autouse=True)
def empty_cache():
    attributions._VOCABULARIES.clear()
    yield
    attributions._VOCABULARIES.clear()


@pytest.mark.django_db(transaction=True)
def test_a_vocabulary_change_is_seen_by_the_next_claim(world):
    make_claim(world)
    assert len(attributions._VOCABULARIES) == 1

    set_vocabulary_term(
        project_id=world.project.pk, user=world.manager, kind="attribution_type",
        value="direct", is_active=False,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="'direct' is not an active"):
        make_claim(world)

    set_vocabulary_term(
        project_id=world.project.pk, user=world.manager, kind="attribution_type", value="quoted"
    )
    assert make_claim(world, type="quoted").type == "quoted"


@pytest.mark.django_db(transaction=True)
def test_a_term_added_without_a_version_bump_is_looked_up_again(world):
    make_claim(world)
    VocabularyTerm.objects.create(
        project=world.project, kind="attribution_type", value="paraphrase", position=9
    )
    assert make_claim(world, type="paraphrase").type == "paraphrase"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_cached_inside_a_callers_transaction(world):
    with transaction.atomic():
        make_claim(world)
    assert attributions._VOCABULARIES == {}


@pytest.mark.django_db
def test_the_returned_claim_carries_its_rows(world, django_assert_num_queries):
    claim = make_claim(world)
    with django_assert_num_queries(0):
        spans = list(claim.spans.all())
        stances = list(claim.stances.all())
    assert sorted(s.role for s in spans) == ["content", "cue", "source"]
    assert [s.target_topic for s in stances] == ["talks"]


@pytest.mark.django_db
def test_a_failed_insert_rolls_the_whole_claim_back_and_leaves_the_callers_transaction(
    world, monkeypatch
):
    from django.db import IntegrityError

    from annotate.models import Attribution, HistoryEntry, Span

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Span.objects, "bulk_create", broken)
    with transaction.atomic():
        with pytest.raises(InvalidInput, match="simulated"):
            make_claim(world)
        # No savepoint around the inserts, yet the caller's transaction is usable and clean.
        assert not Attribution.objects.filter(assignment=world.assignment).exists()
        assert not HistoryEntry.objects.filter(action="attribution.created").exists()
