"""Input serializers check shape and types; output serializers render. Neither writes.

Cross-object rules (a span inside the article, a value in the project vocabulary, a nesting cycle)
are the services' job, so the browser, the API and the commands all get them.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotate.models import Assignment, Attribution, HistoryEntry, Membership, VocabularyTerm
from annotate.services.attributions import StanceData

# Bounds of the database columns: ids are 64-bit, offsets and positions 32-bit on PostgreSQL.
MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1


class TextField(serializers.CharField):
    """A CharField that also refuses lone UTF-16 surrogates, which no UTF-8 database can store."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError(
                _("Text contains an unpaired surrogate code point: send valid Unicode.")
            ) from None
        return value


def id_field(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text, **kwargs)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        "minItems": 2,
        "maxItems": 2,
        "description": "A half-open [start, end) range of code points of the article text.",
    }
)
class SpanField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.IntegerField(min_value=0, max_value=MAX_OFFSET),
            min_length=2,
            max_length=2,
            **kwargs,
        )

    def run_validation(self, data: Any = serializers.empty) -> Any:
        value = super().run_validation(data)  # checks the length before the pair is unpacked
        return None if value is None else (value[0], value[1])


# --- errors --------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, with the value, and how to fix it.")
    code = serializers.CharField(
        help_text="InvalidInput, NotAuthenticated, Forbidden, NotFound, Conflict, "
        "MethodNotAllowed, UnsupportedMediaType or NotAcceptable."
    )
    field = serializers.CharField(
        required=False, help_text="The input field at fault (dotted for nested fields)."
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # DRF pops declared fields
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Every invalid field with its reasons (validation errors only).",
    )


# --- projects ------------------------------------------------------------------------------------


class VocabularyItemSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields


class VocabularySerializer(serializers.Serializer):
    polarity = VocabularyItemSerializer(many=True)
    attribution_type = VocabularyItemSerializer(many=True)
    actor_kind = VocabularyItemSerializer(many=True)
    category = VocabularyItemSerializer(many=True)


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    guidelines = serializers.CharField(help_text="Markdown, shown beside the text.")
    guidelines_version = serializers.IntegerField()
    vocabulary_version = serializers.IntegerField()
    annotators_per_article = serializers.IntegerField(help_text="k: annotators per article.")
    is_blind = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    role = serializers.ChoiceField(
        choices=Membership.Role.choices,
        source="user_role",
        help_text="The requesting user's role in the project.",
    )
    vocabulary = serializers.SerializerMethodField(
        help_text="Active vocabulary terms by kind, in display order."
    )

    @extend_schema_field(VocabularySerializer)
    def get_vocabulary(self, project: Any) -> dict[str, list[dict[str, str]]]:
        result: dict[str, list[dict[str, str]]] = {kind: [] for kind in VocabularyTerm.Kind.values}
        # `active_terms` is prefetched by the view, in display order.
        for term in project.active_terms:
            result[term.kind].append({"value": term.value, "label": term.label or term.value})
        return result


class ProjectUpdateSerializer(serializers.Serializer):
    name = TextField(max_length=200, required=False)
    description = TextField(required=False, allow_blank=True)
    guidelines = TextField(
        required=False, allow_blank=True, help_text="Markdown; a change bumps guidelines_version."
    )
    annotators_per_article = serializers.IntegerField(min_value=1, max_value=100, required=False)
    is_blind = serializers.BooleanField(required=False)


class VocabularyTermSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=VocabularyTerm.Kind.choices)
    value = serializers.SlugField(max_length=64, allow_unicode=True)
    label = TextField(max_length=100, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # DRF pops declared fields
    position = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(
        required=False, default=True, help_text="False retires the value for new labels."
    )


class ProjectCreateSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    description = TextField(required=False, allow_blank=True, default="")
    guidelines = TextField(required=False, allow_blank=True, default="", help_text="Markdown.")
    annotators_per_article = serializers.IntegerField(min_value=1, max_value=100, default=1)
    is_blind = serializers.BooleanField(
        default=True, help_text="Annotators cannot see each other's work on an article."
    )


class MemberSetSerializer(serializers.Serializer):
    user = id_field("The user to add, or whose role changes.")
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class MemberRemoveSerializer(serializers.Serializer):
    user = id_field("The member to remove.")


class AddArticlesSerializer(serializers.Serializer):
    articles = serializers.ListField(
        child=id_field("An article id."), allow_empty=False, max_length=10000
    )


class AddedSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="How many of the articles were new to the project.")


class MemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class AssignArticlesSerializer(serializers.Serializer):
    articles = serializers.ListField(
        child=id_field("An article id."),
        required=False,
        allow_empty=False,
        max_length=10000,
        help_text="Articles of the project to assign; default: every article of the project.",
    )


# --- actors --------------------------------------------------------------------------------------


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id", help_text="The project's id.")
    name = serializers.CharField(help_text="Canonical name, unique in the project.")
    kind = serializers.CharField(help_text="A value of the actor_kind vocabulary, or empty.")
    aliases = serializers.ListField(
        child=serializers.CharField(), help_text="Other names in the texts."
    )
    description = serializers.CharField(help_text="Role, affiliation, notes.")


def aliases_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=TextField(max_length=300),
        max_length=200,
        help_text="Other names of the actor in the texts; searched like the name.",
        **kwargs,
    )


class ActorCreateSerializer(serializers.Serializer):
    project = id_field("The project the actor belongs to.")
    name = TextField(max_length=300)
    kind = TextField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="A value of the project's actor_kind vocabulary, or empty.",
    )
    aliases = aliases_field(required=False, default=list)
    description = TextField(required=False, allow_blank=True, default="")


class ActorUpdateSerializer(serializers.Serializer):
    name = TextField(max_length=300, required=False)
    kind = TextField(max_length=64, required=False, allow_blank=True)
    aliases = aliases_field(required=False)
    description = TextField(required=False, allow_blank=True)


class ActorMergeSerializer(serializers.Serializer):
    into = id_field(
        "The actor that absorbs this one: it gets its claims, stances, name and aliases."
    )


# --- assignments ---------------------------------------------------------------------------------


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id", help_text="The project's id.")
    article = serializers.IntegerField(source="article_id", help_text="The article's id.")
    article_title = serializers.CharField(source="article.title")
    annotator = serializers.IntegerField(
        source="annotator_id", help_text="The user id of the annotator (or adjudicator)."
    )
    annotator_name = serializers.CharField(source="annotator.username", help_text="Username.")
    is_gold = serializers.BooleanField(help_text="The adjudicated version of the article.")
    status = serializers.ChoiceField(
        choices=Assignment.Status.choices,
        help_text="in_progress -> submitted -> accepted | rejected; accepted -> gold.",
    )
    review_comment = serializers.CharField(help_text="The reviewer's last comment.")
    version = serializers.IntegerField(help_text="Bumped by every status change.")
    attribution_count = serializers.IntegerField(help_text="How many claims it holds.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="Last submission.")
    reviewed_at = serializers.DateTimeField(allow_null=True, help_text="Last review decision.")
    created_at = serializers.DateTimeField()


class AssignmentCreateSerializer(serializers.Serializer):
    project = id_field("The project.")
    article = id_field("An article of the project.")
    annotator = id_field("A user who is a member of the project.")
    is_gold = serializers.BooleanField(
        required=False, default=False, help_text="The adjudicated (gold) version; reviewers only."
    )


class AdjudicateSerializer(serializers.Serializer):
    project = id_field("The project.")
    article = id_field("The article to adjudicate.")


class TransitionSerializer(serializers.Serializer):
    comment = TextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10000,
        help_text="Review comment shown to the annotator.",
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_OFFSET,
        required=False,
        help_text="The assignment version seen; a stale one answers 409.",
    )


class RejectSerializer(TransitionSerializer):
    comment = TextField(max_length=10000, help_text="Why: required, shown to the annotator.")


# --- attributions --------------------------------------------------------------------------------


