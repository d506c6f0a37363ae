"""The network's REST API: the same reads and steps as the pages, through the same
selectors and services."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, views, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from seec.core import api_fields
from seec.core.api import PolicyScopedMixin
from seec.core.audit import Origin
from seec.core.models import Country

from . import models as m
from . import profiles, selectors, services
from .forms import AtDateForm, DirectorySearchForm, fact_form_class
from .rules import is_coordinator, works_on_cases

AT = OpenApiParameter("at", str, description="The date of the picture (YYYY-MM-DD); today if none.")


def _day(request):
    form = AtDateForm(request.query_params)
    if request.query_params.get("at") and not form.is_valid():
        raise exceptions.ValidationError(form.errors)
    return form.day()


def as_api_error(error: ValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


# The answer of the views that return a plain list of records (no pagination: a region's worth).
LIST = {200: {"type": "array", "items": {"type": "object", "additionalProperties": True}}}


class CountryProfileListView(views.APIView):
    """The region's country profiles on a date (every signed-in user)."""

    @extend_schema(parameters=[AT], responses=LIST, operation_id="network_profiles_list")
    def get(self, request):
        found = profiles.region_profiles(_day(request))
        return Response([profiles.profile_as_dict(p) for p in found.values()])


class CountryProfileView(views.APIView):
    """One country's profile on a date (every signed-in user)."""

    @extend_schema(parameters=[AT], responses=dict)
    def get(self, request, code):
        if not Country.objects.filter(code=code.upper(), in_region=True).exists():
            raise exceptions.NotFound
        day = _day(request)
        return Response(profiles.profile_as_dict(profiles.country_profile(code.upper(), day)))


class HotlineDirectoryView(views.APIView):
    """The 116 000 services of the region on a date: what the public site shows."""

    @extend_schema(parameters=[AT], responses=LIST)
    def get(self, request):
        return Response(profiles.hotline_directory(_day(request)))


class FactInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(services.FACT_MODELS))
    country = api_fields.SlugRelatedField(
        slug_field="code", queryset=Country.objects.filter(in_region=True)
    )


class FactView(views.APIView):
    """Record a dated fact of a country's profile (regional coordinators). The body holds
    `kind`, `country` and the fields of that kind of fact (as on the page's form)."""

    @extend_schema(request=FactInputSerializer, responses={201: dict})
    def post(self, request):
        head = FactInputSerializer(data=request.data)
        head.is_valid(raise_exception=True)
        if not is_coordinator(request.user):
            raise exceptions.PermissionDenied
        kind, country = head.validated_data["kind"], head.validated_data["country"]
        form = fact_form_class(services.FACT_MODELS[kind], country)(request.data)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        try:
            fact = services.record_fact(
                kind, origin=Origin.of(request), data={**form.cleaned_data, "country": country}
            )
        except ValidationError as error:
            raise as_api_error(error) from error
        return Response(
            {"id": fact.pk, "kind": kind, "country": country.code}, status=status.HTTP_201_CREATED
        )


