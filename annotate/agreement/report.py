"""Agreement, comparison and progress reports read from the database.

Reads only (no writes, no access checks: callers pass a project they obtained through
annotate.access). The number of queries is fixed whatever the number of articles and claims.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Max, Min, QuerySet

from annotate.agreement.alignment import (
    UNKNOWN_SPEAKER,
    AlignedGroup,
    ClaimLabels,
    align_claims,
    stance_target_key,
)
from annotate.agreement.metrics import TokenIndex, match_by_overlap
from annotate.agreement.tally import AgreementTally
from annotate.history import snapshot_attribution
from annotate.models import Actor, Assignment, HistoryEntry, Project
from annotate.selectors import attributions_queryset

S = Assignment.Status

# Work that counts for agreement: handed in, and not sent back for fixing. An annotator's
# assignment promoted to gold still holds that annotator's labels.
AGREEMENT_STATUSES = (S.SUBMITTED, S.ACCEPTED, S.GOLD)
# What a reviewer compares side by side: everything handed in at least once.
COMPARISON_STATUSES = (S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.GOLD)


def _span(value: list[int] | None) -> tuple[int, int] | None:
    return (value[0], value[1]) if value else None


def claim_labels(snapshot: dict[str, Any]) -> ClaimLabels:
    """The elements agreement compares, from a claim snapshot (annotate.history)."""
    return ClaimLabels(
        id=snapshot["id"],
        content=tuple((start, end) for start, end in snapshot["content"]),
        source=_span(snapshot["source"]),
        cue=_span(snapshot["cue"]),
        speaker=str(snapshot["speaker"]) if snapshot["speaker"] is not None else UNKNOWN_SPEAKER,
        type=snapshot["type"],
        stances=tuple(
            sorted(
                (stance_target_key(s["target_actor"], s["target_topic"]), s["polarity"])
                for s in snapshot["stances"]
            )
        ),
        nested_in=snapshot["nested_in"],
        extra=snapshot,
    )


def _assignments(
    project: Project, statuses: Sequence[str], article_id: int | None
) -> QuerySet[Assignment]:
    queryset = Assignment.objects.filter(
        project_id=project.pk, is_gold=False, status__in=statuses
    ).select_related("annotator", "article")
    if article_id is not None:
        queryset = queryset.filter(article_id=article_id)
    return queryset.order_by("article_id", "annotator_id")


def _snapshots_by_assignment(assignment_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    claims = attributions_queryset().filter(assignment_id__in=list(assignment_ids)).order_by("id")
    for claim in claims:
        result[claim.assignment_id].append(snapshot_attribution(claim))
    return result


def _article_claims(
    assignments: Sequence[Assignment],
) -> dict[int, dict[str, list[ClaimLabels]]]:
    """{article id: {annotator username: [claims]}} in annotator-id order."""
    snapshots = _snapshots_by_assignment(a.pk for a in assignments)
    result: dict[int, dict[str, list[ClaimLabels]]] = defaultdict(dict)
    for assignment in assignments:
        result[assignment.article_id][assignment.annotator.get_username()] = [
            claim_labels(s) for s in snapshots.get(assignment.pk, [])
        ]
    return result


def _annotator_names(assignments: Sequence[Assignment]) -> list[str]:
    by_id = {a.annotator_id: a.annotator.get_username() for a in assignments}
    return [by_id[pk] for pk in sorted(by_id)]


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of a report, for per-article and per-week rows."""
    return {
        "content_overlap_f1": result["spans"]["content"]["overlap"]["overall"]["f1"],
        "unit_f1": result["units"]["f1"]["overall"]["f1"],
        "speaker_alpha": result["labels"]["speaker"]["alpha"],
        "type_alpha": result["labels"]["type"]["alpha"],
        "polarity_alpha": result["labels"]["polarity"]["alpha"],
    }


def agreement_report(
    project: Project,
    *,
    article_id: int | None = None,
    statuses: Sequence[str] = AGREEMENT_STATUSES,
) -> dict[str, Any]:
    """Agreement of the project's annotators (or of one article's), per element, per pair and
    overall, plus one summary row per article."""
    assignments = list(_assignments(project, statuses, article_id))
    annotators = _annotator_names(assignments)
    claims = _article_claims(assignments)
    texts = {a.article_id: a.article for a in assignments}
    tally = AgreementTally(annotators)
    per_article = []
    for pk in sorted(claims):
        by_annotator = claims[pk]
        tally.add_article(texts[pk].text, by_annotator)
        if len(by_annotator) >= 2 and article_id is None:
            one = AgreementTally([name for name in annotators if name in by_annotator])
            one.add_article(texts[pk].text, by_annotator)
            per_article.append(
                {
                    "article": pk,
                    "title": str(texts[pk]),
                    "annotators": len(by_annotator),
                    **_summary(one.result()),
                }
            )
    _name_speakers(project, tally_result := tally.result())
    return {
        "project": {"id": project.pk, "name": project.name},
        "article": article_id,
        "statuses": list(statuses),
        **tally_result,
        "per_article": per_article,
    }


def _name_speakers(project: Project, result: dict[str, Any]) -> None:
    """Add the actor names to the speaker confusion matrices (`names`, parallel to `labels`)."""
    names = {
        str(pk): name
        for pk, name in Actor.objects.filter(project_id=project.pk).values_list("pk", "name")
    }
    for pair in result["labels"]["speaker"]["pairs"]:
        confusion = pair["confusion"]
        confusion["names"] = [names.get(label, label) for label in confusion["labels"]]


