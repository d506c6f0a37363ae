from django.urls import path, re_path

from . import views

app_name = "alerts"

urlpatterns = [
    # Public: no sign-in.
    path("", views.public_list, name="public_list"),
    path("feed.atom", views.feed, name="feed"),
    re_path(r"^(?P<identifier>[A-Za-z0-9._-]+)\.xml$", views.cap_message, name="cap"),
    path("public/<str:reference>/", views.public_page, name="public"),
    path("public/<str:reference>/photo.jpg", views.public_photo, name="photo"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/<str:token>/", views.confirm_subscription, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Inside the platform.
    path("manage/", views.alert_list, name="list"),
    path("manage/<int:pk>/", views.alert_detail, name="detail"),
    path("manage/<int:pk>/approve/", views.approve, name="approve"),
    path("manage/<int:pk>/reject/", views.reject, name="reject"),
    path("manage/<int:pk>/update/", views.update, name="update"),
    path("manage/<int:pk>/extend/", views.extend, name="extend"),
    path("manage/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/<int:pk>/cross-border/", views.cross_border, name="cross-border"),
    path("request/<int:case_pk>/", views.request_alert, name="request"),
]
