from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotate.models.project import Project


def release_path(release: "DatasetRelease", filename: str) -> str:
    return f"releases/{release.project_id}/{filename}"


class DatasetRelease(models.Model):
    """A frozen export: the exact bytes, kept so a download later is byte-identical.

    Immutable: written once by `annotate.exports.releases.create_release`, never updated."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(max_length=100, help_text=_("Letters, digits, dot, dash, underscore."))
    format = models.CharField(max_length=16)
    options = models.JSONField(
        default=dict, help_text=_("Filters and split the export was made with.")
    )
    manifest = models.JSONField(default=dict)
    file = models.FileField(upload_to=release_path, max_length=300)
    sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the stored file."))
    size = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="annotate_datasetrelease_unique_name",
                violation_error_message=_(
                    "A release with this name already exists in the project."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.format})"