def article_comparison(project: Project, article_id: int) -> dict[str, Any]:
    """The handed-in work of every annotator of one article, aligned claim by claim (the same
    alignment as the agreement report), with the gold claims matched to the groups."""
    assignments = list(_assignments(project, COMPARISON_STATUSES, article_id))
    gold = (
        Assignment.objects.filter(project_id=project.pk, article_id=article_id, is_gold=True)
        .select_related("annotator", "article")
        .first()
    )
    snapshots = _snapshots_by_assignment(
        [a.pk for a in assignments] + ([gold.pk] if gold is not None else [])
    )
    annotators = [a.annotator.get_username() for a in assignments]
    claims = {
        a.annotator.get_username(): [claim_labels(s) for s in snapshots.get(a.pk, [])]
        for a in assignments
    }
    article = assignments[0].article if assignments else (gold.article if gold else None)
    index = TokenIndex(article.text if article is not None else "")
    groups = align_claims(claims, index)
    gold_claims = [claim_labels(s) for s in snapshots.get(gold.pk, [])] if gold else []
    matches = dict(
        match_by_overlap(
            [group.tokens for group in groups],
            [index.token_set(c.content) for c in gold_claims],
        )
    )
    rows = []
    for position, group in enumerate(groups):
        gold_claim = gold_claims[matches[position]] if position in matches else None
        rows.append(_row(group, annotators, gold_claim))
    matched_gold = set(matches.values())
    for position, claim in enumerate(gold_claims):
        if position not in matched_gold:
            rows.append({"claims": {}, "differs": [], "unanimous": False, "gold": claim.extra})
    rows.sort(key=_row_start)
    return {
        "article": article,
        "assignments": assignments,
        "annotators": annotators,
        "gold": gold,
        "rows": rows,
        "unanimous": sum(1 for row in rows if row["unanimous"] and row["gold"] is None),
    }


def _row(
    group: AlignedGroup, annotators: list[str], gold_claim: ClaimLabels | None
) -> dict[str, Any]:
    return {
        "claims": {name: group.claims[name].extra for name in annotators if name in group.claims},
        "differs": sorted(group.differing_elements()),
        "unanimous": len(annotators) >= 2 and group.is_unanimous(annotators),
        "gold": gold_claim.extra if gold_claim is not None else None,
    }


def _row_start(row: dict[str, Any]) -> int:
    snapshots = [*row["claims"].values(), *([row["gold"]] if row["gold"] else [])]
    return min(int(snapshot["content"][0][0]) for snapshot in snapshots)


def _iso_week(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def progress_report(project: Project) -> dict[str, Any]:
    """Per annotator: assignments by status, claims, claims per hour of annotation, time per
    article; and the agreement per ISO week of submission.

    Time spent is measured from the history: per assignment, from its first claim change to its
    submission (or to its last claim change while not yet submitted). Claims per hour divide the
    claims of all the annotator's assignments by the sum of those times.
    """
    assignments = list(
        Assignment.objects.filter(project_id=project.pk, is_gold=False)
        .select_related("annotator")
        .annotate(claims=Count("attributions"))
        .order_by("annotator_id", "article_id")
    )
    edits = {
        row["assignment_id"]: row
        for row in HistoryEntry.objects.filter(
            project_id=project.pk, action__startswith="attribution.", assignment__isnull=False
        )
        .values("assignment_id")
        .annotate(first=Min("created_at"), last=Max("created_at"), changes=Count("id"))
    }
    people: dict[int, dict[str, Any]] = {}
    for assignment in assignments:
        person = people.setdefault(
            assignment.annotator_id,
            {
                "annotator": assignment.annotator.get_username(),
                "statuses": dict.fromkeys(S.values, 0),
                "assignments": 0,
                "claims": 0,
                "changes": 0,
                "seconds": 0.0,
                "timed_articles": 0,
            },
        )
        person["assignments"] += 1
        person["statuses"][assignment.status] += 1
        person["claims"] += assignment.claims
        edit = edits.get(assignment.pk)
        if edit is None:
            continue
        person["changes"] += edit["changes"]
        end = assignment.submitted_at or edit["last"]
        seconds = max((end - edit["first"]).total_seconds(), 0.0)
        person["seconds"] += seconds
        person["timed_articles"] += 1
    rows = []
    for person in people.values():
        hours = person["seconds"] / 3600
        rows.append(
            {
                **person,
                "claims_per_hour": person["claims"] / hours if hours > 0 else None,
                "minutes_per_article": person["seconds"] / 60 / person["timed_articles"]
                if person["timed_articles"]
                else None,
            }
        )
    totals = dict.fromkeys(S.values, 0)
    for person in people.values():
        for status, count in person["statuses"].items():
            totals[status] += count
    return {
        "project": {"id": project.pk, "name": project.name},
        "statuses": totals,
        "annotators": rows,
        "trend": agreement_trend(project),
    }


def agreement_trend(project: Project) -> list[dict[str, Any]]:
    """Agreement per ISO week, an article counting in the week its last annotator submitted."""
    assignments = list(_assignments(project, AGREEMENT_STATUSES, None))
    annotators = _annotator_names(assignments)
    claims = _article_claims(assignments)
    texts = {a.article_id: a.article.text for a in assignments}
    submitted: dict[int, dt.datetime] = {}
    for assignment in assignments:
        if assignment.submitted_at is not None:
            previous = submitted.get(assignment.article_id)
            if previous is None or assignment.submitted_at > previous:
                submitted[assignment.article_id] = assignment.submitted_at
    weeks: dict[str, AgreementTally] = {}
    for pk, by_annotator in sorted(claims.items()):
        if len(by_annotator) < 2 or pk not in submitted:
            continue
        week = _iso_week(submitted[pk])
        weeks.setdefault(week, AgreementTally(annotators)).add_article(texts[pk], by_annotator)
    return [
        {"week": week, "articles": tally.articles, **_summary(tally.result())}
        for week, tally in sorted(weeks.items())
    ]
