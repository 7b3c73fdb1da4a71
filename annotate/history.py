"""The append-only audit history. CONTRACT (implemented by the data-layer helper).

Every service appends its entry with `record()` inside the transaction of the change, so a change
and
its history commit or roll back together. Entries are never updated (a database trigger refuses it)
and the admin and the API expose them read-only.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from annotate.errors import InvalidInput
from annotate.models import Attribution, HistoryEntry, Span, Stance

VIA_VALUES = frozenset(HistoryEntry.Via.values)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def build_snapshot(
    attribution: Attribution, spans: Iterable[Span], stances: Iterable[Stance]
) -> dict[str, Any]:
    """The snapshot of a claim from spans and stances given explicitly (no query when the speaker,
    the stance targets and the users are loaded)."""
    content: list[list[int]] = []
    source: list[int] | None = None
    cue: list[int] | None = None
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.role == Span.Role.CONTENT:
            content.append([span.start, span.end])
        elif span.role == Span.Role.SOURCE:
            source = [span.start, span.end]
        else:
            cue = [span.start, span.end]
    speaker = attribution.speaker
    return {
        "id": attribution.pk,
        "version": attribution.version,
        "assignment": attribution.assignment_id,
        "content": content,
        "source": source,
        "cue": cue,
        "speaker": attribution.speaker_id,
        "speaker_name": speaker.name if speaker is not None else None,
        "type": attribution.type,
        "stances": [
            {
                "target_actor": stance.target_actor_id,
                "target_name": stance.target_actor.name
                if stance.target_actor is not None
                else stance.target_topic,
                "target_topic": stance.target_topic,
                "polarity": stance.polarity,
            }
            for stance in sorted(stances, key=lambda s: s.pk or 0)
        ],
        "nested_in": attribution.nested_in_id,
        "category": attribution.category,
        "note": attribution.note,
        "confidence": attribution.confidence,
        "origin": attribution.origin,
        "created_by": _username(attribution.created_by),
        "updated_by": _username(attribution.updated_by),
        "created_at": _iso(attribution.created_at),
        "updated_at": _iso(attribution.updated_at),
    }


def snapshot_attribution(attribution: Attribution) -> dict[str, Any]:
    """The canonical JSON shape of a claim, used by history, API output, workspace and native
    export:
    {"id", "version", "assignment", "content": [[s, e], ...], "source": [s, e] | None,
     "cue": [s, e] | None, "speaker": actor id | None, "speaker_name": str | None, "type",
     "stances": [{"target_actor": id | None, "target_name": str, "target_topic": str, "polarity"}],
     "nested_in": id | None, "category", "note", "confidence", "origin",
     "created_by": username, "updated_by": username, "created_at", "updated_at" (ISO 8601)}.
    Expects spans, stances (with target_actor), speaker, created_by, updated_by prefetched."""
    return build_snapshot(attribution, attribution.spans.all(), attribution.stances.all())


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def check_via(via: str) -> str:
    if via not in VIA_VALUES:
        raise InvalidInput(
            _("Unknown channel via=%(via)r: use one of %(values)s.")
            % {"via": via, "values": ", ".join(sorted(VIA_VALUES))},
            field="via",
        )
    return via


def make_entry(
    *,
    action: str,
    user: Any,
    via: str,
    project_id: int,
    article_id: int | None = None,
    assignment_id: int | None = None,
    annotator_id: int | None = None,
    attribution_id: int | None = None,
    object_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> HistoryEntry:
    """An unsaved entry, for services that append many at once with bulk_create."""
    return HistoryEntry(
        action=action,
        user_id=_user_id(user),
        via=check_via(via),
        project_id=project_id,
        article_id=article_id,
        assignment_id=assignment_id,
        annotator_id=annotator_id,
        attribution_id=attribution_id,
        object_id=object_id,
        before=before,
        after=after,
    )


def record(
    *,
    action: str,
    user: Any,
    via: str,
    project_id: int,
    article_id: int | None = None,
    assignment_id: int | None = None,
    annotator_id: int | None = None,
    attribution_id: int | None = None,
    object_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> HistoryEntry:
    """Append one entry; call inside the transaction of the change it records."""
    entry = make_entry(
        action=action,
        user=user,
        via=via,
        project_id=project_id,
        article_id=article_id,
        assignment_id=assignment_id,
        annotator_id=annotator_id,
        attribution_id=attribution_id,
        object_id=object_id,
        before=before,
        after=after,
    )
    entry.save(force_insert=True)
    return entry


def record_many(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Append entries built with make_entry in one INSERT."""
    if not entries:
        return []
    return HistoryEntry.objects.bulk_create(entries)
