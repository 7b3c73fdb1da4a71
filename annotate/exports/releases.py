"""Dataset releases: a named export frozen byte for byte, downloadable later unchanged."""

from __future__ import annotations

import hashlib
import re
import tempfile
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction

from annotate import history
from annotate.access import access_project
from annotate.errors import Conflict, InvalidInput, NotFound
from annotate.exports.base import ExportOptions
from annotate.exports.runner import get_format, validate_options, write_export
from annotate.models import DatasetRelease

RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def options_as_json(options: ExportOptions) -> dict[str, Any]:
    return {
        "format": options.format,
        "filters": options.filters.as_manifest(),
        "split": options.split.as_manifest() if options.split else None,
        "part": options.part,
    }


def create_release(
    *, project_id: int, user: Any, name: str, options: ExportOptions, via: str = "system"
) -> DatasetRelease:
    """Freeze an export of the project under `name`. Manager only (access_project).

    Runs the export into a temporary file, stores the file with its SHA-256 and the manifest, and
    records `release.created`. Raises InvalidInput for a bad name or options, Conflict when the
    project already has a release of that name (releases are never replaced).
    """
    project = access_project(user, project_id, min_role="manager")
    if not RELEASE_NAME.match(name):
        raise InvalidInput(
            f"Release name {name!r} must be 1-100 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit.",
            field="name",
        )
    validate_options(options)
    if DatasetRelease.objects.filter(project_id=project.pk, name=name).exists():
        raise Conflict(
            f"Project {project.name!r} already has a release named {name!r}.", field="name"
        )
    extension = get_format(options.format).extension
    with tempfile.TemporaryFile() as body:
        manifest = write_export(project, options, body)
        size = body.tell()
        body.seek(0)
        digest = hashlib.sha256()
        while chunk := body.read(2**20):
            digest.update(chunk)
        body.seek(0)
        release = DatasetRelease(
            project=project,
            name=name,
            format=options.format,
            options=options_as_json(options),
            manifest=manifest,
            sha256=digest.hexdigest(),
            size=size,
            created_by=user,
        )
        release.file.save(f"{name}.{extension}", File(body), save=False)
    try:
        with transaction.atomic():
            release.save()
            history.record(
                action="release.created",
                user=user,
                via=via,
                project_id=project.pk,
                object_id=release.pk,
                after={
                    "name": name,
                    "format": options.format,
                    "sha256": release.sha256,
                    "size": size,
                    "options": release.options,
                },
            )
    except IntegrityError:
        release.file.delete(save=False)
        raise Conflict(
            f"Project {project.name!r} already has a release named {name!r}.", field="name"
        ) from None
    except BaseException:
        release.file.delete(save=False)
        raise
    return release


def access_release(user: Any, project_id: int, name: str) -> DatasetRelease:
    """A release of a project the user may export from (reviewer or manager)."""
    access_project(user, project_id, min_role="reviewer")
    release = DatasetRelease.objects.filter(project_id=project_id, name=name).first()
    if release is None:
        raise NotFound(f"Project {project_id} has no release named {name!r}.", field="name")
    return release
