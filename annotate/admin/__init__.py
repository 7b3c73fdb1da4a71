from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from annotate.admin import models, review, workspace  # noqa: F401 (models registers the ModelAdmins)

admin.site.site_header = _("Claim annotation")
admin.site.site_title = _("Claim annotation")
admin.site.index_title = _("Projects, articles and claims")

workspace.install(admin.site)
review.install(admin.site)
