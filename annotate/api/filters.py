"""Query-string filters of the list endpoints (django-filter); a bad value answers 400 naming it."""

import json
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from annotate.api.serializers import MAX_ID
from annotate.models import Actor, Assignment, Attribution, HistoryEntry, Stance
from corpus.api import ArticleFilter


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """An id: a positive 64-bit integer, so no value can overflow the database column."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def created_range(field_name: str = "created_at") -> tuple[Any, Any]:
    return (
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="date__gte", help_text="Created on or after (date)."
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="date__lte", help_text="Created on or before (date)."
        ),
    )


class ProjectArticleFilter(ArticleFilter):
    project = IdFilter(method="filter_project", help_text="Only articles of this project.")

    class Meta(ArticleFilter.Meta):
        pass

    def filter_project(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(projectarticle__project_id=value)


class ActorFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text="Actors of this project.")
    kind = django_filters.CharFilter(help_text="A value of the actor_kind vocabulary.")
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=300,
        help_text="Case-insensitive words of the name or of any alias.",
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # Aliases are a JSON list, matched in its text form. PostgreSQL shows non-ASCII characters
        # as they are, SQLite as \u escapes: try both spellings.
        escaped = json.dumps(value)[1:-1]
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__icontains=value) | Q(aliases__icontains=escaped)
        )


class AssignmentFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text="Assignments of this project.")
    article = IdFilter(field_name="article_id", help_text="Assignments of this article.")
    annotator = IdFilter(field_name="annotator_id", help_text="Assignments of this user.")
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices)
    is_gold = django_filters.BooleanFilter(help_text="Only (or no) gold assignments.")
    created_after, created_before = created_range()

    class Meta:
        model = Assignment
        fields: list[str] = []


class AttributionFilter(django_filters.FilterSet):
    assignment = IdFilter(
        field_name="assignment_id",
        help_text="Claims of this assignment: all of them in one answer (no pagination).",
    )
    project = IdFilter(field_name="assignment__project_id", help_text="Claims of this project.")
    article = IdFilter(field_name="assignment__article_id", help_text="Claims on this article.")
    annotator = IdFilter(
        field_name="assignment__annotator_id", help_text="Claims in this user's assignments."
    )
    status = django_filters.ChoiceFilter(
        field_name="assignment__status",
        choices=Assignment.Status.choices,
        help_text="Status of the claim's assignment.",
    )
    is_gold = django_filters.BooleanFilter(
        field_name="assignment__is_gold", help_text="Only (or no) claims of gold assignments."
    )
    speaker = IdFilter(field_name="speaker_id", help_text="Claims by this actor.")
    unknown_speaker = django_filters.BooleanFilter(
        field_name="speaker", lookup_expr="isnull", help_text="true: claims of unknown speakers."
    )
    type = django_filters.CharFilter(help_text="A value of the attribution_type vocabulary.")
    category = django_filters.CharFilter()
    origin = django_filters.ChoiceFilter(choices=Attribution.Origin.choices)
    polarity = django_filters.CharFilter(
        method="filter_polarity", help_text="Claims with at least one stance of this polarity."
    )
    created_after, created_before = created_range()

    class Meta:
        model = Attribution
        fields: list[str] = []

    def filter_polarity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # EXISTS, not a join: a claim with two stances of one polarity stays one row.
        return queryset.filter(
            Exists(Stance.objects.filter(attribution_id=OuterRef("pk"), polarity=value))
        )


class HistoryFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", required=True, help_text="The project (required).")
    article = IdFilter(field_name="article_id", help_text="Entries about this article.")
    assignment = IdFilter(field_name="assignment_id", help_text="Entries of this assignment.")
    attribution = IdFilter(
        field_name="attribution_id", help_text="Entries of this claim (also after its deletion)."
    )
    annotator = IdFilter(
        method="filter_annotator",
        help_text="Entries about this user's work or made by this user.",
    )
    user = IdFilter(field_name="user_id", help_text="Entries made by this user.")
    action = extend_schema_field(OpenApiTypes.STR)(
        django_filters.CharFilter(help_text="A dotted action code, e.g. attribution.updated.")
    )
    via = django_filters.ChoiceFilter(choices=HistoryEntry.Via.choices)
    created_after, created_before = created_range()

    class Meta:
        model = HistoryEntry
        fields: list[str] = []

    def filter_annotator(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(Q(annotator_id=value) | Q(user_id=value))
