"""The public, read-only statistics API: the indicators and the published figures (after
disclosure control). No sign-in: these figures are published."""

from django.urls import reverse as django_reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from . import catalogue, selectors
from .models import Indicator, PublishedFigure


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    definition = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["code", "family", "name", "definition", "unit", "breakdowns", "period_types"]

    def get_name(self, obj) -> str:
        return str(obj.name)

    def get_definition(self, obj) -> str:
        return str(obj.definition)


class PublishedFigureSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="publication.country_id")
    period = serializers.CharField(source="publication.period")
    family = serializers.CharField(source="publication.family")
    version = serializers.IntegerField(source="publication.version")
    source = serializers.CharField(source="publication.source")
    indicator = serializers.CharField(source="indicator_id")
    sdmx_code = serializers.SerializerMethodField()

    class Meta:
        model = PublishedFigure
        fields = [
            "country",
            "period",
            "family",
            "indicator",
            "breakdown",
            "key",
            "sdmx_code",
            "value",
            "suppressed",
            "version",
            "source",
        ]

    def get_sdmx_code(self, obj) -> str:
        return catalogue.sdmx_code(obj.breakdown, obj.key)


class PublicIndicatorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The indicators with their definitions, units, breakdowns and periods."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()
    pagination_class = None


@extend_schema(
    parameters=[
        OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code"),
        OpenApiParameter("period", str, description="2025, 2025-Q2 or 2025-03"),
        OpenApiParameter("family", str, enum=["missing", "trafficking"]),
        OpenApiParameter("indicator", str, description="Indicator code, e.g. MC02"),
    ]
)
class PublishedFigureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published figures, the current version of each: a suppressed cell has no value."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublishedFigureSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.published_figures(
            country=params.get("country"),
            family=params.get("family"),
            period=params.get("period"),
            indicator=params.get("indicator"),
        )


class PublicStatsIndexSerializer(serializers.Serializer):
    indicators = serializers.URLField()
    figures = serializers.URLField()
    datapackage = serializers.URLField()
    csv = serializers.URLField()


class PublicStatsIndex(APIView):
    """Where the open statistics are: the indicators, the published figures, and the whole
    as a Frictionless data package."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: PublicStatsIndexSerializer})
    def get(self, request):
        return Response(
            {
                "indicators": reverse("public-indicator-list", request=request),
                "figures": reverse("public-figure-list", request=request),
                "datapackage": request.build_absolute_uri(
                    django_reverse("stats:open-data-description")
                ),
                "csv": request.build_absolute_uri(django_reverse("stats:open-data-csv")),
            }
        )