@extend_schema_field(
    {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
)
class PartyField(serializers.RelatedField):
    def to_representation(self, value):
        return {"id": value.partner_id, "name": value.partner.name}


class AgreementSerializer(serializers.ModelSerializer):
    parties = PartyField(many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = m.Agreement
        fields = [
            "id", "title", "kind", "scope", "countries", "parties", "signed_on", "valid_from",
            "valid_until", "terminated_on", "state",
        ]  # fmt: skip

    def get_state(self, agreement) -> str:
        return selectors.agreement_state(agreement)


class AgreementViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Agreements the user may see: coordinators all, a party's staff their own."""

    serializer_class = AgreementSerializer
    base_queryset = m.Agreement.objects.prefetch_related("parties__partner", "countries")


class LiaisonOfficerSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counterparts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = m.LiaisonOfficer
        fields = [
            "id", "name", "institution", "country", "function", "counterparts", "topics",
            "languages", "phone", "phone_24_7", "email", "appointed_on", "until",
        ]  # fmt: skip


class LiaisonOfficerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The directory of liaison officers in post (police, centres and coordinators):
    `?q=` any spelling of a name, institution or topic; `?country=`, `?liaises_with=`,
    `?language=`."""

    serializer_class = LiaisonOfficerSerializer

    def get_queryset(self):
        user = self.request.user
        if not (is_coordinator(user) or works_on_cases(user)):
            raise PermissionDenied
        form = DirectorySearchForm(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return selectors.liaison_officers(user, form.cleaned_data)


class PlanIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.PlanIndicator
        fields = ["id", "text", "unit", "baseline", "target", "actual"]


class PlannedActivitySerializer(serializers.ModelSerializer):
    indicators = PlanIndicatorSerializer(many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    objective = serializers.IntegerField(source="objective.number", allow_null=True)

    class Meta:
        model = m.PlannedActivity
        fields = [
            "id", "number", "objective", "title", "countries", "starts", "ends", "status",
            "progress", "indicators",
        ]  # fmt: skip


class MonthlyReviewSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = m.MonthlyReview
        fields = ["id", "month", "held_on", "summary", "issues", "decisions", "progress"]

    def get_progress(self, review) -> list[dict]:
        return [
            {"activity": p.activity.number, "status": p.status, "progress": p.progress}
            for p in review.progress.select_related("activity")
        ]


class ActionPlanSerializer(serializers.ModelSerializer):
    objectives = serializers.SerializerMethodField()
    activities = PlannedActivitySerializer(many=True, read_only=True)
    reviews = MonthlyReviewSerializer(many=True, read_only=True)
    partner = serializers.StringRelatedField()
    evaluated = serializers.SerializerMethodField()

    class Meta:
        model = m.ActionPlan
        fields = [
            "id", "year", "title", "partner", "status", "adopted_on", "objectives", "activities",
            "reviews", "evaluated",
        ]  # fmt: skip

    def get_objectives(self, plan) -> list[dict]:
        return [{"number": o.number, "text": o.text} for o in plan.objectives.all()]

    def get_evaluated(self, plan) -> bool:
        return hasattr(plan, "evaluation")


class ActionPlanViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Action plans with their activities, indicators and monthly reviews (coordinators and
    analysts)."""

    serializer_class = ActionPlanSerializer
    base_queryset = m.ActionPlan.objects.select_related("partner").prefetch_related(
        "objectives", "activities__indicators", "activities__countries", "reviews"
    )


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.IndicatorValue
        fields = ["code", "value", "unit", "numerator", "denominator", "details", "computed_at"]


class CriterionAssessmentSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")
    # Scores 0 (not met) to 3 (fully met), as plain numbers: one scale, not two enums.
    self_score = serializers.IntegerField(read_only=True, allow_null=True)
    review_score = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = m.CriterionAssessment
        fields = [
            "criterion", "self_score", "self_comment", "evidence", "review_score",
            "review_comment",
        ]  # fmt: skip


class ImprovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.ImprovementAction
        fields = ["id", "finding", "action", "deadline", "status", "done_on"]


class ServiceEvaluationSerializer(serializers.ModelSerializer):
    # The service: a platform organisation, or a partner without users on the platform.
    organisation = serializers.StringRelatedField()
    partner = serializers.StringRelatedField()
    catalogue = serializers.StringRelatedField()
    assessments = CriterionAssessmentSerializer(many=True, read_only=True)
    indicator_values = IndicatorValueSerializer(many=True, read_only=True)
    improvements = ImprovementSerializer(many=True, read_only=True)

    class Meta:
        model = m.ServiceEvaluation
        fields = [
            "id", "organisation", "partner", "catalogue", "year", "period_start", "period_end",
            "stage",
            "score", "result", "summary", "assessments", "indicator_values", "improvements",
        ]  # fmt: skip


class ServiceEvaluationViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Service evaluations: the evaluated organisation's supervisors and the coordinators."""

    serializer_class = ServiceEvaluationSerializer
    base_queryset = m.ServiceEvaluation.objects.select_related(
        "organisation", "partner", "catalogue"
    ).prefetch_related("assessments__criterion", "indicator_values", "improvements")


class IndicatorProviderView(views.APIView):
    """The indicators this installation computes from its own records (code, label, unit,
    source): the contact centre's appear here once that app is installed."""

    @extend_schema(responses=LIST)
    def get(self, request):
        from . import indicators

        return Response(
            [
                {"code": p.code, "label": str(p.label), "unit": p.unit, "source": str(p.source),
                 "description": str(p.description)}
                for p in indicators.providers()
            ]
        )  # fmt: skip


class ActivitySerializer(serializers.ModelSerializer):
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = m.Activity
        fields = [
            "id", "kind", "title", "starts_on", "ends_on", "place", "countries", "description",
            "outcomes", "participants_count", "organisations_count", "target_groups", "reach",
            "summary",
        ]  # fmt: skip

    def get_summary(self, activity) -> dict:
        """Counts by sector and country and mean scores: never a participant's name."""
        summary = selectors.training_summary(activity)
        summary["by_sector"] = {str(k): v for k, v in summary["by_sector"].items()}
        return summary


class ActivityViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Activities (visits, trainings, forums, campaigns) the user may see; `?kind=`."""

    serializer_class = ActivitySerializer
    base_queryset = m.Activity.objects.prefetch_related("countries")

    def get_queryset(self):
        rows = super().get_queryset()
        kind = self.request.query_params.get("kind")
        return rows.filter(kind=kind) if kind else rows


# --- Criteria catalogues: drafts and published versions ----------------------------------------


def _require_coordinator(request) -> None:
    if not is_coordinator(request.user):
        raise exceptions.PermissionDenied


def _form_or_400(form):
    if not form.is_valid():
        raise exceptions.ValidationError(form.errors)
    return form.cleaned_data


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Criterion
        fields = [
            "id", "code", "group", "text", "guidance", "weight", "indicator", "threshold",
            "higher_is_better",
        ]  # fmt: skip


class CriteriaCatalogueSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = m.CriteriaCatalogue
        fields = ["id", "kind", "version", "title", "published_on", "state", "criteria"]
        read_only_fields = ["version", "published_on"]

    def get_state(self, catalogue) -> str:
        """`draft`, `current` (the latest published version of its kind) or `superseded`."""
        if catalogue.published_on is None:
            return "draft"
        current = services.current_catalogue(catalogue.kind)
        return "current" if current and current.pk == catalogue.pk else "superseded"


class CatalogueVersionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PublishInput(serializers.Serializer):
    published_on = serializers.DateField(required=False, allow_null=True)


class DiscardInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CriteriaCatalogueViewSet(
    PolicyScopedMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Criteria catalogues and their versions (drafts: the coordinators only). Coordinators
    start a catalogue (`POST` kind and title: a draft version 1), make a new draft version
    from a published one (`new-version`), add criteria to a draft (`criteria`), publish it
    (`publish`: frozen, and current) or discard it (`discard`)."""

    serializer_class = CriteriaCatalogueSerializer
    base_queryset = m.CriteriaCatalogue.objects.prefetch_related("criteria")

    def create(self, request, *args, **kwargs):
        _require_coordinator(request)
        from .forms import CatalogueForm

        data = _form_or_400(CatalogueForm(request.data))
        try:
            found = services.create_catalogue(origin=Origin.of(request), **data)
        except ValidationError as error:
            raise as_api_error(error) from error
        return Response(self.get_serializer(found).data, status=status.HTTP_201_CREATED)

    def _step(self, request, serializer_class, step):
        _require_coordinator(request)
        found = self.get_object()
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = step(found, Origin.of(request), body.validated_data)
        except ValidationError as error:
            raise as_api_error(error) from error
        return found, result

    @extend_schema(request=CatalogueVersionInput, responses={201: CriteriaCatalogueSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        _found, copy = self._step(
            request,
            CatalogueVersionInput,
            lambda c, origin, data: services.new_catalogue_version(
                c, origin=origin, title=data.get("title", "")
            ),
        )
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishInput, responses=CriteriaCatalogueSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        found, _result = self._step(
            request,
            PublishInput,
            lambda c, origin, data: services.publish_catalogue(
                c, origin=origin, on=data.get("published_on")
            ),
        )
        found.refresh_from_db()
        return Response(self.get_serializer(found).data)

    @extend_schema(request=DiscardInput, responses={204: None})
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        self._step(
            request,
            DiscardInput,
            lambda c, origin, data: services.discard_catalogue_draft(
                c, origin=origin, reason=data["reason"]
            ),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CriterionSerializer, responses={201: CriterionSerializer})
    @action(detail=True, methods=["post"])
    def criteria(self, request, pk=None):
        """Add a criterion to a draft."""
        _require_coordinator(request)
        found = self.get_object()
        return _save_criterion(request, m.Criterion(catalogue=found), status.HTTP_201_CREATED)


def _save_criterion(request, criterion, answer_status, partial=False):
    from .forms import CriterionForm

    fields = services.CRITERION_FIELDS
    unknown = sorted(set(request.data) - set(fields) - {"id"})
    if unknown:
        raise exceptions.ValidationError({unknown[0]: ["Not a field of a criterion."]})
    if partial:
        current = {f: getattr(criterion, f) for f in fields}
        body = {**{f: "" if v is None else v for f, v in current.items()}, **request.data}
    else:
        # The model's defaults where the body leaves them out.
        body = {"weight": 1, "higher_is_better": True, **request.data}
    form = CriterionForm(body, instance=m.Criterion(catalogue=criterion.catalogue))
    data = _form_or_400(form)
    try:
        saved = services.save_criterion(
            criterion, origin=Origin.of(request), data={f: data[f] for f in fields}
        )
    except ValidationError as error:
        raise as_api_error(error) from error
    return Response(CriterionSerializer(saved).data, status=answer_status)


class CriterionViewSet(
    PolicyScopedMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One criterion; a coordinator changes or removes it while its version is a draft."""

    serializer_class = CriterionSerializer
    base_queryset = m.Criterion.objects.select_related("catalogue")

    def update(self, request, *args, **kwargs):
        _require_coordinator(request)
        found = self.get_object()
        return _save_criterion(request, found, status.HTTP_200_OK, kwargs.get("partial", False))

    def destroy(self, request, *args, **kwargs):
        _require_coordinator(request)
        found = self.get_object()
        try:
            services.remove_criterion(found, origin=Origin.of(request))
        except ValidationError as error:
            raise as_api_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Model protocols and their adoption -----------------------------------------------------------


class ProtocolAdoptionSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = m.ProtocolAdoptionFact
        fields = ["id", "country", "stage", "effective_from", "source", "note"]


class ModelProtocolSerializer(serializers.ModelSerializer):
    adoption = serializers.SerializerMethodField()

    class Meta:
        model = m.ModelProtocol
        fields = ["id", "code", "title", "topic", "description", "adoption"]

    def get_adoption(self, protocol) -> list[dict]:
        """Every recorded stage of adoption, by country, oldest first."""
        return ProtocolAdoptionSerializer(
            protocol.facts.select_related("country").order_by("country", "effective_from"),
            many=True,
        ).data


class AdoptionInput(serializers.Serializer):
    country = api_fields.SlugRelatedField(
        slug_field="code", queryset=Country.objects.filter(in_region=True)
    )


class ModelProtocolViewSet(
    PolicyScopedMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The model protocols and best practices the centre promotes, with each country's
    adoption (every signed-in user reads); coordinators create and change them, and record a
    country's adoption (`adoptions`: country, stage, effective_from, source, note)."""

    serializer_class = ModelProtocolSerializer
    base_queryset = m.ModelProtocol.objects.all()

    def _save(self, request, instance, answer_status):
        from .forms import ModelProtocolForm

        _require_coordinator(request)
        body = request.data
        if instance.pk and self.request.method == "PATCH":
            body = {**{f: getattr(instance, f) for f in ModelProtocolForm.Meta.fields}, **body}
        # The form checks a copy (its own uniqueness check excludes the stored row); the
        # service changes `instance`, so the audit says which fields changed.
        copy = m.ModelProtocol.objects.get(pk=instance.pk) if instance.pk else m.ModelProtocol()
        data = _form_or_400(ModelProtocolForm(body, instance=copy))
        try:
            saved = services.save_record(instance, origin=Origin.of(request), data=data)
        except ValidationError as error:
            raise as_api_error(error) from error
        return Response(self.get_serializer(saved).data, status=answer_status)

    def create(self, request, *args, **kwargs):
        return self._save(request, m.ModelProtocol(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        _require_coordinator(request)
        return self._save(request, self.get_object(), status.HTTP_200_OK)

    @extend_schema(request=ProtocolAdoptionSerializer, responses={201: ProtocolAdoptionSerializer})
    @action(detail=True, methods=["post"])
    def adoptions(self, request, pk=None):
        from .forms import ProtocolAdoptionForm

        _require_coordinator(request)
        found = self.get_object()
        head = AdoptionInput(data=request.data)
        head.is_valid(raise_exception=True)
        body = {**request.data, "country": head.validated_data["country"].pk}
        form = ProtocolAdoptionForm(body, instance=m.ProtocolAdoptionFact(protocol=found))
        data = _form_or_400(form)
        try:
            fact = services.record_protocol_adoption(found, origin=Origin.of(request), data=data)
        except ValidationError as error:
            raise as_api_error(error) from error
        return Response(ProtocolAdoptionSerializer(fact).data, status=status.HTTP_201_CREATED)
