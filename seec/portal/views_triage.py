"""The triage queue: the reports from the public that the user's centre is responsible for
(and, for an alert authority, the sightings about its country's alerts)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability

from . import services
from .forms import PublishForm, TriageForm, WithdrawForm
from .models import PublicReport, PublishedChild, ReportStatus

TRIAGERS = (Capability.MANAGE_CASES, Capability.DECIDE_ALERTS)


def triager(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not any(policy.has(request.user, c) for c in TRIAGERS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@triager
def queue(request):
    reports = (
        policy.visible_to(request.user, PublicReport)
        .select_related("alert", "country", "organisation", "across_nodes__partner")
        .order_by("-received_at")
    )
    status = request.GET.get("status", ReportStatus.NEW)
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    return render(
        request,
        "portal/triage_queue.html",
        {"reports": reports[:200], "status": status, "statuses": ReportStatus.choices},
    )


def _report(request, pk, action=Act.VIEW) -> PublicReport:
    return policy.get_for_action(
        request.user,
        PublicReport.objects.select_related(
            "alert", "country", "published_child", "across_nodes__partner"
        ),
        action,
        pk=pk,
    )


@triager
def report_detail(request, pk):
    report = _report(request, pk)
    services.record_view(report, Origin.of(request))
    return render(
        request,
        "portal/triage_report.html",
        {
            "report": report,
            "additions": report.additions.all(),
            "form": TriageForm(report=report),
            "may_triage": policy.can(request.user, Act.MANAGE, report),
        },
    )


@triager
@require_POST
def triage(request, pk):
    report = _report(request, pk, Act.MANAGE)
    form = TriageForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.triage_report(
                report,
                origin=Origin.of(request),
                note=form.cleaned_data["note"],
                add_to_case=form.cleaned_data.get("add_to_case", False),
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, _("The report is triaged."))
            return redirect("portal:triage")
    return render(
        request,
        "portal/triage_report.html",
        {"report": report, "additions": report.additions.all(), "form": form, "may_triage": True},
        status=400,
    )


@triager
def report_photo(request, pk):
    report = _report(request, pk)
    if not report.photo_storage_name:
        raise Http404
    services.record_view(report, Origin.of(request), photo=True)
    response = HttpResponse(services.load_photo(report), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Publishing a missing child (the case's managers) ----------------------------------------


@triager
def publish(request, case_pk):
    from seec.cases.models import Case

    case = policy.get_for_action(request.user, Case, Act.MANAGE, pk=case_pk)
    form = PublishForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication = services.publish_child(
                case,
                origin=Origin.of(request),
                public_text=data["public_text"],
                guardian_consent=data["guardian_consent"],
                consent_on=data["consent_on"],
                police_approval=data["police_approval"],
                approved_on=data["approved_on"],
                days=data["days"],
                photo=data["photo"],
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, _("The child is published on the public site."))
            return redirect("portal:missing", publication.slug)
    publications = policy.visible_to(request.user, PublishedChild).filter(case=case)
    return render(
        request,
        "portal/publish.html",
        {"case": case, "form": form, "publications": publications, "withdraw": WithdrawForm()},
        status=400 if request.method == "POST" else 200,
    )


@triager
@require_POST
def withdraw(request, pk):
    publication = policy.get_for_action(request.user, PublishedChild, Act.MANAGE, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the child's page is taken down."))
    else:
        services.withdraw_publication(
            publication, origin=Origin.of(request), reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The child's page is taken off the public site."))
    return redirect("portal:publish", publication.case_id)
