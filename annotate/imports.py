"""Import a native JSONL export (annotate.exports.jsonl) into a project, through the services.

Articles are matched by content hash (created with their stored blocks and sentences when
missing, so offsets stay exactly as exported), users by username (created inactive, without a
usable password, when missing), actors by name (created with `create_actor`). Assignments and
claims are created with `create_assignment` and `create_attribution` (via="cli"), so every label
passes the same validation and lands in the history. What the services set to "now" or to the
importing user (status, review, timestamps, authors) is then restored from the file in the same
transaction, recorded as `assignment.imported`. The whole file is one transaction: a bad line
stores nothing and is reported as `file:line: reason`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date, parse_datetime

from annotate import history
from annotate.errors import DomainError
from annotate.exports.manifest import read_manifest_line
from annotate.models import Actor, Assignment, Attribution, Membership, Project, VocabularyTerm
from annotate.services.assignments import create_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import (
    add_articles,
    create_actor,
    create_project,
    set_membership,
    set_vocabulary_term,
)
from corpus.models import Article, Block, Sentence

User = get_user_model()


class LineError(Exception):
    """A problem with one line of the file; the caller adds file and line number."""


class NativeImportError(Exception):
    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


@dataclass
class ImportResult:
    project: Project
    project_created: bool = False
    articles: int = 0
    articles_created: int = 0
    assignments: int = 0
    attributions: int = 0
    users_created: int = 0


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise LineError(f"{where} has no {key!r}.")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise LineError(f"{where}: {key!r} must be {names}, not {type(value).__name__}.")
    return value


def _span(value: Any, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise LineError(f"{where} must be [start, end] with two integers, not {value!r}.")
    return value[0], value[1]


def _moment(value: Any, where: str) -> dt.datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise LineError(f"{where} {value!r} is not an ISO 8601 date-time with a UTC offset.")
    return moment


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except UnicodeDecodeError as error:
        raise NativeImportError(path, 0, f"not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise NativeImportError(path, 0, f"cannot read the file ({error.strerror})") from error


class _Importer:
    def __init__(self, *, project: Project, user: Any, via: str, result: ImportResult) -> None:
        self.project = project
        self.user = user
        self.via = via
        self.result = result
        self.users: dict[str, Any] = {}
        self.deactivate: set[int] = set()
        self.inactive_terms: list[tuple[str, str, str]] = []
        self.actors: dict[str, Actor] = {
            actor.name: actor for actor in Actor.objects.filter(project=project)
        }
        self.in_project = set(project.articles.values_list("pk", flat=True))

    # -- vocabulary

    def vocabulary(self, manifest: dict[str, Any]) -> None:
        """Add or update the manifest's terms. Terms the manifest marks inactive stay active
        until the claims are in (the services accept only active values) and are switched off
        in `finish`."""
        terms = manifest.get("vocabulary")
        if not isinstance(terms, dict):
            return
        current = {
            (kind, value): (label, active)
            for kind, value, label, active in VocabularyTerm.objects.filter(
                project=self.project
            ).values_list("kind", "value", "label", "is_active")
        }
        for kind, values in terms.items():
            for term in values if isinstance(values, list) else []:
                value = _get(term, "value", str, f"Vocabulary term of {kind!r}")
                label = term.get("label", "") or ""
                if not term.get("is_active", True):
                    self.inactive_terms.append((kind, value, label))
                if current.get((kind, value)) != (label, True):
                    set_vocabulary_term(
                        project_id=self.project.pk, user=self.user, kind=kind, value=value,
                        label=label, is_active=True, via=self.via,
                    )  # fmt: skip

    # -- users and actors

    def member(self, username: str, *, is_gold: bool) -> Any:
        user = self.account(username)
        role = (
            Membership.objects.filter(project=self.project, user=user)
            .values_list("role", flat=True)
            .first()
        )
        needed = Membership.Role.REVIEWER if is_gold else Membership.Role.ANNOTATOR
        if role is None or (is_gold and role == Membership.Role.ANNOTATOR):
            set_membership(
                project_id=self.project.pk, user=self.user, member_id=user.pk, role=needed,
                via=self.via,
            )  # fmt: skip
        return user

    def account(self, username: Any) -> Any:
        if not isinstance(username, str) or not username.strip():
            raise LineError(f"User name {username!r} is not a name.")
        if username in self.users:
            return self.users[username]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_active=True)
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.full_clean(validate_unique=False)
                    user.save()
            except Exception as error:  # ValidationError, IntegrityError
                raise LineError(f"Cannot create user {username!r}: {error}") from error
            self.deactivate.add(user.pk)
            self.result.users_created += 1
        elif not user.is_active:
            # create_assignment takes only active members; the account is switched off again
            # before the transaction commits, so nobody sees it active.
            User.objects.filter(pk=user.pk).update(is_active=True)
            user.is_active = True
            self.deactivate.add(user.pk)
        self.users[username] = user
        return user

    def actor(self, value: Any, where: str) -> Actor | None:
        if value is None:
            return None
        name = _get(value, "name", str, where)
        if name in self.actors:
            return self.actors[name]
        aliases = value.get("aliases") or []
        actor = create_actor(
            project_id=self.project.pk, user=self.user, name=name, kind=value.get("kind") or "",
            aliases=aliases, description=value.get("description") or "", via=self.via,
        )  # fmt: skip
        self.actors[actor.name] = actor
        self.actors[name] = actor
        return actor

    # -- articles

    def article(self, line: dict[str, Any]) -> Article:
        text = _get(line, "text", str, "The line")
        digest = _get(line, "content_hash", str, "The line")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            raise LineError(f"content_hash {digest[:12]}... does not match the text.")
        article = Article.objects.filter(content_hash=digest).first()
        if article is None:
            article = self._create_article(line, text, digest)
            self.result.articles_created += 1
        if article.pk not in self.in_project:
            add_articles(
                project_id=self.project.pk, user=self.user, article_ids=[article.pk], via=self.via
            )
            self.in_project.add(article.pk)
        return article

    def _create_article(self, line: dict[str, Any], text: str, digest: str) -> Article:
        published_date = line.get("published_date")
        article = Article(
            text=text,
            content_hash=digest,
            title=line.get("title") or "",
            external_id=line.get("external_id") or "",
            publisher=line.get("publisher") or "",
            author=line.get("author") or "",
            url=line.get("url") or "",
            language=line.get("language") or "en",
            metadata=line.get("metadata") or {},
            published_date=parse_date(published_date) if published_date else None,
            published_at=_moment(line.get("published_at"), "published_at"),
            published_offset_minutes=line.get("published_offset_minutes"),
        )
        blocks = []
        for number, block in enumerate(_get(line, "blocks", list, "The line"), start=1):
            if not isinstance(block, list) or len(block) != 3:
                raise LineError(f"Block {number} must be [kind, start, end], not {block!r}.")
            start, end = _span(block[1:], f"Block {number}")
            if block[0] not in Block.Kind.values or not 0 <= start < end <= len(text):
                raise LineError(f"Block {number} {block!r} is not a block of this text.")
            blocks.append(Block(kind=block[0], start=start, end=end))
        sentences = []
        for number, value in enumerate(_get(line, "sentences", list, "The line"), start=1):
            start, end = _span(value, f"Sentence {number}")
            owner = next((b for b in blocks if b.start <= start and end <= b.end), None)
            if owner is None or start >= end:
                raise LineError(f"Sentence {number} {value!r} lies in no block.")
            sentences.append((owner, start, end))
        try:
            with transaction.atomic():
                article.full_clean(exclude=["content_hash"])
                article.save()
                for block in blocks:
                    block.article = article
                Block.objects.bulk_create(blocks)
                Sentence.objects.bulk_create(
                    [
                        Sentence(article=article, block=owner, start=start, end=end)
                        for owner, start, end in sentences
                    ]
                )
        except IntegrityError as error:
            raise LineError(f"Cannot store the article: {error}") from error
        except Exception as error:
            if hasattr(error, "message_dict"):
                raise LineError(f"Invalid article: {error.message_dict}") from error
            raise
        return article

    # -- labels

    def assignment(self, article: Article, value: dict[str, Any], number: int) -> None:
        where = f"Assignment {number}"
        annotator = self.member(
            _get(value, "annotator", str, where),
            is_gold=_get(value, "is_gold", bool, where),
        )
        status = _get(value, "status", str, where)
        if status not in Assignment.Status.values:
            raise LineError(f"{where}: unknown status {status!r}.")
        assignment = create_assignment(
            project_id=self.project.pk, article_id=article.pk, annotator_id=annotator.pk,
            user=self.user, is_gold=value["is_gold"], via=self.via,
        )  # fmt: skip
        claims = _get(value, "attributions", list, where)
        created: dict[int, int] = {}
        pending = {}
        for index, claim in enumerate(claims, start=1):
            local = _get(claim, "id", int, f"{where}, claim {index}")
            if local in pending:
                raise LineError(f"{where}: claim id {local} is used twice.")
            pending[local] = claim
        # Outer claims first: a claim can only nest in one that exists.
        while pending:
            ready = [
                local
                for local, claim in pending.items()
                if claim.get("nested_in") is None or claim["nested_in"] in created
            ]
            if not ready:
                missing = sorted(pending)
                raise LineError(
                    f"{where}: claims {missing} nest in claims that are missing or in a cycle."
                )
            for local in ready:
                created[local] = self.attribution(assignment, pending.pop(local), created, where)
        reviewed_by = value.get("reviewed_by")
        restored = {
            "status": status,
            "review_comment": value.get("review_comment") or "",
            "reviewed_by": self.account(reviewed_by) if reviewed_by else None,
            "reviewed_at": _moment(value.get("reviewed_at"), f"{where}: reviewed_at"),
            "submitted_at": _moment(value.get("submitted_at"), f"{where}: submitted_at"),
        }
        timestamps = {
            key: _moment(value.get(key), f"{where}: {key}") for key in ("created_at", "updated_at")
        }
        Assignment.objects.filter(pk=assignment.pk).update(
            **restored, **{k: v for k, v in timestamps.items() if v is not None}
        )
        history.record(
            action="assignment.imported",
            user=self.user,
            via=self.via,
            project_id=self.project.pk,
            article_id=article.pk,
            assignment_id=assignment.pk,
            annotator_id=annotator.pk,
            after={
                **{k: v for k, v in restored.items() if k != "reviewed_by"},
                "reviewed_by": reviewed_by,
                "reviewed_at": value.get("reviewed_at"),
                "submitted_at": value.get("submitted_at"),
                "attributions": len(created),
            },
        )
        self.result.assignments += 1
        self.result.attributions += len(created)

    def attribution(
        self,
        assignment: Assignment,
        claim: dict[str, Any],
        created: dict[int, int],
        where: str,
    ) -> int:
        where = f"{where}, claim {claim['id']}"
        content = [_span(v, f"{where}: content span") for v in _get(claim, "content", list, where)]
        stances = []
        for stance in claim.get("stances") or []:
            target = self.actor(stance.get("target_actor"), f"{where}: stance target")
            stances.append(
                StanceData(
                    polarity=_get(stance, "polarity", str, f"{where}: stance"),
                    target_actor_id=target.pk if target else None,
                    target_topic=stance.get("target_topic") or "",
                )
            )
        speaker = self.actor(claim.get("speaker"), f"{where}: speaker")
        confidence = claim.get("confidence")
        if confidence is not None and not isinstance(confidence, (int, float)):
            raise LineError(f"{where}: confidence must be a number or null.")
        data = AttributionData(
            content=content,
            type=_get(claim, "type", str, where),
            source=_span(claim["source"], f"{where}: source") if claim.get("source") else None,
            cue=_span(claim["cue"], f"{where}: cue") if claim.get("cue") else None,
            speaker_id=speaker.pk if speaker else None,
            stances=stances,
            nested_in_id=created[claim["nested_in"]]
            if claim.get("nested_in") is not None
            else None,
            category=claim.get("category") or "",
            note=claim.get("note") or "",
            confidence=confidence,
            origin=claim.get("origin") or Attribution.Origin.IMPORTED,
        )
        attribution = create_attribution(
            assignment_id=assignment.pk, user=self.user, data=data, via=self.via
        )
        restore: dict[str, Any] = {}
        for key in ("created_by", "updated_by"):
            if claim.get(key):
                restore[key] = self.account(claim[key])
        for key in ("created_at", "updated_at"):
            moment = _moment(claim.get(key), f"{where}: {key}")
            if moment is not None:
                restore[key] = moment
        if restore:
            Attribution.objects.filter(pk=attribution.pk).update(**restore)
        return attribution.pk

    def finish(self) -> None:
        for kind, value, label in self.inactive_terms:
            set_vocabulary_term(
                project_id=self.project.pk, user=self.user, kind=kind, value=value, label=label,
                is_active=False, via=self.via,
            )  # fmt: skip
        if self.deactivate:
            User.objects.filter(pk__in=self.deactivate).update(is_active=False)


def find_or_create_project(value: str, *, user: Any, via: str) -> tuple[Project, bool]:
    project = None
    if value.isdigit():
        project = Project.objects.filter(pk=int(value)).first()
    if project is None:
        project = Project.objects.filter(name=value).first()
    if project is not None:
        return project, False
    return create_project(name=value, user=user, via=via), True


def import_native(path: Path, *, project: str, user: Any, via: str = "cli") -> ImportResult:
    """Import the native JSONL file at `path` into the project named (or numbered) `project`,
    creating it when missing. Raises NativeImportError (file, line, reason); stores nothing then."""
    with transaction.atomic():
        try:
            target, created = find_or_create_project(project, user=user, via=via)
        except DomainError as error:
            raise NativeImportError(path, 0, error.message) from error
        result = ImportResult(project=target, project_created=created)
        importer = _Importer(project=target, user=user, via=via, result=result)
        number = 0
        for number, raw in _lines(path):
            try:
                if number == 1 and (manifest := read_manifest_line(raw)) is not None:
                    importer.vocabulary(manifest)
                    continue
                try:
                    line = json.loads(raw)
                except json.JSONDecodeError as error:
                    raise LineError(f"not JSON ({error.msg} at column {error.colno})") from error
                if not isinstance(line, dict):
                    raise LineError("a line must be a JSON object (one article).")
                article = importer.article(line)
                for index, assignment in enumerate(
                    _get(line, "assignments", list, "The line"), start=1
                ):
                    importer.assignment(article, assignment, index)
                result.articles += 1
            except LineError as error:
                raise NativeImportError(path, number, str(error)) from error
            except DomainError as error:
                raise NativeImportError(path, number, error.message) from error
        if number == 0:
            raise NativeImportError(path, 0, "the file is empty")
        importer.finish()
    return result