class StanceInputSerializer(serializers.Serializer):
    target_actor = id_field(
        "An actor of the project, or null for a topic.",
        required=False,
        allow_null=True,
        default=None,
    )
    target_topic = TextField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="A free topic (when target_actor is null).",
    )
    polarity = TextField(max_length=64, help_text="A value of the project's polarity vocabulary.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs["target_actor"] is None) == (not attrs["target_topic"].strip()):
            raise serializers.ValidationError(
                {
                    "target_actor": _(
                        "A stance targets either an actor or a topic: give exactly one."
                    )
                }
            )
        return attrs


class AttributionInputSerializer(serializers.Serializer):
    """The editable fields of a claim; PATCH takes any subset of them plus `version`."""

    content = serializers.ListField(
        child=SpanField(),
        min_length=1,
        max_length=100,
        help_text="One or more non-overlapping [start, end) spans of what was said.",
    )
    source = SpanField(  # type: ignore[assignment]  # DRF pops declared fields
        required=False,
        allow_null=True,
        default=None,
        help_text="The words naming the speaker here, or null.",
    )
    cue = SpanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The reporting expression (said, according to), or null.",
    )
    speaker = id_field(
        "The actor reported as saying it; null means unknown.",
        required=False,
        allow_null=True,
        default=None,
    )
    type = TextField(
        max_length=64, help_text="A value of the project's attribution_type vocabulary."
    )
    stances = StanceInputSerializer(many=True, required=False, default=list, max_length=100)  # type: ignore[call-arg]  # stubs lag DRF 3.14
    nested_in = id_field(
        "The claim of the same assignment whose content contains this one.",
        required=False,
        allow_null=True,
        default=None,
    )
    category = TextField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="A value of the project's category vocabulary, or empty.",
    )
    note = TextField(required=False, allow_blank=True, default="", max_length=10000)
    confidence = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=0, max_value=1
    )


class AttributionCreateSerializer(AttributionInputSerializer):
    assignment = id_field("The assignment (one annotator's work on one article).")


