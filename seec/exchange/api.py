"""The exchange's REST API: referrals and requests for cooperation, through the same
services as the pages (an organisation on this node or on another, it is all one)."""

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, serializers, status, viewsets
from rest_framework.response import Response

from seec.cases.models import Case
from seec.core import policy
from seec.core.api import PolicyScopedMixin
from seec.core.audit import Origin
from seec.core.models import Organisation
from seec.core.policy import Act

from . import cooperation, referrals
from .models import (
    ConsentBasis,
    CooperationKind,
    CooperationRequest,
    DeclineReason,
    Handling,
    InformationAccuracy,
    Referral,
    ReferralMode,
    SourceReliability,
)


class ReferralSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)
    copy = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id", "conversation", "side", "partner", "reference", "case_number", "mode",
            "pseudonymised", "reason", "consent_basis", "consent_note", "handling", "preview",
            "copy", "status", "decline_reason", "answer_note", "created_at", "answered_at",
            "withdrawn_at",
        ]  # fmt: skip

    def get_copy(self, referral) -> dict:
        return {} if referral.is_sealed else referral.copy


class ReferSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    organisation = serializers.IntegerField()
    mode = serializers.ChoiceField(ReferralMode.choices)
    pseudonymise = serializers.BooleanField(default=False)
    reason = serializers.CharField()
    consent_basis = serializers.ChoiceField(ConsentBasis.choices)
    consent_note = serializers.CharField(allow_blank=True)
    handling = serializers.ChoiceField(Handling.choices, default=Handling.H2)


class AnswerSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(["accept", "decline"])
    decline_reason = serializers.ChoiceField(DeclineReason.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class UpdateSerializer(serializers.Serializer):
    note = serializers.CharField()
    include_case = serializers.BooleanField(default=False)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


def _organisation(pk) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk, is_active=True).first()
    if organisation is None:
        raise serializers.ValidationError({"organisation": "No such active organisation."})
    return organisation


class ReferralViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Referrals of cases, sent and received, of your organisation."""

    base_queryset = Referral.objects.select_related("partner", "case")
    serializer_class = ReferralSerializer

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    def create(self, request):
        """Refer one of your cases to another organisation (here or on another node)."""
        data = ReferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = policy.get_for_action(request.user, Case, Act.SHARE, pk=values.pop("case"))
        referral = referrals.refer_case(
            case, _organisation(values.pop("organisation")), origin=Origin.of(request),
            **values,
        )  # fmt: skip
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=ReferralSerializer)
    @decorators.action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Accept, or decline with a reason from the list."""
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, origin = data.validated_data, Origin.of(request)
        if values["decision"] == "accept":
            referral = referrals.accept_referral(self.get_object(), origin=origin,
                                                 note=values["note"])  # fmt: skip
        else:
            referral = referrals.decline_referral(
                self.get_object(), origin=origin, reason=values.get("decline_reason", ""),
                note=values["note"],
            )  # fmt: skip
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=UpdateSerializer, responses=ReferralSerializer)
    @decorators.action(detail=True, methods=["post"])
    def update_note(self, request, pk=None):
        """Tell the other side something new (the sender may include the case as it is)."""
        data = UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = self.get_object()
        referrals.send_referral_update(referral, origin=Origin.of(request), **data.validated_data)
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=WithdrawSerializer, responses=ReferralSerializer)
    @decorators.action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a referral you sent: their copy is sealed."""
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = referrals.withdraw_referral(
            self.get_object(), origin=Origin.of(request), reason=data.validated_data["reason"]
        )
        return Response(ReferralSerializer(referral).data)


class CooperationRequestSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = CooperationRequest
        fields = [
            "id", "conversation", "side", "partner", "reference", "kind", "question", "facts",
            "handling", "reliability", "accuracy", "deadline", "status", "answer",
            "answer_reliability", "answer_accuracy", "answered_at", "answered_by",
            "escalated_at", "created_at",
        ]  # fmt: skip


class RequestCooperationSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    kind = serializers.ChoiceField(CooperationKind.choices)
    question = serializers.CharField()
    facts = serializers.JSONField()
    handling = serializers.ChoiceField(Handling.choices)
    reliability = serializers.ChoiceField(SourceReliability.choices)
    accuracy = serializers.ChoiceField(InformationAccuracy.choices)
    deadline = serializers.DateTimeField()


class CooperationAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
    reliability = serializers.ChoiceField(SourceReliability.choices)
    accuracy = serializers.ChoiceField(InformationAccuracy.choices)


class CooperationRequestViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Requests for cooperation, sent and received, of your organisation."""

    base_queryset = CooperationRequest.objects.select_related("partner")
    serializer_class = CooperationRequestSerializer

    @extend_schema(
        request=RequestCooperationSerializer, responses={201: CooperationRequestSerializer}
    )
    def create(self, request):
        """Ask another country's police or liaison officer (here or on another node)."""
        data = RequestCooperationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        sent = cooperation.request_cooperation(
            _organisation(values.pop("organisation")), origin=Origin.of(request), **values
        )
        return Response(CooperationRequestSerializer(sent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CooperationAnswerSerializer, responses=CooperationRequestSerializer)
    @decorators.action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = CooperationAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answered = cooperation.answer_cooperation(
            self.get_object(), origin=Origin.of(request), **data.validated_data
        )
        return Response(CooperationRequestSerializer(answered).data)
