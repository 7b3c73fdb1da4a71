"""ModelAdmins for lists, filters and manager-edited settings.

Every changelist fixes its query shape (list_select_related, annotated counts, prefetches), so a
page costs the same number of queries whatever the number of rows. Claims are read-only here: label
edits happen in the workspace or the API; deletion goes through `delete_attribution`. Where a
generic form writes (projects, their vocabulary and members, actors, new assignments), the admin
calls the services with via="admin", so every change is validated and recorded. Nobody may add,
change or delete history entries.

Visibility follows project roles: a superuser sees everything; other staff see the projects they
belong to, and claims, assignments and history only where they review or manage.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from annotate.access import ROLE_RANK
from annotate.errors import DomainError
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
from annotate.services.assignments import create_assignment
from annotate.services.attributions import delete_attribution
from annotate.services.projects import (
    PROJECT_FIELDS,
    create_actor,
    create_project,
    delete_actor,
    merge_actors,
    remove_membership,
    set_membership,
    set_vocabulary_term,
    update_actor,
    update_project,
)

VIA = "admin"


def _project_ids(request: HttpRequest, min_role: str) -> set[int]:
    """Projects where the user holds at least `min_role`, cached on the request."""
    cache: dict[str, set[int]] = request.__dict__.setdefault("_annotate_roles", {})
    if min_role not in cache:
        roles = [role for role, rank in ROLE_RANK.items() if rank >= ROLE_RANK[min_role]]
        cache[min_role] = set(
            Membership.objects.filter(
                user_id=int(request.user.pk or 0), role__in=roles
            ).values_list("project_id", flat=True)
        )
    return cache[min_role]


class ScopedAdmin(admin.ModelAdmin):
    """Visibility by project role instead of Django's model permissions."""

    project_lookup = "project"
    view_role = Membership.Role.REVIEWER
    change_role = Membership.Role.MANAGER

    def _project_of(self, obj: Any) -> int:
        value: Any = obj
        for part in self.project_lookup.split("__"):
            value = getattr(value, part)
        return int(value.pk)

    def _allowed(self, request: HttpRequest, obj: Any, role: str) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        projects = _project_ids(request, role)
        return bool(projects) if obj is None else self._project_of(obj) in projects

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.project_lookup}__in": _project_ids(request, self.view_role)}
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, self.view_role)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.view_role)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.change_role)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, self.change_role)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.change_role)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "project" and not request.user.is_superuser:
            kwargs["queryset"] = Project.objects.filter(
                pk__in=_project_ids(request, self.change_role)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # A DomainError from a service becomes a message on the page, never a 500.
    def _guard(self, request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard(request, super().changelist_view, *args, **kwargs)


# --- Projects --------------------------------------------------------------------------------


class ProjectInline(admin.TabularInline):
    """Inline permissions follow the role in the parent project, not Django's model permissions."""

    def _role_allows(self, request: HttpRequest, obj: Any, role: str) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        projects = _project_ids(request, role)
        return bool(projects) if obj is None else obj.pk in projects

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._role_allows(request, obj, Membership.Role.ANNOTATOR)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._role_allows(request, obj, Membership.Role.MANAGER)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._role_allows(request, obj, Membership.Role.MANAGER)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_delete and self._role_allows(request, obj, Membership.Role.MANAGER)


class VocabularyTermInline(ProjectInline):
    model = VocabularyTerm
    fields = ("kind", "value", "label", "position", "is_active")
    extra = 0
    # Values in use cannot disappear from stored labels: deactivate them instead.
    can_delete = False


class MembershipInline(ProjectInline):
    model = Membership
    fields = ("user", "role")
    extra = 0


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    project_lookup = "pk"
    view_role = Membership.Role.ANNOTATOR
    list_display = (
        "name",
        "annotators_per_article",
        "is_blind",
        "article_count",
        "member_count",
        "guidelines_version",
        "vocabulary_version",
        "created_at",
    )
    search_fields = ("name",)
    fields = ("name", "description", "guidelines", "annotators_per_article", "is_blind")
    inlines = (VocabularyTermInline, MembershipInline)

    def _project_of(self, obj: Any) -> int:
        return int(obj.pk)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=Count("articles", distinct=True),
                member_count=Count("memberships", distinct=True),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff) and (
            user.is_superuser or user.has_perm("annotate.add_project")
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a project erases its labels and history: superusers only.
        return bool(request.user.is_superuser)

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Project) -> int:
        return obj.article_count  # type: ignore[attr-defined]

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Project) -> int:
        return obj.member_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Project, form: Any, change: bool) -> None:
        if not change:
            project = create_project(
                name=obj.name,
                user=request.user,
                guidelines=obj.guidelines,
                description=obj.description,
                annotators_per_article=obj.annotators_per_article,
                is_blind=obj.is_blind,
                via=VIA,
            )
            obj.pk = project.pk
            obj.created_at = project.created_at
            obj._state.adding = False
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in PROJECT_FIELDS
        }
        if changes:
            update_project(project_id=obj.pk, user=request.user, changes=changes, via=VIA)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        project_id = form.instance.pk
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() and inline_form.instance.pk is None:
                continue
            data = inline_form.cleaned_data
            if not data:
                continue
            deleting = formset.can_delete and data.get("DELETE")
            if formset.model is VocabularyTerm:
                if not inline_form.has_changed():
                    continue
                term = set_vocabulary_term(
                    project_id=project_id,
                    user=request.user,
                    kind=data["kind"],
                    value=data["value"],
                    label=data.get("label") or "",
                    is_active=data.get("is_active", True),
                    position=data.get("position"),
                    via=VIA,
                )
                if inline_form.instance.pk:
                    formset.changed_objects.append((term, inline_form.changed_data))
                else:
                    formset.new_objects.append(term)
            elif formset.model is Membership:
                member = data["user"]
                if deleting and inline_form.instance.pk:
                    remove_membership(
                        project_id=project_id, user=request.user, member_id=member.pk, via=VIA
                    )
                    formset.deleted_objects.append(inline_form.instance)
                elif inline_form.has_changed():
                    membership = set_membership(
                        project_id=project_id,
                        user=request.user,
                        member_id=member.pk,
                        role=data["role"],
                        via=VIA,
                    )
                    if inline_form.instance.pk:
                        formset.changed_objects.append((membership, inline_form.changed_data))
                    else:
                        formset.new_objects.append(membership)


