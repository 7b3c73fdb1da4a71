"""Articles in the admin: a searchable list, and a change page showing the segmented text.

The text is never editable here: it is the article's identity (content hash) and labels point
into it by offset. Articles are added with `manage.py import_articles`, not through a form.
Blocks and sentences have no admin of their own; the change page shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from corpus.errors import DomainError
from corpus.models import Article
from corpus.selectors import article_segments, articles_with_counts
from corpus.services import EDITABLE_FIELDS, delete_articles, update_article


def render_segmented_text(article: Article) -> SafeString:
    """The article text as HTML: header lines, headings, paragraphs, one span per sentence."""
    blocks, sentences = article_segments(article)
    text = article.text
    parts: list[SafeString] = []
    body_start = blocks[0].start if blocks else len(text)
    if text[:body_start].strip():
        parts.append(
            format_html(
                '<pre class="corpus-header" title="{}">{}</pre>',
                _("Header lines (not part of the body)"),
                text[:body_start].strip("\n"),
            )
        )
    index = 0
    for block in blocks:
        while index < len(sentences) and sentences[index].start < block.start:
            index += 1
        inner: list[SafeString] = []
        position = block.start
        while index < len(sentences) and sentences[index].end <= block.end:
            sentence = sentences[index]
            inner.append(format_html("{}", text[position : sentence.start]))
            inner.append(
                format_html(
                    '<span class="corpus-sentence" data-start="{}" data-end="{}" '
                    'title="{}-{}">{}</span>',
                    sentence.start,
                    sentence.end,
                    sentence.start,
                    sentence.end,
                    text[sentence.start : sentence.end],
                )
            )
            position = sentence.end
            index += 1
        inner.append(format_html("{}", text[position : block.end]))
        tag = "h3" if block.kind == block.Kind.HEADING else "p"
        parts.append(
            format_html(
                '<{} class="corpus-{}" data-start="{}" data-end="{}">{}</{}>',
                tag,
                block.kind,
                block.start,
                block.end,
                mark_safe("".join(inner)),  # noqa: S308 (every piece went through format_html)
                tag,
            )
        )
    summary = format_html(
        '<p class="corpus-summary">{}</p>',
        _("%(blocks)d blocks, %(sentences)d sentences; offsets are code points.")
        % {"blocks": len(blocks), "sentences": len(sentences)},
    )
    return format_html(
        '<div class="corpus-text">{}{}</div>',
        summary,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "publisher",
        "language",
        "published_display",
        "block_count",
        "sentence_count",
        "created_at",
    )
    list_filter = ("publisher", "language", ("published_date", admin.DateFieldListFilter))
    search_fields = ("title", "text")
    # Article has no foreign key to join; the counts come from subqueries in get_queryset.
    list_select_related = False
    date_hierarchy = "published_date"
    list_per_page = 100
    show_full_result_count = False
    fields = (
        "title",
        "external_id",
        "publisher",
        "author",
        "url",
        "language",
        "published_display",
        "content_hash",
        "metadata",
        "created_at",
        "segmented_text",
    )
    readonly_fields = (
        "published_display",
        "content_hash",
        "metadata",
        "created_at",
        "segmented_text",
    )

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ("corpus/article.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return articles_with_counts()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("published"), ordering="published_at")
    def published_display(self, obj: Article) -> str:
        return obj.published or "—"

    @admin.display(description=_("blocks"), ordering="block_count")
    def block_count(self, obj: Article) -> int:
        return getattr(obj, "block_count", 0)  # annotated in get_queryset

    @admin.display(description=_("sentences"), ordering="sentence_count")
    def sentence_count(self, obj: Article) -> int:
        return getattr(obj, "sentence_count", 0)  # annotated in get_queryset

    @admin.display(description=_("text (sentences outlined, headings in bold)"))
    def segmented_text(self, obj: Article) -> SafeString:
        return render_segmented_text(obj)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        if changes:
            update_article(article_id=obj.pk, changes=changes)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        self._delete(request, [obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._delete(request, list(queryset.values_list("pk", flat=True)))

    def _delete(self, request: HttpRequest, ids: list[int]) -> None:
        try:
            delete_articles(article_ids=ids)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
