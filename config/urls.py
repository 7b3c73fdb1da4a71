from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("annotate.api.urls")),
]

# JSON, not an HTML page, for unknown paths under /api/.
handler404 = "annotate.api.views.not_found"
