from django.urls import path

from . import views

app_name = "protection"

urlpatterns = [
    path("", views.victim_list, name="victims"),
    path("victims/new/", views.victim_new, name="victim-new"),
    path("victims/<int:pk>/", views.victim_detail, name="victim"),
    path("victims/<int:pk>/indicators/", views.record_indicators, name="victim-indicators"),
    path("victims/<int:pk>/age/", views.assess_age, name="victim-age"),
    path("victims/<int:pk>/guardian/", views.appoint_guardian, name="victim-guardian"),
    path(
        "victims/<int:pk>/identification/",
        views.decide_identification,
        name="victim-identification",
    ),
    path("victims/<int:pk>/refer/", views.refer, name="victim-refer"),
    path("victims/<int:pk>/plan/", views.open_plan, name="victim-plan"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/answer/", views.answer_referral, name="referral-answer"),
    path("referrals/<int:pk>/close/", views.close_referral, name="referral-close"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/update/", views.update_plan, name="plan-update"),
    path("plans/<int:pk>/steps/", views.add_step, name="plan-step"),
    path("plans/<int:pk>/follow-ups/", views.add_follow_ups, name="plan-follow-ups"),
    path("plans/<int:pk>/decide/", views.decide_plan, name="plan-decide"),
    path("steps/<int:pk>/request/", views.request_step, name="step-request"),
    path("steps/<int:pk>/answer/", views.record_step_answer, name="step-answer"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/answer/", views.answer_assignment, name="assignment-answer"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views.provider_new, name="provider-new"),
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/<int:pk>/", views.catalogue, name="catalogue-version"),
    path("persons/", views.person_list, name="persons"),
    path("persons/new/", views.person_new, name="person-new"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/items/", views.add_item, name="person-item"),
    path("persons/<int:pk>/share/", views.share_person, name="person-share"),
    path("persons/<int:pk>/identifiers/", views.add_identifier, name="person-identifier"),
    path("identifiers/<int:pk>/", views.identifier_detail, name="identifier"),
    path(
        "identifiers/agreements/<int:pk>/send/",
        views.send_identifier_hashes,
        name="identifiers-send",
    ),
]
