"""Writes of attributions (claims): the only path, used by admin, workspace, API, commands and jobs.

CONTRACT (implemented by the data-layer helper; other code calls exactly these signatures).
"""

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from annotate.access import access_assignment, access_attribution
from annotate.errors import Conflict, InvalidInput
from annotate.history import build_snapshot, check_via, make_entry, record, record_many
from annotate.models import Actor, Assignment, Attribution, Span, Stance, VocabularyTerm
from annotate.selectors import CompiledQuery

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
)  # fmt: skip

SPAN_FIELDS = ("content", "source", "cue")


@dataclass
class _Clean:
    """Validated, normalised values of one claim."""

    content: list[SpanTuple]
    source: SpanTuple | None
    cue: SpanTuple | None
    speaker: Actor | None
    type: str
    stances: list[Stance]
    nested_in_id: int | None
    category: str
    note: str
    confidence: float | None
    origin: str


# ---------------------------------------------------------------------------------------------
# Validation


def _as_span(value: Any, role: str) -> SpanTuple:
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return int(value[0]), int(value[1])
    raise InvalidInput(
        _("The %(role)s span %(value)r is not a pair of integer offsets [start, end].")
        % {"role": role, "value": value},
        field=role,
    )


def check_span(value: Any, *, role: str, text: str) -> SpanTuple:
    """One span of `text`, refused when outside it, empty or whitespace only."""
    start, end = _as_span(value, role)
    if end <= start:
        raise InvalidInput(
            _("Span %(start)s-%(end)s is empty: end must be greater than start.")
            % {"start": start, "end": end},
            field=role,
        )
    if start < 0 or end > len(text):
        raise InvalidInput(
            _(
                "The %(role)s span %(start)s-%(end)s lies outside the article, whose text runs "
                "from 0 to %(length)s: pick offsets inside the text."
            )
            % {"role": role, "start": start, "end": end, "length": len(text)},
            field=role,
        )
    if not text[start:end].strip():
        raise InvalidInput(
            _(
                "The %(role)s span %(start)s-%(end)s holds only whitespace: "
                "select words of the text."
            )
            % {"role": role, "start": start, "end": end},
            field=role,
        )
    return start, end


