"""`manage.py load_demo`: the demo project with its users, seed articles and gold annotation."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.demo import DEMO_USERS, load_demo, password_for
from annotate.errors import DomainError
from corpus.importers import RecordError


class Command(BaseCommand):
    help = (
        "Create the demo project (users, the five seed articles, two annotators with empty "
        "assignments, the reviewer's gold annotation). Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", default="demo", help="Project name (default: demo).")
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            help="Folder with seeds/, seeds.gold.jsonl and GUIDELINES.md (default: demo_data/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(options["data"]) if options["data"] is not None else None
        if data_dir is not None and not (data_dir / "seeds.gold.jsonl").is_file():
            raise CommandError(f"{data_dir} has no seeds.gold.jsonl: pass the demo_data folder.")
        try:
            result = load_demo(project_name=options["project"], data_dir=data_dir)
        except (DomainError, RecordError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read the demo data: {exc}") from exc
        project = result.project
        if project is None:  # load_demo always sets it; keeps the type checker honest
            raise CommandError("The demo project was not created.")
        self.stdout.write(
            f"Project {project.name!r} (id {project.pk}): {result.articles} articles "
            f"({result.articles_created} new), {result.assignments_created} new assignments, "
            f"{result.actors_created} new actors, {result.claims_created} new gold claims with "
            f"{result.stances_created} stances."
        )
        if result.users_created:
            self.stdout.write("Created users: " + ", ".join(result.users_created) + ".")
        self.stdout.write("Logins (username / password):")
        for username, role in DEMO_USERS:
            self.stdout.write(
                f"  {username:<11} {password_for(username):<16} {role or 'superuser'}"
            )
