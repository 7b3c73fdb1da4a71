"""Agreement, comparison and progress reports read from the database."""

import datetime as dt

import pytest
from django.utils import timezone

from annotate.agreement.report import agreement_report, article_comparison, progress_report
from annotate.models import Assignment


def test_agreement_report_counts_only_handed_in_work(review):
    review.claim(review.first)
    review.claim(review.second)
    report = agreement_report(review.project)
    assert report["annotators"] == []
    assert report["articles"] == 0


def test_agreement_report_of_two_identical_annotations(review):
    review.claim(review.first)
    review.claim(review.second)
    review.submit_both()
    report = agreement_report(review.project)
    assert report["annotators"] == ["ann1", "ann2"]
    assert report["units"]["f1"]["overall"]["f1"] == 1.0
    assert report["spans"]["content"]["exact"]["overall"]["f1"] == 1.0
    assert report["labels"]["speaker"]["percent"] == 1.0
    # One unit and one speaker value: no variation, alpha undefined rather than a made-up 1.
    assert report["labels"]["speaker"]["alpha"] is None
    assert report["per_article"][0]["unit_f1"] == 1.0


def test_agreement_report_per_article_and_by_hand(review):
    review.claim(review.first)
    review.claim(review.second, type="indirect", speaker_id=None)
    review.claim(
        review.second,
        content=[review.span("Officials in the capital denied the report")],
        source=None,
        cue=None,
        type="indirect",
        stances=[],
    )
    review.submit_both()
    report = agreement_report(review.project, article_id=review.article.pk)
    assert report["article"] == review.article.pk
    # 1 aligned unit of 1 + 2 claims.
    assert report["units"]["f1"]["overall"]["f1"] == pytest.approx(2 / 3)
    pair = report["labels"]["type"]["pairs"][0]
    assert pair["confusion"] == {"labels": ["direct", "indirect"], "matrix": [[0, 1], [0, 0]]}
    assert report["labels"]["speaker"]["percent"] == 0.0


def test_comparison_aligns_claims_and_names_differences(review):
    review.claim(review.first)
    review.claim(review.second, cue=review.span("adding"), type="indirect")
    review.submit_both()
    comparison = article_comparison(review.project, review.article.pk)
    (row,) = comparison["rows"]
    assert set(row["claims"]) == {"ann1", "ann2"}
    assert row["differs"] == ["cue", "type"]
    assert not row["unanimous"]


def test_progress_report_counts_statuses_and_time(review):
    review.claim(review.first)
    review.claim(review.first, content=[review.span("the border was calm")], stances=[])
    review.first.refresh_from_db()
    review.submit_both()
    report = progress_report(review.project)
    rows = {row["annotator"]: row for row in report["annotators"]}
    assert rows["ann1"]["claims"] == 2
    assert rows["ann1"]["statuses"]["submitted"] == 1
    assert rows["ann2"]["claims"] == 0
    assert rows["ann2"]["minutes_per_article"] is None
    assert report["statuses"]["submitted"] == 2
    assert rows["ann1"]["minutes_per_article"] is not None


def test_agreement_trend_groups_articles_by_week_of_last_submission(review):
    review.claim(review.first)
    review.claim(review.second)
    review.submit_both()
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 12, 0))
    Assignment.objects.filter(pk=review.first.pk).update(submitted_at=monday)
    Assignment.objects.filter(pk=review.second.pk).update(
        submitted_at=monday + dt.timedelta(days=8)
    )
    (week,) = progress_report(review.project)["trend"]
    assert week["week"] == "2026-W11"
    assert week["unit_f1"] == 1.0
