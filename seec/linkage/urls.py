from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("review/", views.review, name="review"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/decide/", views.decide, name="decide"),
    path("private/", views.agreements, name="agreements"),
    path("private/new/", views.agreement_new, name="agreement-new"),
    path("private/<int:pk>/", views.agreement_detail, name="agreement"),
    path("private/<int:pk>/encode/", views.agreement_encode, name="agreement-encode"),
    path("private/<int:pk>/compare/", views.agreement_compare, name="agreement-compare"),
    path("private/<int:pk>/end/", views.agreement_end, name="agreement-end"),
    path("private/<int:pk>/lookup/", views.agreement_lookup, name="agreement-lookup"),
    path("private/exchanges/<int:pk>/", views.exchange_detail, name="exchange"),
    path("private/matches/<int:pk>/", views.private_match_detail, name="private-match"),
    path(
        "private/matches/<int:pk>/decide/", views.private_match_decide, name="private-match-decide"
    ),
    path("lists/", views.partner_lists, name="partner-lists"),
    path("lists/upload/", views.partner_list_upload, name="partner-list-upload"),
    path("lists/upload/columns/", views.partner_list_map, name="partner-list-map"),
    path("lists/upload/cancel/", views.partner_list_cancel, name="partner-list-cancel"),
    path("lists/<int:pk>/", views.partner_list_detail, name="partner-list"),
]
