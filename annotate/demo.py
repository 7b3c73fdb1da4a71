"""The demo project: users, the five seed articles, empty assignments and the gold annotation.

Everything is written through the services (history recorded with via="cli"), and every step first
looks for what is already there, so running it again changes nothing.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from annotate.errors import InvalidInput
from annotate.models import Actor, Assignment, Attribution, Membership, Project
from annotate.services.assignments import (
    assign_articles,
    change_assignment_status,
    get_or_create_gold_assignment,
)
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import (
    add_articles,
    create_actor,
    create_project,
    set_membership,
    update_project,
)
from corpus.importers import files_to_import, read_records
from corpus.importers.seed import read_text
from corpus.models import Article, content_hash
from corpus.services import import_articles

VIA = "cli"

# (username, role in the project or None for the superuser); password is "demo-<username>".
DEMO_USERS: tuple[tuple[str, str | None], ...] = (
    ("admin", None),
    ("manager", Membership.Role.MANAGER),
    ("reviewer", Membership.Role.REVIEWER),
    ("annotator1", Membership.Role.ANNOTATOR),
    ("annotator2", Membership.Role.ANNOTATOR),
)


def _ids(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Claim categories of the gold annotation (demo_data/GUIDELINES.md, sections 2.2 and 2.3); every
# other gold claim is a "statement".
TOPIC_REPORTS = _ids(
    "000-a1 000-a3 000-a5 000-a12 000-a13 000-a18 001-a1 001-a3 001-a5 001-a8 001-a9 "
    "002-a1 002-a2 002-a4 002-a9 002-a11 002-a13 002-a15 002-a17 002-a18 002-a23 002-a25 "
    "002-a30 002-a32 002-a35 002-a42 002-a43 002-a48 002-a49 003-a2 003-a3 004-a1 004-a4"
)
EXPRESSIVE_ACTS = _ids(
    "000-a2 000-a9 002-a16 002-a19 002-a27 002-a31 002-a34 002-a38 002-a47 004-a2"
)

# Actor kinds of the named actors; a name joined with " and " is a group of joint speakers, any
# other name a person.
ACTOR_KINDS = {
    "Armenia": "country",
    "Azerbaijan": "country",
    "Russia": "country",
    "Council of Europe": "organisation",
    "UN Alliance of Civilizations": "organisation",
    "ICRC": "organisation",
    "Azerbaijani Foreign Ministry": "organisation",
    "Azerbaijani civil society representatives": "group",
    "international community": "group",
}
ACTOR_ALIASES = {
    "Council of Europe": ["CoE"],
    "UN Alliance of Civilizations": ["UNAOC"],
    "ICRC": ["International Committee of the Red Cross"],
}
# Stance targets that are actors although they never speak in the seeds (GUIDELINES.md, section 8).
TARGET_ACTORS = (
    "Armenia",
    "Azerbaijan",
    "Russia",
    "Council of Europe",
    "UN Alliance of Civilizations",
    "ICRC",
    "Bik Lum",
    "Ann Linde",
)
UNKNOWN_SPEAKER = "unknown"


def demo_data_dir() -> Path:
    return Path(settings.BASE_DIR) / "demo_data"


def password_for(username: str) -> str:
    return f"demo-{username}"


def actor_kind(name: str) -> str:
    if " and " in name:
        return "group"
    return ACTOR_KINDS.get(name, "person")


def category_of(gold_id: str) -> str:
    if gold_id in TOPIC_REPORTS:
        return "topic_report"
    if gold_id in EXPRESSIVE_ACTS:
        return "expressive"
    return "statement"


@dataclass
class DemoResult:
    users_created: list[str] = field(default_factory=list)
    articles_created: int = 0
    articles: int = 0
    assignments_created: int = 0
    actors_created: int = 0
    claims_created: int = 0
    stances_created: int = 0
    project: Project | None = None


def _users(result: DemoResult) -> dict[str, Any]:
    user_model = get_user_model()
    users = {}
    for username, role in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=username,
                password=password_for(username),
                is_staff=True,
                is_superuser=role is None,
            )
            result.users_created.append(username)
        users[username] = user
    return users


def _articles(result: DemoResult, data_dir: Path) -> dict[str, Article]:
    """{"seeds/<file>": article}; the article text is the whole file text, so gold offsets apply."""
    seeds = data_dir / "seeds"
    imported = import_articles(
        records=read_records(files_to_import([seeds], fmt="seed")), workers=1
    )
    result.articles_created = imported.created
    by_file: dict[str, Article] = {}
    for path in sorted(seeds.glob("*.txt")):
        text = read_text(path)
        article = Article.objects.filter(content_hash=content_hash(text)).first()
        if article is None or article.text != text:
            raise InvalidInput(
                _("Seed %(file)s was not stored with its whole text: check the seed importer.")
                % {"file": path}
            )
        by_file[f"seeds/{path.name}"] = article
    result.articles = len(by_file)
    return by_file


def _project(result: DemoResult, users: dict[str, Any], name: str, data_dir: Path) -> Project:
    admin = users["admin"]
    guidelines = (data_dir / "GUIDELINES.md").read_text(encoding="utf-8")
    project = Project.objects.filter(name=name).first()
    if project is None:
        project = create_project(
            name=name,
            user=admin,
            guidelines=guidelines,
            description=_("Five news articles with their gold attributions and stances."),
            annotators_per_article=2,
            via=VIA,
        )
    else:
        project = update_project(
            project_id=project.pk,
            user=admin,
            changes={"guidelines": guidelines, "annotators_per_article": 2},
            via=VIA,
        )
    for username, role in DEMO_USERS:
        if role is not None:
            set_membership(
                project_id=project.pk, user=admin, member_id=users[username].pk, role=role, via=VIA
            )
    result.project = project
    return project


def _actors(
    result: DemoResult, project: Project, user: Any, gold: list[dict[str, Any]]
) -> dict[str, Actor]:
    names = {row["speaker"] for row in gold if row["speaker"] != UNKNOWN_SPEAKER}
    names.update(TARGET_ACTORS)
    actors = {a.name: a for a in Actor.objects.filter(project=project)}
    for name in sorted(names - set(actors)):
        members = name.split(" and ") if " and " in name else []
        actors[name] = create_actor(
            project_id=project.pk,
            user=user,
            name=name,
            kind=actor_kind(name),
            aliases=ACTOR_ALIASES.get(name, []),
            description=_("Joint speakers: %(names)s.") % {"names": ", ".join(members)}
            if members
            else "",
            via=VIA,
        )
        result.actors_created += 1
    by_name = dict(actors)
    for actor in actors.values():
        for alias in actor.aliases:
            by_name.setdefault(alias, actor)
    return by_name


def _read_gold(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    _("%(file)s:%(line)s is not JSON: %(error)s")
                    % {"file": path, "line": number, "error": exc.msg}
                ) from exc
    return rows


def _gold_claims(
    result: DemoResult,
    *,
    assignment: Assignment,
    rows: list[dict[str, Any]],
    actors: dict[str, Actor],
    user: Any,
    where: Callable[[dict[str, Any]], str],
) -> None:
    created: dict[str, int] = {}
    for row in rows:
        speaker = row["speaker"]
        stances = [
            StanceData(polarity=s["polarity"], target_actor_id=actors[s["target"]].pk)
            if s["target"] in actors
            else StanceData(polarity=s["polarity"], target_topic=s["target"])
            for s in row["stances"]
        ]
        parent = row["nested_in"]
        if parent is not None and parent not in created:
            raise InvalidInput(
                _("%(where)s is nested in %(parent)s, which comes later or is missing.")
                % {"where": where(row), "parent": parent}
            )
        data = AttributionData(
            content=[(span["start"], span["end"]) for span in row["content"]],
            type=row["type"],
            source=(row["source"]["start"], row["source"]["end"]) if row["source"] else None,
            cue=(row["cue"]["start"], row["cue"]["end"]) if row["cue"] else None,
            speaker_id=None if speaker == UNKNOWN_SPEAKER else actors[speaker].pk,
            stances=stances,
            nested_in_id=created[parent] if parent is not None else None,
            category=category_of(row["id"]),
            note=_("Gold %(id)s.") % {"id": row["id"]},
            origin=Attribution.Origin.IMPORTED,
        )
        try:
            claim = create_attribution(assignment_id=assignment.pk, user=user, data=data, via=VIA)
        except InvalidInput as exc:
            raise InvalidInput(f"{where(row)}: {exc.message}", field=exc.field) from exc
        created[row["id"]] = claim.pk
        result.claims_created += 1
        result.stances_created += len(stances)


def load_demo(*, project_name: str = "demo", data_dir: Path | None = None) -> DemoResult:
    """Create (or complete) the demo; one transaction, so a failure leaves nothing half-written."""
    data_dir = data_dir or demo_data_dir()
    result = DemoResult()
    gold_path = data_dir / "seeds.gold.jsonl"
    gold = _read_gold(gold_path)
    line_of = {id(row): number for number, row in enumerate(gold, 1)}

    def where(row: dict[str, Any]) -> str:
        return f"{gold_path}:{line_of[id(row)]} ({row.get('id')})"

    with transaction.atomic():
        users = _users(result)
        articles = _articles(result, data_dir)
        project = _project(result, users, project_name, data_dir)
        manager, reviewer = users["manager"], users["reviewer"]
        add_articles(
            project_id=project.pk,
            user=manager,
            article_ids=[a.pk for a in articles.values()],
            via=VIA,
        )
        result.assignments_created = len(
            assign_articles(project_id=project.pk, user=manager, via=VIA)
        )
        actors = _actors(result, project, reviewer, gold)
        for file_name, article in articles.items():
            rows = [row for row in gold if row["file"] == file_name]
            assignment = get_or_create_gold_assignment(
                project_id=project.pk, article_id=article.pk, user=reviewer, via=VIA
            )
            if assignment.status == Assignment.Status.GOLD or assignment.attributions.exists():
                continue
            _gold_claims(
                result,
                assignment=assignment,
                rows=rows,
                actors=actors,
                user=reviewer,
                where=where,
            )
            change_assignment_status(
                assignment_id=assignment.pk,
                user=reviewer,
                to_status=Assignment.Status.GOLD,
                comment=_("Imported from seeds.gold.jsonl."),
                via=VIA,
            )
        unknown_files = {row["file"] for row in gold} - set(articles)
        if unknown_files:
            raise InvalidInput(
                _("%(file)s names seed files that do not exist: %(names)s.")
                % {"file": gold_path, "names": ", ".join(sorted(unknown_files))}
            )
    return result
