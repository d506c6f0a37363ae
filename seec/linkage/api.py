"""Linkage through the REST API: the same steps as the pages, through the same services.

Runs: start one (duplicates within a country, across countries, against a partner list) and
follow its progress; candidate pairs: the review queue, each pair's field weights, and the
decision. Private matching: agreements are made on the pages (where their key is shown
once); the API lists them, encodes our records, compares a partner's file and decides on
the matches."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from seec.cases.models import Category
from seec.core.api import PolicyScopedMixin
from seec.core.audit import Origin

from . import pprl, services
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PrivateMatch,
    RunKind,
)
from .selectors import CaseSelection


class MatchingAgreementSerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = MatchingAgreement
        # Never the sealed key nor our record-id secret.
        fields = [
            "id", "organisation", "partner_organisation", "partner_name", "partner_country",
            "purpose", "valid_from", "valid_until", "key_fingerprint", "in_force",
            "created_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_in_force(self, agreement) -> bool:
        return agreement.in_force()


class CaseSelectionSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False, default=list
    )
    opened_since = serializers.DateField(required=False, allow_null=True, default=None)

    def selection(self) -> CaseSelection:
        data = self.validated_data
        return CaseSelection(
            country=(data["country"] or "").upper(),
            categories=tuple(data["categories"]),
            opened_since=data["opened_since"],
        )


class CompareSerializer(CaseSelectionSerializer):
    file = serializers.FileField(allow_empty_file=True)
    threshold = serializers.FloatField(
        min_value=services.MIN_THRESHOLD,
        max_value=services.MAX_THRESHOLD,
        default=services.DEFAULT_THRESHOLD,
    )


class PrivateMatchSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = PrivateMatch
        fields = [
            "id", "agreement", "exchange", "case", "case_number", "partner_record_id", "score",
            "field_scores", "status", "decided_by", "decided_at", "note",
        ]  # fmt: skip
        read_only_fields = fields


class EncodedExchangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EncodedExchange
        fields = [
            "id", "agreement", "compared_by", "compared_at", "our_records", "partner_records",
            "threshold", "selection", "partner_file_sha256", "candidates",
        ]  # fmt: skip
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(v, label) for v, label in PairStatus.choices if v != PairStatus.PENDING]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MatchingAgreementViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The matching agreements of the user's organisation (its case managers, supervisors and
    liaison officers)."""

    base_queryset = MatchingAgreement.objects.select_related("organisation")
    serializer_class = MatchingAgreementSerializer

    @extend_schema(
        request=CaseSelectionSerializer,
        responses={(200, "application/octet-stream"): bytes},
    )
    @decorators.action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def encode(self, request, pk=None):
        """Our open cases (all, or those the selection names) encoded under the agreement's
        key: the file to send to the partner."""
        agreement = self.get_object()
        selection = CaseSelectionSerializer(data=request.data)
        selection.is_valid(raise_exception=True)
        encoded = services.encode_our_records(
            agreement, origin=Origin.of(request), selection=selection.selection()
        )
        response = HttpResponse(encoded.content, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{encoded.filename}"'
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request={"multipart/form-data": CompareSerializer},
        responses={201: EncodedExchangeSerializer},
    )
    @decorators.action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def compare(self, request, pk=None):
        """Compare a partner's encodings file with our open cases. A file that cannot be
        compared is refused (400, `errors.file` lists every problem) and nothing is stored."""
        agreement = self.get_object()
        serializer = CompareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = serializer.validated_data["file"].read(settings.SEEC_MAX_PPRL_FILE_BYTES + 1)
        try:
            exchange = services.compare_with_partner(
                agreement,
                origin=Origin.of(request),
                content=content,
                selection=serializer.selection(),
                threshold=serializer.validated_data["threshold"],
            )
        except pprl.EncodingRefused as refused:
            return Response(
                {
                    "detail": _("The partner's file was refused. Nothing was stored."),
                    "code": "refused",
                    "errors": {"file": refused.problems},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(EncodedExchangeSerializer(exchange).data, status=status.HTTP_201_CREATED)


def _review_filtered(queryset, params, parent: str):
    """A review queue narrowed to one `parent` (a run, an exchange) and one decision status,
    where the query asks for them; other values are ignored."""
    value = params.get(parent, "")
    if value.isdigit():
        queryset = queryset.filter(**{f"{parent}_id": int(value)})
    if params.get("status") in PairStatus.values:
        queryset = queryset.filter(status=params["status"])
    return queryset


class PrivateMatchViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Candidate matches found under the user's organisation's agreements, best first."""

    base_queryset = PrivateMatch.objects.select_related("case").order_by("-score", "pk")
    serializer_class = PrivateMatchSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("exchange", int, description="One comparison's matches"),
            OpenApiParameter("status", str, description="pending, confirmed, rejected, unsure"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return _review_filtered(super().get_queryset(), self.request.query_params, "exchange")

    @extend_schema(request=DecisionSerializer, responses=PrivateMatchSerializer)
    @decorators.action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Same child (our case managers are told the partner's record id), different
        children, or unsure (with a note)."""
        match = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match = services.decide_private_match(
            match, origin=Origin.of(request), **serializer.validated_data
        )
        return Response(PrivateMatchSerializer(match).data)


# --- Runs and the review queue ---------------------------------------------------------------


class LinkageRunSerializer(serializers.ModelSerializer):
    countries = serializers.SerializerMethodField()
    started_by = serializers.CharField(source="started_by.username", read_only=True)

    class Meta:
        model = LinkageRun
        fields = [
            "id", "kind", "countries", "partner_list", "threshold", "started_by", "created_at",
            "started_at", "finished_at", "status", "progress", "stage", "records",
            "pairs_found", "error",
        ]  # fmt: skip
        read_only_fields = fields

    def get_countries(self, run) -> list[str]:
        return [code for code in run.countries.split(",") if code]


class StartRunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RunKind.choices)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), allow_empty=False, max_length=20
    )
    threshold = serializers.FloatField(min_value=0.05, max_value=0.99, default=0.5)
    partner_list = serializers.IntegerField(required=False, allow_null=True, default=None)


