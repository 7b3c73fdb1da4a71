from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from annotate.models.assignment import Assignment
from annotate.models.project import Actor


class Attribution(models.Model):
    """A reported statement (a "claim" in the UI): content, source, cue, speaker, type, stances."""

    class Origin(models.TextChoices):
        MANUAL = "manual", _("manual")
        IMPORTED = "imported", _("imported")
        SUGGESTED = "suggested", _("accepted suggestion")
        ADJUDICATED = "adjudicated", _("adjudicated")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="attributions"
    )
    # Null means the speaker is unknown ("It was noted that ...").
    # RESTRICT (not PROTECT): an actor in use cannot be deleted alone, but deleting the whole
    # project, which cascades to both the actor and its claims, works.
    speaker = models.ForeignKey(
        Actor, on_delete=models.RESTRICT, null=True, blank=True, related_name="attributions"
    )
    type = models.CharField(max_length=64, help_text=_("From the attribution-type vocabulary."))
    category = models.CharField(max_length=64, blank=True)
    nested_in = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="children"
    )
    note = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.MANUAL)
    # Compare-and-set counter: an update names the version it was based on (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0) & Q(confidence__lte=1),
                name="annotate_attribution_confidence_range",
                violation_error_message=_("Confidence must lie between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=~Q(nested_in=F("id")),
                name="annotate_attribution_not_nested_in_itself",
                violation_error_message=_("A claim cannot be nested in itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk}"


class Span(models.Model):
    """A half-open code-point range `[start, end)` of the article text, in one role of a claim."""

    class Role(models.TextChoices):
        CONTENT = "content", _("content")
        SOURCE = "source", _("source")
        CUE = "cue", _("cue")

    attribution = models.ForeignKey(Attribution, on_delete=models.CASCADE, related_name="spans")
    role = models.CharField(max_length=8, choices=Role.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["attribution", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="annotate_span_not_empty",
                violation_error_message=_("A span must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=["content", "source", "cue"]),
                name="annotate_span_role_valid",
                violation_error_message=_("A span role is content, source or cue."),
            ),
            models.UniqueConstraint(
                fields=["attribution", "role"],
                condition=Q(role__in=["source", "cue"]),
                name="annotate_span_one_source_one_cue",
                violation_error_message=_("A claim has at most one source span and one cue span."),
            ),
            models.UniqueConstraint(
                fields=["attribution", "role", "start"],
                name="annotate_span_unique_start",
                violation_error_message=_("Two spans of one role cannot start at one offset."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.start}-{self.end}"


class Stance(models.Model):
    """The speaker's stance toward a target (an actor or a free topic), with a polarity."""

    attribution = models.ForeignKey(Attribution, on_delete=models.CASCADE, related_name="stances")
    target_actor = models.ForeignKey(
        Actor, on_delete=models.RESTRICT, null=True, blank=True, related_name="stances_about"
    )
    target_topic = models.CharField(max_length=300, blank=True)
    polarity = models.CharField(max_length=64, help_text=_("From the polarity vocabulary."))

    class Meta:
        ordering = ["attribution", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_actor__isnull=False, target_topic="")
                | Q(target_actor__isnull=True) & ~Q(target_topic=""),
                name="annotate_stance_one_target",
                violation_error_message=_("A stance targets either an actor or a topic."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.polarity} toward {self.target_actor_id or self.target_topic}"
