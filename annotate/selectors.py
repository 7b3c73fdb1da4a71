"""Reads with their query shape fixed (select_related / Prefetch). CONTRACT (data-layer helper).

- attributions_for_assignment(assignment_id) -> QuerySet[Attribution] with spans,
  stances__target_actor,
  speaker, created_by, updated_by prefetched (constant number of queries, whatever the count).
- assignment_detail(assignment_id) -> Assignment with project, article, annotator.
- assignments_for_user(user, *, project_id=None) -> QuerySet[Assignment] the user may see,
  annotated with
  `attribution_count`.
- history_for_attribution(attribution_id), history_for_assignment(assignment_id),
  history_for_article(project_id, article_id), history_for_annotator(project_id, user_id) ->
  QuerySet[HistoryEntry].
- project_by_name_or_id(value) -> Project, for commands taking `--project` as a name or an id.

Selectors do not check access: callers pass ids they obtained through annotate.access.
"""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from annotate.errors import NotFound
from annotate.models import (
    Actor,
    Assignment,
    Attribution,
    HistoryEntry,
    Membership,
    Project,
    Span,
    Stance,
    VocabularyTerm,
)


def attributions_queryset() -> QuerySet[Attribution]:
    """Claims with everything snapshot_attribution reads: three queries whatever the count."""
    return Attribution.objects.select_related(
        "speaker", "created_by", "updated_by"
    ).prefetch_related(
        Prefetch("spans", queryset=Span.objects.order_by("role", "start")),
        Prefetch("stances", queryset=Stance.objects.select_related("target_actor").order_by("id")),
    )


def attributions_for_assignment(assignment_id: int) -> QuerySet[Attribution]:
    return attributions_queryset().filter(assignment_id=assignment_id).order_by("id")


def attribution_detail(attribution_id: int) -> Attribution:
    attribution = attributions_queryset().filter(pk=attribution_id).first()
    if attribution is None:
        raise NotFound(
            _("Claim %(id)s does not exist (it may have been deleted).") % {"id": attribution_id}
        )
    return attribution


def assignment_detail(assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("project", "article", "annotator", "reviewed_by")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound(_("Assignment %(id)s does not exist.") % {"id": assignment_id})
    return assignment


def assignments_for_user(user: Any, *, project_id: int | None = None) -> QuerySet[Assignment]:
    """Assignments the user may see: all of the projects where they review or manage, their own
    elsewhere, plus other annotators' non-gold work in projects that are not blind."""
    queryset = Assignment.objects.select_related("project", "article", "annotator").annotate(
        attribution_count=Count("attributions")
    )
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    overseen = Membership.objects.filter(
        user_id=user.pk, role__in=[Membership.Role.REVIEWER, Membership.Role.MANAGER]
    ).values("project_id")
    member_of = Membership.objects.filter(user_id=user.pk).values("project_id")
    return queryset.filter(
        Q(project_id__in=overseen)
        | Q(annotator_id=user.pk, project_id__in=member_of)
        | Q(project_id__in=member_of, project__is_blind=False, is_gold=False)
    )


def _history() -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.select_related("user", "annotator", "article", "project").order_by(
        "created_at", "id"
    )


def history_for_attribution(attribution_id: int) -> QuerySet[HistoryEntry]:
    return _history().filter(attribution_id=attribution_id)


def history_for_assignment(assignment_id: int) -> QuerySet[HistoryEntry]:
    return _history().filter(assignment_id=assignment_id)


def history_for_article(project_id: int, article_id: int) -> QuerySet[HistoryEntry]:
    return _history().filter(project_id=project_id, article_id=article_id)


def history_for_annotator(project_id: int, user_id: int) -> QuerySet[HistoryEntry]:
    """What happened to the annotator's work (annotator=user) or what they did (user=user)."""
    return _history().filter(Q(annotator_id=user_id) | Q(user_id=user_id), project_id=project_id)


def history_for_project(project_id: int) -> QuerySet[HistoryEntry]:
    return _history().filter(project_id=project_id)


def project_by_name_or_id(value: str | int) -> Project:
    """The project named `value`, or with id `value` when it is all digits and no project has that
    name. NotFound names what was looked up."""
    text = str(value).strip()
    project = Project.objects.filter(name=text).first()
    if project is None and text.isdigit():
        project = Project.objects.filter(pk=int(text)).first()
    if project is None:
        known = ", ".join(Project.objects.order_by("name").values_list("name", flat=True)[:10])
        raise NotFound(
            _("No project named or numbered %(value)r (projects: %(known)s).")
            % {"value": text, "known": known or _("none yet")}
        )
    return project


def actors_for_project(project_id: int) -> QuerySet[Actor]:
    return Actor.objects.filter(project_id=project_id).annotate(
        claim_count=Count("attributions", distinct=True)
    )


def vocabulary_values(project_id: int, *, active_only: bool = True) -> dict[str, list[str]]:
    """{kind: [value, ...]} in display order."""
    terms = VocabularyTerm.objects.filter(project_id=project_id)
    if active_only:
        terms = terms.filter(is_active=True)
    result: dict[str, list[str]] = {kind: [] for kind in VocabularyTerm.Kind.values}
    for kind, value in terms.order_by("kind", "position", "value").values_list("kind", "value"):
        result[kind].append(value)
    return result
