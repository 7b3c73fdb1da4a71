"""Projects, members, vocabularies, actors. CONTRACT (implemented by the data-layer helper)."""

from typing import Any

from annotate.models import Actor, Membership, Project, VocabularyTerm

DEFAULT_VOCABULARY = {
    "polarity": ["favor", "against", "neutral"],
    "attribution_type": ["direct", "indirect", "mixed"],
    "actor_kind": ["person", "organisation", "country", "group"],
    "category": ["statement", "topic_report", "expressive"],
}


def create_project(
    *, name: str, user: Any, guidelines: str = "", description: str = "",
    annotators_per_article: int = 1, is_blind: bool = True, via: str = "system",
) -> Project:
    """Create a project with the default vocabulary; `user` becomes its manager."""
    raise NotImplementedError


def update_project(*, project_id: int, user: Any, changes: dict[str, Any], via: str = "system") -> Project:
    """Manager only. Bumps guidelines_version when the guidelines change."""
    raise NotImplementedError


def set_membership(
    *, project_id: int, user: Any, member_id: int, role: str, via: str = "system"
) -> Membership:
    raise NotImplementedError


def add_articles(*, project_id: int, user: Any, article_ids: list[int], via: str = "system") -> int:
    """Add articles to the project; returns how many were new."""
    raise NotImplementedError


def set_vocabulary_term(
    *, project_id: int, user: Any, kind: str, value: str, label: str = "",
    is_active: bool = True, via: str = "system",
) -> VocabularyTerm:
    """Manager only; bumps vocabulary_version."""
    raise NotImplementedError


def create_actor(
    *, project_id: int, user: Any, name: str, kind: str = "", aliases: list[str] | None = None,
    description: str = "", via: str = "system",
) -> Actor:
    """Any project member may create an actor (annotators create them in place)."""
    raise NotImplementedError


def update_actor(*, actor_id: int, user: Any, changes: dict[str, Any], via: str = "system") -> Actor:
    raise NotImplementedError


def merge_actors(*, source_id: int, target_id: int, user: Any, via: str = "system") -> Actor:
    """Reviewer/manager: move every claim and stance of `source` to `target`, add source's name and
    aliases to target's aliases, delete source; one history entry per moved claim."""
    raise NotImplementedError
