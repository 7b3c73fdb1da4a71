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

import weakref
from typing import Any

from django.db import connections, router
from django.db.models import Count, Prefetch, Q, QuerySet

# A private ORM helper (no stub): Django is pinned to 5.2, whose signature this call follows.
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.transaction import TransactionManagementError
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


# --- queries compiled once -----------------------------------------------------------------------

# Placeholder parameter values: far above any id, distinct per slot.
_PLACEHOLDER = 7_346_019_283_746_000
_ID_RANGE = range(1, 2**63)


class CompiledQuery:
    """A model query that is the same each time but for some integer parameters (ids), compiled by
    the ORM once per database connection and shape and then run with the real values.

    Compiling a query costs more CPU than PostgreSQL spends running one of these, so the hot path
    of a claim write uses this for its reads. `build(*values)` returns the queryset; it is
    compiled with placeholder values, which must each appear exactly once among the compiled
    parameters (else, and for values that are not plain ids, the ORM runs the query as usual).
    Rows become models as QuerySet makes them (ModelIterable): select_related objects and
    annotations included. Per connection, because a compiler belongs to one.
    """

    def __init__(self, model: Any, build: Any, *, for_write: bool = False) -> None:
        self.model = model
        self.build = build
        self.for_write = for_write
        self._compiled: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()

    def _compile(self, db: str, arity: int, options: dict[str, Any]) -> Any:
        placeholders = [_PLACEHOLDER + i for i in range(arity)]
        compiler = self.build(*placeholders, **options).query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        slots = [p - _PLACEHOLDER if type(p) is int and p in placeholders else None for p in params]
        if sorted(s for s in slots if s is not None) != list(range(arity)):
            return None
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return (
            compiler,
            sql,
            list(zip(slots, params, strict=True)),
            (start, end),
            [f[0].target.attname for f in compiler.select[start:end]],
            get_related_populators(klass_info, compiler.select, db),
            dict(compiler.annotation_col_map or {}),
        )

    def run(self, *values: Any, **options: Any) -> list[Any]:
        """The models the query built from `values` (and `options`, which must be hashable and
        fix the shape, e.g. lock=True) finds."""
        writing = self.for_write or options.get("lock", False)  # select_for_update: as the ORM
        db = router.db_for_write(self.model) if writing else router.db_for_read(self.model)
        connection = connections[db]
        shapes = self._compiled.setdefault(connection, {})
        shape = (len(values), tuple(sorted(options.items())))
        if shape not in shapes:
            shapes[shape] = self._compile(db, len(values), options)
        compiled = shapes[shape]
        if compiled is None or not all(type(v) is int and v in _ID_RANGE for v in values):
            # Anything but plain ids (a string from a URL, an overflowing number) goes through
            # the ORM, which converts or refuses it as it always did.
            return list(self.build(*values, **options))
        compiler, sql, template, (start, end), init_list, populators, annotations = compiled
        if (
            compiler.query.select_for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
        ):
            # What the ORM's compiler says.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = [param if slot is None else values[slot] for slot, param in template]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        objects = []
        for row in compiler.results_iter([rows]):
            obj = self.model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