def check_content(values: Any, *, text: str) -> list[SpanTuple]:
    """Content spans, sorted; refused when none is given or two of them overlap."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise InvalidInput(
            _("A claim needs at least one content span, as a list of [start, end] pairs."),
            field="content",
        )
    spans = sorted(check_span(v, role="content", text=text) for v in values)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        if s2 < e1:
            raise InvalidInput(
                _(
                    "Content spans %(s1)s-%(e1)s and %(s2)s-%(e2)s overlap: merge them into one "
                    "span or shorten one of them."
                )
                % {"s1": s1, "e1": e1, "s2": s2, "e2": e2},
                field="content",
            )
    return spans


def _check_term(
    vocabulary: Mapping[str, frozenset[str] | set[str]],
    kind: str,
    value: Any,
    *,
    field_name: str,
    project: Any,
) -> str:
    terms = vocabulary.get(kind, frozenset())
    if not isinstance(value, str) or value not in terms:
        raise InvalidInput(
            _(
                "%(value)r is not an active %(kind)s of project '%(project)s' (%(terms)s): "
                "pick one of them or ask a manager to add it."
            )
            % {
                "value": value,
                "kind": VocabularyTerm.Kind(kind).label,
                "project": project.name,
                "terms": ", ".join(sorted(terms)) or _("none defined"),
            },
            field=field_name,
        )
    return value


# Active vocabulary terms per project, valid for one vocabulary_version: every change of a term
# goes through set_vocabulary_term, which bumps the version in the same transaction.
_VOCABULARIES: dict[tuple[Any, ...], dict[str, frozenset[str]]] = {}
_VOCABULARIES_MAX = 512


def _vocabulary(project: Any, *, fresh: bool = False) -> dict[str, frozenset[str]]:
    """The project's active terms by kind, read once per vocabulary version and process.

    The version comes with the project row read (and, in create_attribution, with the assignment
    locked) in this transaction. An entry is stored only when this transaction is the outermost
    one, so the version it was read with is committed and can never be rolled back and reused for
    another set of terms; inside a caller's transaction (imports, tests) the terms are read each
    time. The key also names the database and the project's creation time, so a test database or
    a reused id cannot meet an entry of another project. A value missing from a cached vocabulary is
    looked up again before it is refused (`fresh`), so a term added without a version bump is
    still accepted."""
    connection = transaction.get_connection()
    key = (
        connection.alias,
        connection.settings_dict["NAME"],
        project.pk,
        project.vocabulary_version,
        project.created_at,
    )
    if not fresh:
        cached = _VOCABULARIES.get(key)
        if cached is not None:
            return cached
    terms: dict[str, set[str]] = {}
    # order_by(): the default orderings join the project table for nothing.
    for kind, value in (
        VocabularyTerm.objects.filter(project_id=project.pk, is_active=True)
        .order_by()
        .values_list("kind", "value")
    ):
        terms.setdefault(kind, set()).add(value)
    vocabulary = {kind: frozenset(values) for kind, values in terms.items()}
    if len(connection.atomic_blocks) == 1 and connection.commit_on_exit:
        if len(_VOCABULARIES) >= _VOCABULARIES_MAX:
            _VOCABULARIES.clear()
        _VOCABULARIES[key] = vocabulary
    return vocabulary


def _actors_query(project_id: int, *actor_ids: int) -> Any:
    return Actor.objects.filter(project_id=project_id, pk__in=actor_ids).order_by()


# The actors a claim names, the same statement at every write but for the ids (one compiled shape
# per number of actors).
_ACTORS_QUERY = CompiledQuery(Actor, _actors_query)


def _as_stance(value: Any) -> StanceData:
    if isinstance(value, StanceData):
        return value
    if isinstance(value, Mapping):
        unknown = set(value) - {"polarity", "target_actor_id", "target_topic"}
        if not unknown and "polarity" in value:
            return StanceData(
                polarity=value["polarity"],
                target_actor_id=value.get("target_actor_id"),
                target_topic=value.get("target_topic") or "",
            )
    raise InvalidInput(
        _("A stance %(value)r must give a polarity and either target_actor_id or target_topic.")
        % {"value": value},
        field="stances",
    )


def _validate(
    *,
    assignment: Assignment,
    values: Mapping[str, Any],
    attribution_id: int | None = None,
    unchanged: frozenset[str] = frozenset(),
) -> _Clean:
    """Check every rule of a claim against its assignment; `unchanged` names fields an update
    leaves as they are (their vocabulary value may since have been deactivated)."""
    project = assignment.project
    text = assignment.article.text

    content = check_content(values["content"], text=text)
    source = (
        check_span(values["source"], role="source", text=text)
        if values.get("source") is not None
        else None
    )
    cue = (
        check_span(values["cue"], role="cue", text=text) if values.get("cue") is not None else None
    )

    note = values.get("note") or ""
    if not isinstance(note, str):
        raise InvalidInput(_("The note must be text."), field="note")
    confidence = values.get("confidence")
    if confidence is not None:
        if (
            isinstance(confidence, bool)
            or not isinstance(confidence, (int, float))
            or not math.isfinite(confidence)
            or not 0 <= confidence <= 1
        ):
            raise InvalidInput(
                _("Confidence %(value)r must be a number between 0 and 1, or empty.")
                % {"value": confidence},
                field="confidence",
            )
        confidence = float(confidence)

    stance_items = [_as_stance(v) for v in (values.get("stances") or ())]

    # The vocabulary (cached per vocabulary_version), one query for every actor named (speaker and
    # stance targets).
    vocabulary = _vocabulary(project)

    def check_term(kind: str, value: Any, field_name: str) -> str:
        nonlocal vocabulary
        if not isinstance(value, str) or value not in vocabulary.get(kind, ()):
            vocabulary = _vocabulary(project, fresh=True)  # the error names the terms of now
        return _check_term(vocabulary, kind, value, field_name=field_name, project=project)

    def term(kind: str, name: str) -> str:
        if name in unchanged:
            return str(values[name])
        return check_term(kind, values.get(name), name)

    type_ = term(VocabularyTerm.Kind.ATTRIBUTION_TYPE, "type")
    category = values.get("category") or ""
    if category:
        category = term(VocabularyTerm.Kind.CATEGORY, "category")

    speaker_id = values.get("speaker_id")
    actor_ids = {s.target_actor_id for s in stance_items if s.target_actor_id is not None}
    if speaker_id is not None:
        actor_ids.add(speaker_id)
    for actor_id in actor_ids:
        if isinstance(actor_id, bool) or not isinstance(actor_id, int):
            raise InvalidInput(
                _("Actor id %(value)r is not a number.") % {"value": actor_id}, field="speaker_id"
            )
    actors = (
        {a.pk: a for a in _ACTORS_QUERY.run(project.pk, *sorted(actor_ids))} if actor_ids else {}
    )

    def actor(actor_id: int, field_name: str) -> Actor:
        found = actors.get(actor_id)
        if found is None:
            raise InvalidInput(
                _(
                    "Actor %(id)s is not an actor of project '%(project)s': pick one of its actors "
                    "or create it first."
                )
                % {"id": actor_id, "project": project.name},
                field=field_name,
            )
        return found

    speaker = actor(speaker_id, "speaker_id") if speaker_id is not None else None

    stances: list[Stance] = []
    seen_targets: set[Any] = set()
    for item in stance_items:
        topic = item.target_topic.strip() if isinstance(item.target_topic, str) else ""
        if (item.target_actor_id is None) == (not topic):
            raise InvalidInput(
                _(
                    "A stance needs exactly one target: an actor (target_actor_id) or a topic "
                    "(target_topic), not %(detail)s."
                )
                % {"detail": _("both") if topic else _("neither")},
                field="stances",
            )
        polarity = (
            item.polarity
            if "stances" in unchanged
            else check_term(VocabularyTerm.Kind.POLARITY, item.polarity, "stances")
        )
        target = (
            actor(item.target_actor_id, "stances") if item.target_actor_id is not None else None
        )
        key: Any = ("actor", target.pk) if target is not None else ("topic", topic.casefold())
        if key in seen_targets:
            raise InvalidInput(
                _("The claim has two stances toward %(target)s: keep one stance per target.")
                % {"target": repr(target.name if target is not None else topic)},
                field="stances",
            )
        seen_targets.add(key)
        stances.append(
            Stance(
                target_actor=target,
                target_topic="" if target is not None else topic,
                polarity=polarity,
            )
        )

    nested_in_id = values.get("nested_in_id")
    if nested_in_id is not None:
        _check_nesting(
            assignment=assignment,
            content=content,
            nested_in_id=nested_in_id,
            attribution_id=attribution_id,
        )

    return _Clean(
        content=content,
        source=source,
        cue=cue,
        speaker=speaker,
        type=type_,
        stances=stances,
        nested_in_id=nested_in_id,
        category=category,
        note=note,
        confidence=confidence,
        origin=values.get("origin") or Attribution.Origin.MANUAL,
    )


def _contains(parent: Sequence[SpanTuple], child: Sequence[SpanTuple]) -> bool:
    return all(any(ps <= cs and ce <= pe for ps, pe in parent) for cs, ce in child)


def _fmt(spans: Sequence[SpanTuple]) -> str:
    return ", ".join(f"{s}-{e}" for s, e in spans)


def _check_nesting(
    *,
    assignment: Assignment,
    content: list[SpanTuple],
    nested_in_id: Any,
    attribution_id: int | None,
) -> None:
    if isinstance(nested_in_id, bool) or not isinstance(nested_in_id, int):
        raise InvalidInput(
            _("nested_in_id %(value)r is not a claim id.") % {"value": nested_in_id},
            field="nested_in_id",
        )
    if nested_in_id == attribution_id:
        raise InvalidInput(
            _("Claim %(id)s cannot be nested in itself: pick another claim.")
            % {"id": nested_in_id},
            field="nested_in_id",
        )
    parent_content = list(
        Span.objects.filter(
            attribution_id=nested_in_id,
            attribution__assignment_id=assignment.pk,
            role=Span.Role.CONTENT,
        )
        .order_by("start")
        .values_list("start", "end")
    )
    if not parent_content:
        raise InvalidInput(
            _(
                "Claim %(id)s is not a claim of assignment %(assignment)s: a claim can only be "
                "nested in a claim of the same assignment."
            )
            % {"id": nested_in_id, "assignment": assignment.pk},
            field="nested_in_id",
        )
    if not _contains(parent_content, content):
        raise InvalidInput(
            _(
                "The content %(child)s does not lie inside the content of claim %(id)s "
                "(%(parent)s): nest a claim only in one whose content contains it."
            )
            % {"child": _fmt(content), "id": nested_in_id, "parent": _fmt(parent_content)},
            field="nested_in_id",
        )
    if attribution_id is not None:
        # A new claim has no children, so only an update can close a cycle.
        parents = dict(
            Attribution.objects.filter(assignment_id=assignment.pk).values_list(
                "id", "nested_in_id"
            )
        )
        seen = {attribution_id}
        current: int | None = nested_in_id
        while current is not None:
            if current in seen:
                raise InvalidInput(
                    _(
                        "Nesting claim %(id)s in claim %(parent)s would make a cycle: claim "
                        "%(parent)s is already nested, directly or not, in claim %(id)s."
                    )
                    % {"id": attribution_id, "parent": nested_in_id},
                    field="nested_in_id",
                )
            seen.add(current)
            current = parents.get(current)


def _spans_for(attribution: Attribution, clean: _Clean) -> list[Span]:
    spans = [
        Span(attribution=attribution, role=Span.Role.CONTENT, start=s, end=e)
        for s, e in clean.content
    ]
    if clean.source is not None:
        spans.append(
            Span(
                attribution=attribution,
                role=Span.Role.SOURCE,
                start=clean.source[0],
                end=clean.source[1],
            )
        )
    if clean.cue is not None:
        spans.append(
            Span(attribution=attribution, role=Span.Role.CUE, start=clean.cue[0], end=clean.cue[1])
        )
    return spans


def _integrity_error(exc: IntegrityError) -> InvalidInput:
    return InvalidInput(
        _("The claim breaks a database rule (%(detail)s): check its spans and nesting.")
        % {"detail": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    )


def _stale(attribution: Attribution, expected_version: int) -> Conflict:
    who = attribution.updated_by.get_username() if attribution.updated_by_id else _("someone")
    when = attribution.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return Conflict(
        _(
            "Claim %(id)s was changed by %(who)s at %(when)s (now version %(version)s, your edit "
            "was based on version %(expected)s): reload it and apply your change again."
        )
        % {
            "id": attribution.pk,
            "who": who,
            "when": when,
            "version": attribution.version,
            "expected": expected_version,
        },
        field="expected_version",
    )


def _conflict_from_db(attribution_id: int, expected_version: int) -> Conflict:
    current = Attribution.objects.select_related("updated_by").filter(pk=attribution_id).first()
    if current is None:
        return Conflict(
            _("Claim %(id)s was deleted meanwhile: reload the assignment.") % {"id": attribution_id}
        )
    return _stale(current, expected_version)


@contextmanager
def _write_transaction() -> Iterator[None]:
    """The transaction of one claim write.

    PostgreSQL checks foreign keys at commit (Django declares them deferrable): an actor merged or
    deleted by someone else while this claim was written surfaces there, and becomes a Conflict.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(
            _(
                "An actor or claim this claim refers to was changed or deleted meanwhile: reload "
                "and try again."
            )
        ) from exc


