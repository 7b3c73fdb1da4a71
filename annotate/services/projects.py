"""Projects, members, vocabularies, actors. CONTRACT (implemented by the data-layer helper)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from annotate.access import access_project
from annotate.errors import Conflict, Forbidden, InvalidInput, NotFound
from annotate.history import build_snapshot, check_via, make_entry, record, record_many
from annotate.models import (
    Actor,
    Assignment,
    Attribution,
    Membership,
    Project,
    ProjectArticle,
    Stance,
    VocabularyTerm,
)
from corpus.models import Article

DEFAULT_VOCABULARY = {
    "polarity": ["favor", "against", "neutral"],
    "attribution_type": ["direct", "indirect", "mixed"],
    "actor_kind": ["person", "organisation", "country", "group"],
    "category": ["statement", "topic_report", "expressive"],
}

PROJECT_FIELDS = ("name", "description", "guidelines", "annotators_per_article", "is_blind")
ACTOR_FIELDS = ("name", "kind", "aliases", "description")


def _validation_message(exc: ValidationError) -> tuple[str, str | None]:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        return f"{name}: {errors[0]}", name
    return "; ".join(exc.messages), None


def _full_clean(obj: Any, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        message, name = _validation_message(exc)
        raise InvalidInput(message, field=name) from exc


def _project_state(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "description": project.description,
        "guidelines": project.guidelines,
        "guidelines_version": project.guidelines_version,
        "annotators_per_article": project.annotators_per_article,
        "is_blind": project.is_blind,
    }


def _actor_state(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.pk,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "description": actor.description,
    }


def _check_k(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            _(
                "annotators_per_article=%(value)r is not allowed: each article needs at least one "
                "annotator (k >= 1)."
            )
            % {"value": value},
            field="annotators_per_article",
        )
    return value


def create_project(
    *, name: str, user: Any, guidelines: str = "", description: str = "",
    annotators_per_article: int = 1, is_blind: bool = True, via: str = "system",
) -> Project:  # fmt: skip
    """Create a project with the default vocabulary; `user` becomes its manager.

    Needs a superuser or the `annotate.add_project` permission. A taken name is a Conflict.
    Records `project.created`.
    """
    check_via(via)
    if not getattr(user, "is_authenticated", False) or not (
        user.is_superuser or user.has_perm("annotate.add_project")
    ):
        raise Forbidden(_("Creating a project needs the permission to add projects."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A project needs a name."), field="name")
    project = Project(
        name=name,
        guidelines=guidelines,
        description=description,
        annotators_per_article=_check_k(annotators_per_article),
        is_blind=is_blind,
    )
    with transaction.atomic():
        _full_clean(project, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                project.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                _("A project named %(name)r already exists: pick another name.") % {"name": name},
                field="name",
            ) from exc
        VocabularyTerm.objects.bulk_create(
            [
                VocabularyTerm(project=project, kind=kind, value=value, position=position)
                for kind, values in DEFAULT_VOCABULARY.items()
                for position, value in enumerate(values)
            ]
        )
        Membership.objects.create(project=project, user=user, role=Membership.Role.MANAGER)
        record(
            action="project.created",
            user=user,
            via=via,
            project_id=project.pk,
            object_id=project.pk,
            after={
                **_project_state(project),
                "vocabulary": DEFAULT_VOCABULARY,
                "manager": user.get_username(),
            },
        )
    return project


def update_project(
    *, project_id: int, user: Any, changes: dict[str, Any], via: str = "system"
) -> Project:
    """Manager only. Bumps guidelines_version when the guidelines change.

    Keys: name, description, guidelines, annotators_per_article, is_blind. Records `project.updated`
    with the changed fields before and after.
    """
    check_via(via)
    unknown = sorted(set(changes) - set(PROJECT_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown project field(s) %(fields)s: a project update may change %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(PROJECT_FIELDS)},
            field=unknown[0],
        )
    with transaction.atomic():
        access_project(user, project_id, min_role=Membership.Role.MANAGER)
        project = Project.objects.select_for_update().get(pk=project_id)
        before = _project_state(project)
        changed = [name for name, value in changes.items() if getattr(project, name) != value]
        if not changed:
            return project
        if "annotators_per_article" in changed:
            _check_k(changes["annotators_per_article"])
        if "name" in changed:
            changes = {**changes, "name": str(changes["name"]).strip()}
            if not changes["name"]:
                raise InvalidInput(_("A project needs a name."), field="name")
        for name in changed:
            setattr(project, name, changes[name])
        update_fields = list(changed)
        if "guidelines" in changed:
            project.guidelines_version += 1
            update_fields.append("guidelines_version")
        _full_clean(project, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                project.save(update_fields=update_fields)
        except IntegrityError as exc:
            raise Conflict(
                _("A project named %(name)r already exists: pick another name.")
                % {"name": project.name},
                field="name",
            ) from exc
        after = _project_state(project)
        record(
            action="project.updated",
            user=user,
            via=via,
            project_id=project.pk,
            object_id=project.pk,
            before={k: before[k] for k in update_fields},
            after={k: after[k] for k in update_fields},
        )
    return project


def set_membership(
    *, project_id: int, user: Any, member_id: int, role: str, via: str = "system"
) -> Membership:
    """Manager only: give `member_id` the role (adding them to the project if needed).

    A manager cannot demote themselves when they are the last manager. Records
    `membership.set` with the role before and after.
    """
    check_via(via)
    if role not in Membership.Role.values:
        raise InvalidInput(
            _("Unknown role %(role)r: use one of %(values)s.")
            % {"role": role, "values": ", ".join(Membership.Role.values)},
            field="role",
        )
    with transaction.atomic():
        access_project(user, project_id, min_role=Membership.Role.MANAGER)
        member = get_user_model().objects.filter(pk=member_id).first()
        if member is None:
            raise InvalidInput(
                _("User %(id)s does not exist.") % {"id": member_id}, field="member_id"
            )
        membership = (
            Membership.objects.select_for_update()
            .filter(project_id=project_id, user_id=member_id)
            .first()
        )
        before = membership.role if membership is not None else None
        if before == role:
            return membership  # type: ignore[return-value]
        if before == Membership.Role.MANAGER and not _has_other_manager(project_id, member_id):
            raise InvalidInput(
                _("%(user)s is the last manager of the project: make someone else manager first.")
                % {"user": member.get_username()},
                field="role",
            )
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        project_id=project_id, user_id=member_id, role=role
                    )
            except IntegrityError as exc:
                raise Conflict(
                    _("The membership of %(user)s changed meanwhile: reload and try again.")
                    % {"user": member.get_username()}
                ) from exc
        else:
            membership.role = role
            membership.save(update_fields=["role"])
        record(
            action="membership.set",
            user=user,
            via=via,
            project_id=project_id,
            annotator_id=member_id,
            object_id=membership.pk,
            before={"user": member.get_username(), "role": before},
            after={"user": member.get_username(), "role": role},
        )
    return membership


def _has_other_manager(project_id: int, user_id: int) -> bool:
    return (
        Membership.objects.filter(project_id=project_id, role=Membership.Role.MANAGER)
        .exclude(user_id=user_id)
        .exists()
    )


def remove_membership(*, project_id: int, user: Any, member_id: int, via: str = "system") -> None:
    """Manager only: take a user out of the project (their assignments stay, read-only to them).
    Records `membership.removed`."""
    check_via(via)
    with transaction.atomic():
        access_project(user, project_id, min_role=Membership.Role.MANAGER)
        membership = (
            Membership.objects.select_for_update()
            .select_related("user")
            .filter(project_id=project_id, user_id=member_id)
            .first()
        )
        if membership is None:
            raise NotFound(
                _("User %(id)s is not a member of the project.") % {"id": member_id},
                field="member_id",
            )
        if membership.role == Membership.Role.MANAGER and not _has_other_manager(
            project_id, member_id
        ):
            raise InvalidInput(
                _("%(user)s is the last manager of the project: make someone else manager first.")
                % {"user": membership.user.get_username()}
            )
        membership_id = membership.pk
        Membership.objects.filter(pk=membership_id).delete()
        record(
            action="membership.removed",
            user=user,
            via=via,
            project_id=project_id,
            annotator_id=member_id,
            object_id=membership_id,
            before={"user": membership.user.get_username(), "role": membership.role},
        )


def add_articles(*, project_id: int, user: Any, article_ids: list[int], via: str = "system") -> int:
    """Add articles to the project; returns how many were new.

    Manager only; unknown article ids are refused (nothing added). Records `project.articles_added`
    with the new ids.
    """
    check_via(via)
    with transaction.atomic():
        access_project(user, project_id, min_role=Membership.Role.MANAGER)
        wanted = sorted(set(article_ids))
        found = set(Article.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise InvalidInput(
                _("Article(s) %(ids)s do not exist: import them first.")
                % {"ids": ", ".join(map(str, missing))},
                field="article_ids",
            )
        present = set(
            ProjectArticle.objects.filter(project_id=project_id, article_id__in=wanted).values_list(
                "article_id", flat=True
            )
        )
        new = [pk for pk in wanted if pk not in present]
        if not new:
            return 0
        try:
            with transaction.atomic():
                ProjectArticle.objects.bulk_create(
                    [ProjectArticle(project_id=project_id, article_id=pk) for pk in new]
                )
        except IntegrityError as exc:
            raise Conflict(_("The project's articles changed meanwhile: try again.")) from exc
        record(
            action="project.articles_added",
            user=user,
            via=via,
            project_id=project_id,
            object_id=project_id,
            after={"article_ids": new},
        )
    return len(new)


def set_vocabulary_term(
    *, project_id: int, user: Any, kind: str, value: str, label: str = "",
    is_active: bool = True, via: str = "system", position: int | None = None,
) -> VocabularyTerm:  # fmt: skip
    """Manager only; bumps vocabulary_version.

    Adds the term or changes its label / activity. Existing labels keep a deactivated value (the
    value is refused only for new labels). Records `vocabulary.set`.
    """
    check_via(via)
    if kind not in VocabularyTerm.Kind.values:
        raise InvalidInput(
            _("Unknown vocabulary %(kind)r: use one of %(values)s.")
            % {"kind": kind, "values": ", ".join(VocabularyTerm.Kind.values)},
            field="kind",
        )
    value = (value or "").strip()
    if not value or slugify(value, allow_unicode=True) != value:
        raise InvalidInput(
            _(
                "Vocabulary value %(value)r must be a lowercase slug (letters, digits, - and _), "
                "e.g. %(example)r."
            )
            % {"value": value, "example": slugify(value, allow_unicode=True) or "favor"},
            field="value",
        )
    with transaction.atomic():
        access_project(user, project_id, min_role=Membership.Role.MANAGER)
        term = (
            VocabularyTerm.objects.select_for_update()
            .filter(project_id=project_id, kind=kind, value=value)
            .first()
        )
        before = (
            {"label": term.label, "is_active": term.is_active, "position": term.position}
            if term
            else None
        )
        if term is None:
            if position is None:
                position = VocabularyTerm.objects.filter(project_id=project_id, kind=kind).count()
            term = VocabularyTerm(
                project_id=project_id,
                kind=kind,
                value=value,
                label=label,
                is_active=is_active,
                position=position,
            )
            _full_clean(term, validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    term.save(force_insert=True)
            except IntegrityError as exc:
                raise Conflict(
                    _("The term %(value)r was added meanwhile: reload.") % {"value": value}
                ) from exc
        else:
            term.label = label
            term.is_active = is_active
            if position is not None:
                term.position = position
            if before == {"label": label, "is_active": is_active, "position": term.position}:
                return term
            _full_clean(term, validate_unique=False, validate_constraints=False)
            term.save(update_fields=["label", "is_active", "position"])
        Project.objects.filter(pk=project_id).update(vocabulary_version=F("vocabulary_version") + 1)
        record(
            action="vocabulary.set",
            user=user,
            via=via,
            project_id=project_id,
            object_id=term.pk,
            before={"kind": kind, "value": value, **before} if before else None,
            after={
                "kind": kind,
                "value": value,
                "label": term.label,
                "is_active": term.is_active,
                "position": term.position,
            },
        )
    return term


def _clean_aliases(aliases: Any, name: str) -> list[str]:
    if aliases is None:
        return []
    if isinstance(aliases, str) or not isinstance(aliases, (list, tuple)):
        raise InvalidInput(_("Aliases must be a list of names."), field="aliases")
    result: list[str] = []
    for alias in aliases:
        if not isinstance(alias, str):
            raise InvalidInput(
                _("Alias %(value)r is not a name.") % {"value": alias}, field="aliases"
            )
        alias = " ".join(alias.split())
        if alias and alias != name and alias not in result:
            result.append(alias)
    return result


def _check_actor_kind(project_id: int, kind: str) -> str:
    kind = (kind or "").strip()
    if (
        kind
        and not VocabularyTerm.objects.filter(
            project_id=project_id, kind=VocabularyTerm.Kind.ACTOR_KIND, value=kind, is_active=True
        ).exists()
    ):
        known = ", ".join(
            VocabularyTerm.objects.filter(
                project_id=project_id, kind=VocabularyTerm.Kind.ACTOR_KIND, is_active=True
            ).values_list("value", flat=True)
        )
        raise InvalidInput(
            _(
                "%(kind)r is not an actor kind of the project (%(known)s): pick one of them or "
                "ask a manager to add it."
            )
            % {"kind": kind, "known": known or _("none defined")},
            field="kind",
        )
    return kind


def create_actor(
    *, project_id: int, user: Any, name: str, kind: str = "", aliases: list[str] | None = None,
    description: str = "", via: str = "system",
) -> Actor:  # fmt: skip
    """Any project member may create an actor (annotators create them in place).

    The name is trimmed and unique in the project (Conflict otherwise); kind from the actor-kind
    vocabulary. Records `actor.created`.
    """
    check_via(via)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("An actor needs a name."), field="name")
    with transaction.atomic():
        project = access_project(user, project_id)
        actor = Actor(
            project_id=project_id,
            name=name,
            kind=_check_actor_kind(project_id, kind),
            aliases=_clean_aliases(aliases, name),
            description=description or "",
        )
        _full_clean(actor, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                actor.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                _(
                    "An actor named %(name)r already exists in project '%(project)s': use it or "
                    "pick another name."
                )
                % {"name": name, "project": project.name},
                field="name",
            ) from exc
        record(
            action="actor.created",
            user=user,
            via=via,
            project_id=project_id,
            object_id=actor.pk,
            after=_actor_state(actor),
        )
    return actor


def update_actor(
    *, actor_id: int, user: Any, changes: dict[str, Any], via: str = "system"
) -> Actor:
    """Reviewer or manager (a rename shows in every annotator's claims). Keys: name, kind, aliases,
    description. Records `actor.updated`."""
    check_via(via)
    unknown = sorted(set(changes) - set(ACTOR_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown actor field(s) %(fields)s: an actor update may change %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(ACTOR_FIELDS)},
            field=unknown[0],
        )
    with transaction.atomic():
        actor = _access_actor(user, actor_id, min_role=Membership.Role.REVIEWER, lock=True)
        before = _actor_state(actor)
        if "name" in changes:
            actor.name = " ".join(str(changes["name"] or "").split())
            if not actor.name:
                raise InvalidInput(_("An actor needs a name."), field="name")
        if "kind" in changes and changes["kind"] != actor.kind:
            actor.kind = _check_actor_kind(actor.project_id, changes["kind"])
        if "aliases" in changes:
            actor.aliases = _clean_aliases(changes["aliases"], actor.name)
        if "description" in changes:
            actor.description = changes["description"] or ""
        after = _actor_state(actor)
        changed = [k for k in ACTOR_FIELDS if before[k] != after[k]]
        if not changed:
            return actor
        _full_clean(actor, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                actor.save(update_fields=changed)
        except IntegrityError as exc:
            raise Conflict(
                _("An actor named %(name)r already exists in the project: merge the two instead.")
                % {"name": actor.name},
                field="name",
            ) from exc
        record(
            action="actor.updated",
            user=user,
            via=via,
            project_id=actor.project_id,
            object_id=actor.pk,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return actor


def _access_actor(user: Any, actor_id: int, *, min_role: str, lock: bool = False) -> Actor:
    queryset = Actor.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    actor = queryset.filter(pk=actor_id).first()
    if actor is None:
        raise NotFound(_("Actor %(id)s does not exist.") % {"id": actor_id})
    try:
        access_project(user, actor.project_id, min_role=min_role)
    except NotFound:
        raise NotFound(_("Actor %(id)s does not exist.") % {"id": actor_id}) from None
    return actor


def merge_actors(*, source_id: int, target_id: int, user: Any, via: str = "system") -> Actor:
    """Reviewer/manager: move every claim and stance of `source` to `target`, add source's name and
    aliases to target's aliases, delete source; one history entry per moved claim.

    Both actors must belong to one project. A claim with stances toward both actors keeps one stance
    when the polarities agree and is refused (InvalidInput naming the claim) when they differ. Each
    moved claim gets a new version (so an edit based on the old speaker is a Conflict) and an
    `attribution.updated` entry; the merge itself is `actor.merged`.
    """
    check_via(via)
    if source_id == target_id:
        raise InvalidInput(_("An actor cannot be merged into itself."), field="target_id")
    with transaction.atomic():
        source = _access_actor(user, source_id, min_role=Membership.Role.REVIEWER, lock=True)
        target = _access_actor(user, target_id, min_role=Membership.Role.REVIEWER, lock=True)
        if source.project_id != target.project_id:
            raise InvalidInput(
                _("Actors %(source)s and %(target)s belong to different projects.")
                % {"source": source_id, "target": target_id},
                field="target_id",
            )
        claims = list(
            Attribution.objects.select_related("speaker", "created_by", "updated_by", "assignment")
            .prefetch_related(
                "spans",
                Prefetch(
                    "stances", queryset=Stance.objects.select_related("target_actor").order_by("id")
                ),
            )
            .filter(Q(speaker_id=source_id) | Q(stances__target_actor_id=source_id))
            .distinct()
            .order_by("id")
        )
        # Lock the assignments so a status change cannot slip between the check and the move.
        list(
            Assignment.objects.select_for_update()
            .filter(pk__in={c.assignment_id for c in claims})
            .values_list("pk", flat=True)
        )
        duplicate_stances: list[int] = []
        for claim in claims:
            stances = list(claim.stances.all())
            to_source = [s for s in stances if s.target_actor_id == source_id]
            to_target = [s for s in stances if s.target_actor_id == target_id]
            if to_source and to_target:
                if to_source[0].polarity != to_target[0].polarity:
                    raise InvalidInput(
                        _(
                            "Claim %(claim)s has stances toward both %(source)r (%(p1)s) and "
                            "%(target)r (%(p2)s): give it one stance before merging."
                        )
                        % {
                            "claim": claim.pk,
                            "p1": to_source[0].polarity,
                            "source": source.name,
                            "p2": to_target[0].polarity,
                            "target": target.name,
                        }
                    )
                duplicate_stances.append(to_source[0].pk)
        befores = {c.pk: build_snapshot(c, c.spans.all(), c.stances.all()) for c in claims}
        now = timezone.now()
        if duplicate_stances:
            Stance.objects.filter(pk__in=duplicate_stances).delete()
        Stance.objects.filter(target_actor_id=source_id).update(target_actor_id=target_id)
        Attribution.objects.filter(speaker_id=source_id).update(speaker_id=target_id)
        Attribution.objects.filter(pk__in=[c.pk for c in claims]).update(
            version=F("version") + 1, updated_by=user, updated_at=now
        )
        aliases = _clean_aliases([*target.aliases, source.name, *source.aliases], target.name)
        target_before = _actor_state(target)
        target.aliases = aliases
        target.save(update_fields=["aliases"])

        entries = []
        for claim in claims:
            stances = []
            for stance in claim.stances.all():
                if stance.pk in duplicate_stances:
                    continue
                if stance.target_actor_id == source_id:
                    stance.target_actor = target
                stances.append(stance)
            if claim.speaker_id == source_id:
                claim.speaker = target
            claim.version += 1
            claim.updated_by = user
            claim.updated_at = now
            entries.append(
                make_entry(
                    action="attribution.updated",
                    user=user,
                    via=via,
                    project_id=claim.assignment.project_id,
                    article_id=claim.assignment.article_id,
                    assignment_id=claim.assignment_id,
                    annotator_id=claim.assignment.annotator_id,
                    attribution_id=claim.pk,
                    before=befores[claim.pk],
                    after=build_snapshot(claim, claim.spans.all(), stances),
                )
            )
        source_state = _actor_state(source)
        Actor.objects.filter(pk=source_id).delete()
        entries.append(
            make_entry(
                action="actor.merged",
                user=user,
                via=via,
                project_id=target.project_id,
                object_id=target.pk,
                before={"source": source_state, "target": target_before},
                after={"target": _actor_state(target), "moved_claims": [c.pk for c in claims]},
            )
        )
        record_many(entries)
    return target


def delete_actor(*, actor_id: int, user: Any, via: str = "system") -> None:
    """Reviewer or manager: delete an actor no claim or stance uses (merge it into another actor
    otherwise). Records `actor.deleted`."""
    check_via(via)
    with transaction.atomic():
        actor = _access_actor(user, actor_id, min_role=Membership.Role.REVIEWER, lock=True)
        claims = Attribution.objects.filter(
            Q(speaker_id=actor_id) | Q(stances__target_actor_id=actor_id)
        ).distinct()
        used = claims.count()
        if used:
            raise InvalidInput(
                _(
                    "Actor %(name)r is used by %(count)s claim(s): merge it into another actor "
                    "instead of deleting it."
                )
                % {"name": actor.name, "count": used}
            )
        state = _actor_state(actor)
        Actor.objects.filter(pk=actor_id).delete()
        record(
            action="actor.deleted",
            user=user,
            via=via,
            project_id=actor.project_id,
            object_id=actor_id,
            before=state,
        )
