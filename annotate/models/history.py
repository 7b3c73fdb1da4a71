from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryEntry(models.Model):
    """An append-only record of one change: who, when, what, the value before and after.

    Written only by the services, in the transaction of the change itself. Attribution ids are kept
    as plain integers so the history of a deleted claim survives it.
    """

    class Via(models.TextChoices):
        BROWSER = "browser", _("browser")
        API = "api", _("API")
        ADMIN = "admin", _("admin")
        CLI = "cli", _("command line")
        SYSTEM = "system", _("system")

    action = models.CharField(max_length=64, help_text=_("Dotted code, e.g. attribution.updated."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.SYSTEM)
    project = models.ForeignKey(
        "annotate.Project", on_delete=models.CASCADE, related_name="history"
    )
    article = models.ForeignKey(
        "corpus.Article", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # RESTRICT: an assignment with history can go only with its whole project (which cascades to
    # both); deleting it alone would erase its audit trail.
    assignment = models.ForeignKey(
        "annotate.Assignment",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="history",
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attribution_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("history entries")
        indexes = [
            models.Index(fields=["project", "created_at"], name="annotate_history_project"),
            models.Index(fields=["annotator", "created_at"], name="annotate_history_annotator"),
            models.Index(fields=["article", "created_at"], name="annotate_history_article"),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M:%S}"
