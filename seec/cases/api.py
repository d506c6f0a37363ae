"""The hotline's REST API: the same operations as the pages, through the same services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, exceptions, mixins, serializers, status, views, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from seec.core import api_fields, policy
from seec.core.api import PolicyScopedMixin
from seec.core.audit import Origin
from seec.core.models import User
from seec.core.policy import Act, Capability

from . import selectors, services
from .forms import CaseForm, CaseSearchForm
from .models import (
    CHILD_HEIGHT_MESSAGE,
    FOUND_OUTCOMES,
    Case,
    CaseFile,
    CasePerson,
    CaseTask,
    Contact,
    FileKind,
    FoundHow,
    Outcome,
    RiskAssessment,
    RiskLevel,
    Sighting,
)

CASE_INPUT_FIELDS = CaseForm.Meta.fields


class CasePersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = CasePerson
        exclude = ["case", "phone_digits"]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessment
        exclude = ["case"]


# The model's bounds of a child's height, with the model's message rather than DRF's bare one.
CHILD_HEIGHT_FIELD = {
    "error_messages": {"min_value": CHILD_HEIGHT_MESSAGE, "max_value": CHILD_HEIGHT_MESSAGE}
}


class CaseSerializer(serializers.ModelSerializer):
    people = CasePersonSerializer(many=True, read_only=True)
    # Read-only and empty until the step that sets them: the schema says "" is a value.
    risk_level = serializers.ChoiceField(RiskLevel.choices, allow_blank=True, read_only=True)
    found_how = serializers.ChoiceField(FoundHow.choices, allow_blank=True, read_only=True)
    outcome = serializers.ChoiceField(Outcome.choices, allow_blank=True, read_only=True)
    age = serializers.IntegerField(source="age_now", read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id", "number", "organisation", "country", "status", "outcome", "risk_level",
            "found_at", "found_how", "closure_reason", "closed_at", "assigned_manager",
            "opened_at", "updated_at", "age", "people", *CASE_INPUT_FIELDS,
        ]  # fmt: skip
        read_only_fields = [
            "id", "number", "organisation", "country", "status", "outcome", "risk_level",
            "found_at", "found_how", "closure_reason", "closed_at", "assigned_manager",
            "opened_at", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"height_cm": CHILD_HEIGHT_FIELD}


class CaseListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id", "number", "given_names", "family_name", "names_latin", "category", "status",
            "risk_level", "last_seen_at", "last_seen_place", "opened_at", "assigned_manager",
        ]  # fmt: skip


class CaseCreateSerializer(serializers.ModelSerializer):
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    people = CasePersonSerializer(many=True, required=False)

    class Meta:
        model = Case
        fields = [*CASE_INPUT_FIELDS, "contact", "people"]
        extra_kwargs = {"height_cm": CHILD_HEIGHT_FIELD}


class RiskInputSerializer(serializers.Serializer):
    under_13 = serializers.BooleanField(required=False, default=False)
    vulnerable = serializers.BooleanField(required=False, default=False)
    medical_need = serializers.BooleanField(required=False, default=False)
    danger_signs = serializers.BooleanField(required=False, default=False)
    previous_episodes = serializers.BooleanField(required=False, default=False)
    suspected_exploitation = serializers.BooleanField(required=False, default=False)
    suspected_trafficking = serializers.BooleanField(required=False, default=False)
    level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    rationale = serializers.CharField()


class FoundInputSerializer(serializers.Serializer):
    found_at = api_fields.DateTimeField()
    found_how = serializers.ChoiceField(choices=FoundHow.choices)
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome if o in FOUND_OUTCOMES])


class CloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseTask
        fields = ["id", "case", "title", "due_at", "assigned_to", "done_at", "created_at"]
        read_only_fields = ["id", "case", "done_at", "created_at"]
        # The model's title may be blank (a task of a standard kind is named by its kind); a
        # task given through the API is always one's own, and says what is to be done.
        extra_kwargs = {"title": {"required": True, "allow_blank": False}}


class SightingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sighting
        fields = ["id", "seen_at", "place", "lat", "lon", "description", "reported_by"]


class AssignSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class FileUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FileKind.choices)
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class CaseFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseFile
        fields = ["id", "kind", "description", "content_type", "size", "sha256", "width",
                  "height", "uploaded_at"]  # fmt: skip


class SearchHitSerializer(serializers.Serializer):
    case = CaseListSerializer()
    score = serializers.FloatField()
    matched_on = serializers.CharField()


def visible_related(user, queryset, field):
    """Re-check a related object given by id in a body against the policy (404 if hidden)."""
    return policy.get_visible_or_404(user, queryset, Act.CHANGE, pk=field.pk)


class CaseViewSet(
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Missing-child cases of your organisation, and those shared with it.

    Writes go through the same services as the pages: opening, updating and every workflow
    step are validated, checked against the access policy and audited."""

    base_queryset = Case.objects.select_related("assigned_manager").prefetch_related("people")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return CaseCreateSerializer
        return CaseSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.order_by("-opened_at", "-pk")
        return queryset

    def retrieve(self, request, *args, **kwargs):
        case = selectors.case_for_reading(request.user, kwargs["pk"], origin=Origin.of(request))
        return Response(CaseSerializer(case).data)

    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contact = data.pop("contact", None)
        if contact is not None:
            contact = visible_related(request.user, Contact, contact)
        people = data.pop("people", [])
        case = services.open_case(
            origin=Origin.of(request), fields=data, people=people, contact=contact
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        case = policy.get_for_action(request.user, Case, Act.CHANGE, pk=kwargs["pk"])
        serializer = CaseSerializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_case(case, origin=Origin.of(request), changes=serializer.validated_data)
        return Response(CaseSerializer(case).data)

    def _step(self, request, pk, input_class, run, action=Act.CHANGE, output=None):
        """One workflow step: validate the body, run the service, answer with the case (or
        with what the step created, in `output`'s shape)."""
        case = policy.get_for_action(request.user, Case, action, pk=pk)
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = run(case, dict(serializer.validated_data), Origin.of(request))
        if output is not None:
            return Response(output(result).data, status=status.HTTP_201_CREATED)
        case.refresh_from_db()
        return Response(CaseSerializer(case).data)

    @extend_schema(request=RiskInputSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"], url_path="assess-risk")
    def assess_risk(self, request, pk=None):
        def run(case, data, origin):
            level = data.pop("level", None)
            rationale = data.pop("rationale")
            services.assess_risk(
                case, origin=origin, factors=data, rationale=rationale, level=level
            )

        return self._step(request, pk, RiskInputSerializer, run)

    @extend_schema(request=FoundInputSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"], url_path="mark-found")
    def mark_found(self, request, pk=None):
        return self._step(
            request, pk, FoundInputSerializer,
            lambda case, data, origin: services.mark_found(case, origin=origin, **data),
        )  # fmt: skip

    @extend_schema(request=CloseInputSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(
            request, pk, CloseInputSerializer,
            lambda case, data, origin: services.close_case(case, origin=origin, **data),
            action=Act.MANAGE,
        )  # fmt: skip

    @extend_schema(request=ReasonSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(
            request, pk, ReasonSerializer,
            lambda case, data, origin: services.reopen_case(case, origin=origin, **data),
            action=Act.MANAGE,
        )  # fmt: skip

    @extend_schema(request=AssignSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._step(
            request, pk, AssignSerializer,
            lambda case, data, origin: services.assign_case(case, data["manager"], origin=origin)
           ,
            action=Act.MANAGE,
        )  # fmt: skip

    @extend_schema(request=SightingSerializer, responses=SightingSerializer)
    @decorators.action(detail=True, methods=["post"])
    def sightings(self, request, pk=None):
        return self._step(
            request, pk, SightingSerializer,
            lambda case, data, origin: services.record_sighting(case, origin=origin, data=data),
            output=SightingSerializer,
        )  # fmt: skip

    @extend_schema(request=NoteSerializer, responses=CaseSerializer)
    @decorators.action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        return self._step(
            request, pk, NoteSerializer,
            lambda case, data, origin: services.add_note(case, origin=origin, **data),
        )  # fmt: skip

    @extend_schema(request=TaskSerializer, responses=TaskSerializer)
    @decorators.action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        return self._step(
            request, pk, TaskSerializer,
            lambda case, data, origin: services.add_task(case, origin=origin, **data),
            output=TaskSerializer,
        )  # fmt: skip

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer}, responses=CaseFileSerializer
    )
    @decorators.action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def files(self, request, pk=None):
        return self._step(
            request, pk, FileUploadSerializer,
            lambda case, data, origin: services.add_file(
                case, origin=origin, upload=data["file"], kind=data["kind"],
                description=data["description"],
            ),
            output=CaseFileSerializer,
        )  # fmt: skip

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Case number, phone or name"),
            OpenApiParameter(
                "born", int, description="Year of birth (children born a year either side too)"
            ),
            OpenApiParameter("age", int, description="Age today in years, instead of born"),
            OpenApiParameter("place", str, description="Town or country last seen"),
        ],
        responses=SearchHitSerializer(many=True),
    )
    @decorators.action(
        detail=False, methods=["get"], throttle_classes=[ScopedRateThrottle], pagination_class=None
    )
    def search(self, request):
        """Find cases by number, phone, or the child's name in any script or spelling, with
        what the caller knows besides (year of birth or age, place) ranking the children."""
        form = CaseSearchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        hits = selectors.search_cases(request.user, form.cleaned_data["q"], details=form.details())
        return Response(SearchHitSerializer(hits, many=True).data)

    def get_throttles(self):
        if self.action == "search":
            self.throttle_scope = "search"
        return super().get_throttles()


class CaseFileContentView(views.APIView):
    """The decrypted content of a case's photo or document (each read audited)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk):
        from .views import file_response

        if not policy.has(request.user, Capability.VIEW_PERSONAL_DATA):
            raise exceptions.NotFound()
        case_file, content = selectors.file_for_reading(request.user, pk, origin=Origin.of(request))
        return file_response(case_file, content)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id", "channel", "started_at", "duration_seconds", "subject", "anonymous",
            "caller_relation", "caller_name", "caller_phone", "caller_language", "summary",
            "referred_to", "case", "operator",
        ]  # fmt: skip
        read_only_fields = ["id", "operator"]


class ContactViewSet(
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Calls, chats, e-mails, SMS, walk-ins and letters to the hotline."""

    base_queryset = Contact.objects.order_by("-started_at")
    serializer_class = ContactSerializer

    def create(self, request, *args, **kwargs):
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = data.pop("case", None)
        if case is not None:
            case = visible_related(request.user, Case, case)
        if not policy.has(request.user, Capability.RECORD_CONTACTS):
            raise exceptions.PermissionDenied()
        contact = services.record_contact(origin=Origin.of(request), data=data, case=case)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
