"""Review screens inside the admin site: the reviewer's queue, one assignment to accept, reject or
correct, claim and assignment history timelines, the side-by-side comparison with adjudication
into gold, agreement tables and the managers' progress page.

Pages render on the server and write through plain form POSTs to these views, which call the
services (via="browser"), then redirect; no script is needed for any action, so the pages run
under a strict Content-Security-Policy. `annotate/static/annotate/review.js` only links claim
rows to their highlighted spans.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotate.access import access_assignment, access_project, has_role, project_role
from annotate.agreement.report import (
    agreement_report,
    article_comparison,
    progress_report,
)
from annotate.errors import DomainError, Forbidden, NotFound
from annotate.history import snapshot_attribution
from annotate.models import (
    Actor,
    Assignment,
    HistoryEntry,
    Membership,
    Project,
    ProjectArticle,
    VocabularyTerm,
)
from annotate.selectors import (
    attributions_for_assignment,
    history_for_assignment,
    history_for_attribution,
)
from annotate.services import adjudication
from annotate.services.assignments import change_assignment_status
from annotate.services.attributions import delete_attribution, update_attribution
from corpus.models import Article

VIA = "browser"
S = Assignment.Status
# Elements shown and compared per claim, in display order.
CLAIM_ELEMENTS = ("content", "source", "cue", "speaker", "type", "stances")
# Snapshot keys that change on every write and say nothing to a reader of the diff.
QUIET_KEYS = frozenset(
    {"id", "version", "updated_at", "updated_by", "created_at", "speaker_name", "assignment"}
)
# Keys of assignment states holding user ids.
USER_KEYS = frozenset({"annotator", "reviewed_by"})
ELEMENT_LABELS = {
    "content": gettext_lazy("content"),
    "source": gettext_lazy("source"),
    "cue": gettext_lazy("cue"),
    "speaker": gettext_lazy("speaker"),
    "type": gettext_lazy("type"),
    "stances": gettext_lazy("stance"),
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Rendering helpers (pure)


def span_text(text: str, span: Any) -> str:
    if not span:
        return ""
    start, end = span
    return text[start:end]


def claim_view(snapshot: dict[str, Any], text: str) -> dict[str, Any]:
    """A snapshot with the words of its spans, for templates."""
    return {
        **snapshot,
        "content_text": " … ".join(span_text(text, span) for span in snapshot["content"]),
        "source_text": span_text(text, snapshot["source"]),
        "cue_text": span_text(text, snapshot["cue"]),
        "speaker_label": snapshot["speaker_name"] or _("unknown"),
        "stance_text": "; ".join(
            f"{stance['polarity']} → {stance['target_name']}" for stance in snapshot["stances"]
        ),
    }


def highlighted_segments(text: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut at every span boundary; each piece lists the roles and claims covering it."""
    cuts = {0, len(text)}
    marks: list[tuple[int, int, str, int]] = []
    for claim in claims:
        spans = [("content", span) for span in claim["content"]]
        spans += [(role, claim[role]) for role in ("source", "cue") if claim[role]]
        for role, (start, end) in spans:
            cuts.update((start, end))
            marks.append((start, end, role, claim["id"]))
    points = sorted(cuts)
    segments = []
    for start, end in itertools.pairwise(points):
        covering = [(role, pk) for s, e, role, pk in marks if s <= start and end <= e]
        segments.append(
            {
                "text": text[start:end],
                "roles": " ".join(sorted({f"rv-{role}" for role, _ in covering})),
                "claims": " ".join(str(pk) for pk in sorted({pk for _, pk in covering})),
            }
        )
    return segments


def _format_value(key: str, value: Any, text: str) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "content":
        return " … ".join(f"{s}-{e} «{text[s:e]}»" for s, e in value)
    if key in ("source", "cue"):
        start, end = value
        return f"{start}-{end} «{text[start:end]}»"
    if key == "stances":
        return "; ".join(f"{s['polarity']} → {s['target_name']}" for s in value)
    if isinstance(value, dict):
        return ", ".join(f"{name}: {item}" for name, item in value.items())
    return str(value)


