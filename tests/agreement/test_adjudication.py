"""Adjudication services: take, merge, accept all agreeing, nesting, gold status, history."""

import pytest

from annotate.errors import Forbidden, InvalidInput, NotFound
from annotate.history import snapshot_attribution
from annotate.models import Assignment, Attribution, HistoryEntry
from annotate.selectors import attributions_for_assignment
from annotate.services.adjudication import (
    accept_agreed_claims,
    adjudicate_claim,
    finish_gold,
)
from annotate.services.assignments import submit_assignment


def gold_claims(review):
    gold = Assignment.objects.get(project=review.project, article=review.article, is_gold=True)
    return [snapshot_attribution(c) for c in attributions_for_assignment(gold.pk)]


def adjudicate(review, **kwargs):
    return adjudicate_claim(
        project_id=review.project.pk,
        article_id=review.article.pk,
        user=review.reviewer,
        via="browser",
        **kwargs,
    )


def test_take_copies_one_annotators_claim_into_a_new_gold_assignment(review):
    claim = review.claim(review.first)
    gold_claim = adjudicate(review, sources={"content": claim.pk})
    gold = gold_claim.assignment
    assert gold.is_gold and gold.annotator_id == review.reviewer.pk
    (copied,) = gold_claims(review)
    original = snapshot_attribution(Attribution.objects.get(pk=claim.pk))
    for field in ("content", "source", "cue", "speaker", "type", "stances"):
        assert copied[field] == original[field]
    assert copied["origin"] == "adjudicated"


def test_take_records_created_and_adjudicated_history(review):
    claim = review.claim(review.first)
    gold_claim = adjudicate(review, sources={"content": claim.pk})
    entries = HistoryEntry.objects.filter(attribution_id=gold_claim.pk).order_by("id")
    assert [e.action for e in entries] == ["attribution.created", "attribution.adjudicated"]
    adjudicated = entries[1]
    assert adjudicated.user == review.reviewer
    assert adjudicated.after == {
        "from": {"content": claim.pk},
        "annotators": {"content": "ann1"},
    }


def test_merge_takes_each_element_from_the_claim_named(review):
    first = review.claim(review.first)
    second = review.claim(
        review.second,
        content=[review.span("talks will resume")],
        speaker_id=None,
        type="indirect",
        stances=[],
    )
    adjudicate(review, sources={"content": first.pk, "speaker": second.pk, "stances": second.pk})
    (merged,) = gold_claims(review)
    assert merged["content"] == [list(review.span("talks will resume soon,"))]
    assert merged["type"] == "direct"
    assert merged["speaker"] is None
    assert merged["stances"] == []


def test_replace_updates_the_gold_claim_in_place(review):
    first = review.claim(review.first)
    second = review.claim(review.second, type="indirect")
    gold_claim = adjudicate(review, sources={"content": first.pk})
    replaced = adjudicate(
        review,
        sources={"content": first.pk, "type": second.pk},
        replace_id=gold_claim.pk,
        expected_version=gold_claim.version,
    )
    assert replaced.pk == gold_claim.pk
    (claim,) = gold_claims(review)
    assert claim["type"] == "indirect"
    assert HistoryEntry.objects.filter(
        attribution_id=gold_claim.pk, action="attribution.updated"
    ).exists()


def test_replace_without_version_is_refused(review):
    first = review.claim(review.first)
    gold_claim = adjudicate(review, sources={"content": first.pk})
    with pytest.raises(InvalidInput, match="needs the version"):
        adjudicate(review, sources={"content": first.pk}, replace_id=gold_claim.pk)


def test_adjudication_refuses_claims_of_another_article_or_gold(review):
    first = review.claim(review.first)
    gold_claim = adjudicate(review, sources={"content": first.pk})
    with pytest.raises(NotFound, match="is not an annotator's claim"):
        adjudicate(review, sources={"content": gold_claim.pk})


def test_adjudication_refuses_unknown_elements_and_missing_content(review):
    first = review.claim(review.first)
    with pytest.raises(InvalidInput, match="Unknown element"):
        adjudicate(review, sources={"content": first.pk, "mood": first.pk})
    with pytest.raises(InvalidInput, match="'content' claim id"):
        adjudicate(review, sources={"speaker": first.pk})


def test_annotators_cannot_adjudicate(review):
    first = review.claim(review.first)
    with pytest.raises(Forbidden):
        adjudicate_claim(
            project_id=review.project.pk,
            article_id=review.article.pk,
            user=review.ann1,
            sources={"content": first.pk},
        )
    with pytest.raises(NotFound):
        adjudicate_claim(
            project_id=review.project.pk,
            article_id=review.article.pk,
            user=review.outsider,
            sources={"content": first.pk},
        )


def test_nesting_is_carried_over_in_either_order(review):
    outer = review.claim(
        review.first, content=[review.span("the talks had failed")], source=None, cue=None
    )
    inner = review.claim(
        review.first,
        content=[review.span("talks had failed")],
        source=None,
        cue=None,
        nested_in_id=outer.pk,
    )
    # Child first: it waits un-nested until its parent is taken.
    gold_inner = adjudicate(review, sources={"content": inner.pk})
    assert gold_inner.nested_in_id is None
    gold_outer = adjudicate(review, sources={"content": outer.pk})
    gold_inner.refresh_from_db()
    assert gold_inner.nested_in_id == gold_outer.pk


def test_accept_agreed_copies_only_unanimous_claims_once(review):
    review.claim(review.first)
    review.claim(review.second)
    review.claim(
        review.first,
        content=[review.span("Officials in the capital denied the report")],
        source=None,
        cue=None,
        speaker_id=review.officials.pk,
        type="indirect",
        stances=[],
    )
    review.claim(
        review.second,
        content=[review.span("Officials in the capital denied the report")],
        source=None,
        cue=None,
        speaker_id=None,
        type="indirect",
        stances=[],
    )
    review.submit_both()
    created = accept_agreed_claims(
        project_id=review.project.pk, article_id=review.article.pk, user=review.reviewer
    )
    assert len(created) == 1
    assert HistoryEntry.objects.filter(
        attribution_id=created[0].pk, action="attribution.adjudicated", user=review.reviewer
    ).exists()
    assert [c["content"] for c in gold_claims(review)] == [
        [list(review.span("talks will resume soon,"))]
    ]
    again = accept_agreed_claims(
        project_id=review.project.pk, article_id=review.article.pk, user=review.reviewer
    )
    assert again == []


def test_accept_agreed_needs_two_annotators(review):
    review.claim(review.first)
    submit_assignment(assignment_id=review.first.pk, user=review.ann1)
    with pytest.raises(InvalidInput, match="at least two"):
        accept_agreed_claims(
            project_id=review.project.pk, article_id=review.article.pk, user=review.reviewer
        )


def test_finish_gold_marks_the_gold_assignment_and_records_it(review):
    first = review.claim(review.first)
    adjudicate(review, sources={"content": first.pk})
    gold = finish_gold(
        project_id=review.project.pk, article_id=review.article.pk, user=review.reviewer
    )
    assert gold.status == Assignment.Status.GOLD and gold.is_gold
    assert HistoryEntry.objects.filter(assignment=gold, action="assignment.gold").exists()


def test_finish_gold_without_a_gold_assignment_is_refused(review):
    with pytest.raises(InvalidInput, match="no gold version yet"):
        finish_gold(
            project_id=review.project.pk, article_id=review.article.pk, user=review.reviewer
        )
