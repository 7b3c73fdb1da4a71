"""Assignments and their status workflow. CONTRACT (implemented by the data-layer helper).

Statuses: in_progress -> submitted -> accepted | rejected (comment required); rejected -> submitted
(resubmit after fixing; a rejected assignment is writable by its annotator again); accepted -> gold;
accepted/rejected -> submitted (reviewer reopens the review). A gold assignment (is_gold=True,
owned by
the adjudicating reviewer) goes in_progress -> gold and gold -> in_progress (reopen). A submitted,
accepted or gold assignment is read-only to its annotator; reviewers and managers may still correct
claims.

An annotator's assignment promoted to gold (accepted -> gold) can be demoted again (gold ->
accepted).
Who may move: the owning annotator submits (in_progress/rejected -> submitted); reviewers and
managers
make every other move, and may also submit on an annotator's behalf.
"""

from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from annotate.access import access_assignment, access_project, has_role, project_role
from annotate.errors import Conflict, Forbidden, InvalidInput
from annotate.history import check_via, make_entry, record, record_many
from annotate.models import Assignment, Membership, ProjectArticle

S = Assignment.Status

# (is_gold, from) -> allowed targets
TRANSITIONS: dict[tuple[bool, str], tuple[str, ...]] = {
    (False, S.IN_PROGRESS): (S.SUBMITTED,),
    (False, S.SUBMITTED): (S.ACCEPTED, S.REJECTED),
    (False, S.REJECTED): (S.SUBMITTED,),
    (False, S.ACCEPTED): (S.GOLD, S.SUBMITTED),
    (False, S.GOLD): (S.ACCEPTED,),
    (True, S.IN_PROGRESS): (S.GOLD,),
    (True, S.GOLD): (S.IN_PROGRESS,),
}


def allowed_transitions(assignment: Assignment) -> tuple[str, ...]:
    return TRANSITIONS.get((assignment.is_gold, assignment.status), ())


def _assignment_entry(
    assignment: Assignment, *, action: str, user: Any, via: str, before: Any, after: Any
) -> Any:
    return make_entry(
        action=action,
        user=user,
        via=via,
        project_id=assignment.project_id,
        article_id=assignment.article_id,
        assignment_id=assignment.pk,
        annotator_id=assignment.annotator_id,
        object_id=assignment.pk,
        before=before,
        after=after,
    )


def _state(assignment: Assignment) -> dict[str, Any]:
    return {
        "status": assignment.status,
        "version": assignment.version,
        "review_comment": assignment.review_comment,
        "reviewed_by": assignment.reviewed_by_id,
        "is_gold": assignment.is_gold,
        "annotator": assignment.annotator_id,
    }


def create_assignment(
    *, project_id: int, article_id: int, annotator_id: int, user: Any,
    is_gold: bool = False, via: str = "system",
) -> Assignment:  # fmt: skip
    """Manager (or, for is_gold, reviewer) gives an article of the project to an annotator member.

    The article must be in the project; the annotator must be a member (for a gold assignment, a
    reviewer or manager). An existing assignment of the same kind is a Conflict. Records
    `assignment.created`.
    """
    check_via(via)
    with transaction.atomic():
        project = access_project(
            user,
            project_id,
            min_role=Membership.Role.REVIEWER if is_gold else Membership.Role.MANAGER,
        )
        if not ProjectArticle.objects.filter(project_id=project_id, article_id=article_id).exists():
            raise InvalidInput(
                _(
                    "Article %(article)s is not in project '%(project)s': add it to the project "
                    "first."
                )
                % {"article": article_id, "project": project.name},
                field="article_id",
            )
        annotator = get_user_model().objects.filter(pk=annotator_id).first()
        if annotator is None:
            raise InvalidInput(
                _("User %(user)s does not exist.") % {"user": annotator_id}, field="annotator_id"
            )
        role = project_role(annotator, project_id)
        needed = Membership.Role.REVIEWER if is_gold else Membership.Role.ANNOTATOR
        if not has_role(role, needed):
            raise InvalidInput(
                _(
                    "User %(user)s is not %(role)s of project '%(project)s': a %(kind)s assignment "
                    "goes to a member with that role."
                )
                % {
                    "user": annotator.get_username(),
                    "role": _("a reviewer or manager") if is_gold else _("a member"),
                    "project": project.name,
                    "kind": _("gold") if is_gold else _("regular"),
                },
                field="annotator_id",
            )
        assignment = Assignment(
            project_id=project_id,
            article_id=article_id,
            annotator_id=annotator_id,
            is_gold=is_gold,
        )
        try:
            with transaction.atomic():
                assignment.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                _(
                    "Article %(article)s already has %(what)s in project '%(project)s': use the "
                    "existing assignment."
                )
                % {
                    "article": article_id,
                    "what": _("a gold assignment")
                    if is_gold
                    else _("an assignment for user %(user)s") % {"user": annotator_id},
                    "project": project.name,
                }
            ) from exc
        record_many(
            [
                _assignment_entry(
                    assignment,
                    action="assignment.created",
                    user=user,
                    via=via,
                    before=None,
                    after=_state(assignment),
                )
            ]
        )
    return assignment


