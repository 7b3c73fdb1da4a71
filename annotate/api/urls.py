from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from annotate.api import agreement, exports, views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("articles", views.ProjectArticleViewSet, basename="article")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("attributions", views.AttributionViewSet, basename="attribution")
router.register("history", views.HistoryViewSet, basename="history")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
    # Agreement, progress, comparison and adjudication (docs/review.md).
    path(
        "projects/<int:project_id>/agreement/",
        agreement.ProjectAgreementView.as_view(),
        name="api-project-agreement",
    ),
    path(
        "projects/<int:project_id>/progress/",
        agreement.ProjectProgressView.as_view(),
        name="api-project-progress",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/comparison/",
        agreement.ArticleComparisonView.as_view(),
        name="api-article-comparison",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/gold/claims/",
        agreement.GoldClaimView.as_view(),
        name="api-gold-claims",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/gold/accept-agreed/",
        agreement.AcceptAgreedView.as_view(),
        name="api-gold-accept-agreed",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/gold/finish/",
        agreement.FinishGoldView.as_view(),
        name="api-gold-finish",
    ),
    # Exports and dataset releases (docs/exports.md).
    path("projects/<int:project_id>/export/", exports.ExportView.as_view(), name="api-export"),
    path(
        "projects/<int:project_id>/releases/",
        exports.ReleaseListView.as_view(),
        name="api-releases",
    ),
    path(
        "projects/<int:project_id>/releases/<str:name>/",
        exports.ReleaseDetailView.as_view(),
        name="api-release",
    ),
    path(
        "projects/<int:project_id>/releases/<str:name>/download/",
        exports.ReleaseDownloadView.as_view(),
        name="api-release-download",
    ),
]
