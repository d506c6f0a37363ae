"""The contact centre's WebSocket routes (mounted by seec/asgi.py)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/contact-centre/", consumers.OperatorConsumer.as_asgi()),
    path("ws/help-chat/", consumers.VisitorChatConsumer.as_asgi()),
]
