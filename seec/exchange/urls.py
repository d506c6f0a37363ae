from django.urls import path

from . import protocol_views, views, work_views

app_name = "exchange"

urlpatterns = [
    path("inbox/", protocol_views.receive, name="inbox"),
    path("inbox/batch/", protocol_views.receive_batch, name="inbox-batch"),
    path("referrals/", work_views.referral_list, name="referrals"),
    path("referrals/new/<int:case_pk>/", work_views.refer, name="refer"),
    path("referrals/<int:pk>/", work_views.referral_detail, name="referral"),
    path("referrals/<int:pk>/answer/", work_views.answer_referral, name="referral-answer"),
    path("referrals/<int:pk>/update/", work_views.update_referral, name="referral-update"),
    path("referrals/<int:pk>/withdraw/", work_views.withdraw_referral, name="referral-withdraw"),
    path("cooperation/new/", work_views.cooperation_new, name="cooperation-new"),
    path("cooperation/<int:pk>/", work_views.cooperation_detail, name="cooperation"),
    path("encodings/", work_views.encodings, name="encodings"),
    path("pfif/", work_views.pfif_page, name="pfif"),
    path("pfif/export.xml", work_views.pfif_export, name="pfif-export"),
    path("pfif/publish/<int:case_pk>/", work_views.pfif_publish, name="pfif-publish"),
    path("encodings/send/<int:agreement_pk>/", work_views.send_encodings, name="encodings-send"),
    path("encodings/<int:pk>/compare/", work_views.compare_encodings, name="encodings-compare"),
    path("nodes/", views.node_list, name="nodes"),
    path("nodes/add/", views.add_node, name="node-add"),
    path("nodes/<int:pk>/", views.node_detail, name="node"),
    path("nodes/<int:pk>/confirm/", views.confirm_node, name="node-confirm"),
    path("nodes/<int:pk>/suspend/", views.suspend_node, name="node-suspend"),
    path("nodes/<int:pk>/refresh/", views.refresh_node, name="node-refresh"),
    path("nodes/<int:pk>/ping/", views.ping_node, name="node-ping"),
    path("nodes/<int:pk>/directory/", views.import_node_directory, name="node-directory"),
    path("keys/<int:pk>/revoke/", views.revoke_key, name="key-revoke"),
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:pk>/retry/", views.retry_message, name="message-retry"),
]
