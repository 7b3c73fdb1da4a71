"""REST endpoints. Each view authenticates, validates with an input serializer, calls one service or
selector with `via` and `user`, and renders with an output serializer; permissions come from
annotate.access, the same checks the browser goes through.
"""

import threading
from typing import Any, cast

from django.contrib.auth import authenticate
from django.db.models import (
    CharField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from annotate import selectors
from annotate.access import access_assignment, access_attribution, access_project, has_role
from annotate.api import filters
from annotate.api.serializers import (
    ActorCreateSerializer,
    ActorMergeSerializer,
    ActorSerializer,
    ActorUpdateSerializer,
    AddArticlesSerializer,
    AddedSerializer,
    AdjudicateSerializer,
    AssignArticlesSerializer,
    AssignmentCreateSerializer,
    AssignmentSerializer,
    AttributionCreateSerializer,
    AttributionSerializer,
    AttributionUpdateSerializer,
    ConflictSerializer,
    ErrorSerializer,
    HistoryEntrySerializer,
    LoginSerializer,
    MemberRemoveSerializer,
    MemberSerializer,
    MemberSetSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    RejectSerializer,
    TokenSerializer,
    TransitionSerializer,
    VocabularyTermSerializer,
    plain_attribution_create,
    to_changes,
)
from annotate.errors import Conflict, InvalidInput, NotFound
from annotate.history import snapshot_attribution
from annotate.models import (
    Actor,
    Assignment,
    Attribution,
    HistoryEntry,
    Membership,
    Project,
    ProjectArticle,
    Stance,
    VocabularyTerm,
)
from annotate.services import assignments as assignment_services
from annotate.services import attributions as attribution_services
from annotate.services import projects as project_services
from corpus.api import ApiCursorPagination, ArticleViewSet
from corpus.models import Article


def via_of(request: Request) -> str:
    """The history channel: the browser workspace marks its requests with `X-Client: workspace`."""
    return "browser" if request.headers.get("X-Client") == "workspace" else "api"


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def member_project_ids(user: Any) -> QuerySet[Any]:
    return Membership.objects.filter(user_id=user.pk).values("project_id")


CONFLICT_RESPONSE = OpenApiResponse(
    ConflictSerializer, description="Stale version: someone changed it since you read it."
)


class ApiViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [JSONParser]
    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    @property
    def pk(self) -> int:
        return int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def paginated(self, queryset: QuerySet, serializer_class: type[serializers.Serializer]) -> Any:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


# --- auth ----------------------------------------------------------------------------------------


class LoginThrottle(AnonRateThrottle):
    """Slows password guessing: so many token requests per client address and minute (per process:
    the default cache is local memory)."""

    rate = "30/min"


class TokenView(APIView):
    """Trade a username and password for the user's API token (created on first use)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = [JSONParser]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Get an API token",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = validated(LoginSerializer, request.data)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidInput(
                _("Unable to log in with this username and password: check both."),
                field="password",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- projects ------------------------------------------------------------------------------------


def with_vocabulary() -> Prefetch:
    return Prefetch(
        "vocabulary",
        queryset=VocabularyTerm.objects.filter(is_active=True).order_by(
            "kind", "position", "value"
        ),
        to_attr="active_terms",
    )


@extend_schema(tags=["projects"])
class ProjectViewSet(ApiViewSet):
    """Projects the user is a member of, with their vocabulary and the user's role."""

    serializer_class = ProjectSerializer
    filter_backends: list[Any] = []
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Project]:
        user = self.request.user
        queryset = Project.objects.prefetch_related(with_vocabulary())
        if user.is_superuser:
            return queryset.annotate(
                user_role=Value(Membership.Role.MANAGER, output_field=CharField())
            )
        role = Membership.objects.filter(
            project_id=OuterRef("pk"), user_id=cast(int, user.pk)
        ).values("role")
        return queryset.filter(pk__in=member_project_ids(user)).annotate(user_role=Subquery(role))

    def render(self, project: Project) -> Response:
        prefetch_related_objects([project], with_vocabulary())
        return Response(ProjectSerializer(project).data)

    @extend_schema(summary="List my projects")
    def list(self, request: Request) -> Response:
        return self.paginated(self.get_queryset(), ProjectSerializer)

    @extend_schema(summary="One project")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.render(access_project(request.user, self.pk))

    @extend_schema(
        request=ProjectUpdateSerializer,
        summary="Change guidelines or settings (managers)",
        description="A change of the guidelines bumps `guidelines_version`.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        changes = validated(ProjectUpdateSerializer, request.data)
        project_services.update_project(
            project_id=self.pk, user=request.user, changes=dict(changes), via=via_of(request)
        )
        return self.render(access_project(request.user, self.pk))

    @extend_schema(
        methods=["GET"],
        responses=VocabularyTermSerializer(many=True),
        summary="All vocabulary terms, retired ones included",
    )
    @extend_schema(
        methods=["POST"],
        request=VocabularyTermSerializer,
        responses={201: VocabularyTermSerializer},
        summary="Add, relabel or retire a vocabulary term (managers)",
        description="Keyed by (kind, value): posting an existing value changes its label or "
        "`is_active`. Bumps the project's `vocabulary_version`.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def vocabulary(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            data = validated(VocabularyTermSerializer, request.data)
            term = project_services.set_vocabulary_term(
                project_id=self.pk, user=request.user, via=via_of(request), **data
            )
            return Response(VocabularyTermSerializer(term).data, status=status.HTTP_201_CREATED)
        project = access_project(request.user, self.pk)
        terms = VocabularyTerm.objects.filter(project=project).order_by("kind", "position", "value")
        return Response(VocabularyTermSerializer(terms, many=True).data)

    @extend_schema(
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
        summary="Create a project (users allowed to add projects)",
        description="Starts with the default vocabulary; the creator becomes its manager.",
    )
    def create(self, request: Request) -> Response:
        data = validated(ProjectCreateSerializer, request.data)
        project = project_services.create_project(user=request.user, via=via_of(request), **data)
        response = self.render(access_project(request.user, project.pk))
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        methods=["GET"],
        responses=MemberSerializer(many=True),
        summary="Members and their roles (reviewers and managers)",
    )
    @extend_schema(
        methods=["POST"],
        request=MemberSetSerializer,
        responses={200: MemberSerializer},
        summary="Add a member or change a role (managers)",
        description="The last manager cannot step down.",
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[MemberRemoveSerializer],
        responses={204: None},
        summary="Remove a member (managers)",
        description="`?user=ID`. The last manager cannot be removed.",
    )
    @action(detail=True, methods=["get", "post", "delete"], pagination_class=None)
    def members(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            data = validated(MemberSetSerializer, request.data)
            membership = project_services.set_membership(
                project_id=self.pk,
                user=request.user,
                member_id=data["user"],
                role=data["role"],
                via=via_of(request),
            )
            return Response(MemberSerializer(membership).data)
        if request.method == "DELETE":
            data = validated(MemberRemoveSerializer, request.query_params)
            project_services.remove_membership(
                project_id=self.pk, user=request.user, member_id=data["user"], via=via_of(request)
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        project = access_project(request.user, self.pk, min_role=Membership.Role.REVIEWER)
        members = project.memberships.select_related("user").order_by("user__username")
        return Response(MemberSerializer(members, many=True).data)

    @extend_schema(
        request=AddArticlesSerializer,
        responses={200: AddedSerializer},
        summary="Add articles of the corpus to the project (managers)",
    )
    @action(detail=True, methods=["post"], url_path="add-articles", pagination_class=None)
    def add_articles(self, request: Request, pk: str) -> Response:
        data = validated(AddArticlesSerializer, request.data)
        added = project_services.add_articles(
            project_id=self.pk, user=request.user, article_ids=data["articles"], via=via_of(request)
        )
        return Response({"added": added})

    @extend_schema(
        request=AssignArticlesSerializer,
        responses={201: AssignmentSerializer(many=True)},
        summary="Give articles to k annotators each (managers)",
        description="Balances the load over the project's annotators and skips assignments that "
        "exist already; answers the new assignments.",
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def assign(self, request: Request, pk: str) -> Response:
        data = validated(AssignArticlesSerializer, request.data)
        created = assignment_services.assign_articles(
            project_id=self.pk,
            user=request.user,
            article_ids=data.get("articles"),
            via=via_of(request),
        )
        rows = selectors.assignments_for_user(request.user).filter(
            pk__in=[assignment.pk for assignment in created]
        )
        return Response(AssignmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


# --- articles ------------------------------------------------------------------------------------


@extend_schema(tags=["articles"])
class ProjectArticleViewSet(ArticleViewSet):
    """Articles of the projects the user is a member of."""

    filterset_class = filters.ProjectArticleFilter

    def scope(self, queryset: QuerySet[Article]) -> QuerySet[Article]:
        user = self.request.user
        if user.is_superuser:
            return queryset
        visible = ProjectArticle.objects.filter(project_id__in=member_project_ids(user))
        return queryset.filter(pk__in=visible.values("article_id"))


# --- actors --------------------------------------------------------------------------------------


@extend_schema(tags=["actors"])
class ActorViewSet(ApiViewSet):
    """Speakers and stance targets of a project (people, organisations, countries, groups)."""

    serializer_class = ActorSerializer
    filterset_class = filters.ActorFilter
    ordering_fields = ["id", "name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Actor]:
        user = self.request.user
        queryset = Actor.objects.all()
        if user.is_superuser:
            return queryset
        return queryset.filter(project_id__in=member_project_ids(user))

    def render(self, actor_id: int, code: int = status.HTTP_200_OK) -> Response:
        actor = Actor.objects.get(pk=actor_id)
        return Response(ActorSerializer(actor).data, status=code)

    @extend_schema(summary="List actors; `search` matches names and aliases")
    def list(self, request: Request) -> Response:
        return self.paginated(self.filter_queryset(self.get_queryset()), ActorSerializer)

    @extend_schema(summary="One actor")
    def retrieve(self, request: Request, pk: str) -> Response:
        actor = Actor.objects.filter(pk=self.pk).first()
        if actor is None:
            raise NotFound(_("Actor %(id)s does not exist.") % {"id": self.pk})
        try:
            access_project(request.user, actor.project_id)
        except NotFound:
            raise NotFound(_("Actor %(id)s does not exist.") % {"id": self.pk}) from None
        return Response(ActorSerializer(actor).data)

    @extend_schema(
        request=ActorCreateSerializer,
        responses={201: ActorSerializer},
        summary="Create an actor (any member)",
    )
    def create(self, request: Request) -> Response:
        data = validated(ActorCreateSerializer, request.data)
        actor = project_services.create_actor(
            project_id=data.pop("project"), user=request.user, via=via_of(request), **data
        )
        return self.render(actor.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ActorUpdateSerializer, summary="Rename or describe an actor")
    def partial_update(self, request: Request, pk: str) -> Response:
        changes = validated(ActorUpdateSerializer, request.data)
        actor = project_services.update_actor(
            actor_id=self.pk, user=request.user, changes=dict(changes), via=via_of(request)
        )
        return self.render(actor.pk)

    @extend_schema(
        request=ActorMergeSerializer,
        responses=ActorSerializer,
        summary="Merge this actor into another (reviewers)",
        description="Moves every claim and stance of this actor to `into`, adds this actor's "
        "name and aliases to its aliases, and deletes this actor. Answers the merged actor.",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        data = validated(ActorMergeSerializer, request.data)
        target = project_services.merge_actors(
            source_id=self.pk, target_id=data["into"], user=request.user, via=via_of(request)
        )
        return self.render(target.pk)


# --- assignments ---------------------------------------------------------------------------------


# The backward move of each state: what `reopen` does.
REOPEN_TARGETS: dict[tuple[bool, str], str] = {
    (True, Assignment.Status.GOLD): Assignment.Status.IN_PROGRESS,
    (False, Assignment.Status.GOLD): Assignment.Status.ACCEPTED,
    (False, Assignment.Status.ACCEPTED): Assignment.Status.SUBMITTED,
    (False, Assignment.Status.REJECTED): Assignment.Status.SUBMITTED,
}

TRANSITION_DOC = {
    "submit": "The annotator hands the work in (in_progress or rejected -> submitted).",
    "accept": "A reviewer accepts (submitted -> accepted).",
    "reject": "A reviewer sends it back with a comment (submitted -> rejected).",
    "reopen": "Step back: accepted/rejected -> submitted, gold -> accepted; a gold assignment "
    "gold -> in_progress.",
    "gold": "Settle as gold (accepted -> gold; a gold assignment in_progress -> gold).",
}


def transition_schema(name: str, input_class: Any = TransitionSerializer) -> Any:
    return extend_schema(
        request=input_class,
        responses={200: AssignmentSerializer, 409: CONFLICT_RESPONSE},
        summary=name.capitalize(),
        description=TRANSITION_DOC[name],
    )


@extend_schema(tags=["assignments"])
class AssignmentViewSet(ApiViewSet):
    """One annotator's work on one article, and its review workflow."""

    serializer_class = AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    ordering_fields = ["id", "status", "created_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Assignment]:
        return selectors.assignments_for_user(self.request.user)

    def render(self, assignment_id: int, code: int = status.HTTP_200_OK) -> Response:
        assignment = selectors.assignments_for_user(self.request.user).get(pk=assignment_id)
        return Response(AssignmentSerializer(assignment).data, status=code)

    @extend_schema(summary="List the assignments I may see")
    def list(self, request: Request) -> Response:
        return self.paginated(self.filter_queryset(self.get_queryset()), AssignmentSerializer)

    @extend_schema(summary="One assignment")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.render(access_assignment(request.user, self.pk).pk)

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer},
        summary="Give one article to one annotator (managers)",
    )
    def create(self, request: Request) -> Response:
        data = validated(AssignmentCreateSerializer, request.data)
        assignment = assignment_services.create_assignment(
            project_id=data["project"],
            article_id=data["article"],
            annotator_id=data["annotator"],
            is_gold=data["is_gold"],
            user=request.user,
            via=via_of(request),
        )
        return self.render(assignment.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=AdjudicateSerializer,
        responses=AssignmentSerializer,
        summary="The article's gold assignment, created for me if missing (reviewers)",
    )
    @action(detail=False, methods=["post"])
    def adjudicate(self, request: Request) -> Response:
        data = validated(AdjudicateSerializer, request.data)
        assignment = assignment_services.get_or_create_gold_assignment(
            project_id=data["project"],
            article_id=data["article"],
            user=request.user,
            via=via_of(request),
        )
        return self.render(assignment.pk)

    def transition(self, request: Request, to_status: str | None, input_class: Any) -> Response:
        data = validated(input_class, request.data)
        if to_status is None:
            current = access_assignment(request.user, self.pk)
            to_status = REOPEN_TARGETS.get((current.is_gold, current.status))
            if to_status is None:
                raise InvalidInput(
                    _("Assignment %(id)s is %(status)s: there is nothing to reopen.")
                    % {"id": self.pk, "status": current.get_status_display()},
                    field="status",
                )
        assignment = assignment_services.change_assignment_status(
            assignment_id=self.pk,
            user=request.user,
            to_status=to_status,
            comment=data["comment"],
            expected_version=data.get("version"),
            via=via_of(request),
        )
        return self.render(assignment.pk)

    @transition_schema("submit")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self.transition(request, Assignment.Status.SUBMITTED, TransitionSerializer)

    @transition_schema("accept")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self.transition(request, Assignment.Status.ACCEPTED, TransitionSerializer)

    @transition_schema("reject", RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self.transition(request, Assignment.Status.REJECTED, RejectSerializer)

    @transition_schema("reopen")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self.transition(request, None, TransitionSerializer)

    @transition_schema("gold")
    @action(detail=True, methods=["post"])
    def gold(self, request: Request, pk: str) -> Response:
        return self.transition(request, Assignment.Status.GOLD, TransitionSerializer)

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        filters=False,
        summary="History of the assignment: its claims and its review",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        assignment = access_assignment(request.user, self.pk)
        return self.paginated(
            selectors.history_for_assignment(assignment.pk), HistoryEntrySerializer
        )


# --- attributions --------------------------------------------------------------------------------


SNAPSHOT_PREFETCH = (
    "spans",
    Prefetch("stances", queryset=Stance.objects.select_related("target_actor").order_by("id")),
)


def created_snapshot(attribution: Attribution) -> dict[str, Any]:
    """The snapshot of a claim just created: the one create_attribution recorded as `after` of its
    history entry, built from the rows it inserted. One cheap query instead of re-reading the spans
    and stances (a quarter of the request's CPU time in bench/api_write.py)."""
    cached = getattr(attribution, "_prefetched_objects_cache", {})
    if "spans" in cached and "stances" in cached:  # the service handed them back: no query
        return snapshot_attribution(attribution)
    after = (
        HistoryEntry.objects.filter(attribution_id=attribution.pk, action="attribution.created")
        .order_by("-id")
        .values_list("after", flat=True)
        .first()
    )
    if after is not None:
        return dict(after)
    prefetch_related_objects([attribution], *SNAPSHOT_PREFETCH)
    return snapshot_attribution(attribution)


def conflict_response(exc: Conflict, attribution_id: int) -> Response:
    """409 with the claim as it is now, so the client can show it and merge."""
    current = Attribution.objects.filter(pk=attribution_id).exists()
    body: dict[str, Any] = {
        "detail": exc.message,
        "code": "Conflict",
        "field": "version",
        "current": snapshot_attribution(selectors.attribution_detail(attribution_id))
        if current
        else None,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version the deletion is based on."
    )


@extend_schema(tags=["attributions"])
class AttributionViewSet(ApiViewSet):
    """Claims: who said what, with cue, type, stances and nesting. Writes need the `version`."""

    serializer_class = AttributionSerializer
    filterset_class = filters.AttributionFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Attribution]:
        visible = selectors.assignments_for_user(self.request.user).values("pk")
        return selectors.attributions_queryset().filter(assignment_id__in=visible)

    @extend_schema(
        summary="List claims",
        description="Cursor-paginated; with `assignment=ID` every claim of that assignment comes "
        "in one answer (`next` is null), whatever `page_size` says.",
        responses=AttributionSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        if "assignment" not in request.query_params:
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset) or []
            return self.get_paginated_response([snapshot_attribution(a) for a in page])
        filterset = filters.AttributionFilter(
            request.query_params,
            queryset=selectors.attributions_for_assignment(0),
            request=request,
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        assignment = access_assignment(request.user, filterset.form.cleaned_data["assignment"])
        filterset.queryset = selectors.attributions_for_assignment(assignment.pk)
        results = [snapshot_attribution(a) for a in filterset.qs]
        return Response({"next": None, "previous": None, "results": results})

    @extend_schema(summary="One claim")
    def retrieve(self, request: Request, pk: str) -> Response:
        access_attribution(request.user, self.pk)
        return Response(snapshot_attribution(selectors.attribution_detail(self.pk)))

    @extend_schema(
        request=AttributionCreateSerializer,
        responses={201: AttributionSerializer},
        summary="Create a claim",
        description="Spans are validated against the article (inside it, not blank, content "
        "spans not overlapping), values against the project vocabulary, nesting against the "
        "assignment. Recorded in the history.",
    )
    def create(self, request: Request) -> Response:
        data = plain_attribution_create(request.data) or validated(
            AttributionCreateSerializer, request.data
        )
        changes = to_changes(data)
        attribution = attribution_services.create_attribution(
            assignment_id=data["assignment"],
            user=request.user,
            data=attribution_services.AttributionData(**changes),
            via=via_of(request),
        )
        return Response(created_snapshot(attribution), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttributionUpdateSerializer,
        responses={200: AttributionSerializer, 409: CONFLICT_RESPONSE},
        summary="Change a claim",
        description="Send `version` (as read) and only the fields that change; `content` and "
        "`stances` replace the whole list. 409 when someone changed the claim meanwhile: the "
        "answer names who and when and carries the claim as it is now in `current`.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = validated(AttributionUpdateSerializer, request.data)
        try:
            attribution = attribution_services.update_attribution(
                attribution_id=self.pk,
                expected_version=data["version"],
                user=request.user,
                changes=to_changes(data),
                via=via_of(request),
            )
        except Conflict as exc:
            return conflict_response(exc, self.pk)
        return Response(snapshot_attribution(attribution))

    @extend_schema(
        parameters=[VersionQuerySerializer],
        responses={204: None, 409: CONFLICT_RESPONSE},
        summary="Delete a claim",
        description="`?version=N` as read; claims nested in it are un-nested.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        data = validated(VersionQuerySerializer, request.query_params)
        try:
            attribution_services.delete_attribution(
                attribution_id=self.pk,
                expected_version=data["version"],
                user=request.user,
                via=via_of(request),
            )
        except Conflict as exc:
            return conflict_response(exc, self.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        filters=False,
        summary="History of the claim",
        description="For a deleted claim use `/api/history/?project=P&attribution=ID`.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        access_attribution(request.user, self.pk)
        return self.paginated(selectors.history_for_attribution(self.pk), HistoryEntrySerializer)


# --- history -------------------------------------------------------------------------------------


@extend_schema(tags=["history"])
class HistoryViewSet(ApiViewSet):
    """The append-only audit trail: read-only, no write methods."""

    serializer_class = HistoryEntrySerializer
    filterset_class = filters.HistoryFilter
    ordering_fields = ["id", "created_at"]
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[HistoryEntry]:
        return HistoryEntry.objects.none()

    @extend_schema(
        summary="History of a project, filtered",
        description="Per article (`article`), per annotator (`annotator`), per assignment or per "
        "claim (also deleted ones). Annotators see only entries about their own work.",
    )
    def list(self, request: Request) -> Response:
        filterset = filters.HistoryFilter(
            request.query_params, queryset=HistoryEntry.objects.none(), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        project = access_project(request.user, filterset.form.cleaned_data["project"])
        queryset = selectors.history_for_project(project.pk)
        if not has_role(getattr(project, "user_role", None), Membership.Role.REVIEWER):
            queryset = selectors.history_for_annotator(project.pk, cast(int, request.user.pk))
        filterset.queryset = queryset
        return self.paginated(filterset.qs, HistoryEntrySerializer)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a JSON error under /api/ (e.g. a non-numeric id in the path), HTML elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("No API endpoint or object at %(path)s.") % {"path": request.path},
                "code": "NotFound",
            },
            status=404,
        )
    return page_not_found(request, exception)


# drf-spectacular resolves its optional extensions lazily, and not thread-safely: two threads
# building the first schema of a process at once can find an extension half-loaded and fail with
# AttributeError (seen with gunicorn's gthread workers). One schema at a time per process.
_schema_lock = threading.Lock()


class SchemaView(SpectacularAPIView):
    @extend_schema(exclude=True)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with _schema_lock:
            return super().get(request, *args, **kwargs)
