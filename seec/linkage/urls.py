from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("review/", views.review, name="review"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/decide/", views.decide, name="decide"),
    path("lists/", views.partner_lists, name="partner-lists"),
    path("lists/upload/", views.partner_list_upload, name="partner-list-upload"),
    path("lists/upload/columns/", views.partner_list_map, name="partner-list-map"),
    path("lists/upload/cancel/", views.partner_list_cancel, name="partner-list-cancel"),
    path("lists/<int:pk>/", views.partner_list_detail, name="partner-list"),
]