def _history_scope(assignment: Assignment) -> dict[str, Any]:
    return {
        "project_id": assignment.project_id,
        "article_id": assignment.article_id,
        "assignment_id": assignment.pk,
        "annotator_id": assignment.annotator_id,
    }


# ---------------------------------------------------------------------------------------------
# Services


def create_attribution(
    *, assignment_id: int, user: Any, data: AttributionData, via: str = "system"
) -> Attribution:
    """Create a claim in an assignment the user may write (access_assignment(write=True)).

    Validates every span (inside the article, not empty/whitespace-only, content spans sorted and
    non-overlapping), vocabulary values, speaker/target actors of the same project, nesting (same
    assignment, parent's content contains this content, no cycle). Writes attribution, spans and
    stances
    with bulk_create in one transaction and appends `attribution.created` to the history.
    Raises InvalidInput / Forbidden / NotFound / Conflict.

    Locks the assignment row so a concurrent status change (submit, accept) waits for this write.
    """
    check_via(via)
    if data.origin not in Attribution.Origin.values:
        raise InvalidInput(
            _("Unknown origin %(value)r: use one of %(values)s.")
            % {"value": data.origin, "values": ", ".join(Attribution.Origin.values)},
            field="origin",
        )
    with _write_transaction():
        assignment = access_assignment(user, assignment_id, write=True, lock=True)
        clean = _validate(
            assignment=assignment,
            values={name: getattr(data, name) for name in AttributionData.__dataclass_fields__},
        )
        attribution = Attribution(
            assignment=assignment,
            speaker=clean.speaker,
            type=clean.type,
            category=clean.category,
            nested_in_id=clean.nested_in_id,
            note=clean.note,
            confidence=clean.confidence,
            origin=clean.origin,
            created_by=user,
            updated_by=user,
        )
        try:
            # No savepoint: _write_transaction's atomic block encloses this one, and an error here
            # leaves it at once (as InvalidInput), so that block rolls the whole write back (to
            # its own savepoint when a caller's transaction encloses it) and nothing runs on the
            # broken transaction in between.
            with transaction.atomic(savepoint=False):
                attribution.save(force_insert=True)
                spans = Span.objects.bulk_create(_spans_for(attribution, clean))
                for stance in clean.stances:
                    stance.attribution = attribution
                stances = Stance.objects.bulk_create(clean.stances)
        except IntegrityError as exc:
            raise _integrity_error(exc) from exc
        record(
            action="attribution.created",
            user=user,
            via=via,
            attribution_id=attribution.pk,
            after=build_snapshot(attribution, spans, stances),
            **_history_scope(assignment),
        )
        # Hand the rows back, so a caller renders the snapshot without reading them again.
        cache = {"spans": spans, "stances": stances}
        attribution._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return attribution


