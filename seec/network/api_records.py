"""Read-only API of the coordinators' own records: the reminders sent before agreements lapse,
a training's participants with their scores, and its certificates as one PDF. Personal data
and the centre's working notices: the regional coordinators alone, every read of the
participants audited (through the same service as the page)."""

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import exceptions, serializers, views
from rest_framework.response import Response

from seec.core import policy
from seec.core.audit import Origin

from . import documents, services
from . import models as m
from .rules import is_coordinator


def _coordinators_only(request) -> None:
    if not is_coordinator(request.user):
        raise exceptions.PermissionDenied


class AgreementReminderSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="agreement.title")

    class Meta:
        model = m.AgreementReminder
        fields = ["id", "agreement", "title", "valid_until", "days_before", "sent_at", "recipients"]


class AgreementReminderListView(views.APIView):
    """The reminders sent before agreements lapse (90, 30 and 7 days before), newest first;
    `?agreement=` one agreement's. Regional coordinators."""

    @extend_schema(responses=AgreementReminderSerializer(many=True))
    def get(self, request):
        _coordinators_only(request)
        rows = policy.visible_to(request.user, m.AgreementReminder).select_related("agreement")
        agreement = request.query_params.get("agreement")
        if agreement:
            if not agreement.isdigit():
                raise exceptions.ValidationError({"agreement": [_("Give an agreement's number.")]})
            rows = rows.filter(agreement_id=int(agreement))
        return Response(AgreementReminderSerializer(rows, many=True).data)


class ParticipantSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = m.Participant
        fields = [
            "id", "name", "email", "organisation_name", "sector", "country", "pre_test",
            "post_test", "completed", "certificate_number", "certificate_issued_at",
        ]  # fmt: skip


def _activity(request, pk) -> m.Activity:
    _coordinators_only(request)
    found = policy.visible_to(request.user, m.Activity).filter(pk=pk).first()
    if found is None:
        raise exceptions.NotFound
    return found


class ParticipantListView(views.APIView):
    """A training's participants with their pre- and post-test scores and certificates
    (personal data: regional coordinators; each read audited)."""

    @extend_schema(responses=ParticipantSerializer(many=True))
    def get(self, request, pk):
        found = _activity(request, pk)
        rows = services.read_participants(found, origin=Origin.of(request))
        return Response(ParticipantSerializer(rows, many=True).data)


class CertificatesPdfView(views.APIView):
    """The certificates issued for a training, one page each, as a PDF (regional
    coordinators); 404 while none is issued."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        found = _activity(request, pk)
        holders = services.read_participants(found, origin=Origin.of(request)).exclude(
            certificate_number=""
        )
        if not holders:
            raise exceptions.NotFound
        response = HttpResponse(
            documents.certificates_pdf(found, holders.order_by("certificate_number")),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="certificates-{found.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


urlpatterns = [
    path(
        "agreement-reminders/",
        AgreementReminderListView.as_view(),
        name="network-agreement-reminders",
    ),
    path(
        "activities/<int:pk>/participants/",
        ParticipantListView.as_view(),
        name="network-activity-participants",
    ),
    path(
        "activities/<int:pk>/certificates.pdf",
        CertificatesPdfView.as_view(),
        name="network-activity-certificates",
    ),
]
