from django.urls import path

from . import views, views_evaluations, views_partners, views_plans

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("map.svg", views.map_svg, name="map-svg"),
    path("countries/<str:code>/", views.country, name="country"),
    path("countries/<str:code>/facts/", views.country_facts, name="country-facts"),
    path("countries/<str:code>/facts/new/<slug:kind>/", views.fact_new, name="fact-new"),
    path("countries/<str:code>/gaps/new/", views.gap_new, name="gap-new"),
    path("facts/<slug:kind>/<int:pk>/withdraw/", views.fact_withdraw, name="fact-withdraw"),
    path("partners/", views_partners.partners, name="partners"),
    path("partners/new/", views_partners.partner_edit, name="partner-new"),
    path("partners/<int:pk>/", views_partners.partner, name="partner"),
    path("partners/<int:pk>/edit/", views_partners.partner_edit, name="partner-edit"),
    path("agreements/", views_partners.agreements, name="agreements"),
    path("agreements/new/", views_partners.agreement_edit, name="agreement-new"),
    path("agreements/<int:pk>/", views_partners.agreement, name="agreement"),
    path("agreements/<int:pk>/edit/", views_partners.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<int:pk>/terminate/",
        views_partners.agreement_terminate,
        name="agreement-terminate",
    ),
    path(
        "agreements/documents/<int:pk>/",
        views_partners.agreement_document,
        name="agreement-document",
    ),
    path("plans/", views_plans.plans, name="plans"),
    path("plans/<int:pk>/", views_plans.plan, name="plan"),
    path("plans/<int:pk>/add/<slug:part>/", views_plans.plan_part, name="plan-part"),
    path("plans/<int:pk>/reviews/new/", views_plans.review_new, name="review-new"),
    path("plans/<int:pk>/evaluation/new/", views_plans.evaluation_new, name="evaluation-new"),
    path("plans/<int:pk>/evaluation.pdf", views_plans.evaluation_pdf, name="evaluation-pdf"),
    path("reviews/<int:pk>/", views_plans.review, name="review"),
    path("reviews/<int:pk>/review.pdf", views_plans.review_pdf, name="review-pdf"),
    path("evaluations/", views_evaluations.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/", views_evaluations.evaluation, name="evaluation"),
    path(
        "evaluations/<int:pk>/<slug:step>/",
        views_evaluations.evaluation_step,
        name="evaluation-step",
    ),
    path("criteria/<int:pk>/", views_evaluations.catalogue, name="catalogue"),
    path("liaison-officers/", views_partners.directory, name="directory"),
    path("liaison-officers/new/", views_partners.officer_edit, name="officer-new"),
    path("liaison-officers/<int:pk>/edit/", views_partners.officer_edit, name="officer-edit"),
]