# --- Actors ----------------------------------------------------------------------------------


@admin.register(Actor)
class ActorAdmin(ScopedAdmin):
    view_role = Membership.Role.ANNOTATOR
    change_role = Membership.Role.REVIEWER
    list_display = ("name", "kind", "project", "alias_list", "claim_count", "created_at")
    list_filter = ("project", "kind")
    list_select_related = ("project",)
    search_fields = ("name", "description")
    fields = ("project", "name", "kind", "aliases", "description")
    actions = ("merge_into_first",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super().get_queryset(request).annotate(claim_count=Count("attributions", distinct=True))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("project",) if obj is not None else ()

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("aliases"))
    def alias_list(self, obj: Actor) -> str:
        return ", ".join(obj.aliases)

    @admin.display(description=_("claims as speaker"), ordering="claim_count")
    def claim_count(self, obj: Actor) -> int:
        return obj.claim_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Actor, form: Any, change: bool) -> None:
        if not change:
            actor = create_actor(
                project_id=obj.project_id,
                user=request.user,
                name=obj.name,
                kind=obj.kind,
                aliases=obj.aliases,
                description=obj.description,
                via=VIA,
            )
            obj.pk = actor.pk
            obj._state.adding = False
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            update_actor(actor_id=obj.pk, user=request.user, changes=changes, via=VIA)

    def delete_model(self, request: HttpRequest, obj: Actor) -> None:
        delete_actor(actor_id=obj.pk, user=request.user, via=VIA)

    @admin.action(description=_("Merge the selected actors into the first one selected by name"))
    def merge_into_first(self, request: HttpRequest, queryset: QuerySet[Actor]) -> None:
        actors = list(queryset.order_by("name"))
        if len(actors) < 2:
            self.message_user(request, _("Select at least two actors to merge."), messages.WARNING)
            return
        target = actors[0]
        for source in actors[1:]:
            merge_actors(source_id=source.pk, target_id=target.pk, user=request.user, via=VIA)
        self.message_user(
            request,
            _("Merged %(count)s actor(s) into %(name)s.")
            % {"count": len(actors) - 1, "name": target.name},
        )


# --- Assignments -----------------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = (
        "id",
        "project",
        "article_title",
        "annotator",
        "status",
        "is_gold",
        "claim_count",
        "reviewed_by",
        "updated_at",
    )
    list_filter = ("project", "status", "is_gold", "annotator", "article")
    list_select_related = ("project", "article", "annotator", "reviewed_by")
    search_fields = ("article__title", "annotator__username")
    fields = ("project", "article", "annotator", "is_gold")
    readonly_fields = ("status", "review_comment", "reviewed_by", "reviewed_at", "version")
    raw_id_fields = ("article",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("article__text")
            .annotate(claim_count=Count("attributions"))
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("project", "article", "annotator", "is_gold")
        return (
            "project",
            "article",
            "annotator",
            "is_gold",
            "status",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
            "version",
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Status changes go through the review screens and the API, which call the services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The audit trail refers to assignments; they go only with their project.
        return False

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, obj: Assignment) -> str:
        return Truncator(obj.article.title or f"#{obj.article_id}").chars(60)

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, obj: Assignment) -> int:
        return obj.claim_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        assignment = create_assignment(
            project_id=obj.project_id,
            article_id=obj.article_id,
            annotator_id=obj.annotator_id,
            user=request.user,
            is_gold=obj.is_gold,
            via=VIA,
        )
        obj.pk = assignment.pk
        obj._state.adding = False


