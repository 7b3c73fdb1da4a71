import datetime as dt
import hashlib

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def content_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text: the identity of an article (one text imported twice is one)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Article(models.Model):
    """Immutable text plus metadata. Offsets everywhere are code-point indices into `text`."""

    title = models.CharField(max_length=500, blank=True)
    # A publication time keeps the UTC offset it was written with: `published_at` is the instant,
    # `published_offset_minutes` the offset to show it in. A date without a time fills only
    # `published_date`.
    published_date = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_offset_minutes = models.SmallIntegerField(null=True, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, default="en")
    external_id = models.CharField(max_length=200, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["publisher"], name="corpus_article_publisher"),
            models.Index(fields=["published_date"], name="corpus_article_published_date"),
            models.Index(fields=["external_id"], name="corpus_article_external_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, published_offset_minutes__isnull=True)
                | Q(
                    published_at__isnull=False,
                    published_offset_minutes__isnull=False,
                    published_date__isnull=False,
                ),
                name="corpus_article_published_time_has_offset",
                violation_error_message=_(
                    "A publication time needs its UTC offset and its local date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(published_offset_minutes__gte=-16 * 60)
                & Q(published_offset_minutes__lte=16 * 60)
                | Q(published_offset_minutes__isnull=True),
                name="corpus_article_offset_range",
                violation_error_message=_("A UTC offset must lie between -16:00 and +16:00."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="corpus_article_text_not_empty",
                violation_error_message=_("An article needs a text."),
            ),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        # Seed files start with header lines (` date 2023-04-05 …`); the body says more.
        body_start = self.metadata.get("body_start", 0) if isinstance(self.metadata, dict) else 0
        body = self.text[body_start:] if isinstance(body_start, int) else self.text
        return " ".join(body[:80].split())

    @property
    def published_tz(self) -> dt.timezone | None:
        if self.published_offset_minutes is None:
            return None
        return dt.timezone(dt.timedelta(minutes=self.published_offset_minutes))

    @property
    def published(self) -> str | None:
        """ISO 8601 with the offset as written (`2023-04-05T17:49:00+04:00`), or the date alone."""
        if self.published_at is not None and self.published_tz is not None:
            return self.published_at.astimezone(self.published_tz).isoformat()
        if self.published_date is not None:
            return self.published_date.isoformat()
        return None


class Block(models.Model):
    """A paragraph or heading: `article.text[start:end]`, without its line break."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("paragraph")
        HEADING = "heading", _("heading")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="corpus_block_not_empty",
                violation_error_message=_("A block must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["article", "start"],
                name="corpus_block_unique_start",
                violation_error_message=_("Two blocks of one article cannot start at one offset."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}-{self.end}"


class Sentence(models.Model):
    """A sentence: `article.text[start:end]`, inside one block, no surrounding whitespace."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="sentences")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="corpus_sentence_not_empty",
                violation_error_message=_("A sentence must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["article", "start"],
                name="corpus_sentence_unique_start",
                violation_error_message=_(
                    "Two sentences of one article cannot start at one offset."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"sentence {self.start}-{self.end}"
