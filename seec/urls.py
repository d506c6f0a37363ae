from django.contrib import admin
from django.urls import include, path

from seec.exchange import protocol_views as exchange_protocol

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("seec.api_urls")),
    path("cases/", include("seec.cases.urls")),
    path("alerts/", include("seec.alerts.urls")),
    path("linkage/", include("seec.linkage.urls")),
    path("stats/", include("seec.stats.urls")),
    path("exchange/", include("seec.exchange.urls")),
    path(".well-known/seec-node", exchange_protocol.well_known, name="exchange-well-known"),
    path(
        ".well-known/seec-node/directory",
        exchange_protocol.directory,
        name="exchange-directory",
    ),
    path("contact-centre/", include("seec.contactcentre.urls")),
    path("help/chat/", include("seec.contactcentre.public_urls")),
    path("network/", include("seec.network.urls")),
    path("protection/", include("seec.protection.urls")),
    path("portal/", include("seec.portal.urls")),
    path("", include("seec.core.urls")),
]
