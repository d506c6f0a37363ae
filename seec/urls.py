from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("seec.api_urls")),
    path("cases/", include("seec.cases.urls")),
    path("alerts/", include("seec.alerts.urls")),
    path("linkage/", include("seec.linkage.urls")),
    path("stats/", include("seec.stats.urls")),
    path("protection/", include("seec.protection.urls")),
    path("", include("seec.core.urls")),
]
