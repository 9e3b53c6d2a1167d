"""Root URLs: each app mounts its own ``urls.py``."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("natcert.portal.urls")),
]
