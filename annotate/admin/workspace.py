"""The annotation workspace inside the admin site: "My queue" and the article workspace.

The pages only read: they embed the article, the claims, the actors and the vocabulary as JSON
(`json_script`), and `annotate/static/annotate/workspace.js` writes through the REST API of
docs/api.md, hence through the services and their history (`via="browser"`, from the
`X-Client: workspace` header).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, get_script_prefix, path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from annotate.access import access_assignment, can_write_assignment
from annotate.errors import NotFound
from annotate.models import (
    Actor,
    Assignment,
    Attribution,
    Span,
    Stance,
    VocabularyTerm,
)
from annotate.selectors import assignments_for_user
from corpus.models import Block, Sentence

# Statuses an annotator still works on, in the order `n` ("next") visits them: a rejected
# assignment first, since a reviewer is waiting for its fix.
OPEN_STATUSES = (Assignment.Status.REJECTED, Assignment.Status.IN_PROGRESS)
_SAFE_URL_SCHEMES = frozenset({"", "http", "https", "mailto"})


class _DropUnsafeUrls(Treeprocessor):
    """Links and images keep only http(s), mailto and relative URLs (no `javascript:`)."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in _SAFE_URL_SCHEMES:
                    del element.attrib[attribute]


class _SafeMarkdown(Extension):
    """Raw HTML in the guidelines is shown as text, never passed through: guidelines are written
    by managers but read by everyone, so they must not carry script into reviewers' sessions."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DropUnsafeUrls(md), "drop_unsafe_urls", 0)


@functools.lru_cache(maxsize=64)
def render_guidelines(source: str) -> SafeString:
    """The project's guidelines (Markdown) as HTML; raw HTML is escaped, unsafe URLs dropped.

    Cached by text: converting the demo guidelines (19 kB) takes about 50 ms, more than the
    rest of the page."""
    html = markdown.markdown(source, extensions=["tables", "sane_lists", _SafeMarkdown()])
    return mark_safe(html)  # noqa: S308 (raw HTML is escaped by _SafeMarkdown)


def _vocabulary(project_id: int) -> dict[str, list[dict[str, str]]]:
    """{kind: [{value, label}]}: active terms in display order, as in GET /api/projects/."""
    result: dict[str, list[dict[str, str]]] = {kind: [] for kind in VocabularyTerm.Kind.values}
    terms = (
        VocabularyTerm.objects.filter(project_id=project_id, is_active=True)
        .order_by("kind", "position", "value")
        .values_list("kind", "value", "label")
    )
    for kind, value, label in terms:
        result.setdefault(kind, []).append({"value": value, "label": label or value})
    return result


def claim_snapshots(assignment_id: int) -> list[dict[str, Any]]:
    """The assignment's claims in the shape of `annotate.history.snapshot_attribution` (the API's
    claim), read as plain rows in three queries. Model instances and prefetch querysets cost about
    1 ms per claim here, most of the page's time at 50 claims; a test keeps both shapes equal."""
    username = get_user_model().USERNAME_FIELD
    rows = list(
        Attribution.objects.filter(assignment_id=assignment_id)
        .order_by("id")
        .values(
            "id", "version", "assignment_id", "speaker_id", "speaker__name", "type",
            "nested_in_id", "category", "note", "confidence", "origin",
            f"created_by__{username}", f"updated_by__{username}", "created_at", "updated_at",
        )
    )  # fmt: skip
    spans: dict[int, list[tuple[int, int, str]]] = {row["id"]: [] for row in rows}
    for attribution_id, role, start, end in Span.objects.filter(
        attribution__assignment_id=assignment_id
    ).values_list("attribution_id", "role", "start", "end"):
        spans[attribution_id].append((start, end, role))
    stances: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    for attribution_id, actor_id, actor_name, topic, polarity in (
        Stance.objects.filter(attribution__assignment_id=assignment_id)
        .order_by("id")
        .values_list(
            "attribution_id", "target_actor_id", "target_actor__name", "target_topic", "polarity"
        )
    ):
        stances[attribution_id].append(
            {
                "target_actor": actor_id,
                "target_name": actor_name if actor_id is not None else topic,
                "target_topic": topic,
                "polarity": polarity,
            }
        )
    snapshots = []
    for row in rows:
        content: list[list[int]] = []
        source: list[int] | None = None
        cue: list[int] | None = None
        for start, end, role in sorted(spans[row["id"]]):
            if role == Span.Role.CONTENT:
                content.append([start, end])
            elif role == Span.Role.SOURCE:
                source = [start, end]
            else:
                cue = [start, end]
        snapshots.append(
            {
                "id": row["id"],
                "version": row["version"],
                "assignment": row["assignment_id"],
                "content": content,
                "source": source,
                "cue": cue,
                "speaker": row["speaker_id"],
                "speaker_name": row["speaker__name"],
                "type": row["type"],
                "stances": stances[row["id"]],
                "nested_in": row["nested_in_id"],
                "category": row["category"],
                "note": row["note"],
                "confidence": row["confidence"],
                "origin": row["origin"],
                "created_by": row[f"created_by__{username}"],
                "updated_by": row[f"updated_by__{username}"],
                "created_at": row["created_at"].isoformat(),
                "updated_at": row["updated_at"].isoformat(),
            }
        )
    return snapshots


