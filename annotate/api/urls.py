from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from annotate.api import views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("articles", views.ProjectArticleViewSet, basename="article")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("attributions", views.AttributionViewSet, basename="attribution")
router.register("history", views.HistoryViewSet, basename="history")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
