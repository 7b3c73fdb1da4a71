"""Export and dataset-release endpoints (docs/exports.md).

Reviewers and managers export; managers freeze releases; annotators get 403 and non-members 404,
through annotate.access like every other view. The export body is written to a temporary file
(one pass over the database, flat memory) and streamed from it.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.access import access_project
from annotate.api.serializers import ErrorSerializer
from annotate.exports import (
    FORMATS,
    ExportFilters,
    ExportOptions,
    parse_split,
    validate_options,
    write_export,
)
from annotate.exports.releases import access_release, create_release
from annotate.exports.split import DEFAULT_SEED
from annotate.models import Assignment, DatasetRelease, Membership

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad parameter: `field` names it."),
    403: OpenApiResponse(ErrorSerializer, description="Annotators cannot export."),
    404: OpenApiResponse(ErrorSerializer, description="No such project (or not a member)."),
}
MEDIA_TYPES = sorted({f.media_type for f in FORMATS.values()})


class IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=` names the export format here, not a DRF renderer: always answer errors in JSON."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class ExportFiltersSerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False,
        help_text="Assignment statuses, comma separated: " + ", ".join(Assignment.Status.values),
    )
    annotator = serializers.CharField(
        required=False, help_text="Annotator usernames, comma separated."
    )
    since = serializers.DateTimeField(
        required=False, help_text="Assignments whose labels last changed at or after this time."
    )
    until = serializers.DateTimeField(
        required=False, help_text="Assignments whose labels last changed before this time."
    )
    gold = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only the gold version (status gold) of each article.",
    )
    split = serializers.CharField(
        required=False,
        help_text="Train/dev/test ratios by article, e.g. train=0.8,dev=0.1,test=0.1.",
    )
    seed = serializers.IntegerField(
        required=False,
        default=DEFAULT_SEED,
        min_value=-(2**63),
        max_value=2**63 - 1,
        help_text="Seed of the split.",
    )
    part = serializers.CharField(required=False, help_text="Export only this part of the split.")

    def validate_status(self, value: str) -> list[str]:
        statuses = _comma_list(value)
        unknown = [s for s in statuses if s not in Assignment.Status.values]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown status {', '.join(unknown)}: use {', '.join(Assignment.Status.values)}."
            )
        return statuses

    def validate_annotator(self, value: str) -> list[str]:
        return _comma_list(value)

    def to_options(self, export_format: str) -> ExportOptions:
        data = self.validated_data
        options = ExportOptions(
            format=export_format,
            filters=ExportFilters(
                statuses=tuple(data.get("status", ())),
                annotators=tuple(data.get("annotator", ())),
                since=data.get("since"),
                until=data.get("until"),
                gold_only=data["gold"],
            ),
            split=parse_split(data["split"], seed=data["seed"]) if data.get("split") else None,
            part=data.get("part"),
        )
        validate_options(options)
        return options


class ExportQuerySerializer(ExportFiltersSerializer):
    format = serializers.ChoiceField(choices=sorted(FORMATS), help_text="The export format.")


class ReleaseCreateSerializer(serializers.Serializer):
    name = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        help_text="Unique in the project: letters, digits, '.', '-', '_' (at most 100).",
    )
    format = serializers.ChoiceField(choices=sorted(FORMATS))
    filters = ExportFiltersSerializer(
        required=False, help_text="The export parameters (as the export endpoint's query)."
    )


class ReleaseSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    download = serializers.SerializerMethodField(help_text="URL of the frozen bytes.")

    class Meta:
        model = DatasetRelease
        fields = [
            "name",
            "format",
            "options",
            "manifest",
            "sha256",
            "size",
            "created_by",
            "created_at",
            "download",
        ]

    def get_download(self, release: DatasetRelease) -> str:
        return reverse("api-release-download", args=[release.project_id, release.name])


def _filename(project_name: str, extension: str, suffix: str = "") -> str:
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in project_name)[:80]
    return f"{stem or 'project'}{suffix}.{extension}"


class ExportView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="project_export",
        parameters=[ExportQuerySerializer],
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in MEDIA_TYPES},
            **ERRORS,
        },
        description=(
            "Stream the project's labels in one format (reviewers and managers). Line formats "
            "start with a manifest line; zips (brat, doccano, labelstudio) hold manifest.json. "
            "The X-Export-Sha256 header repeats the manifest's body checksum."
        ),
    )
    def get(self, request: Request, project_id: int) -> Any:
        project = access_project(request.user, project_id, min_role=Membership.Role.REVIEWER)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        export_format = query.validated_data["format"]
        options = query.to_options(export_format)
        body = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            manifest = write_export(project, options, body)
        except BaseException:
            body.close()
            raise
        body.seek(0)
        response = FileResponse(
            body,
            as_attachment=True,
            filename=_filename(project.name, FORMATS[export_format].extension),
            content_type=FORMATS[export_format].media_type,
        )
        response["X-Export-Sha256"] = manifest["sha256"]
        return response


class ReleaseListView(APIView):
    @extend_schema(
        operation_id="project_releases_list",
        responses={200: ReleaseSerializer(many=True), **ERRORS},
        description="The project's frozen releases, newest first (reviewers and managers).",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = access_project(request.user, project_id, min_role=Membership.Role.REVIEWER)
        releases = DatasetRelease.objects.filter(project=project).select_related("created_by")
        return Response(ReleaseSerializer(releases, many=True).data)

    @extend_schema(
        operation_id="project_releases_create",
        request=ReleaseCreateSerializer,
        responses={
            201: ReleaseSerializer,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="The name is taken."),
        },
        description="Freeze an export under a name (managers). Releases are never replaced.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = access_project(request.user, project_id, min_role=Membership.Role.MANAGER)
        body = ReleaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        raw = request.data.get("filters") if isinstance(request.data, dict) else None
        filters = ExportFiltersSerializer(data=raw or {})
        filters.is_valid(raise_exception=True)
        options = filters.to_options(body.validated_data["format"])
        via = "browser" if request.headers.get("X-Client") == "workspace" else "api"
        release = create_release(
            project_id=project.pk,
            user=request.user,
            name=body.validated_data["name"],
            options=options,
            via=via,
        )
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleaseDetailView(APIView):
    @extend_schema(
        operation_id="project_releases_retrieve",
        responses={200: ReleaseSerializer, **ERRORS},
    )
    def get(self, request: Request, project_id: int, name: str) -> Response:
        return Response(ReleaseSerializer(access_release(request.user, project_id, name)).data)


class ReleaseDownloadView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="project_releases_download",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH)],
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in MEDIA_TYPES},
            **ERRORS,
        },
        description="The release's bytes, identical to the day it was frozen.",
    )
    def get(self, request: Request, project_id: int, name: str) -> Any:
        release = access_release(request.user, project_id, name)
        response = FileResponse(
            release.file.open("rb"),
            as_attachment=True,
            filename=_filename(
                release.project.name, FORMATS[release.format].extension, f"-{release.name}"
            ),
            content_type=FORMATS[release.format].media_type,
        )
        response["X-Export-Sha256"] = release.manifest.get("sha256", "")
        response["ETag"] = f'"{release.sha256}"'
        return response