def workspace_data(assignment: Assignment, *, user: Any) -> dict[str, Any]:
    """Everything the workspace script needs, in the shapes of the REST API: one query per table
    (blocks, sentences, claims + spans + stances, actors, vocabulary), whatever the claim count."""
    article = assignment.article
    project = assignment.project
    role = getattr(assignment, "user_role", None)
    blocks = list(
        Block.objects.filter(article_id=article.pk).order_by("start").values("kind", "start", "end")
    )
    sentences = [
        [start, end]
        for start, end in Sentence.objects.filter(article_id=article.pk)
        .order_by("start")
        .values_list("start", "end")
    ]
    claims = claim_snapshots(assignment.pk)
    actors = list(
        Actor.objects.filter(project_id=project.pk)
        .order_by("name")
        .values("id", "name", "kind", "aliases")
    )
    prefix = get_script_prefix()
    return {
        "assignment": {
            "id": assignment.pk,
            "project": project.pk,
            "article": article.pk,
            "annotator": assignment.annotator_id,
            "is_gold": assignment.is_gold,
            "status": assignment.status,
            "status_label": assignment.get_status_display(),
            "review_comment": assignment.review_comment,
            "version": assignment.version,
            "writable": can_write_assignment(user, assignment, role),
            "is_own": assignment.annotator_id == user.pk,
        },
        "article": {
            "id": article.pk,
            "title": article.title,
            "text": article.text,
            "blocks": blocks,
            "sentences": sentences,
        },
        "project": {
            "id": project.pk,
            "name": project.name,
            "role": role,
            "vocabulary": _vocabulary(project.pk),
        },
        "actors": actors,
        "claims": claims,
        # Pre-annotation has not landed yet: the workspace draws whatever is listed here as
        # dashed highlights, and nothing fills it until the pre-annotation issue does.
        "suggestions": [],
        "user": user.get_username(),
        "urls": {
            "api": f"{prefix}api/",
            "queue": reverse("admin:annotate_queue"),
            "next": reverse("admin:annotate_queue_next"),
        },
    }


def _own_queue(user: Any):  # -> QuerySet[Assignment]
    status_rank = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(OPEN_STATUSES)),
        default=Value(len(OPEN_STATUSES)),
        output_field=IntegerField(),
    )
    return (
        assignments_for_user(user)
        .filter(annotator_id=user.pk)
        .annotate(status_rank=status_rank)
        .order_by("project__name", "status_rank", "article_id", "id")
    )


