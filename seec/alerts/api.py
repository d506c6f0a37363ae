"""Child alerts in the REST API: the alerts a user may see (with their texts and CAP messages),
and the public list of live alerts that broadcasters and partner apps read."""

from django.urls import reverse
from django.utils import timezone
from rest_framework import mixins, permissions, serializers, viewsets

from seec.core.api import PolicyScopedMixin

from .models import Alert, AlertStatus, AlertText, CapMessage
from .services import public_url


class AlertTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertText
        fields = ["language", "headline", "description", "instruction"]


class CapMessageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CapMessage
        fields = ["identifier", "msg_type", "sent", "url"]

    def get_url(self, message) -> str:
        return public_url(reverse("alerts:cap", args=[message.identifier]))


class AlertSerializer(serializers.ModelSerializer):
    texts = AlertTextSerializer(many=True, read_only=True)
    messages = CapMessageSerializer(many=True, read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "reference", "case", "case_number", "country", "tier", "status", "cap_status",
            "requested_at", "decided_at", "issued_at", "expires_at", "ended_at",
            "area_description", "area_polygon", "area_circle", "languages", "criteria",
            "override_reason", "rejection_reason", "end_reason", "originates_from", "texts",
            "messages",
        ]  # fmt: skip
        read_only_fields = fields


class AlertViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The alerts you may see: your hotline's, or, for an alert authority, your country's."""

    base_queryset = Alert.objects.select_related("case").prefetch_related("texts", "messages")
    serializer_class = AlertSerializer


class PublicAlertSerializer(serializers.ModelSerializer):
    texts = AlertTextSerializer(many=True, read_only=True)
    cap = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["reference", "country", "tier", "cap_status", "issued_at", "expires_at",
                  "area_description", "texts", "cap", "page"]  # fmt: skip
        read_only_fields = fields

    def get_cap(self, alert) -> str:
        latest = max(alert.messages.all(), key=lambda m: (m.sent, m.pk))
        return public_url(reverse("alerts:cap", args=[latest.identifier]))

    def get_page(self, alert) -> str:
        return public_url(reverse("alerts:public", args=[alert.reference]))


class PublicAlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Live public alerts (issued, not expired): what the public pages and the feed show."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = PublicAlertSerializer

    def get_queryset(self):
        return (
            Alert.objects.filter(status=AlertStatus.ISSUED, expires_at__gt=timezone.now())
            .prefetch_related("texts", "messages")
            .order_by("-issued_at")
        )
