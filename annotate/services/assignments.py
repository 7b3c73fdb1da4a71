"""Assignments and their status workflow. CONTRACT (implemented by the data-layer helper).

Statuses: in_progress -> submitted -> accepted | rejected (comment required); rejected -> submitted
(resubmit after fixing; a rejected assignment is writable by its annotator again); accepted -> gold;
accepted/rejected -> submitted (reviewer reopens the review). A gold assignment (is_gold=True, owned by
the adjudicating reviewer) goes in_progress -> gold and gold -> in_progress (reopen). A submitted,
accepted or gold assignment is read-only to its annotator; reviewers and managers may still correct claims.
"""

from typing import Any

from annotate.models import Assignment


def create_assignment(
    *, project_id: int, article_id: int, annotator_id: int, user: Any,
    is_gold: bool = False, via: str = "system",
) -> Assignment:
    """Manager (or, for is_gold, reviewer) gives an article of the project to an annotator member."""
    raise NotImplementedError


def assign_articles(
    *, project_id: int, user: Any, article_ids: list[int] | None = None, via: str = "system"
) -> list[Assignment]:
    """Give each article (default: every project article) to k = project.annotators_per_article
    annotator members, balancing load; skips assignments that already exist. Manager only."""
    raise NotImplementedError


def change_assignment_status(
    *, assignment_id: int, user: Any, to_status: str, comment: str = "",
    expected_version: int | None = None, via: str = "system",
) -> Assignment:
    """Move an assignment along an allowed transition (see module docstring) if the user's role allows
    it; Conflict on a stale expected_version; InvalidInput for a transition not allowed (message names
    from/to); records `assignment.<to_status>` history with before/after status."""
    raise NotImplementedError


def submit_assignment(*, assignment_id: int, user: Any, via: str = "system") -> Assignment:
    raise NotImplementedError


def accept_assignment(
    *, assignment_id: int, user: Any, comment: str = "", via: str = "system"
) -> Assignment:
    raise NotImplementedError


def reject_assignment(
    *, assignment_id: int, user: Any, comment: str, via: str = "system"
) -> Assignment:
    raise NotImplementedError


def get_or_create_gold_assignment(
    *, project_id: int, article_id: int, user: Any, via: str = "system"
) -> Assignment:
    """The article's gold assignment (is_gold=True), created for the reviewer `user` if missing."""
    raise NotImplementedError
