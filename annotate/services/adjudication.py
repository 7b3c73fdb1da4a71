"""Adjudication: a reviewer builds an article's gold assignment from the annotators' claims.

The gold version is its own assignment (is_gold=True, see get_or_create_gold_assignment), written
only through the attribution services, so every gold claim has its own history. Each claim built
here also gets an `attribution.adjudicated` entry naming the claim each element was taken from;
that record is how a copied claim finds the gold copy of its parent (nesting is carried over).
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from annotate.access import access_project
from annotate.agreement.report import COMPARISON_STATUSES, article_comparison
from annotate.errors import InvalidInput, NotFound
from annotate.history import check_via, record, snapshot_attribution
from annotate.models import Assignment, Attribution, HistoryEntry, Membership
from annotate.selectors import attributions_queryset
from annotate.services.assignments import change_assignment_status, get_or_create_gold_assignment
from annotate.services.attributions import (
    AttributionData,
    StanceData,
    create_attribution,
    update_attribution,
)

# Elements a reviewer can take from different claims; the rest (category) follows the content.
ELEMENTS = ("content", "source", "cue", "speaker", "type", "stances")
ADJUDICATED = "attribution.adjudicated"


def _source_snapshots(
    *, project_id: int, article_id: int, claim_ids: set[int]
) -> dict[int, dict[str, Any]]:
    """Snapshots of annotators' claims of this article; NotFound for any other id."""
    claims = attributions_queryset().filter(
        pk__in=claim_ids,
        assignment__project_id=project_id,
        assignment__article_id=article_id,
        assignment__is_gold=False,
    )
    snapshots = {claim.pk: snapshot_attribution(claim) for claim in claims}
    missing = sorted(claim_ids - set(snapshots))
    if missing:
        raise NotFound(
            _("Claim %(ids)s is not an annotator's claim of article %(article)s in this project.")
            % {"ids": ", ".join(map(str, missing)), "article": article_id},
            field="sources",
        )
    return snapshots


def _gold_copies(gold: Assignment) -> dict[int, int]:
    """{annotator claim id whose content was taken: gold claim id}, for existing gold claims."""
    existing = set(Attribution.objects.filter(assignment_id=gold.pk).values_list("pk", flat=True))
    copies: dict[int, int] = {}
    entries = HistoryEntry.objects.filter(assignment_id=gold.pk, action=ADJUDICATED).order_by(
        "created_at", "id"
    )
    for gold_id, after in entries.values_list("attribution_id", "after"):
        if gold_id in existing and isinstance(after, dict):
            content_from = after.get("from", {}).get("content")
            if content_from is not None:
                copies[content_from] = gold_id
    return copies


def _inside(child: list[list[int]], parent: list[list[int]]) -> bool:
    return all(any(ps <= s and e <= pe for ps, pe in parent) for s, e in child)


def _values(sources: Mapping[str, int], snapshots: dict[int, dict[str, Any]]) -> dict[str, Any]:
    def take(element: str) -> dict[str, Any]:
        return snapshots[sources.get(element, sources["content"])]

    return {
        "content": [tuple(span) for span in take("content")["content"]],
        "source": tuple(take("source")["source"]) if take("source")["source"] else None,
        "cue": tuple(take("cue")["cue"]) if take("cue")["cue"] else None,
        "speaker_id": take("speaker")["speaker"],
        "type": take("type")["type"],
        "stances": [
            StanceData(
                polarity=stance["polarity"],
                target_actor_id=stance["target_actor"],
                target_topic=stance["target_topic"] if stance["target_actor"] is None else "",
            )
            for stance in take("stances")["stances"]
        ],
        "category": take("content")["category"],
    }


