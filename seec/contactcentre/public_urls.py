"""The public web chat: a child or parent reaches their country's hotline from the public site."""

from django.urls import path

from . import public

app_name = "helpchat"

urlpatterns = [
    path("", public.chat_page, name="chat"),
    path("start/", public.start_chat, name="start"),
]
