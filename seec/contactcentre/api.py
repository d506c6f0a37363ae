"""The contact centre's REST API: conversations and their transcripts (read), and the call
metrics of the user's organisation (supervisors). Live changes are pushed over the WebSocket
(`/ws/contact-centre/`); the API is for integrations and for clients that cannot keep one."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, exceptions, serializers, views, viewsets
from rest_framework.response import Response

from seec.core import policy
from seec.core.api import PolicyScopedMixin
from seec.core.policy import Capability

from . import metrics
from .models import Conversation, ConversationMessage, ConversationState


class ConversationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conversation
        fields = [
            "id", "channel", "state", "source", "caller_number", "caller_language", "arrived_at",
            "offered_at", "answered_at", "ended_at", "wait_seconds", "operator", "contact",
        ]  # fmt: skip


class ConversationMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConversationMessage
        fields = ["id", "conversation", "sender", "author", "body", "sent_at"]


class ConversationViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The organisation's calls, chats and SMS threads; `?state=` filters, `?mine=true` keeps
    those on the requesting operator."""

    base_queryset = Conversation.objects.order_by("-arrived_at", "-pk")
    serializer_class = ConversationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", enum=ConversationState.values),
            OpenApiParameter("mine", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        state = self.request.query_params.get("state")
        if state:
            if state not in ConversationState.values:
                raise exceptions.ValidationError({"state": "unknown state"})
            queryset = queryset.filter(state=state)
        if self.request.query_params.get("mine") == "true":
            queryset = queryset.filter(operator=self.request.user)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("after", int, description="only messages after this id")],
        responses=ConversationMessageSerializer(many=True),
    )
    @decorators.action(detail=True)
    def messages(self, request, pk=None):
        """The conversation's transcript (chat, SMS), oldest first."""
        conversation = self.get_object()
        after = request.query_params.get("after", "0")
        if not after.isdigit():
            raise exceptions.ValidationError({"after": "a message id"})
        found = conversation.messages.filter(pk__gt=int(after)).order_by("pk")[:500]
        return Response(ConversationMessageSerializer(found, many=True).data)


class MessagesSinceView(views.APIView):
    """New messages of every live conversation on the requesting operator, after a message id:
    what an operator's screen that cannot keep a WebSocket polls for."""

    @extend_schema(
        parameters=[OpenApiParameter("after", int, required=True)],
        responses=ConversationMessageSerializer(many=True),
    )
    def get(self, request):
        after = request.query_params.get("after", "")
        if not after.isdigit():
            raise exceptions.ValidationError({"after": "a message id"})
        mine = policy.visible_to(request.user, Conversation).filter(operator=request.user)
        found = ConversationMessage.objects.filter(
            conversation__in=mine.values("pk"), pk__gt=int(after)
        ).order_by("pk")[:500]
        return Response(ConversationMessageSerializer(found, many=True).data)


class MetricsView(views.APIView):
    """The call metrics of the requesting supervisor's organisation, per day, week or month
    (definitions: seec/contactcentre/metrics.py)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("granularity", enum=list(metrics.GRANULARITIES)),
            OpenApiParameter("first", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("last", str, required=True, description="YYYY-MM-DD"),
        ],
        responses=dict,
    )
    def get(self, request):
        from .metrics_views import MetricsForm, flat

        if not policy.has(request.user, Capability.SUPERVISE) or not request.user.organisation_id:
            raise exceptions.PermissionDenied()
        form = MetricsForm({"granularity": "day", **request.query_params.dict()})
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors.get_json_data())
        data = form.cleaned_data
        periods = metrics.periods(data["granularity"], data["first"], data["last"])
        return Response(
            [flat(metrics.summary(request.user.organisation, period)) for period in periods]
        )