class LinkageRunViewSet(PolicyScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Linkage runs over the user's country, or against the organisation's partner lists,
    newest first. A run is done by the task worker: poll it for `status` and `progress`."""

    base_queryset = LinkageRun.objects.select_related("started_by").order_by("-created_at", "-pk")
    serializer_class = LinkageRunSerializer

    @extend_schema(request=StartRunSerializer, responses={201: LinkageRunSerializer})
    def create(self, request, *args, **kwargs):
        """Start a run. What cannot be run is refused (400, each field's problem named;
        403 for a user who may not link) and nothing is queued."""
        serializer = StartRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.start_run(origin=Origin.of(request), **serializer.validated_data)
        return Response(LinkageRunSerializer(run).data, status=status.HTTP_201_CREATED)


class CandidatePairSerializer(serializers.ModelSerializer):
    left_case_number = serializers.CharField(source="left.number", read_only=True)
    right_case_number = serializers.CharField(
        source="right.number", read_only=True, allow_null=True, default=None
    )
    partner_list = serializers.IntegerField(
        source="partner_record.partner_list_id", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = CandidatePair
        # Case numbers and the model's evidence; a case's particulars are read through the
        # cases API, where the access policy decides who may open it.
        fields = [
            "id", "run", "left", "left_case_number", "right", "right_case_number",
            "partner_record", "partner_list", "probability", "weight", "contributions",
            "levels", "cross_border", "status", "decided_by", "decided_at", "note",
        ]  # fmt: skip
        read_only_fields = fields


class CandidatePairViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Candidate pairs of records that may be one child, most likely first: those with a case
    of the user's organisation, or a row of its partner lists."""

    base_queryset = CandidatePair.objects.select_related(
        "left", "right", "partner_record"
    ).order_by("-probability", "pk")
    serializer_class = CandidatePairSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("run", int, description="One run's pairs"),
            OpenApiParameter("status", str, description="pending, confirmed, rejected, unsure"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return _review_filtered(super().get_queryset(), self.request.query_params, "run")

    @extend_schema(request=DecisionSerializer, responses=CandidatePairSerializer)
    @decorators.action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Same child (a cross-border pair tells both centres; a duplicate within one hotline
        is merged into the older case), different children, or unsure (with a note)."""
        pair = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.decide(pair, origin=Origin.of(request), **serializer.validated_data)
        return Response(CandidatePairSerializer(pair).data)
