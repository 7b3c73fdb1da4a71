from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corpus.exports import iter_articles_jsonl


class Command(BaseCommand):
    help = "Export every article with its blocks and sentences as JSON Lines (re-importable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument("--out", type=Path, help="Output file (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path | None = options["out"]
        count = 0
        if out is None:
            for line in iter_articles_jsonl():
                self.stdout.write(line, ending="")
                count += 1
            return
        try:
            with out.open("w", encoding="utf-8", newline="\n") as handle:
                for line in iter_articles_jsonl():
                    handle.write(line)
                    count += 1
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from error
        self.stderr.write(f"{count} article(s) written to {out}.")