class WorkspaceViews:
    """The queue and workspace pages of one admin site; `urls()` is what `install()` prepends."""

    def __init__(self, site: AdminSite) -> None:
        self.site = site

    def urls(self) -> list[URLPattern]:
        wrap = self.site.admin_view
        return [
            path("annotate/queue/", wrap(self.queue), name="annotate_queue"),
            path("annotate/queue/next/", wrap(self.next_assignment), name="annotate_queue_next"),
            path(
                "annotate/workspace/<int:assignment_id>/",
                wrap(self.workspace),
                name="annotate_workspace",
            ),
        ]

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.site.each_context(request),
            "opts": Assignment._meta,
            "title": title,
        }

    def queue(self, request: HttpRequest) -> HttpResponse:
        """The user's own assignments grouped by project, with status, claim count and the
        reviewer's comment on rejected ones."""
        projects: dict[int, dict[str, Any]] = {}
        next_assignment: Assignment | None = None
        next_rank = len(OPEN_STATUSES)
        for assignment in _own_queue(request.user):
            group = projects.setdefault(
                assignment.project_id,
                {"project": assignment.project, "assignments": [], "counts": {}},
            )
            group["assignments"].append(assignment)
            label = assignment.get_status_display()
            group["counts"][label] = group["counts"].get(label, 0) + 1
            if assignment.status in OPEN_STATUSES:
                rank = OPEN_STATUSES.index(assignment.status)
                if next_assignment is None or rank < next_rank:
                    next_assignment, next_rank = assignment, rank
        context = {
            **self._context(request, _("My queue")),
            "groups": list(projects.values()),
            "next_assignment": next_assignment,
        }
        return render(request, "admin/annotate/workspace/queue.html", context)

    def next_assignment(self, request: HttpRequest) -> HttpResponse:
        """Redirect to the first rejected, else the first in-progress assignment of the user."""
        assignment = (
            _own_queue(request.user)
            .filter(status__in=OPEN_STATUSES)
            .order_by("status_rank", "project__name", "article_id", "id")
            .first()
        )
        if assignment is None:
            messages.info(request, _("Nothing left to annotate: every assignment is submitted."))
            return HttpResponseRedirect(reverse("admin:annotate_queue"))
        return HttpResponseRedirect(
            reverse("admin:annotate_workspace", kwargs={"assignment_id": assignment.pk})
        )

    def workspace(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        """One assignment's article, claims and guidelines. Annotators open only their own
        assignments (others' answer 404, as if they did not exist); reviewers and managers any
        of their projects."""
        try:
            assignment = access_assignment(request.user, assignment_id)
        except NotFound as error:
            raise Http404(error.message) from None
        annotator_name = ""
        if assignment.annotator_id != request.user.pk:
            user_model = get_user_model()
            annotator_name = (
                user_model.objects.filter(pk=assignment.annotator_id)
                .values_list(user_model.USERNAME_FIELD, flat=True)
                .first()
            ) or ""
        data = workspace_data(assignment, user=request.user)
        context = {
            **self._context(
                request,
                str(assignment.article),
            ),
            "assignment": assignment,
            "project": assignment.project,
            "annotator_name": annotator_name,
            "guidelines_html": render_guidelines(assignment.project.guidelines),
            "workspace_data": data,
        }
        return render(request, "admin/annotate/workspace/article.html", context)


def install(site: AdminSite) -> None:
    """Prepend the workspace URLs to the site's own, under its namespace (`admin:annotate_queue`).

    AdminSite has no registry for extra pages; wrapping `get_urls` on the instance is the hook its
    documentation suggests for subclasses, without replacing the default site.
    """
    if getattr(site, "_workspace_installed", False):
        return
    views = WorkspaceViews(site)
    original = site.get_urls

    def get_urls() -> list[Any]:
        return views.urls() + original()

    site.get_urls = get_urls  # type: ignore[method-assign]  # the hook described above
    site._workspace_installed = True  # type: ignore[attr-defined]
