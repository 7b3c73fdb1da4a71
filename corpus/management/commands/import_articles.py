from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corpus.errors import DomainError
from corpus.importers import FORMATS, files_to_import, read_records
from corpus.services import import_articles


class Command(BaseCommand):
    help = (
        "Import articles from seed text files, JSON Lines or CSV. A folder imports every file in "
        "it. Articles already stored (same text) are skipped; one bad record stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="Input format; detected from the file extension or content when not given.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes for sentence splitting (default: up to 2; 1 splits inline).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError(f"--workers {options['workers']}: give 1 or more processes.")
        try:
            files = files_to_import(options["paths"], fmt=options["format"])
            if not files:
                raise CommandError(
                    "No files to import in "
                    + ", ".join(str(p) for p in options["paths"])
                    + " (known extensions: .txt, .jsonl, .ndjson, .csv; or give --format)."
                )

            def progress(count: int) -> None:
                self.stderr.write(f"{count} records read…")

            result = import_articles(
                records=read_records(files),
                workers=options["workers"],
                progress=progress,
            )
        except DomainError as error:
            raise CommandError(f"{error.message.rstrip('.')}. Nothing was imported.") from error
        seconds = time.perf_counter() - started
        summary = (
            f"{len(files)} file(s): {result.created} article(s) created "
            f"({result.blocks} blocks, {result.sentences} sentences), "
            f"{result.skipped} skipped as already stored, in {seconds:.1f} s."
        )
        if result.created == 0 and result.skipped:
            summary += " Nothing new to import."
        self.stdout.write(summary)