def _check_sources(sources: Mapping[str, Any]) -> dict[str, int]:
    unknown = sorted(set(sources) - set(ELEMENTS))
    if unknown:
        raise InvalidInput(
            _("Unknown element(s) %(names)s: take %(allowed)s from a claim.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(ELEMENTS)},
            field="sources",
        )
    if "content" not in sources:
        raise InvalidInput(
            _("Name the claim to take the content from: sources need a 'content' claim id."),
            field="sources",
        )
    clean: dict[str, int] = {}
    for element, value in sources.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(
                _("sources[%(element)s] must be a claim id, not %(value)r.")
                % {"element": element, "value": value},
                field="sources",
            )
        clean[element] = value
    return clean


def adjudicate_claim(
    *,
    project_id: int,
    article_id: int,
    user: Any,
    sources: Mapping[str, int],
    replace_id: int | None = None,
    expected_version: int | None = None,
    via: str = "system",
) -> Attribution:
    """Write one gold claim built from annotators' claims of the article.

    `sources` maps elements (content, source, cue, speaker, type, stances) to the annotator claim
    each is taken from; `content` is required and the other elements default to the content's
    claim, so {"content": id} takes one claim whole and {"content": a, "speaker": b} merges.
    With `replace_id` (and its `expected_version`) the gold claim is updated in place, keeping
    its history; otherwise a claim with origin "adjudicated" is created in the gold assignment
    (made on first use). Nesting follows the content's claim: if its parent has a gold copy whose
    content contains the new content, the gold claim is nested in it; gold copies of its
    children waiting for this parent are nested too. Reviewers and managers only; NotFound for
    claims of other articles; the attribution services validate, lock and record history, and
    an `attribution.adjudicated` entry records where each element came from.
    """
    check_via(via)
    access_project(user, project_id, min_role=Membership.Role.REVIEWER)
    clean_sources = _check_sources(sources)
    with transaction.atomic():
        snapshots = _source_snapshots(
            project_id=project_id, article_id=article_id, claim_ids=set(clean_sources.values())
        )
        gold = get_or_create_gold_assignment(
            project_id=project_id, article_id=article_id, user=user, via=via
        )
        copies = _gold_copies(gold)
        values = _values(clean_sources, snapshots)
        content_claim = snapshots[clean_sources["content"]]
        values["nested_in_id"] = _gold_parent(content_claim, copies, values["content"])
        if replace_id is not None:
            if not Attribution.objects.filter(pk=replace_id, assignment_id=gold.pk).exists():
                raise NotFound(
                    _("Claim %(id)s is not a gold claim of article %(article)s.")
                    % {"id": replace_id, "article": article_id},
                    field="replace",
                )
            if expected_version is None:
                raise InvalidInput(
                    _("Replacing gold claim %(id)s needs the version you saw."),
                    field="version",
                )
            claim = update_attribution(
                attribution_id=replace_id,
                expected_version=expected_version,
                user=user,
                changes=values,
                via=via,
            )
        else:
            claim = create_attribution(
                assignment_id=gold.pk,
                user=user,
                data=AttributionData(**values, origin=Attribution.Origin.ADJUDICATED),
                via=via,
            )
        record(
            action=ADJUDICATED,
            user=user,
            via=via,
            project_id=project_id,
            article_id=article_id,
            assignment_id=gold.pk,
            annotator_id=gold.annotator_id,
            attribution_id=claim.pk,
            object_id=content_claim["id"],
            after={
                "from": dict(clean_sources),
                "annotators": {
                    element: snapshots[claim_id]["created_by"]
                    for element, claim_id in clean_sources.items()
                },
            },
        )
        copies[content_claim["id"]] = claim.pk
        _nest_waiting_children(
            parent_source_id=content_claim["id"],
            parent=claim,
            copies=copies,
            user=user,
            via=via,
        )
    return claim


def _gold_parent(
    content_claim: dict[str, Any], copies: dict[int, int], content: list[tuple[int, int]]
) -> int | None:
    parent_source = content_claim["nested_in"]
    if parent_source is None or parent_source not in copies:
        return None
    parent = Attribution.objects.filter(pk=copies[parent_source]).prefetch_related("spans").first()
    if parent is None:
        return None
    parent_content = [[s.start, s.end] for s in parent.spans.all() if s.role == "content"]
    return parent.pk if _inside([list(span) for span in content], parent_content) else None


def _nest_waiting_children(
    *, parent_source_id: int, parent: Attribution, copies: dict[int, int], user: Any, via: str
) -> None:
    """Nest gold copies of the parent's children that were taken before the parent."""
    child_sources = set(
        Attribution.objects.filter(nested_in_id=parent_source_id).values_list("pk", flat=True)
    )
    waiting = [gold_id for source_id, gold_id in copies.items() if source_id in child_sources]
    if not waiting:
        return
    parent_content = [
        [span.start, span.end] for span in parent.spans.all() if span.role == "content"
    ]
    for child in attributions_queryset().filter(pk__in=waiting, nested_in__isnull=True):
        child_content = [[s.start, s.end] for s in child.spans.all() if s.role == "content"]
        if child.pk != parent.pk and _inside(child_content, parent_content):
            update_attribution(
                attribution_id=child.pk,
                expected_version=child.version,
                user=user,
                changes={"nested_in_id": parent.pk},
                via=via,
            )


def accept_agreed_claims(
    *, project_id: int, article_id: int, user: Any, via: str = "system"
) -> list[Attribution]:
    """Copy into gold, in one step, every claim on which all the article's annotators agree
    (a claim aligned across all of them, identical in content, source, cue, speaker, type and
    stances) and that has no gold claim yet. Needs two handed-in annotations (InvalidInput
    otherwise); holds the gold assignment's row lock while reading the rows. Returns the gold
    claims created."""
    check_via(via)
    project = access_project(user, project_id, min_role=Membership.Role.REVIEWER)
    created = []
    with transaction.atomic():
        handed_in = Assignment.objects.filter(
            project_id=project_id,
            article_id=article_id,
            is_gold=False,
            status__in=COMPARISON_STATUSES,
        ).count()
        if handed_in < 2:
            raise InvalidInput(
                _(
                    "Article %(article)s has work from %(count)s annotator(s) to compare; "
                    "agreement needs at least two."
                )
                % {"article": article_id, "count": handed_in},
                field="article",
            )
        gold = get_or_create_gold_assignment(
            project_id=project_id, article_id=article_id, user=user, via=via
        )
        # Two reviewers pressing "accept all" at once would both see the rows without gold and
        # copy them twice: read the rows only while holding the gold assignment's row lock.
        Assignment.objects.select_for_update().filter(pk=gold.pk).first()
        comparison = article_comparison(project, article_id)
        for row in comparison["rows"]:
            if row["unanimous"] and row["gold"] is None:
                first = row["claims"][comparison["annotators"][0]]
                created.append(
                    adjudicate_claim(
                        project_id=project_id,
                        article_id=article_id,
                        user=user,
                        sources={"content": first["id"]},
                        via=via,
                    )
                )
    return created


def finish_gold(
    *, project_id: int, article_id: int, user: Any, comment: str = "", via: str = "system"
) -> Assignment:
    """Mark the article's gold assignment gold (reviewers and managers); InvalidInput when no
    gold assignment was started."""
    check_via(via)
    access_project(user, project_id, min_role=Membership.Role.REVIEWER)
    gold = Assignment.objects.filter(
        project_id=project_id, article_id=article_id, is_gold=True
    ).first()
    if gold is None:
        raise InvalidInput(
            _("Article %(article)s has no gold version yet: take or accept claims first.")
            % {"article": article_id},
            field="article",
        )
    return change_assignment_status(
        assignment_id=gold.pk, user=user, to_status=Assignment.Status.GOLD, comment=comment, via=via
    )