def assign_articles(
    *, project_id: int, user: Any, article_ids: list[int] | None = None, via: str = "system"
) -> list[Assignment]:
    """Give each article (default: every project article) to k = project.annotators_per_article
    annotator members, balancing load; skips assignments that already exist. Manager only.

    Refused (nothing written) when the project has fewer annotator members than k or an article is
    not in the project. Records one `assignment.created` per new assignment.
    """
    check_via(via)
    with transaction.atomic():
        project = access_project(user, project_id, min_role=Membership.Role.MANAGER)
        project_articles = set(
            ProjectArticle.objects.filter(project_id=project_id).values_list(
                "article_id", flat=True
            )
        )
        if article_ids is None:
            targets = sorted(project_articles)
        else:
            missing = sorted(set(article_ids) - project_articles)
            if missing:
                raise InvalidInput(
                    _(
                        "Article(s) %(ids)s are not in project '%(project)s': add them to the "
                        "project first."
                    )
                    % {"ids": ", ".join(map(str, missing)), "project": project.name},
                    field="article_ids",
                )
            targets = sorted(set(article_ids))
        annotators = list(
            Membership.objects.filter(project_id=project_id, role=Membership.Role.ANNOTATOR)
            .order_by("user__username")
            .values_list("user_id", flat=True)
        )
        k = project.annotators_per_article
        if len(annotators) < k:
            raise InvalidInput(
                _(
                    "Project '%(project)s' gives each article to %(k)s annotators but has "
                    "%(n)s annotator member(s): add annotators or lower k."
                )
                % {"project": project.name, "k": k, "n": len(annotators)}
            )
        existing: dict[int, set[int]] = {}
        load: Counter[int] = Counter({annotator: 0 for annotator in annotators})
        for article_id, annotator_id in Assignment.objects.filter(
            project_id=project_id, is_gold=False
        ).values_list("article_id", "annotator_id"):
            existing.setdefault(article_id, set()).add(annotator_id)
            if annotator_id in load:
                load[annotator_id] += 1
        new: list[Assignment] = []
        for article_id in targets:
            have = existing.get(article_id, set())
            needed = k - len(have)
            candidates = sorted(
                (a for a in annotators if a not in have),
                key=lambda a: (load[a], annotators.index(a)),
            )
            for annotator_id in candidates[: max(needed, 0)]:
                load[annotator_id] += 1
                new.append(
                    Assignment(
                        project_id=project_id, article_id=article_id, annotator_id=annotator_id
                    )
                )
        if not new:
            return []
        try:
            with transaction.atomic():
                created = Assignment.objects.bulk_create(new)
        except IntegrityError as exc:
            raise Conflict(
                _("Assignments changed meanwhile in project '%(project)s': run it again.")
                % {"project": project.name}
            ) from exc
        record_many(
            [
                _assignment_entry(
                    a, action="assignment.created", user=user, via=via, before=None, after=_state(a)
                )
                for a in created
            ]
        )
    return created


