"""Read-only article endpoints: metadata in lists, text with blocks and sentences in detail.

The corpus knows nothing of projects: who may read which article is decided by a subclass in
annotate.api (see `scope`), which also adds the project filter.
"""

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination

from corpus.models import Article, Block, Sentence

MAX_PAGE_SIZE = 1000


class ApiCursorPagination(CursorPagination):
    """Cursor pagination for long lists: stable under inserts, no COUNT(*) over the whole table."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "id"


class BlockSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Block.Kind.choices)
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    published = serializers.CharField(
        allow_null=True,
        help_text="ISO 8601 with the UTC offset as written (2023-04-05T17:49:00+04:00), "
        "or the date alone.",
    )
    publisher = serializers.CharField()
    author = serializers.CharField()
    url = serializers.CharField()
    language = serializers.CharField()
    external_id = serializers.CharField()
    content_hash = serializers.CharField(help_text="SHA-256 of the UTF-8 text.")


class ArticleDetailSerializer(ArticleSerializer):
    text = serializers.CharField(help_text="Offsets are code points of this text, half-open.")
    metadata = serializers.JSONField()
    blocks = BlockSerializer(many=True, help_text="Paragraphs and headings.")
    sentences = serializers.SerializerMethodField(help_text="[[start, end], ...] in text order.")

    @extend_schema_field(
        {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}
    )
    def get_sentences(self, article: Article) -> list[list[int]]:
        return [[sentence.start, sentence.end] for sentence in article.sentences.all()]


class ArticleFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(help_text="Exact publisher name.")
    language = django_filters.CharFilter(help_text="Language code, e.g. en.")
    published_after = django_filters.DateFilter(
        field_name="published_date", lookup_expr="gte", help_text="Published on or after (date)."
    )
    published_before = django_filters.DateFilter(
        field_name="published_date", lookup_expr="lte", help_text="Published on or before (date)."
    )
    title = django_filters.CharFilter(lookup_expr="icontains", help_text="Words of the title.")

    class Meta:
        model = Article
        fields = ["publisher", "language"]


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Articles: immutable text and metadata."""

    filterset_class = ArticleFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["id", "publisher", "language", "title"]
    pagination_class = ApiCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"

    def scope(self, queryset: QuerySet[Article]) -> QuerySet[Article]:
        """The articles the requesting user may read; this base class shows them to superusers."""
        return queryset if self.request.user.is_superuser else queryset.none()

    def get_queryset(self) -> QuerySet[Article]:
        queryset = Article.objects.all()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("blocks", queryset=Block.objects.order_by("start")),
                Prefetch("sentences", queryset=Sentence.objects.order_by("start")),
            )
        else:
            # Lists carry metadata only: the text can be long.
            queryset = queryset.defer("text", "metadata")
        return self.scope(queryset)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    @extend_schema(summary="List articles (metadata only; cursor-paginated)")
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One article with its text, blocks and sentences")
    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().retrieve(request, *args, **kwargs)