# --- Claims ----------------------------------------------------------------------------------


class PolarityFilter(admin.SimpleListFilter):
    title = _("stance polarity")
    parameter_name = "polarity"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        values = (
            VocabularyTerm.objects.filter(kind=VocabularyTerm.Kind.POLARITY)
            .order_by("value")
            .values_list("value", flat=True)
            .distinct()
        )
        return [(value, value) for value in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(stances__polarity=self.value()).distinct()
        return queryset


@admin.register(Attribution)
class AttributionAdmin(ScopedAdmin):
    project_lookup = "assignment__project"
    list_display = (
        "id",
        "content_preview",
        "speaker",
        "type",
        "category",
        "stance_list",
        "article_title",
        "annotator",
        "status",
        "version",
        "updated_at",
    )
    list_filter = (
        ("assignment__project", admin.RelatedOnlyFieldListFilter),
        ("assignment__article", admin.RelatedOnlyFieldListFilter),
        ("assignment__annotator", admin.RelatedOnlyFieldListFilter),
        "assignment__status",
        "assignment__is_gold",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        "type",
        "category",
        PolarityFilter,
        "origin",
    )
    list_select_related = ("assignment__article", "assignment__annotator", "speaker")
    search_fields = ("note", "speaker__name")
    readonly_fields = (
        "assignment",
        "content_preview",
        "speaker",
        "type",
        "category",
        "stance_list",
        "nested_in",
        "note",
        "confidence",
        "origin",
        "version",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            # The changelist applies list_select_related only when get_queryset selects nothing.
            .select_related(*self.list_select_related, "created_by", "updated_by", "nested_in")
            .prefetch_related(
                Prefetch("spans", queryset=Span.objects.filter(role=Span.Role.CONTENT)),
                Prefetch(
                    "stances", queryset=Stance.objects.select_related("target_actor").order_by("id")
                ),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, Membership.Role.REVIEWER)

    @admin.display(description=_("content"))
    def content_preview(self, obj: Attribution) -> str:
        text = obj.assignment.article.text
        spans = sorted((s.start, s.end) for s in obj.spans.all() if s.role == Span.Role.CONTENT)
        return Truncator(" … ".join(text[s:e] for s, e in spans)).chars(90)

    @admin.display(description=_("stances"))
    def stance_list(self, obj: Attribution) -> str:
        return format_html_join(
            ", ",
            "{} → {}",
            (
                (s.polarity, s.target_actor.name if s.target_actor else s.target_topic)
                for s in obj.stances.all()
            ),
        )

    @admin.display(description=_("article"), ordering="assignment__article__title")
    def article_title(self, obj: Attribution) -> str:
        article = obj.assignment.article
        return Truncator(article.title or f"#{article.pk}").chars(40)

    @admin.display(description=_("annotator"), ordering="assignment__annotator__username")
    def annotator(self, obj: Attribution) -> str:
        return obj.assignment.annotator.get_username()

    @admin.display(description=_("status"), ordering="assignment__status")
    def status(self, obj: Attribution) -> str:
        return obj.assignment.get_status_display()

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # delete_attribution un-nests the children first, so they do not block the deletion.
        deleted, model_count, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, perms_needed, []

    def delete_model(self, request: HttpRequest, obj: Attribution) -> None:
        delete_attribution(
            attribution_id=obj.pk, expected_version=obj.version, user=request.user, via=VIA
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Attribution]) -> None:
        # Children first, so a parent deleted in the same batch is not un-nesting a deleted claim.
        for pk, version in sorted(queryset.values_list("pk", "version"), key=lambda row: -row[0]):
            current = Attribution.objects.filter(pk=pk).values_list("version", flat=True).first()
            delete_attribution(
                attribution_id=pk,
                expected_version=current if current is not None else version,
                user=request.user,
                via=VIA,
            )


# --- History ---------------------------------------------------------------------------------


def _pretty_json(value: Any) -> str:
    if value is None:
        return "-"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ScopedAdmin):
    list_display = (
        "created_at",
        "action",
        "user",
        "via",
        "project",
        "article",
        "annotator",
        "attribution_id",
    )
    list_filter = (
        "project",
        "action",
        "via",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("annotator", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user", "project", "article", "annotator")
    search_fields = ("action",)
    readonly_fields = (
        "created_at",
        "action",
        "user",
        "via",
        "project",
        "article",
        "assignment",
        "annotator",
        "attribution_id",
        "object_id",
        "before_json",
        "after_json",
    )
    fields = readonly_fields

    @admin.display(description=_("before"))
    def before_json(self, obj: HistoryEntry) -> str:
        return _pretty_json(obj.before)

    @admin.display(description=_("after"))
    def after_json(self, obj: HistoryEntry) -> str:
        return _pretty_json(obj.after)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("article__text")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