class AttributionUpdateSerializer(AttributionInputSerializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_OFFSET,
        help_text="The version the change is based on; a stale one answers 409.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A PATCH names only what changes: nothing but `version` is required, and no default fills
        # in a field the client did not send.
        for name, field in self.fields.items():
            if name != "version":
                field.required = False
                field.default = serializers.empty


class StanceSerializer(serializers.Serializer):
    target_actor = serializers.IntegerField(allow_null=True, help_text="Actor id, or null.")
    target_name = serializers.CharField(help_text="The actor's name, or the topic.")
    target_topic = serializers.CharField(help_text="The topic when there is no target actor.")
    polarity = serializers.CharField(help_text="A value of the polarity vocabulary.")


class AttributionSerializer(serializers.Serializer):
    """A claim snapshot, as annotate.history.snapshot_attribution builds it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Send it back with a change (optimistic locking).")
    assignment = serializers.IntegerField(help_text="The assignment's id.")
    content = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[[start, end], ...] in text order: what was said.",
    )
    source = serializers.ListField(  # type: ignore[assignment]  # DRF pops declared fields
        child=serializers.IntegerField(), allow_null=True, help_text="[start, end] or null."
    )
    cue = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="[start, end] or null."
    )
    speaker = serializers.IntegerField(allow_null=True, help_text="Actor id; null is unknown.")
    speaker_name = serializers.CharField(allow_null=True)
    type = serializers.CharField(help_text="A value of the attribution_type vocabulary.")
    stances = StanceSerializer(many=True)
    nested_in = serializers.IntegerField(allow_null=True, help_text="Parent claim id, or null.")
    category = serializers.CharField(help_text="A value of the category vocabulary, or empty.")
    note = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True, help_text="0 to 1, or null.")
    origin = serializers.ChoiceField(
        choices=Attribution.Origin.choices, help_text="How the claim came to be."
    )
    created_by = serializers.CharField(allow_null=True, help_text="Username.")
    updated_by = serializers.CharField(allow_null=True, help_text="Username.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ConflictSerializer(ErrorSerializer):
    current = AttributionSerializer(
        allow_null=True,
        required=False,
        help_text="The claim as it is now (null when it was deleted meanwhile).",
    )


# --- history -------------------------------------------------------------------------------------


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="Dotted code, e.g. attribution.updated.")
    user = serializers.CharField(
        source="user.username", allow_null=True, help_text="Who made the change (username)."
    )
    via = serializers.ChoiceField(choices=HistoryEntry.Via.choices)
    project = serializers.IntegerField(source="project_id")
    article = serializers.IntegerField(source="article_id", allow_null=True)
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    annotator = serializers.CharField(
        source="annotator.username", allow_null=True, help_text="Whose work it concerns (username)."
    )
    attribution = serializers.IntegerField(source="attribution_id", allow_null=True)
    object_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class LoginSerializer(serializers.Serializer):
    username = TextField(max_length=150)
    password = TextField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


def to_changes(data: dict[str, Any]) -> dict[str, Any]:
    """Validated claim input to the keyword names of annotate.services.attributions."""
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("assignment", "version"):
            continue
        if key == "stances":
            changes["stances"] = tuple(
                StanceData(
                    polarity=stance["polarity"],
                    target_actor_id=stance["target_actor"],
                    target_topic=stance["target_topic"],
                )
                for stance in value
            )
        elif key == "content":
            changes["content"] = tuple(value)
        elif key in ("speaker", "nested_in"):
            changes[f"{key}_id"] = value
        else:
            changes[key] = value
    return changes


# --- the hot path of POST /api/attributions/ ------------------------------------------------------


def _plain_text(value: Any, *, max_length: int, allow_blank: bool) -> str | None:
    """What TextField gives for an unremarkable string; None when DRF must judge it."""
    if type(value) is not str:
        return None
    value = value.strip()
    if (
        (not value and not allow_blank)
        or len(value) > max_length
        or "\x00" in value
        or not (value.isascii() or _encodable(value))
    ):
        return None
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_id(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_ID


def _plain_span(value: Any) -> tuple[int, int] | None:
    if type(value) is list and len(value) == 2:
        start, end = value
        if (
            type(start) is int
            and type(end) is int
            and 0 <= start <= MAX_OFFSET
            and 0 <= end <= MAX_OFFSET
        ):
            return start, end
    return None


def _plain_stance(value: Any) -> dict[str, Any] | None:
    if type(value) is not dict or "polarity" not in value:
        return None
    target_actor = value.get("target_actor")
    if target_actor is not None and not _plain_id(target_actor):
        return None
    topic = value.get("target_topic", "")
    target_topic = _plain_text(topic, max_length=300, allow_blank=True)
    polarity = _plain_text(value["polarity"], max_length=64, allow_blank=False)
    if target_topic is None or polarity is None or (target_actor is None) == (not target_topic):
        return None
    return {"target_actor": target_actor, "target_topic": target_topic, "polarity": polarity}


def plain_attribution_create(data: Any) -> dict[str, Any] | None:
    """The validated data of AttributionCreateSerializer for a well-formed request, built without
    DRF's field machinery (a tenth of its CPU time), or None when anything is unusual: then the
    serializer validates and words the errors. It accepts only input the serializer accepts, and
    gives the same values (tests/api/test_plain_input.py compares the two)."""
    if type(data) is not dict:
        return None
    get = data.get
    assignment = get("assignment")
    content = get("content")
    if not _plain_id(assignment) or type(content) is not list or not 1 <= len(content) <= 100:
        return None
    spans = [_plain_span(span) for span in content]
    if None in spans:
        return None
    result: dict[str, Any] = {"assignment": assignment, "content": spans}
    for name in ("source", "cue"):
        value = get(name)
        if value is not None:
            value = _plain_span(value)
            if value is None:
                return None
        result[name] = value
    for name in ("speaker", "nested_in"):
        value = get(name)
        if value is not None and not _plain_id(value):
            return None
        result[name] = value
    type_ = _plain_text(get("type"), max_length=64, allow_blank=False)
    category = _plain_text(get("category", ""), max_length=64, allow_blank=True)
    note = _plain_text(get("note", ""), max_length=10000, allow_blank=True)
    if type_ is None or category is None or note is None:
        return None
    result.update(type=type_, category=category, note=note)
    confidence = get("confidence")
    if confidence is not None:
        if type(confidence) not in (int, float) or not 0 <= confidence <= 1:
            return None  # NaN fails the comparison too
        confidence = float(confidence)
    result["confidence"] = confidence
    stances = get("stances", [])
    if type(stances) is not list or len(stances) > 100:
        return None
    plain = [_plain_stance(stance) for stance in stances]
    if None in plain:
        return None
    result["stances"] = plain
    return result
