from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.imports import NativeImportError, import_native


class Command(BaseCommand):
    help = (
        "Import a native JSONL export (export_annotations --format jsonl) into a project, created "
        "when missing. One transaction: a bad line stores nothing and is reported as file:line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH")
        parser.add_argument("--project", required=True, help="Project id or name.")
        parser.add_argument(
            "--user",
            help="Username the labels are imported as (a manager of the project, or a superuser "
            "to create it). Default: the first active superuser.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        if options["user"]:
            user = users.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {options['user']!r}.")
        else:
            user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if user is None:
                raise CommandError("No active superuser to import as: give --user USERNAME.")
        try:
            result = import_native(options["path"], project=options["project"], user=user)
        except NativeImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Imported into {result.project.name!r}"
            + (" (created)" if result.project_created else "")
            + f": {result.articles} article(s) ({result.articles_created} new), "
            f"{result.assignments} assignment(s), {result.attributions} claim(s), "
            f"{result.users_created} new inactive user(s)."
        )
