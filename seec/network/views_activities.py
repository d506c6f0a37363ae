"""Pages of the network's activities: visits, trainings (participants, scores, certificates),
forums and their recommendations followed up per country, campaigns; info-desks with their
daily counts; projects and funding proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act

from . import documents, selectors, services
from . import models as m
from .forms import (
    ActivityForm,
    DeskContactsForm,
    FollowUpForm,
    InfoDeskForm,
    ParticipantForm,
    ParticipantImportForm,
    ProjectForm,
    ProjectReportForm,
    RecommendationForm,
)
from .rules import NetworkAct, is_coordinator
from .views import apply_errors, coordinator_only
from .views_partners import _form_page, _save_model_form


@login_required
def activities(request):
    rows = policy.visible_to(request.user, m.Activity).prefetch_related("countries")
    kind = request.GET.get("kind", "")
    if kind in m.ActivityKind.values:
        rows = rows.filter(kind=kind)
    return render(
        request,
        "network/activities.html",
        {
            "activities": rows,
            "kinds": m.ActivityKind.choices,
            "kind": kind,
            "can_edit": is_coordinator(request.user),
        },
    )


@coordinator_only
def activity_edit(request, pk=None):
    found = policy.get_for_action(request.user, m.Activity, Act.CHANGE, pk=pk) if pk else None
    form = ActivityForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = _save_model_form(
            request, form, found or m.Activity(created_by=request.user), ["countries", "partners"]
        )
        if saved:
            return redirect("network:activity", pk=saved.pk)
    return _form_page(request, form, _("Activity"), reverse("network:activities"))


@login_required
def activity(request, pk):
    found = policy.get_visible_or_404(request.user, m.Activity, pk=pk)
    coordinator = is_coordinator(request.user)
    origin = Origin.of(request)
    participant_form = ParticipantForm(prefix="p")
    import_form = ParticipantImportForm(prefix="i")
    recommendation_form = RecommendationForm(prefix="r")
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "participant":
            participant_form = ParticipantForm(request.POST, prefix="p")
            saved = participant_form.is_valid() and _save_model_form(
                request, participant_form, m.Participant(activity=found)
            )
        elif action == "import":
            import_form = ParticipantImportForm(request.POST, request.FILES, prefix="i")
            saved = False
            if import_form.is_valid():
                try:
                    count = services.import_participants(
                        found, origin=origin, upload=import_form.cleaned_data["file"]
                    )
                except ValidationError as error:
                    for problem in error.message_dict.get("file", error.messages):
                        import_form.add_error("file", problem)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)d participant imported.", "%(n)d participants imported.", count
                        )
                        % {"n": count},
                    )
                    saved = True
        elif action == "recommendation":
            recommendation_form = RecommendationForm(request.POST, prefix="r")
            saved = recommendation_form.is_valid() and _save_model_form(
                request, recommendation_form, m.Recommendation(activity=found)
            )
        else:
            raise PermissionDenied
        if saved:
            return redirect("network:activity", pk=found.pk)
    participants = services.read_participants(found, origin=origin) if coordinator else None
    recommendations = policy.visible_to(request.user, m.Recommendation).filter(activity=found)
    return render(
        request,
        "network/activity.html",
        {
            "activity": found,
            "summary": selectors.training_summary(found),
            "participants": participants,
            "participant_form": participant_form if coordinator else None,
            "import_form": import_form if coordinator else None,
            "recommendation_form": recommendation_form if coordinator else None,
            "recommendations": recommendations.prefetch_related("follow_ups__country"),
            "follow_up_form": FollowUpForm(prefix="f") if coordinator else None,
            "can_edit": coordinator,
        },
    )


@require_POST
@coordinator_only
def follow_up(request, pk):
    recommendation = policy.get_for_action(request.user, m.Recommendation, Act.CHANGE, pk=pk)
    form = FollowUpForm(request.POST, prefix="f")
    if form.is_valid():
        existing = m.RecommendationFollowUp.objects.filter(
            recommendation=recommendation, country=form.cleaned_data["country"]
        ).first()
        if _save_model_form(
            request, form, existing or m.RecommendationFollowUp(recommendation=recommendation)
        ):
            messages.success(request, _("The follow-up is recorded."))
    else:
        messages.error(request, _("Choose a country and a status."))
    return redirect("network:activity", pk=recommendation.activity_id)


@require_POST
@coordinator_only
def certificates_issue(request, pk):
    found = policy.get_for_action(request.user, m.Activity, Act.CHANGE, pk=pk)
    try:
        issued = services.issue_certificates(found, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(n)d certificate issued.", "%(n)d certificates issued.", len(issued))
            % {"n": len(issued)},
        )
    return redirect("network:activity", pk=found.pk)


@coordinator_only
def certificates_pdf(request, pk):
    found = policy.get_visible_or_404(request.user, m.Activity, pk=pk)
    participants = services.read_participants(found, origin=Origin.of(request)).exclude(
        certificate_number=""
    )
    if not participants:
        messages.error(request, _("No certificate issued yet."))
        return redirect("network:activity", pk=found.pk)
    response = HttpResponse(
        documents.certificates_pdf(found, participants.order_by("certificate_number")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="certificates-{found.pk}.pdf"'
    return response


# --- Info-desks -----------------------------------------------------------------------------------


@login_required
def desks(request):
    rows = policy.visible_to(request.user, m.InfoDesk).select_related("host", "country")
    totals = dict(
        m.InfoDeskContacts.objects.filter(desk__in=rows.values("pk"))
        .values_list("desk")
        .annotate(n=Sum("count"))
        .order_by("desk")
    )
    return render(
        request,
        "network/desks.html",
        {
            "desks": [(d, totals.get(d.pk, 0)) for d in rows],
            "can_edit": is_coordinator(request.user),
        },
    )


@coordinator_only
def desk_edit(request, pk=None):
    found = policy.get_for_action(request.user, m.InfoDesk, Act.CHANGE, pk=pk) if pk else None
    form = InfoDeskForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = _save_model_form(request, form, found or m.InfoDesk())
        if saved:
            return redirect("network:desk", pk=saved.pk)
    return _form_page(request, form, _("Info-desk"), reverse("network:desks"))


@login_required
def desk(request, pk):
    found = policy.get_visible_or_404(request.user, m.InfoDesk, pk=pk)
    may_log = policy.can(request.user, NetworkAct.LOG_CONTACTS, found)
    form = DeskContactsForm(request.POST or None)
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.log_desk_contacts(found, origin=Origin.of(request), data=form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The contacts are logged."))
                return redirect("network:desk", pk=found.pk)
    by_kind = found.contacts.values("kind").annotate(n=Sum("count")).order_by("kind")
    return render(
        request,
        "network/desk.html",
        {
            "desk": found,
            "form": form if may_log else None,
            "by_kind": [(m.DeskContactKind(r["kind"]).label, r["n"]) for r in by_kind],
            "days": found.contacts.all()[:60],
        },
    )


# --- Projects and funding proposals -------------------------------------------------------------


@coordinator_only
def projects(request):
    return render(
        request,
        "network/projects.html",
        {"projects": policy.visible_to(request.user, m.Project).prefetch_related("reports")},
    )


@coordinator_only
def project_edit(request, pk=None):
    found = policy.get_for_action(request.user, m.Project, Act.CHANGE, pk=pk) if pk else None
    form = ProjectForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = _save_model_form(request, form, found or m.Project(), ["countries"])
        if saved:
            return redirect("network:project", pk=saved.pk)
    return _form_page(request, form, _("Project"), reverse("network:projects"))


@coordinator_only
def project(request, pk):
    found = policy.get_visible_or_404(request.user, m.Project, pk=pk)
    form = ProjectReportForm(request.POST or None)
    posted = request.method == "POST" and form.is_valid()
    if posted and _save_model_form(request, form, m.ProjectReport(project=found)):
        return redirect("network:project", pk=found.pk)
    return render(request, "network/project.html", {"project": found, "form": form})
