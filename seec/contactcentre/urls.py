from django.urls import path

from . import metrics_views, pbx, sms, views

app_name = "contactcentre"

urlpatterns = [
    path("", views.console, name="console"),
    path("presence/", views.set_presence, name="presence"),
    path("call/", views.call_screen, name="call"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("conversations/<int:pk>/", views.call_screen, name="conversation"),
    path("conversations/<int:pk>/take/", views.take, name="take"),
    path("conversations/<int:pk>/end/", views.end, name="end"),
    path("conversations/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("conversations/<int:pk>/reply/", views.reply, name="reply"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("supervisor/live/", views.supervisor_panel, name="supervisor-live"),
    path("metrics/", metrics_views.page, name="metrics"),
    path("metrics.<str:fmt>", metrics_views.download, name="metrics-download"),
    # Posted by the PBX and the SMS gateway, signed with their line's secret.
    path("lines/<int:line>/pbx-events/", pbx.webhook, name="pbx-webhook"),
    path("lines/<int:line>/sms/", sms.inbound, name="sms-inbound"),
]