def change_assignment_status(
    *, assignment_id: int, user: Any, to_status: str, comment: str = "",
    expected_version: int | None = None, via: str = "system",
) -> Assignment:  # fmt: skip
    """Move an assignment along an allowed transition (see module docstring) if the user's role
    allows
    it; Conflict on a stale expected_version; InvalidInput for a transition not allowed (message
    names
    from/to); records `assignment.<to_status>` history with before/after status.

    Locks the assignment row, so a claim write in flight finishes before the status changes.
    Rejection needs a comment. Review moves (accepted, rejected, gold) record the reviewer and time.
    """
    check_via(via)
    if to_status not in S.values:
        raise InvalidInput(
            _("Unknown status %(status)r: use one of %(values)s.")
            % {"status": to_status, "values": ", ".join(S.values)},
            field="to_status",
        )
    comment = (comment or "").strip()
    with transaction.atomic():
        assignment = access_assignment(user, assignment_id, lock=True)
        role = assignment.user_role  # type: ignore[attr-defined]
        if expected_version is not None and assignment.version != expected_version:
            raise _stale(assignment, expected_version)
        if to_status not in allowed_transitions(assignment):
            allowed = allowed_transitions(assignment)
            raise InvalidInput(
                _(
                    "Assignment %(id)s cannot go from %(from)s to %(to)s: from %(from)s it can go "
                    "to %(allowed)s."
                )
                % {
                    "id": assignment.pk,
                    "from": assignment.status,
                    "to": to_status,
                    "allowed": ", ".join(allowed) or _("no other status"),
                },
                field="to_status",
            )
        is_reviewer = has_role(role, Membership.Role.REVIEWER)
        is_owner_submit = (
            to_status == S.SUBMITTED
            and assignment.status in (S.IN_PROGRESS, S.REJECTED)
            and assignment.annotator_id == user.pk
        )
        if not (is_reviewer or is_owner_submit):
            raise Forbidden(
                _(
                    "User %(user)s cannot move assignment %(id)s from %(from)s to %(to)s: only "
                    "reviewers and managers can."
                )
                % {
                    "user": user.get_username(),
                    "id": assignment.pk,
                    "from": assignment.status,
                    "to": to_status,
                }
            )
        if to_status == S.REJECTED and not comment:
            raise InvalidInput(
                _("A rejection needs a comment telling the annotator what to fix."),
                field="comment",
            )
        before = _state(assignment)
        now = timezone.now()
        fields: dict[str, Any] = {"status": to_status, "updated_at": now}
        if to_status == S.SUBMITTED:
            fields["submitted_at"] = now
        if to_status in (S.ACCEPTED, S.REJECTED, S.GOLD):
            fields.update(reviewed_by_id=user.pk, reviewed_at=now, review_comment=comment)
        elif comment:
            fields["review_comment"] = comment
        try:
            with transaction.atomic():
                updated = Assignment.objects.filter(
                    pk=assignment.pk, version=assignment.version
                ).update(**fields, version=F("version") + 1)
        except IntegrityError as exc:
            raise Conflict(
                _(
                    "Article %(article)s already has a gold assignment in this project: reopen "
                    "that one first."
                )
                % {"article": assignment.article_id},
                field="to_status",
            ) from exc
        if not updated:
            raise _stale(Assignment.objects.get(pk=assignment.pk), assignment.version)
        for name, value in fields.items():
            setattr(assignment, name, value)
        assignment.version += 1
        record(
            action=f"assignment.{to_status}",
            user=user,
            via=via,
            project_id=assignment.project_id,
            article_id=assignment.article_id,
            assignment_id=assignment.pk,
            annotator_id=assignment.annotator_id,
            object_id=assignment.pk,
            before=before,
            after={**_state(assignment), "comment": comment},
        )
    return assignment


def _stale(assignment: Assignment, expected_version: int) -> Conflict:
    last = (
        assignment.history.filter(action__startswith="assignment.")
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )
    who = last.user.get_username() if last is not None and last.user is not None else _("someone")
    when = assignment.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return Conflict(
        _(
            "Assignment %(id)s was changed by %(who)s at %(when)s (now %(status)s, version "
            "%(version)s; you saw version %(expected)s): reload it."
        )
        % {
            "id": assignment.pk,
            "who": who,
            "when": when,
            "status": assignment.status,
            "version": assignment.version,
            "expected": expected_version,
        },
        field="expected_version",
    )


def submit_assignment(*, assignment_id: int, user: Any, via: str = "system") -> Assignment:
    """The annotator hands in their labels; the assignment becomes read-only to them."""
    return change_assignment_status(
        assignment_id=assignment_id, user=user, to_status=S.SUBMITTED, via=via
    )


def accept_assignment(
    *, assignment_id: int, user: Any, comment: str = "", via: str = "system"
) -> Assignment:
    """Reviewer or manager accepts a submitted assignment."""
    return change_assignment_status(
        assignment_id=assignment_id, user=user, to_status=S.ACCEPTED, comment=comment, via=via
    )


def reject_assignment(
    *, assignment_id: int, user: Any, comment: str, via: str = "system"
) -> Assignment:
    """Reviewer or manager sends a submitted assignment back with a comment saying what to fix."""
    return change_assignment_status(
        assignment_id=assignment_id, user=user, to_status=S.REJECTED, comment=comment, via=via
    )


def get_or_create_gold_assignment(
    *, project_id: int, article_id: int, user: Any, via: str = "system"
) -> Assignment:
    """The article's gold assignment (is_gold=True), created for the reviewer `user` if missing."""
    check_via(via)
    access_project(user, project_id, min_role=Membership.Role.REVIEWER)
    existing = Assignment.objects.filter(
        project_id=project_id, article_id=article_id, is_gold=True
    ).first()
    if existing is not None:
        return existing
    try:
        return create_assignment(
            project_id=project_id,
            article_id=article_id,
            annotator_id=user.pk,
            user=user,
            is_gold=True,
            via=via,
        )
    except Conflict:
        # Another reviewer created it between the lookup and the insert.
        found = Assignment.objects.filter(
            project_id=project_id, article_id=article_id, is_gold=True
        ).first()
        if found is None:
            raise
        return found
