from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from corpus.models import Article


class Project(models.Model):
    """Articles, vocabularies, guidelines and members with a role."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text=_("Markdown, shown beside the text."))
    # Bumped on every change, so an export manifest can name what its labels followed.
    guidelines_version = models.PositiveIntegerField(default=1)
    vocabulary_version = models.PositiveIntegerField(default=1)
    annotators_per_article = models.PositiveSmallIntegerField(
        default=1, help_text=_("How many annotators label each article (k >= 1).")
    )
    is_blind = models.BooleanField(
        default=True, help_text=_("Annotators cannot see each other's work on an article.")
    )
    articles: "models.ManyToManyField[Article, ProjectArticle]" = models.ManyToManyField(
        Article, through="ProjectArticle", related_name="projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_article__gte=1),
                name="annotate_project_k_positive",
                violation_error_message=_("Each article needs at least one annotator (k >= 1)."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectArticle(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "article"],
                name="annotate_projectarticle_unique",
                violation_error_message=_("This article is already in the project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.article_id}"


class Membership(models.Model):
    class Role(models.TextChoices):
        ANNOTATOR = "annotator", _("annotator")
        REVIEWER = "reviewer", _("reviewer")
        MANAGER = "manager", _("manager")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                name="annotate_membership_one_role",
                violation_error_message=_("A user has one role per project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.project_id}"


class VocabularyTerm(models.Model):
    """One value of a project vocabulary; managers edit them, code never hard-codes them."""

    class Kind(models.TextChoices):
        POLARITY = "polarity", _("stance polarity")
        ATTRIBUTION_TYPE = "attribution_type", _("attribution type")
        ACTOR_KIND = "actor_kind", _("actor kind")
        CATEGORY = "category", _("claim category")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="vocabulary")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    value = models.SlugField(max_length=64, allow_unicode=True)
    label = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["project", "kind", "position", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "value"],
                name="annotate_vocabularyterm_unique",
                violation_error_message=_("This value is already in the project vocabulary."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Actor(models.Model):
    """A canonical speaker of a project. An attribution without an actor has an unknown speaker."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=300)
    kind = models.CharField(
        max_length=64, blank=True, help_text=_("From the actor-kind vocabulary.")
    )
    aliases = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="annotate_actor_unique_name",
                violation_error_message=_("An actor with this name already exists in the project."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