def _current_values(attribution: Attribution) -> dict[str, Any]:
    spans = list(attribution.spans.all())
    return {
        "content": [(s.start, s.end) for s in spans if s.role == Span.Role.CONTENT],
        "source": next(((s.start, s.end) for s in spans if s.role == Span.Role.SOURCE), None),
        "cue": next(((s.start, s.end) for s in spans if s.role == Span.Role.CUE), None),
        "speaker_id": attribution.speaker_id,
        "type": attribution.type,
        "stances": [
            StanceData(
                polarity=s.polarity,
                target_actor_id=s.target_actor_id,
                target_topic=s.target_topic,
            )
            for s in attribution.stances.all()
        ],
        "nested_in_id": attribution.nested_in_id,
        "category": attribution.category,
        "note": attribution.note,
        "confidence": attribution.confidence,
        "origin": attribution.origin,
    }


def _load_for_write(user: Any, attribution_id: int) -> Attribution:
    attribution = access_attribution(user, attribution_id, write=True, lock=True)
    prefetch_related_objects(
        [attribution],
        Prefetch("spans", queryset=Span.objects.order_by("role", "start")),
        Prefetch("stances", queryset=Stance.objects.select_related("target_actor").order_by("id")),
    )
    return attribution


def _check_version(attribution: Attribution, expected_version: Any) -> None:
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidInput(
            _("expected_version %(value)r must be the version number the edit is based on.")
            % {"value": expected_version},
            field="expected_version",
        )
    if attribution.version != expected_version:
        raise _stale(attribution, expected_version)


