"""The core's REST API: sign-in tokens, the current user, reference data, staff, audit trail."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import audit, audit_redaction, policy, services
from .audit import Action, Origin
from .forms import AuditFilterQuery
from .models import AuditEvent, Country, Organisation, User
from .signin import second_factor_required


class PolicyScopedMixin:
    """Every queryset of a view passes through the access policy: hidden rows are 404s."""

    base_queryset = None

    def get_queryset(self):
        return policy.visible_to(self.request.user, self.base_queryset.all())


# --- Sign-in -------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=8,
        required=False,
        help_text="The current code of the user's authenticator app, where the account has one.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange a username, password (and second factor) for an expiring API token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign-in"

    def get_authenticate_header(self, request):
        # A wrong password is a 401 that names the scheme, not a bare 403.
        return "Token"

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The lock-out's delay is kept per account and address: tell it the account (a JSON
        # body is not in the request's POST, where it would look).
        request._request.axes_credentials = {"username": data.validated_data["username"]}
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            raise exceptions.Throttled(
                detail=_("Too many failed sign-in attempts. Ask your administrator to unlock.")
            )
        if user is None:
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        if user_has_device(user, confirmed=True) or second_factor_required(user):
            otp = data.validated_data.get("otp")
            if not user_has_device(user, confirmed=True):
                raise exceptions.PermissionDenied(
                    _("Set up two-factor sign-in in the web application first.")
                )
            if not otp or match_token(user, otp) is None:
                audit.record(
                    Action.SECOND_FACTOR_FAILED,
                    origin=Origin(user, audit.client_ip(request)),
                    obj=user,
                )
                raise exceptions.ValidationError(
                    {"otp": [_("A valid second-factor code is required.")]}
                )
        raw, token = services.issue_api_token(user, origin=Origin(user, audit.client_ip(request)))
        return Response(
            TokenSerializer({"token": raw, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the token this request is made with."""
        from .authentication import ExpiringTokenAuthentication

        result = ExpiringTokenAuthentication().authenticate(request)
        if result is None:
            raise exceptions.NotAuthenticated()
        user, token = result
        services.revoke_api_token(token, origin=Origin(user, audit.client_ip(request)))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Reference data and people -------------------------------------------------------------------


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = [
            "code",
            "alpha3",
            "name",
            "in_region",
            "languages",
            "scripts",
            "hotline_116000_status",
            "hotline_116000_operator",
        ]


class CountryViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Countries by ISO 3166-1 code; `?region=true` gives the 14 of the SEEC region."""

    base_queryset = Country.objects.all()
    serializer_class = CountrySerializer
    lookup_field = "code"
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("region", bool, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.query_params.get("region") in {"true", "1"}:
            queryset = queryset.filter(in_region=True)
        return queryset


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "country", "is_active"]


class OrganisationViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "organisation",
            "roles",
            "is_active",
        ]


class UserViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Staff accounts the caller may see: colleagues; the whole network for coordinators."""

    base_queryset = User.objects.prefetch_related("roles")
    serializer_class = UserSerializer


class MeSerializer(UserSerializer):
    capabilities = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "capabilities", "preferred_language"]
        read_only_fields = [f for f in fields if f != "preferred_language"]

    def get_capabilities(self, user) -> list[str]:
        return sorted(policy.capabilities(user))

    def validate_preferred_language(self, value):
        if value not in dict(settings.LANGUAGES):
            raise serializers.ValidationError(_("Unknown language: %(code)s") % {"code": value})
        return value


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user; PATCH changes only the interface language."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        language = serializer.validated_data.get("preferred_language")
        if language:
            services.set_preferred_language(
                self.request.user, language, origin=Origin.of(self.request)
            )


# --- Audit trail -------------------------------------------------------------------------------


class AuditEventSerializer(serializers.ModelSerializer):
    # Personal details hidden from readers without the right to them (audit_redaction).
    object_repr = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()

    def get_object_repr(self, event) -> str:
        return audit_redaction.object_repr_for(self.context["request"].user, event)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_details(self, event):
        return audit_redaction.details_for(self.context["request"].user, event)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "sequence",
            "occurred_at",
            "actor",
            "actor_username",
            "organisation",
            "ip_address",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "reason",
            "details",
            "previous_hash",
            "hash",
        ]


@extend_schema(
    parameters=[
        OpenApiParameter("actor", str, required=False),
        OpenApiParameter("action", str, required=False, description="An action or its prefix."),
        OpenApiParameter("object_type", str, required=False),
        OpenApiParameter("since", str, required=False, description="YYYY-MM-DD"),
        OpenApiParameter("until", str, required=False, description="YYYY-MM-DD"),
    ]
)
class AuditEventViewSet(PolicyScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The audit trail: your own events; your organisation's for supervisors; all for
    administrators."""

    base_queryset = AuditEvent.objects.order_by("-sequence")
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        form = AuditFilterQuery(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.filter(queryset)
