"""Role checks, in one place, used by admin screens, API and services. CONTRACT.

Roles per project (Membership.role): annotator, reviewer, manager; a superuser acts as manager of
every
project. Objects a user may not see raise NotFound (not Forbidden), so ids do not leak.
"""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from annotate.errors import Forbidden, NotFound
from annotate.models import Assignment, Attribution, Membership, Project
from annotate.selectors import CompiledQuery

ROLE_RANK: dict[str, int] = {
    Membership.Role.ANNOTATOR: 1,
    Membership.Role.REVIEWER: 2,
    Membership.Role.MANAGER: 3,
}

# Statuses in which an annotator may still change the labels of their own assignment.
ANNOTATOR_WRITABLE = (Assignment.Status.IN_PROGRESS, Assignment.Status.REJECTED)


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def project_role(user: Any, project_id: int) -> str | None:
    """The user's role in the project, "manager" for a superuser, None for a non-member."""
    if not _is_authenticated(user):
        return None
    if user.is_superuser:
        return Membership.Role.MANAGER
    role = (
        Membership.objects.filter(project_id=project_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    return role


def has_role(role: str | None, min_role: str) -> bool:
    return role is not None and ROLE_RANK.get(role, 0) >= ROLE_RANK[min_role]


def require_role(user: Any, project: Project, role: str | None, min_role: str) -> None:
    """Raise NotFound for a non-member and Forbidden for a member below `min_role`."""
    if role is None:
        raise NotFound(_("Project %(id)s does not exist.") % {"id": project.pk})
    if not has_role(role, min_role):
        raise Forbidden(
            _(
                "User %(user)s is %(role)s in project '%(project)s'; this needs the %(min)s role: "
                "ask a project manager."
            )
            % {"user": user.get_username(), "role": role, "project": project.name, "min": min_role}
        )


def access_project(user: Any, project_id: int, *, min_role: str | None = None) -> Project:
    """The project if the user is a member (with at least `min_role`: annotator < reviewer <
    manager);
    NotFound for non-members, Forbidden for members below min_role."""
    role = project_role(user, project_id)
    project = Project.objects.filter(pk=project_id).first() if role is not None else None
    if project is None:
        raise NotFound(_("Project %(id)s does not exist.") % {"id": project_id})
    require_role(user, project, role, min_role or Membership.Role.ANNOTATOR)
    project.user_role = role  # type: ignore[attr-defined]  # saves callers a second lookup
    return project


def can_read_assignment(user: Any, assignment: Assignment, role: str | None) -> bool:
    if role is None:
        return False
    if has_role(role, Membership.Role.REVIEWER):
        return True
    if assignment.annotator_id == user.pk:
        return True
    # In a project that is not blind, annotators may read each other's (non-gold) work.
    return not assignment.project.is_blind and not assignment.is_gold


def can_write_assignment(user: Any, assignment: Assignment, role: str | None) -> bool:
    if role is None:
        return False
    if has_role(role, Membership.Role.REVIEWER):
        return True
    return (
        not assignment.is_gold
        and assignment.annotator_id == user.pk
        and assignment.status in ANNOTATOR_WRITABLE
    )


def _assignment_query(
    assignment_id: int, user_id: int | None = None, *, lock: bool = False
) -> QuerySet:
    """The assignment with project and article; with `user_id`, that user's role in the project
    comes along as `member_role` (one query instead of two)."""
    queryset = Assignment.objects.select_related("project", "article")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    if user_id is not None:
        queryset = queryset.annotate(
            member_role=Subquery(
                Membership.objects.filter(project_id=OuterRef("project_id"), user_id=user_id)
                .order_by()
                .values("role")[:1]
            )
        )
    return queryset.filter(pk=assignment_id).order_by("pk")[:1]


# The same statement at every claim write but for the ids: compiled once per connection.
_ASSIGNMENT_QUERY = CompiledQuery(Assignment, _assignment_query)


def _fetch_assignment(assignment_id: int, user_id: int | None, *, lock: bool) -> Any:
    ids = (assignment_id,) if user_id is None else (assignment_id, user_id)
    found = _ASSIGNMENT_QUERY.run(*ids, lock=lock)
    return found[0] if found else None


def access_assignment(
    user: Any, assignment_id: int, *, write: bool = False, lock: bool = False
) -> Assignment:
    """Annotators see only their own assignments (blind); reviewers and managers see all of the
    project.
    write=True: the annotator only while in_progress/rejected; reviewers/managers always
    (corrections),
    and the gold assignment only by reviewers/managers.

    lock=True (inside a transaction) takes the assignment row with SELECT ... FOR UPDATE, so that a
    status change and a label write on the same assignment cannot interleave.
    """
    member = _is_authenticated(user) and not user.is_superuser
    assignment = _fetch_assignment(assignment_id, user.pk if member else None, lock=lock)
    if assignment is None:
        role = None
    elif member:
        role = assignment.member_role  # type: ignore[attr-defined]
    else:
        role = project_role(user, assignment.project_id)  # superuser or anonymous: no query
    if assignment is None or not can_read_assignment(user, assignment, role):
        raise NotFound(_("Assignment %(id)s does not exist.") % {"id": assignment_id})
    if write and not can_write_assignment(user, assignment, role):
        if assignment.is_gold:
            reason = _("the gold assignment is written by reviewers and managers only")
        elif assignment.annotator_id != user.pk:
            reason = _("it belongs to another annotator")
        else:
            reason = _(
                "it is %(status)s; it can be changed again only if a reviewer rejects it"
            ) % {"status": assignment.get_status_display()}
        raise Forbidden(
            _("Assignment %(id)s is read-only to %(user)s: %(reason)s.")
            % {"id": assignment_id, "user": user.get_username(), "reason": reason}
        )
    assignment.user_role = role  # type: ignore[attr-defined]
    return assignment


def access_attribution(
    user: Any, attribution_id: int, *, write: bool = False, lock: bool = False
) -> Attribution:
    """The claim if the user may see (write=True: change) its assignment; NotFound otherwise.

    The returned claim carries its (possibly locked) assignment, project and article.
    """
    assignment_id = (
        Attribution.objects.filter(pk=attribution_id)
        .order_by("pk")
        .values_list("assignment_id", flat=True)
        .first()
    )
    if assignment_id is None:
        raise NotFound(
            _("Claim %(id)s does not exist (it may have been deleted).") % {"id": attribution_id}
        )
    try:
        assignment = access_assignment(user, assignment_id, write=write, lock=lock)
    except NotFound:
        raise NotFound(
            _("Claim %(id)s does not exist (it may have been deleted).") % {"id": attribution_id}
        ) from None
    attribution = (
        Attribution.objects.select_related("speaker", "created_by", "updated_by")
        .filter(pk=attribution_id)
        .first()
    )
    if attribution is None:
        raise NotFound(
            _("Claim %(id)s does not exist (it may have been deleted).") % {"id": attribution_id}
        )
    attribution.assignment = assignment
    return attribution