def update_attribution(
    *,
    attribution_id: int,
    expected_version: int,
    user: Any,
    changes: dict[str, Any],
    via: str = "system",
) -> Attribution:
    """Apply `changes` (keys from UPDATABLE_FIELDS; `content`/`stances` replace the whole list) if
    the
    claim is still at `expected_version`; otherwise raise Conflict("... changed by X at T ...").
    Same validation as create; bumps `version`; history `attribution.updated` with before/after
    snapshots.

    `stances` items may be StanceData or dicts with the same keys. A change of the content is
    refused
    when a claim nested in this one would no longer lie inside it. Locks the assignment row; the
    version is compared and bumped by one UPDATE ... WHERE version = expected_version.
    """
    check_via(via)
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown field(s) %(fields)s: a claim update may change %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(UPDATABLE_FIELDS)},
            field=unknown[0],
        )
    with _write_transaction():
        attribution = _load_for_write(user, attribution_id)
        _check_version(attribution, expected_version)
        assignment = attribution.assignment
        before = build_snapshot(attribution, attribution.spans.all(), attribution.stances.all())
        current = _current_values(attribution)
        values = {**current, **changes}
        unchanged = frozenset(
            name
            for name in ("type", "category", "stances")
            if name not in changes or _same(name, changes[name], current[name])
        )
        clean = _validate(
            assignment=assignment,
            values=values,
            attribution_id=attribution.pk,
            unchanged=unchanged,
        )
        spans_changed = any(
            name in changes and not _same(name, changes[name], current[name])
            for name in SPAN_FIELDS
        )
        if spans_changed and clean.content != sorted(current["content"]):
            _check_children_inside(attribution, clean.content)

        now = timezone.now()
        fields = {
            "speaker": clean.speaker,
            "type": clean.type,
            "category": clean.category,
            "nested_in_id": clean.nested_in_id,
            "note": clean.note,
            "confidence": clean.confidence,
        }
        try:
            # No savepoint, as in create_attribution: an error leaves _write_transaction at once.
            with transaction.atomic(savepoint=False):
                updated = Attribution.objects.filter(
                    pk=attribution.pk, version=expected_version
                ).update(**fields, version=F("version") + 1, updated_by=user, updated_at=now)
                if not updated:
                    raise _conflict_from_db(attribution.pk, expected_version)
                spans = list(attribution.spans.all())
                if spans_changed:
                    Span.objects.filter(attribution_id=attribution.pk).delete()
                    spans = Span.objects.bulk_create(_spans_for(attribution, clean))
                stances = list(attribution.stances.all())
                if "stances" in changes:
                    Stance.objects.filter(attribution_id=attribution.pk).delete()
                    for stance in clean.stances:
                        stance.attribution = attribution
                    stances = Stance.objects.bulk_create(clean.stances)
        except IntegrityError as exc:
            raise _integrity_error(exc) from exc

        for name, value in fields.items():
            setattr(attribution, name, value)
        attribution.version = expected_version + 1
        attribution.updated_by = user
        attribution.updated_at = now
        # Keep the returned object coherent for callers that snapshot it.
        cache = {"spans": spans, "stances": stances}
        attribution._prefetched_objects_cache = cache  # type: ignore[attr-defined]
        after = build_snapshot(attribution, spans, stances)
        record(
            action="attribution.updated",
            user=user,
            via=via,
            attribution_id=attribution.pk,
            before=before,
            after=after,
            **_history_scope(assignment),
        )
    return attribution


