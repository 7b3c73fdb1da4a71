from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from annotate.models.project import Project
from corpus.models import Article


class Assignment(models.Model):
    """One annotator's (or, when `is_gold`, the adjudicating reviewer's) labels for one article."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        GOLD = "gold", _("gold")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    is_gold = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Compare-and-set counter for status changes (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "article", "id"]
        indexes = [
            models.Index(fields=["project", "status"], name="annotate_assignment_status"),
            models.Index(fields=["annotator", "status"], name="annotate_assignment_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "article", "annotator"],
                condition=Q(is_gold=False),
                name="annotate_assignment_one_per_annotator",
                violation_error_message=_(
                    "This annotator already has this article in the project."
                ),
            ),
            models.UniqueConstraint(
                fields=["project", "article"],
                condition=Q(is_gold=True),
                name="annotate_assignment_one_gold",
                violation_error_message=_("This article already has a gold assignment."),
            ),
            models.UniqueConstraint(
                fields=["project", "article"],
                condition=Q(status="gold"),
                name="annotate_assignment_one_gold_status",
                violation_error_message=_("Only one assignment per article can be gold."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["in_progress", "submitted", "accepted", "rejected", "gold"]
                ),
                name="annotate_assignment_status_valid",
                violation_error_message=_("Unknown assignment status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} by {self.annotator_id} ({self.status})"
