from django.urls import path

from . import views, views_network, views_triage

app_name = "portal"

urlpatterns = [
    # Public: no sign-in.
    path("", views.home, name="home"),
    path("alerts/<str:reference>/", views.alert_page, name="alert"),
    path("alerts/<str:reference>/poster.pdf", views.alert_poster, name="poster"),
    path("missing/<str:slug>/", views.missing_child, name="missing"),
    path("missing/<str:slug>/photo.jpg", views.missing_child_photo, name="missing-photo"),
    path("language/", views.language, name="language"),
    path("hotlines/", views.hotlines, name="hotlines"),
    path("about/", views.about, name="about"),
    path("about/partners/", views.partners, name="partners"),
    path("about/news/", views.news_and_events, name="news"),
    path("about/trainings/", views.trainings, name="trainings"),
    path("about/publications/", views.publications, name="publications"),
    path(
        "about/publications/seec-statistics-<int:year>.pdf",
        views.annual_report,
        name="annual-report",
    ),
    path("report/", views.report, name="report"),
    path("report/add/", views.add_information, name="report-add"),
    # Inside the platform: the centre's triage queue.
    path("triage/", views_triage.queue, name="triage"),
    path("triage/<int:pk>/", views_triage.report_detail, name="triage-report"),
    path("triage/<int:pk>/triage/", views_triage.triage, name="triage-decide"),
    path("triage/<int:pk>/photo.jpg", views_triage.report_photo, name="triage-photo"),
    path("publish/<int:case_pk>/", views_triage.publish, name="publish"),
    path("publish/withdraw/<int:pk>/", views_triage.withdraw, name="withdraw"),
    # Inside the platform: a coordinator publishes the network's records.
    path("network/", views_network.publish, name="network-publish"),
    path("network/<int:pk>/withdraw/", views_network.withdraw, name="network-withdraw"),
]