def _same(name: str, new: Any, old: Any) -> bool:
    if name in ("content",):
        try:
            return sorted(tuple(s) for s in new) == sorted(tuple(s) for s in old)
        except TypeError:
            return False
    if name in ("source", "cue"):
        return (tuple(new) if new is not None else None) == (
            tuple(old) if old is not None else None
        )
    if name == "stances":
        try:
            return [_as_stance(s) for s in new] == list(old)
        except InvalidInput:
            return False
    return bool(new == old)


def _check_children_inside(attribution: Attribution, content: list[SpanTuple]) -> None:
    children: dict[int, list[SpanTuple]] = {}
    for child_id, start, end in (
        Span.objects.filter(attribution__nested_in_id=attribution.pk, role=Span.Role.CONTENT)
        .order_by()
        .values_list("attribution_id", "start", "end")
    ):
        children.setdefault(child_id, []).append((start, end))
    for child_id, child_content in sorted(children.items()):
        if not _contains(content, child_content):
            raise InvalidInput(
                _(
                    "The new content %(content)s no longer contains the content of nested claim "
                    "%(child)s (%(child_content)s): change or un-nest that claim first."
                )
                % {
                    "content": _fmt(content),
                    "child": child_id,
                    "child_content": _fmt(child_content),
                },
                field="content",
            )


