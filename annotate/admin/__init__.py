from django.contrib import admin

from annotate.admin import models, review, workspace  # noqa: F401 (models registers the ModelAdmins)

workspace.install(admin.site)
review.install(admin.site)
