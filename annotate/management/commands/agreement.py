"""`manage.py agreement --project P [--article ID] [--format table|json]`: agreement report."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.agreement.report import AGREEMENT_STATUSES, agreement_report
from annotate.errors import NotFound
from annotate.models import Assignment, ProjectArticle
from annotate.selectors import project_by_name_or_id


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [headers, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def format_table(report: dict[str, Any]) -> str:
    """The report as plain-text tables: spans, units, aligned roles, labels, then per article."""
    scope = f"article {report['article']}" if report["article"] else "all articles"
    out = [
        f"Agreement in project '{report['project']['name']}' ({scope}; statuses: "
        f"{', '.join(report['statuses'])})",
        f"Annotators: {', '.join(report['annotators']) or 'none'}; articles compared: "
        f"{report['articles']}; aligned claim groups: {report['units']['groups']} "
        f"({report['units']['groups_with_all']} with every annotator)",
        "",
    ]
    if len(report["annotators"]) < 2:
        out.append("Fewer than two annotators have handed in work: nothing to compare.")
        return "\n".join(out)

    rows = []
    for role, scores in report["spans"].items():
        for match in ("exact", "overlap"):
            overall = scores[match]["overall"]
            rows.append(
                [
                    f"{role} span",
                    match,
                    _number(overall["precision"]),
                    _number(overall["recall"]),
                    _number(overall["f1"]),
                    _number(scores["token_alpha"]) if match == "exact" else "",
                ]
            )
    overall = report["units"]["f1"]["overall"]
    rows.append(
        [
            "claim (unit)",
            "overlap",
            _number(overall["precision"]),
            _number(overall["recall"]),
            _number(overall["f1"]),
            "",
        ]
    )
    for role, scores in report["aligned_roles"].items():
        for match in ("exact", "overlap"):
            overall = scores[match]["overall"]
            rows.append(
                [
                    f"{role} (aligned claims)",
                    match,
                    _number(overall["precision"]),
                    _number(overall["recall"]),
                    _number(overall["f1"]),
                    "",
                ]
            )
    out.append(_table(["element", "match", "P", "R", "F1", "token alpha"], rows))
    out.append("")

    rows = []
    for name, scores in report["labels"].items():
        rows.append(
            [
                name,
                "all",
                str(scores["units"]),
                _number(scores["percent"]),
                "",
                _number(scores["alpha"]),
            ]
        )
        for pair in scores["pairs"]:
            rows.append(
                [
                    name,
                    f"{pair['a']} / {pair['b']}",
                    str(pair["units"]),
                    _number(pair["percent"]),
                    _number(pair["kappa"]),
                    _number(pair["alpha"]),
                ]
            )
    out.append("Labels on aligned claims")
    out.append(_table(["element", "annotators", "units", "agreement", "kappa", "alpha"], rows))

    pair_rows = []
    for pair in report["units"]["f1"]["pairs"]:
        content = next(
            p
            for p in report["spans"]["content"]["overlap"]["pairs"]
            if (p["a"], p["b"]) == (pair["a"], pair["b"])
        )
        pair_rows.append(
            [f"{pair['a']} / {pair['b']}", _number(content["f1"]), _number(pair["f1"])]
        )
    out += ["", "Per pair", _table(["annotators", "content overlap F1", "unit F1"], pair_rows)]

    if report["per_article"]:
        rows = [
            [
                str(row["article"]),
                row["title"][:40],
                str(row["annotators"]),
                _number(row["content_overlap_f1"]),
                _number(row["unit_f1"]),
                _number(row["speaker_alpha"]),
                _number(row["type_alpha"]),
                _number(row["polarity_alpha"]),
            ]
            for row in report["per_article"]
        ]
        out += [
            "",
            "Per article",
            _table(
                [
                    "article",
                    "title",
                    "k",
                    "content F1",
                    "unit F1",
                    "speaker a",
                    "type a",
                    "polarity a",
                ],
                rows,
            ),
        ]
    return "\n".join(out)


class Command(BaseCommand):
    help = (
        "Inter-annotator agreement of a project (or one article): span P/R/F1 exact and overlap, "
        "token-level Krippendorff's alpha, claim-unit F1, and on aligned claims role F1, "
        "percent agreement, Cohen's kappa and Krippendorff's alpha for speaker, type and polarity."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Project name or id.")
        parser.add_argument("--article", type=int, help="Only this article (id).")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--status",
            action="append",
            choices=[s for s in Assignment.Status.values],
            help=(
                "Assignment statuses to include (repeatable); default: "
                + ", ".join(AGREEMENT_STATUSES)
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            project = project_by_name_or_id(options["project"])
        except NotFound as error:
            raise CommandError(error.message) from None
        article_id = options["article"]
        if (
            article_id is not None
            and not ProjectArticle.objects.filter(
                project_id=project.pk, article_id=article_id
            ).exists()
        ):
            raise CommandError(
                f"Article {article_id} is not in project '{project.name}': "
                "pick an id from the project's articles."
            )
        report = agreement_report(
            project, article_id=article_id, statuses=options["status"] or AGREEMENT_STATUSES
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(format_table(report))
