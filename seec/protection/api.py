"""Protection's REST API: the same services as the pages, every queryset through the policy."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from seec.core import api_fields, audit
from seec.core.api import PolicyScopedMixin
from seec.core.audit import Origin

from . import intelligence, repatriation, services, tracing
from .audit_actions import ProtectionAction as A
from .models import (
    ChildVictim,
    IdentifierKind,
    Indicator,
    PersonOfInterest,
    Referral,
    RepatriationPlan,
    RepatriationStep,
    ServiceProvider,
    StepAssignment,
    TraceIdentifier,
)


def refusal(error: ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    )


class VictimSerializer(serializers.ModelSerializer):
    indicators = api_fields.SlugRelatedField(
        source="observations", many=True, read_only=True, slug_field="indicator_id"
    )

    class Meta:
        model = ChildVictim
        fields = [
            "id", "reference", "organisation", "case", "status", "identified_by_authority",
            "identified_on", "minority", "catalogue", "created_at", "indicators",
            *services.VICTIM_FIELDS,
        ]  # fmt: skip
        read_only_fields = [
            "id", "reference", "organisation", "status", "identified_by_authority",
            "identified_on", "minority", "catalogue", "created_at",
        ]  # fmt: skip


class VictimCreateSerializer(serializers.ModelSerializer):
    indicators = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(), many=True, required=False
    )

    class Meta:
        model = ChildVictim
        fields = [*services.VICTIM_FIELDS, "indicators"]


class ChildVictimViewSet(
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Child victims of the user's organisation (or shared with it)."""

    base_queryset = ChildVictim.objects.select_related("organisation").prefetch_related(
        "observations"
    )
    serializer_class = VictimSerializer

    def retrieve(self, request, *args, **kwargs):
        victim = self.get_object()
        audit.record_read(A.VICTIM_VIEW, origin=Origin.of(request), obj=victim)
        return Response(VictimSerializer(victim).data)

    @extend_schema(request=VictimCreateSerializer, responses=VictimSerializer)
    def create(self, request, *args, **kwargs):
        data = VictimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        indicators = fields.pop("indicators", [])
        try:
            victim = services.open_victim(
                origin=Origin.of(request), fields=fields, indicators=indicators
            )
        except ValidationError as error:
            raise refusal(error) from error
        return Response(VictimSerializer(victim).data, status=status.HTTP_201_CREATED)


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceProvider
        fields = ["id", "name", "country", "city", "services", "organisation", "phone", "email",
                  "languages", "children_only", "is_active"]  # fmt: skip


class ServiceProviderViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The directory of service providers (`?country=GR&service=shelter`)."""

    base_queryset = ServiceProvider.objects.all()
    serializer_class = ProviderSerializer

    def get_queryset(self):
        providers = super().get_queryset()
        country = self.request.query_params.get("country")
        if country:
            providers = providers.filter(country_id=country.upper()[:2])
        service = self.request.query_params.get("service")
        if service:
            ids = [p.pk for p in providers if service in p.services]
            providers = providers.filter(pk__in=ids)
        return providers


class ServiceReferralSerializer(serializers.ModelSerializer):
    victim_reference = serializers.CharField(source="victim.reference", read_only=True)

    class Meta:
        model = Referral
        exclude = ["warned_at"]


class ReferralAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    starts_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Referrals of the user's children, and those made to the user's organisation."""

    base_queryset = Referral.objects.select_related("victim", "provider")
    serializer_class = ServiceReferralSerializer

    @extend_schema(request=ReferralAnswerSerializer, responses=ServiceReferralSerializer)
    @decorators.action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        referral = self.get_object()
        data = ReferralAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            referral = services.answer_referral(
                referral, origin=Origin.of(request), **data.validated_data
            )
        except ValidationError as error:
            raise refusal(error) from error
        except services.PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response(ServiceReferralSerializer(referral).data)


class StepSerializer(serializers.ModelSerializer):
    owner_label = serializers.CharField(read_only=True)

    class Meta:
        model = RepatriationStep
        exclude = ["warned_at", "conversation"]


class PlanSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = RepatriationPlan
        fields = "__all__"


class RepatriationPlanViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = RepatriationPlan.objects.prefetch_related("steps__owner")
    serializer_class = PlanSerializer


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepAssignment
        exclude = ["warned_at"]


class AssignmentAnswerSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StepAssignmentViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Steps of a child's return asked of the user's organisation."""

    base_queryset = StepAssignment.objects.select_related("partner")
    serializer_class = AssignmentSerializer

    @extend_schema(request=AssignmentAnswerSerializer, responses=AssignmentSerializer)
    @decorators.action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        assignment = self.get_object()
        data = AssignmentAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assignment = repatriation.answer_assignment(
                assignment, origin=Origin.of(request), **data.validated_data
            )
        except ValidationError as error:
            raise refusal(error) from error
        return Response(AssignmentSerializer(assignment).data)


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonOfInterest
        fields = ["id", "reference", "organisation", "role", "name", "born_on", "nationality",
                  "review_on", "retain_until", "created_at"]  # fmt: skip


class PersonOfInterestViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Persons of interest: the owning police unit's law-enforcement staff; every read audited."""

    base_queryset = PersonOfInterest.objects.all()
    serializer_class = PersonSerializer

    def list(self, request, *args, **kwargs):
        persons = intelligence.persons_for_listing(request.user, origin=Origin.of(request))
        page = self.paginate_queryset(persons)
        return self.get_paginated_response(PersonSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        person = intelligence.person_for_reading(
            request.user, kwargs["pk"], origin=Origin.of(request)
        )
        return Response(PersonSerializer(person).data)


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = TraceIdentifier
        fields = ["id", "kind", "value", "display", "platform", "card_bin", "card_last4",
                  "victim", "person", "case", "note", "recorded_at"]  # fmt: skip


class IdentifierInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(max_length=500)
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    person = serializers.IntegerField(required=False)
    victim = serializers.IntegerField(required=False)


class TraceIdentifierViewSet(
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Payment and online identifiers of the user's police unit. Recording one checks it by
    its own rules (400 naming the field) and looks for it elsewhere."""

    base_queryset = TraceIdentifier.objects.all()
    serializer_class = IdentifierSerializer

    @extend_schema(request=IdentifierInputSerializer, responses=IdentifierSerializer)
    def create(self, request, *args, **kwargs):
        from seec.core import policy

        data = IdentifierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        links = {}
        for name, model in (("person", PersonOfInterest), ("victim", ChildVictim)):
            pk = fields.pop(name, None)
            if pk is not None:
                found = policy.visible_to(request.user, model).filter(pk=pk).first()
                if found is None:
                    raise exceptions.ValidationError({name: ["No such record."]})
                links[name] = found
        try:
            identifier = tracing.record_identifier(origin=Origin.of(request), **fields, **links)
        except ValidationError as error:
            raise refusal(error) from error
        except services.PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response(IdentifierSerializer(identifier).data, status=status.HTTP_201_CREATED)