def entry_changes(
    entry: HistoryEntry, text: str, usernames: dict[Any, str] | None = None
) -> list[dict[str, str]]:
    """Field-by-field before/after of one history entry, leaving out bookkeeping fields and, for
    a creation or deletion, the fields that are empty."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    both = entry.before is not None and entry.after is not None
    users = usernames or {}
    rows = []
    for key in [k for k in {**before, **after} if k not in QUIET_KEYS]:
        old, new = before.get(key), after.get(key)
        if both and old == new:
            continue
        if not both and (old if entry.before is not None else new) in (None, "", []):
            continue
        if key == "speaker":
            old = before.get("speaker_name") or old
            new = after.get("speaker_name") or new
        elif key in USER_KEYS:
            old, new = users.get(old, old), users.get(new, new)
        rows.append(
            {
                "field": key,
                "before": _format_value(key, old, text) if entry.before is not None else "",
                "after": _format_value(key, new, text) if entry.after is not None else "",
            }
        )
    return rows


def timeline(entries: Any, text: str) -> list[dict[str, Any]]:
    """History entries with their field changes; user ids in assignment states become names
    (one query for all entries)."""
    entries = list(entries)
    ids = {
        value
        for entry in entries
        for state in (entry.before, entry.after)
        if isinstance(state, dict)
        for key, value in state.items()
        if key in USER_KEYS and isinstance(value, int)
    }
    usernames = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    return [{"entry": entry, "changes": entry_changes(entry, text, usernames)} for entry in entries]


# ---------------------------------------------------------------------------------------------
# Views


def _project_for_review(request: HttpRequest, project_id: int, min_role: str) -> Project:
    try:
        return access_project(request.user, project_id, min_role=min_role)
    except NotFound as error:
        raise Http404(error.message) from None
    except Forbidden as error:
        raise PermissionDenied(error.message) from None


def _assignment_for_review(request: HttpRequest, assignment_id: int) -> Assignment:
    try:
        assignment = access_assignment(request.user, assignment_id)
    except NotFound as error:
        raise Http404(error.message) from None
    if not has_role(getattr(assignment, "user_role", None), Membership.Role.REVIEWER):
        raise PermissionDenied(
            _("Reviewing needs the reviewer or manager role in project '%(project)s'.")
            % {"project": assignment.project.name}
        )
    return assignment


def _article_in(project: Project, article_id: int) -> Article:
    if not ProjectArticle.objects.filter(project_id=project.pk, article_id=article_id).exists():
        raise Http404(
            _("Article %(article)s is not in project '%(project)s'.")
            % {"article": article_id, "project": project.name}
        )
    return Article.objects.get(pk=article_id)


class ReviewViews:
    def __init__(self, site: AdminSite) -> None:
        self.site = site

    def urls(self) -> list[URLPattern]:
        wrap = self.site.admin_view
        return [
            path("annotate/review/", wrap(self.queue), name="annotate_review_queue"),
            path(
                "annotate/review/assignment/<int:assignment_id>/",
                wrap(self.assignment),
                name="annotate_review_assignment",
            ),
            path(
                "annotate/review/assignment/<int:assignment_id>/history/",
                wrap(self.assignment_history),
                name="annotate_review_assignment_history",
            ),
            path(
                "annotate/review/claim/<int:attribution_id>/history/",
                wrap(self.claim_history),
                name="annotate_review_claim_history",
            ),
            path(
                "annotate/review/<int:project_id>/compare/<int:article_id>/",
                wrap(self.compare),
                name="annotate_review_compare",
            ),
            path(
                "annotate/review/<int:project_id>/agreement/",
                wrap(self.agreement),
                name="annotate_review_agreement",
            ),
            path(
                "annotate/review/<int:project_id>/progress/",
                wrap(self.progress),
                name="annotate_review_progress",
            ),
        ]

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.site.each_context(request),
            "opts": Assignment._meta,
            "title": title,
            **extra,
        }

    # -- queue ---------------------------------------------------------------------------------

    def queue(self, request: HttpRequest) -> HttpResponse:
        """Submitted assignments of every project the user reviews or manages, oldest first,
        then the recently reviewed ones; one row per article to compare its annotators."""
        user = request.user
        if user.is_superuser:
            projects = list(Project.objects.order_by("name"))
        else:
            projects = list(
                Project.objects.filter(
                    memberships__user_id=int(user.pk or 0),
                    memberships__role__in=[Membership.Role.REVIEWER, Membership.Role.MANAGER],
                ).order_by("name")
            )
        roles = {p.pk: project_role(user, p.pk) for p in projects}
        assignments = (
            Assignment.objects.filter(project__in=projects, is_gold=False)
            .exclude(status=S.IN_PROGRESS)
            .select_related("project", "article", "annotator", "reviewed_by")
            .annotate(claims=Count("attributions"))
            .order_by("project__name", "submitted_at", "id")
        )
        gold_status = dict(
            Assignment.objects.filter(project__in=projects, is_gold=True).values_list(
                "article_id", "status"
            )
        )
        groups: dict[int, dict[str, Any]] = {
            p.pk: {
                "project": p,
                "is_manager": roles[p.pk] == Membership.Role.MANAGER,
                "submitted": [],
                "reviewed": [],
                "articles": {},
            }
            for p in projects
        }
        for assignment in assignments:
            group = groups[assignment.project_id]
            bucket = "submitted" if assignment.status == S.SUBMITTED else "reviewed"
            group[bucket].append(assignment)
            article = group["articles"].setdefault(
                assignment.article_id,
                {
                    "article": assignment.article,
                    "annotators": [],
                    "gold": gold_status.get(assignment.article_id),
                },
            )
            article["annotators"].append(assignment.annotator.get_username())
        for group in groups.values():
            group["articles"] = sorted(group["articles"].values(), key=lambda a: a["article"].pk)
        context = self._context(request, _("Review queue"), groups=list(groups.values()))
        return render(request, "admin/annotate/review/queue.html", context)

    # -- one assignment ------------------------------------------------------------------------

    def assignment(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        """One annotator's claims on the article: accept, reject (comment required), correct a
        claim's type, speaker or stance polarities."""
        assignment = _assignment_for_review(request, assignment_id)
        if request.method == "POST":
            self._assignment_post(request, assignment)
            return HttpResponseRedirect(request.path)
        article = assignment.article
        snapshots = [snapshot_attribution(c) for c in attributions_for_assignment(assignment.pk)]
        claims = [claim_view(s, article.text) for s in snapshots]
        vocabulary = VocabularyTerm.objects.filter(
            project_id=assignment.project_id, is_active=True
        ).order_by("position", "value")
        context = self._context(
            request,
            _("Review: %(title)s by %(annotator)s")
            % {
                "title": Truncator(str(article)).chars(90),
                "annotator": assignment.annotator.get_username(),
            },
            assignment=assignment,
            project=assignment.project,
            article=article,
            claims=claims,
            segments=highlighted_segments(article.text, snapshots),
            types=[t.value for t in vocabulary if t.kind == VocabularyTerm.Kind.ATTRIBUTION_TYPE],
            polarities=[t.value for t in vocabulary if t.kind == VocabularyTerm.Kind.POLARITY],
            actors=Actor.objects.filter(project_id=assignment.project_id).order_by("name"),
            can_accept=assignment.status in (S.SUBMITTED, S.REJECTED) and not assignment.is_gold,
            can_reject=assignment.status in (S.SUBMITTED, S.ACCEPTED) and not assignment.is_gold,
        )
        return render(request, "admin/annotate/review/assignment.html", context)

    def _assignment_post(self, request: HttpRequest, assignment: Assignment) -> None:
        action = request.POST.get("action")
        comment = request.POST.get("comment", "")
        try:
            if action in ("accept", "reject"):
                self._decide(request, assignment, accept=action == "accept", comment=comment)
                messages.success(
                    request,
                    _("Accepted.")
                    if action == "accept"
                    else _("Rejected; the annotator sees why."),
                )
            elif action == "correct":
                self._correct(request, assignment)
                messages.success(request, _("Claim corrected."))
            else:
                messages.error(request, _("Unknown action %(action)r.") % {"action": action})
        except DomainError as error:
            messages.error(request, error.message)

    def _decide(
        self, request: HttpRequest, assignment: Assignment, *, accept: bool, comment: str
    ) -> None:
        """Accept or reject at the version the reviewer saw. A decision already taken the other
        way is first reopened (back to submitted), in the same transaction, as the workflow
        allows only submitted -> accepted | rejected."""
        version = _int(request.POST.get("version")) or assignment.version
        target = S.ACCEPTED if accept else S.REJECTED
        with transaction.atomic():
            if assignment.status in (S.ACCEPTED, S.REJECTED) and assignment.status != target:
                reopened = change_assignment_status(
                    assignment_id=assignment.pk,
                    user=request.user,
                    to_status=S.SUBMITTED,
                    expected_version=version,
                    via=VIA,
                )
                version = reopened.version
            change_assignment_status(
                assignment_id=assignment.pk,
                user=request.user,
                to_status=target,
                comment=comment,
                expected_version=version,
                via=VIA,
            )

    def _correct(self, request: HttpRequest, assignment: Assignment) -> None:
        claim_id = _int(request.POST.get("claim"))
        version = _int(request.POST.get("claim_version"))
        if claim_id is None or version is None:
            raise NotFound(_("Pick a claim to correct."))
        current = next(
            (
                snapshot_attribution(c)
                for c in attributions_for_assignment(assignment.pk).filter(pk=claim_id)
            ),
            None,
        )
        if current is None:
            raise NotFound(
                _("Claim %(id)s is not in this assignment (it may have been deleted).")
                % {"id": claim_id}
            )
        changes: dict[str, Any] = {}
        new_type = request.POST.get("type")
        if new_type and new_type != current["type"]:
            changes["type"] = new_type
        speaker = request.POST.get("speaker", "")
        speaker_id = None if speaker in ("", "unknown") else _int(speaker)
        if speaker not in ("", "unknown") and speaker_id is None:
            raise NotFound(_("Unknown speaker %(value)r.") % {"value": speaker})
        if speaker_id != current["speaker"]:
            changes["speaker_id"] = speaker_id
        stances = []
        for position, stance in enumerate(current["stances"]):
            polarity = request.POST.get(f"polarity_{position}", stance["polarity"])
            stances.append(
                {
                    "polarity": polarity,
                    "target_actor_id": stance["target_actor"],
                    "target_topic": stance["target_topic"]
                    if stance["target_actor"] is None
                    else "",
                }
            )
        if [s["polarity"] for s in stances] != [s["polarity"] for s in current["stances"]]:
            changes["stances"] = stances
        if not changes:
            raise NotFound(_("Nothing changed in claim %(id)s.") % {"id": claim_id})
        update_attribution(
            attribution_id=claim_id,
            expected_version=version,
            user=request.user,
            changes=changes,
            via=VIA,
        )

    # -- history -------------------------------------------------------------------------------

    def assignment_history(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        assignment = _assignment_for_review(request, assignment_id)
        entries = history_for_assignment(assignment.pk)
        context = self._context(
            request,
            _("History of %(annotator)s's work on “%(title)s”")
            % {
                "annotator": assignment.annotator.get_username(),
                "title": Truncator(str(assignment.article)).chars(90),
            },
            assignment=assignment,
            project=assignment.project,
            timeline=timeline(entries, assignment.article.text),
        )
        return render(request, "admin/annotate/review/history.html", context)

    def claim_history(self, request: HttpRequest, attribution_id: int) -> HttpResponse:
        """A claim's history, kept after the claim is deleted; readable by the project's
        reviewers and managers."""
        entries = list(history_for_attribution(attribution_id))
        if not entries:
            raise Http404(_("Claim %(id)s has no history.") % {"id": attribution_id})
        project = _project_for_review(request, entries[0].project_id, Membership.Role.REVIEWER)
        assignment = (
            Assignment.objects.select_related("article", "annotator")
            .filter(pk=entries[0].assignment_id or 0)
            .first()
        )
        text = entries[0].article.text if entries[0].article is not None else ""
        context = self._context(
            request,
            _("History of claim %(id)s") % {"id": attribution_id},
            assignment=assignment,
            project=project,
            claim_id=attribution_id,
            timeline=timeline(entries, text),
        )
        return render(request, "admin/annotate/review/history.html", context)

    # -- comparison and adjudication -----------------------------------------------------------

    def compare(self, request: HttpRequest, project_id: int, article_id: int) -> HttpResponse:
        project = _project_for_review(request, project_id, Membership.Role.REVIEWER)
        article = _article_in(project, article_id)
        if request.method == "POST":
            self._compare_post(request, project, article)
            return HttpResponseRedirect(request.path)
        comparison = article_comparison(project, article.pk)
        annotators = comparison["annotators"]
        rows = []
        for number, row in enumerate(comparison["rows"], start=1):
            cells = []
            for name in annotators:
                snapshot = row["claims"].get(name)
                cells.append(
                    {
                        "annotator": name,
                        "claim": claim_view(snapshot, article.text) if snapshot else None,
                    }
                )
            rows.append(
                {
                    "number": number,
                    "cells": cells,
                    "differs": row["differs"],
                    "unanimous": row["unanimous"],
                    "gold": claim_view(row["gold"], article.text) if row["gold"] else None,
                    "has_claims": bool(row["claims"]),
                    "first_claim": next(
                        (cell["claim"]["id"] for cell in cells if cell["claim"]), None
                    ),
                    "element_choices": [
                        {
                            "name": element,
                            "label": ELEMENT_LABELS[element],
                            "differs": element in row["differs"],
                        }
                        for element in CLAIM_ELEMENTS
                    ],
                }
            )
        gold = comparison["gold"]
        context = self._context(
            request,
            _("Compare and adjudicate: %(title)s") % {"title": Truncator(str(article)).chars(90)},
            project=project,
            article=article,
            annotators=annotators,
            assignments=comparison["assignments"],
            gold=gold,
            rows=rows,
            unanimous=comparison["unanimous"],
            can_finish=gold is not None and gold.status == S.IN_PROGRESS,
            can_reopen=gold is not None and gold.status == S.GOLD,
        )
        return render(request, "admin/annotate/review/compare.html", context)

    def _compare_post(self, request: HttpRequest, project: Project, article: Article) -> None:
        action = request.POST.get("action")
        common: dict[str, Any] = {
            "project_id": project.pk,
            "article_id": article.pk,
            "user": request.user,
        }
        try:
            if action == "take":
                self._take(request, common)
            elif action == "merge":
                sources = {}
                for element in CLAIM_ELEMENTS:
                    value = _int(request.POST.get(f"from_{element}"))
                    if value is not None:
                        sources[element] = value
                self._take(request, common, sources=sources)
            elif action == "accept_agreed":
                created = adjudication.accept_agreed_claims(**common, via=VIA)
                messages.success(
                    request,
                    _("%(count)s agreed claim(s) copied into gold.") % {"count": len(created)},
                )
            elif action == "remove":
                claim_id = _int(request.POST.get("gold_claim"))
                version = _int(request.POST.get("gold_version"))
                gold = Assignment.objects.filter(
                    project_id=project.pk, article_id=article.pk, is_gold=True
                ).first()
                if gold is None or claim_id is None or version is None:
                    raise NotFound(_("Pick a gold claim to remove."))
                if not gold.attributions.filter(pk=claim_id).exists():
                    raise NotFound(_("Claim %(id)s is not a gold claim.") % {"id": claim_id})
                delete_attribution(
                    attribution_id=claim_id, expected_version=version, user=request.user, via=VIA
                )
                messages.success(request, _("Gold claim removed."))
            elif action == "finish":
                adjudication.finish_gold(**common, via=VIA)
                messages.success(request, _("The gold version is settled."))
            elif action == "reopen":
                gold = Assignment.objects.filter(
                    project_id=project.pk, article_id=article.pk, is_gold=True
                ).first()
                if gold is None:
                    raise NotFound(_("This article has no gold version."))
                change_assignment_status(
                    assignment_id=gold.pk, user=request.user, to_status=S.IN_PROGRESS, via=VIA
                )
                messages.success(request, _("The gold version is open for changes again."))
            else:
                messages.error(request, _("Unknown action %(action)r.") % {"action": action})
        except DomainError as error:
            messages.error(request, error.message)

    def _take(
        self,
        request: HttpRequest,
        common: dict[str, Any],
        sources: dict[str, int] | None = None,
    ) -> None:
        if sources is None:
            claim_id = _int(request.POST.get("claim"))
            if claim_id is None:
                raise NotFound(_("Pick a claim to take."))
            sources = {"content": claim_id}
        replace = _int(request.POST.get("replace"))
        adjudication.adjudicate_claim(
            **common,
            sources=sources,
            replace_id=replace,
            expected_version=_int(request.POST.get("replace_version")),
            via=VIA,
        )
        if replace is not None:
            messages.success(request, _("Gold claim replaced."))
        else:
            messages.success(request, _("Claim taken into gold."))

    # -- agreement and progress ----------------------------------------------------------------

    def agreement(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = _project_for_review(request, project_id, Membership.Role.REVIEWER)
        article_id = _int(request.GET.get("article"))
        if request.GET.get("article") and article_id is None:
            raise Http404(_("Article must be an id."))
        article = _article_in(project, article_id) if article_id is not None else None
        report = agreement_report(project, article_id=article_id)
        context = self._context(
            request,
            _("Agreement in %(project)s") % {"project": project.name},
            project=project,
            article=article,
            report=report,
            span_rows=_span_rows(report),
            label_rows=_label_rows(report),
        )
        return render(request, "admin/annotate/review/agreement.html", context)

    def progress(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = _project_for_review(request, project_id, Membership.Role.MANAGER)
        report = progress_report(project)
        context = self._context(
            request,
            _("Progress in %(project)s") % {"project": project.name},
            project=project,
            report=report,
            statuses=[(value, label) for value, label in S.choices],
        )
        return render(request, "admin/annotate/review/progress.html", context)


def _span_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for role, scores in report["spans"].items():
        for match in ("exact", "overlap"):
            rows.append(
                {
                    "element": _("%(role)s spans") % {"role": role},
                    "match": match,
                    "scores": scores[match],
                    "alpha": scores["token_alpha"] if match == "exact" else None,
                    "show_alpha": match == "exact",
                }
            )
    rows.append(
        {
            "element": _("claims (aligned units)"),
            "match": "overlap",
            "scores": report["units"]["f1"],
            "alpha": None,
            "show_alpha": False,
        }
    )
    for role, scores in report["aligned_roles"].items():
        for match in ("exact", "overlap"):
            rows.append(
                {
                    "element": _("%(role)s on aligned claims") % {"role": role},
                    "match": match,
                    "scores": scores[match],
                    "alpha": None,
                    "show_alpha": False,
                }
            )
    return rows


def _label_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, scores in report["labels"].items():
        pairs = []
        for pair in scores["pairs"]:
            confusion = pair["confusion"]
            names = confusion.get("names", confusion["labels"])
            pairs.append(
                {
                    **pair,
                    "matrix": [
                        {"label": label, "counts": counts}
                        for label, counts in zip(names, confusion["matrix"], strict=True)
                    ],
                    "columns": names,
                }
            )
        rows.append({"name": name, "scores": scores, "pairs": pairs})
    return rows


def install(site: AdminSite) -> None:
    """Prepend the review URLs to the site's own (see annotate.admin.workspace.install)."""
    if getattr(site, "_review_installed", False):
        return
    views = ReviewViews(site)
    original = site.get_urls

    def get_urls() -> list[Any]:
        return views.urls() + original()

    site.get_urls = get_urls  # type: ignore[method-assign]  # AdminSite has no hook for pages
    site._review_installed = True  # type: ignore[attr-defined]