def delete_attribution(
    *, attribution_id: int, expected_version: int, user: Any, via: str = "system"
) -> None:
    """Delete a claim at `expected_version` (Conflict otherwise); children are un-nested (each
    recorded).
    History `attribution.deleted` with the before snapshot.

    Locks the assignment row; each un-nested child gets a new version and an `attribution.updated`
    entry with its before and after snapshots.
    """
    check_via(via)
    with _write_transaction():
        attribution = _load_for_write(user, attribution_id)
        _check_version(attribution, expected_version)
        assignment = attribution.assignment
        scope = _history_scope(assignment)
        before = build_snapshot(attribution, attribution.spans.all(), attribution.stances.all())

        now = timezone.now()
        children = list(
            Attribution.objects.select_related("speaker", "created_by", "updated_by")
            .prefetch_related(
                Prefetch("spans", queryset=Span.objects.order_by("role", "start")),
                Prefetch(
                    "stances", queryset=Stance.objects.select_related("target_actor").order_by("id")
                ),
            )
            .filter(nested_in_id=attribution.pk)
        )
        entries = []
        if children:
            Attribution.objects.filter(nested_in_id=attribution.pk).update(
                nested_in=None, version=F("version") + 1, updated_by=user, updated_at=now
            )
            for child in children:
                child_before = build_snapshot(child, child.spans.all(), child.stances.all())
                child.nested_in_id = None
                child.version += 1
                child.updated_by = user
                child.updated_at = now
                entries.append(
                    make_entry(
                        action="attribution.updated",
                        user=user,
                        via=via,
                        attribution_id=child.pk,
                        before=child_before,
                        after=build_snapshot(child, child.spans.all(), child.stances.all()),
                        **scope,
                    )
                )
        # The cascade deletes spans and stances; children were un-nested above.
        deleted, _counts = Attribution.objects.filter(
            pk=attribution.pk, version=expected_version
        ).delete()
        if not deleted:
            raise _conflict_from_db(attribution.pk, expected_version)
        entries.append(
            make_entry(
                action="attribution.deleted",
                user=user,
                via=via,
                attribution_id=attribution_id,
                before=before,
                **scope,
            )
        )
        record_many(entries)
