"""Writes of attributions (claims): the only path, used by admin, workspace, API, commands and jobs.

CONTRACT (implemented by the data-layer helper; other code calls exactly these signatures).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotate.models import Attribution

SpanTuple = tuple[int, int]  # half-open [start, end) in code points of article.text


@dataclass(frozen=True)
class StanceData:
    polarity: str  # a value of the project's polarity vocabulary
    target_actor_id: int | None = None  # exactly one of target_actor_id / target_topic
    target_topic: str = ""


@dataclass(frozen=True)
class AttributionData:
    content: Sequence[SpanTuple]  # >= 1 span; sorted and non-overlapping after normalisation
    type: str  # a value of the project's attribution-type vocabulary
    source: SpanTuple | None = None
    cue: SpanTuple | None = None
    speaker_id: int | None = None  # None = unknown speaker
    stances: Sequence[StanceData] = field(default_factory=tuple)
    nested_in_id: int | None = None  # another attribution of the same assignment
    category: str = ""  # a value of the category vocabulary, or ""
    note: str = ""
    confidence: float | None = None  # 0..1
    origin: str = Attribution.Origin.MANUAL


# Keys accepted in `changes` of update_attribution: the AttributionData field names.
UPDATABLE_FIELDS = (
    "content", "type", "source", "cue", "speaker_id", "stances",
    "nested_in_id", "category", "note", "confidence",
)


def create_attribution(
    *, assignment_id: int, user: Any, data: AttributionData, via: str = "system"
) -> Attribution:
    """Create a claim in an assignment the user may write (access_assignment(write=True)).

    Validates every span (inside the article, not empty/whitespace-only, content spans sorted and
    non-overlapping), vocabulary values, speaker/target actors of the same project, nesting (same
    assignment, parent's content contains this content, no cycle). Writes attribution, spans and stances
    with bulk_create in one transaction and appends `attribution.created` to the history.
    Raises InvalidInput / Forbidden / NotFound / Conflict.
    """
    raise NotImplementedError


def update_attribution(
    *,
    attribution_id: int,
    expected_version: int,
    user: Any,
    changes: dict[str, Any],
    via: str = "system",
) -> Attribution:
    """Apply `changes` (keys from UPDATABLE_FIELDS; `content`/`stances` replace the whole list) if the
    claim is still at `expected_version`; otherwise raise Conflict("... changed by X at T ...").
    Same validation as create; bumps `version`; history `attribution.updated` with before/after snapshots.
    """
    raise NotImplementedError


def delete_attribution(
    *, attribution_id: int, expected_version: int, user: Any, via: str = "system"
) -> None:
    """Delete a claim at `expected_version` (Conflict otherwise); children are un-nested (each recorded).
    History `attribution.deleted` with the before snapshot."""
    raise NotImplementedError
