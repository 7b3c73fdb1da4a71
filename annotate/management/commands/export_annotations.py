from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from annotate.errors import DomainError
from annotate.exports import FORMATS, ExportFilters, ExportOptions, parse_split, write_export
from annotate.exports.releases import create_release
from annotate.exports.split import DEFAULT_SEED
from annotate.models import Assignment, Project


def find_project(value: str) -> Project:
    """A project by id (all digits) or by name."""
    project = None
    if value.isdigit():
        project = Project.objects.filter(pk=int(value)).first()
    if project is None:
        project = Project.objects.filter(name=value).first()
    if project is None:
        raise CommandError(f"No project with id or name {value!r}.")
    return project


def parse_moment(value: str | None, option: str) -> Any:
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"{option} {value!r} is not an ISO 8601 date or date-time.")
        moment = make_aware(parse_datetime(day.isoformat() + "T00:00:00"))  # type: ignore[arg-type]
    return make_aware(moment) if is_naive(moment) else moment


def comma_list(values: list[str] | None) -> tuple[str, ...]:
    return tuple(
        item.strip() for value in values or [] for item in value.split(",") if item.strip()
    )


class Command(BaseCommand):
    help = (
        "Export a project's labels as training data (jsonl, csv, bio, brat, doccano, labelstudio), "
        "with a manifest, optional deterministic split, or freeze it as a named release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Project id or name.")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "--split", help="Ratios by part, e.g. train=0.8,dev=0.1,test=0.1 (by article)."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Split seed.")
        parser.add_argument("--part", help="Export only this part of the split.")
        parser.add_argument(
            "--status",
            action="append",
            help="Assignment status(es), comma separated or repeated: "
            + ", ".join(Assignment.Status.values),
        )
        parser.add_argument(
            "--annotator",
            action="append",
            help="Annotator username(s), comma separated or repeated.",
        )
        parser.add_argument("--since", help="Labels changed at or after this ISO date(-time).")
        parser.add_argument("--until", help="Labels changed before this ISO date(-time).")
        parser.add_argument(
            "--gold-only", action="store_true", help="Only the gold version of each article."
        )
        parser.add_argument("--out", type=Path, help="Output file (default: standard output).")
        parser.add_argument("--release", help="Freeze the export as a release with this name.")
        parser.add_argument(
            "--user", help="Username creating the release (a manager of the project)."
        )
        parser.add_argument("--chunk-size", type=int, default=500, help="Articles per query batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        project = find_project(options["project"])
        statuses = comma_list(options["status"])
        unknown = sorted(set(statuses) - set(Assignment.Status.values))
        if unknown:
            raise CommandError(
                f"Unknown status {', '.join(unknown)}: use {', '.join(Assignment.Status.values)}."
            )
        try:
            split = (
                parse_split(options["split"], seed=options["seed"]) if options["split"] else None
            )
            export_options = ExportOptions(
                format=options["format"],
                filters=ExportFilters(
                    statuses=statuses,
                    annotators=comma_list(options["annotator"]),
                    since=parse_moment(options["since"], "--since"),
                    until=parse_moment(options["until"], "--until"),
                    gold_only=options["gold_only"],
                ),
                split=split,
                part=options["part"],
                chunk_size=options["chunk_size"],
            )
            if options["release"]:
                self._release(project, options, export_options)
            else:
                self._export(project, options["out"], export_options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _release(
        self, project: Project, options: dict[str, Any], export_options: ExportOptions
    ) -> None:
        if not options["user"]:
            raise CommandError("--release needs --user: the manager who freezes the release.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        release = create_release(
            project_id=project.pk,
            user=user,
            name=options["release"],
            options=export_options,
            via="cli",
        )
        if options["out"]:
            with release.file.open("rb") as source, self._open_out(options["out"]) as out:
                while chunk := source.read(2**20):
                    out.write(chunk)
        counts = release.manifest["counts"]
        self.stderr.write(
            f"Release {release.name!r}: {release.size} bytes, sha256 {release.sha256}, "
            f"{counts['articles']} article(s), {counts['attributions']} claim(s)."
        )

    def _open_out(self, path: Path) -> Any:
        return _AtomicFile(path)

    def _export(self, project: Project, out: Path | None, export_options: ExportOptions) -> None:
        if out is None:
            stream = getattr(self.stdout._out, "buffer", None)
            if stream is not None:
                manifest = write_export(project, export_options, stream)
                stream.flush()
            else:
                # A text stream (call_command(stdout=StringIO())): zips do not fit in one.
                captured = io.BytesIO()
                manifest = write_export(project, export_options, captured)
                self.stdout.write(captured.getvalue().decode("utf-8", "replace"), ending="")
        else:
            with self._open_out(out) as handle:
                manifest = write_export(project, export_options, handle)
        counts = manifest["counts"]
        self.stderr.write(
            f"{counts['articles']} article(s), {counts['assignments']} assignment(s), "
            f"{counts['attributions']} claim(s) exported as {export_options.format}"
            + (f" to {out}" if out else "")
            + f"; sha256 {manifest['sha256']}."
        )


class _AtomicFile:
    """Write to a temporary file beside `path`, renamed over it only when the export succeeded,
    so a failed export never leaves a half-written file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Any:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        try:
            self.handle = tempfile.NamedTemporaryFile(
                dir=directory, prefix=f".{self.path.name}.", delete=False
            )
        except OSError as error:
            raise CommandError(f"Cannot write {self.path}: {error.strerror}.") from error
        return self.handle

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        self.handle.close()
        if exc_type is None:
            os.replace(self.handle.name, self.path)
        else:
            os.unlink(self.handle.name)
