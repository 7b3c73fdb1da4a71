"""Role checks, in one place, used by admin screens, API and services. CONTRACT.

Roles per project (Membership.role): annotator, reviewer, manager; a superuser acts as manager of every
project. Objects a user may not see raise NotFound (not Forbidden), so ids do not leak.
"""

from typing import Any

from annotate.models import Assignment, Attribution, Project


def project_role(user: Any, project_id: int) -> str | None:
    raise NotImplementedError


def access_project(user: Any, project_id: int, *, min_role: str | None = None) -> Project:
    """The project if the user is a member (with at least `min_role`: annotator < reviewer < manager);
    NotFound for non-members, Forbidden for members below min_role."""
    raise NotImplementedError


def access_assignment(user: Any, assignment_id: int, *, write: bool = False) -> Assignment:
    """Annotators see only their own assignments (blind); reviewers and managers see all of the project.
    write=True: the annotator only while in_progress/rejected; reviewers/managers always (corrections),
    and the gold assignment only by reviewers/managers."""
    raise NotImplementedError


def access_attribution(user: Any, attribution_id: int, *, write: bool = False) -> Attribution:
    raise NotImplementedError
