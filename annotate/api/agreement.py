"""REST endpoints for agreement, progress, comparison and adjudication (docs/review.md).

Reviewers and managers read agreement and comparisons and adjudicate; managers read progress.
Non-members get 404, annotators 403, through annotate.access like every other view.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.access import access_project
from annotate.agreement.report import agreement_report, article_comparison, progress_report
from annotate.errors import InvalidInput, NotFound
from annotate.history import snapshot_attribution
from annotate.models import Assignment, Membership, Project, ProjectArticle
from annotate.selectors import attribution_detail
from annotate.services import adjudication


def _via(request: Request) -> str:
    return "browser" if request.headers.get("X-Client") in ("workspace", "review") else "api"


def _project_article(request: Request, project_id: int, article_id: int) -> Project:
    project = access_project(request.user, project_id, min_role=Membership.Role.REVIEWER)
    if not ProjectArticle.objects.filter(project_id=project.pk, article_id=article_id).exists():
        raise NotFound(
            _("Article %(article)s is not in project '%(project)s'.")
            % {"article": article_id, "project": project.name}
        )
    return project


class ArticleQuerySerializer(serializers.Serializer):
    article = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this article of the project."
    )


class GoldClaimSerializer(serializers.Serializer):
    sources = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        help_text=(
            "Element -> annotator claim id to take it from; elements: content (required), "
            "source, cue, speaker, type, stances."
        ),
    )
    replace = serializers.IntegerField(
        required=False, min_value=1, help_text="A gold claim to update instead of adding one."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version of `replace` you saw."
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _assignment_row(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "annotator": assignment.annotator.get_username(),
        "status": assignment.status,
        "version": assignment.version,
        "review_comment": assignment.review_comment,
    }


def comparison_json(comparison: dict[str, Any]) -> dict[str, Any]:
    gold = comparison["gold"]
    return {
        "article": comparison["article"].pk if comparison["article"] is not None else None,
        "annotators": comparison["annotators"],
        "assignments": [_assignment_row(a) for a in comparison["assignments"]],
        "gold": _assignment_row(gold) if gold is not None else None,
        "unanimous": comparison["unanimous"],
        "rows": comparison["rows"],
    }


@extend_schema(tags=["agreement"])
class ProjectAgreementView(APIView):
    @extend_schema(
        parameters=[ArticleQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        summary="Inter-annotator agreement of a project or one article (reviewers, managers)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        query = ArticleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        article_id = query.validated_data.get("article")
        if article_id is not None:
            project = _project_article(request, project_id, article_id)
        else:
            project = access_project(request.user, project_id, min_role=Membership.Role.REVIEWER)
        return Response(agreement_report(project, article_id=article_id))


@extend_schema(tags=["agreement"])
class ProjectProgressView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Assignments by status, claims per hour, time per article, agreement trend",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = access_project(request.user, project_id, min_role=Membership.Role.MANAGER)
        return Response(progress_report(project))


@extend_schema(tags=["agreement"])
class ArticleComparisonView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Annotators' claims of one article aligned side by side, with the gold claims",
    )
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        project = _project_article(request, project_id, article_id)
        return Response(comparison_json(article_comparison(project, article_id)))


@extend_schema(tags=["agreement"])
class GoldClaimView(APIView):
    @extend_schema(
        request=GoldClaimSerializer,
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT},
        summary="Take, merge or replace one gold claim from annotators' claims",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        _project_article(request, project_id, article_id)
        data = GoldClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "version" in values and "replace" not in values:
            raise InvalidInput(_("`version` goes with `replace`."), field="version")
        claim = adjudication.adjudicate_claim(
            project_id=project_id,
            article_id=article_id,
            user=request.user,
            sources=values["sources"],
            replace_id=values.get("replace"),
            expected_version=values.get("version"),
            via=_via(request),
        )
        code = status.HTTP_200_OK if "replace" in values else status.HTTP_201_CREATED
        return Response(snapshot_attribution(attribution_detail(claim.pk)), status=code)


@extend_schema(tags=["agreement"])
class AcceptAgreedView(APIView):
    @extend_schema(
        request=None,
        responses={200: OpenApiTypes.OBJECT},
        summary="Copy every claim all annotators agree on into gold",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        _project_article(request, project_id, article_id)
        created = adjudication.accept_agreed_claims(
            project_id=project_id, article_id=article_id, user=request.user, via=_via(request)
        )
        return Response(
            {
                "created": len(created),
                "claims": [snapshot_attribution(attribution_detail(c.pk)) for c in created],
            }
        )


@extend_schema(tags=["agreement"])
class FinishGoldView(APIView):
    @extend_schema(
        request=CommentSerializer,
        responses={200: OpenApiTypes.OBJECT},
        summary="Mark the article's gold assignment gold",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        _project_article(request, project_id, article_id)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gold = adjudication.finish_gold(
            project_id=project_id,
            article_id=article_id,
            user=request.user,
            comment=data.validated_data["comment"],
            via=_via(request),
        )
        return Response({"id": gold.pk, "status": gold.status, "version": gold.version})
