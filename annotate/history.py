"""The append-only audit history. CONTRACT (implemented by the data-layer helper)."""

from typing import Any

from annotate.models import Attribution, HistoryEntry


def snapshot_attribution(attribution: Attribution) -> dict[str, Any]:
    """The canonical JSON shape of a claim, used by history, API output, workspace and native export:
    {"id", "version", "assignment", "content": [[s, e], ...], "source": [s, e] | None,
     "cue": [s, e] | None, "speaker": actor id | None, "speaker_name": str | None, "type",
     "stances": [{"target_actor": id | None, "target_name": str, "target_topic": str, "polarity"}],
     "nested_in": id | None, "category", "note", "confidence", "origin",
     "created_by": username, "updated_by": username, "created_at", "updated_at" (ISO 8601)}.
    Expects spans, stances (with target_actor), speaker, created_by, updated_by prefetched."""
    raise NotImplementedError


def record(
    *, action: str, user: Any, via: str, project_id: int, article_id: int | None = None,
    assignment_id: int | None = None, annotator_id: int | None = None,
    attribution_id: int | None = None, object_id: int | None = None,
    before: Any = None, after: Any = None,
) -> HistoryEntry:
    """Append one entry; call inside the transaction of the change it records."""
    raise NotImplementedError
