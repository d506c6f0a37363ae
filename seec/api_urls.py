"""The REST API under /api/: each app registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from seec.alerts import api as alerts_api
from seec.cases import api as cases_api
from seec.core import api as core_api
from seec.linkage import api as linkage_api
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
router.register("protection/referrals", protection_api.ReferralViewSet, basename="referral")
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
router.register("public/alerts", alerts_api.PublicAlertViewSet, basename="public-alert")
router.register(
    "public/stats/indicators", stats_api.PublicIndicatorViewSet, basename="public-indicator"
)
router.register("public/stats/figures", stats_api.PublishedFigureViewSet, basename="public-figure")

urlpatterns = [
    path("auth/token/", core_api.TokenView.as_view(), name="api-token"),
    path("me/", core_api.MeView.as_view(), name="api-me"),
    path(
        "case-files/<int:pk>/content/",
        cases_api.CaseFileContentView.as_view(),
        name="api-case-file-content",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
