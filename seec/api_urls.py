"""The REST API under /api/: each app registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from seec.alerts import api as alerts_api
from seec.cases import api as cases_api
from seec.contactcentre import api as contactcentre_api
from seec.core import api as core_api
from seec.exchange import api as exchange_api
from seec.linkage import api as linkage_api
from seec.network import api as network_api
from seec.network import api_records as network_api_records
from seec.protection import api as protection_api
from seec.stats import api as stats_api

router = DefaultRouter()
router.register("countries", core_api.CountryViewSet, basename="country")
router.register("organisations", core_api.OrganisationViewSet, basename="organisation")
router.register("users", core_api.UserViewSet, basename="user")
router.register("audit-events", core_api.AuditEventViewSet, basename="auditevent")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("contacts", cases_api.ContactViewSet, basename="contact")
router.register("alerts", alerts_api.AlertViewSet, basename="alert")
router.register(
    "contact-centre/conversations", contactcentre_api.ConversationViewSet, basename="conversation"
)
router.register("linkage/runs", linkage_api.LinkageRunViewSet, basename="linkage-run")
router.register("linkage/pairs", linkage_api.CandidatePairViewSet, basename="candidate-pair")
router.register(
    "linkage/agreements", linkage_api.MatchingAgreementViewSet, basename="matching-agreement"
)
router.register(
    "linkage/private-matches", linkage_api.PrivateMatchViewSet, basename="private-match"
)
router.register("protection/victims", protection_api.ChildVictimViewSet, basename="child-victim")
router.register(
    "protection/providers", protection_api.ServiceProviderViewSet, basename="service-provider"
)
router.register(
    "protection/referrals", protection_api.ReferralViewSet, basename="protection-referral"
)
router.register(
    "protection/plans", protection_api.RepatriationPlanViewSet, basename="repatriation-plan"
)
router.register(
    "protection/assignments", protection_api.StepAssignmentViewSet, basename="step-assignment"
)
router.register(
    "protection/persons", protection_api.PersonOfInterestViewSet, basename="person-of-interest"
)
router.register(
    "protection/identifiers", protection_api.TraceIdentifierViewSet, basename="trace-identifier"
)
router.register("exchange/referrals", exchange_api.ReferralViewSet, basename="referral")
router.register(
    "exchange/cooperation", exchange_api.CooperationRequestViewSet, basename="cooperation-request"
)
router.register("network/agreements", network_api.AgreementViewSet, basename="network-agreement")
router.register("network/plans", network_api.ActionPlanViewSet, basename="action-plan")
router.register(
    "network/evaluations", network_api.ServiceEvaluationViewSet, basename="service-evaluation"
)
router.register("network/activities", network_api.ActivityViewSet, basename="network-activity")
router.register(
    "network/catalogues", network_api.CriteriaCatalogueViewSet, basename="criteria-catalogue"
)
router.register("network/criteria", network_api.CriterionViewSet, basename="criterion")
router.register("network/protocols", network_api.ModelProtocolViewSet, basename="model-protocol")
router.register(
    "network/liaison-officers", network_api.LiaisonOfficerViewSet, basename="liaison-officer"
)
router.register("public/alerts", alerts_api.PublicAlertViewSet, basename="public-alert")
router.register(
    "public/stats/indicators", stats_api.PublicIndicatorViewSet, basename="public-indicator"
)
router.register("public/stats/figures", stats_api.PublishedFigureViewSet, basename="public-figure")

urlpatterns = [
    path("auth/token/", core_api.TokenView.as_view(), name="api-token"),
    path("me/", core_api.MeView.as_view(), name="api-me"),
    # The open statistics' entry point, as the README gives it.
    path("public/stats/", stats_api.PublicStatsIndex.as_view(), name="public-stats"),
    path(
        "case-files/<int:pk>/content/",
        cases_api.CaseFileContentView.as_view(),
        name="api-case-file-content",
    ),
    path(
        "contact-centre/messages/",
        contactcentre_api.MessagesSinceView.as_view(),
        name="api-contact-centre-messages",
    ),
    path(
        "contact-centre/metrics/",
        contactcentre_api.MetricsView.as_view(),
        name="api-contact-centre-metrics",
    ),
    path(
        "network/profiles/", network_api.CountryProfileListView.as_view(), name="network-profiles"
    ),
    path(
        "network/profiles/<str:code>/",
        network_api.CountryProfileView.as_view(),
        name="network-profile",
    ),
    path(
        "network/hotline-directory/",
        network_api.HotlineDirectoryView.as_view(),
        name="network-hotline-directory",
    ),
    path("network/facts/", network_api.FactView.as_view(), name="network-facts"),
    path(
        "network/indicators/",
        network_api.IndicatorProviderView.as_view(),
        name="network-indicators",
    ),
    # Read-only: the reminders of agreements, a training's participants and certificates.
    path("network/", include(network_api_records.urlpatterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
