"""The public, read-only statistics API: the indicators and the published figures (after
disclosure control). No sign-in: these figures are published."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

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
