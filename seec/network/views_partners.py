"""Pages of partners, agreements (with their signed documents) and the liaison officers'
directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act

from . import models as m
from . import selectors, services
from .forms import (
    AgreementForm,
    DirectorySearchForm,
    DocumentForm,
    LiaisonOfficerForm,
    PartnerForm,
    PartnerPersonForm,
    TerminateForm,
)
from .rules import is_coordinator, works_on_cases
from .views import apply_errors, coordinator_only


def _form_page(request, form, title, back_url, multipart=False):
    return render(
        request,
        "network/form.html",
        {"form": form, "title": title, "back_url": back_url, "multipart": multipart},
    )


def _save_model_form(request, form, instance, m2m_fields=(), **extra):
    """Save a ModelForm's data through the service; errors land on the form."""
    data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.cleaned_data}
    m2m = {f: form.cleaned_data[f] for f in m2m_fields}
    try:
        return services.save_record(instance, origin=Origin.of(request), data=data, m2m=m2m)
    except ValidationError as error:
        apply_errors(form, error)
        return None


# --- Partners ----------------------------------------------------------------------------------


@coordinator_only
def partners(request):
    rows = selectors.partners_for(request.user, request.GET.get("q", ""))
    return render(
        request, "network/partners.html", {"partners": rows, "q": request.GET.get("q", "")}
    )


@coordinator_only
def partner_edit(request, pk=None):
    partner = policy.get_for_action(request.user, m.Partner, Act.CHANGE, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = _save_model_form(request, form, partner or m.Partner())
        if saved:
            messages.success(request, _("The partner is saved."))
            return redirect("network:partner", pk=saved.pk)
    return _form_page(request, form, _("Partner"), reverse("network:partners"))


@login_required
def partner(request, pk):
    found = policy.get_visible_or_404(request.user, m.Partner, pk=pk)
    coordinator = is_coordinator(request.user)
    form = PartnerPersonForm(request.POST or None)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid() and _save_model_form(request, form, m.PartnerPerson(partner=found)):
            messages.success(request, _("The contact person is added."))
            return redirect("network:partner", pk=found.pk)
    people = policy.visible_to(request.user, m.PartnerPerson).filter(partner=found)
    return render(
        request,
        "network/partner.html",
        {
            "partner": found,
            "people": people,
            "form": form if coordinator else None,
            "agreements": policy.visible_to(request.user, m.Agreement).filter(
                parties__partner=found
            ),
        },
    )


# --- Agreements --------------------------------------------------------------------------------


@login_required
def agreements(request):
    state = request.GET.get("state", "")
    rows = selectors.agreements_for(request.user, state=state)
    return render(
        request,
        "network/agreements.html",
        {"agreements": rows, "state": state, "can_edit": is_coordinator(request.user)},
    )


@coordinator_only
def agreement_edit(request, pk=None):
    agreement = policy.get_for_action(request.user, m.Agreement, Act.CHANGE, pk=pk) if pk else None
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in AgreementForm.Meta.fields}
        try:
            saved = services.save_agreement(
                agreement,
                origin=Origin.of(request),
                data=data,
                parties=list(form.cleaned_data["parties"]),
                countries=list(form.cleaned_data["countries"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("network:agreement", pk=saved.pk)
    return _form_page(request, form, _("Agreement"), reverse("network:agreements"))


@login_required
def agreement(request, pk):
    found = policy.get_visible_or_404(request.user, m.Agreement, pk=pk)
    coordinator = is_coordinator(request.user)
    upload = DocumentForm()
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        upload = DocumentForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                services.add_agreement_document(
                    found,
                    origin=Origin.of(request),
                    upload=upload.cleaned_data["file"],
                    description=upload.cleaned_data["description"],
                )
            except ValidationError as error:
                apply_errors(upload, error)
            else:
                messages.success(request, _("The signed document is stored, encrypted."))
                return redirect("network:agreement", pk=found.pk)
    return render(
        request,
        "network/agreement.html",
        {
            "agreement": found,
            "parties": found.parties.select_related("partner"),
            "documents": policy.visible_to(request.user, m.AgreementDocument).filter(
                agreement=found
            ),
            "reminders": policy.visible_to(request.user, m.AgreementReminder).filter(
                agreement=found
            ),
            "upload": upload if coordinator else None,
            "terminate": TerminateForm() if coordinator and not found.terminated_on else None,
            "can_edit": coordinator,
            "state": selectors.agreement_state(found),
        },
    )


@require_POST
@coordinator_only
def agreement_terminate(request, pk):
    found = policy.get_for_action(request.user, m.Agreement, Act.CHANGE, pk=pk)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            services.terminate_agreement(
                found,
                origin=Origin.of(request),
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agreement is ended."))
    else:
        messages.error(request, _("Give the date and the reason."))
    return redirect("network:agreement", pk=found.pk)


@login_required
def agreement_document(request, pk):
    document = policy.get_visible_or_404(request.user, m.AgreementDocument, pk=pk)
    content = services.read_agreement_document(document, origin=Origin.of(request))
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="agreement-{document.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Liaison officers ----------------------------------------------------------------------------


@login_required
def directory(request):
    if not (is_coordinator(request.user) or works_on_cases(request.user)):
        raise PermissionDenied
    form = DirectorySearchForm(request.GET or None)
    officers = selectors.liaison_officers(
        request.user, form.cleaned_data if form.is_valid() else {}
    )
    return render(
        request,
        "network/directory.html",
        {"form": form, "officers": officers, "can_edit": is_coordinator(request.user)},
    )


@coordinator_only
def officer_edit(request, pk=None):
    officer = (
        policy.get_for_action(request.user, m.LiaisonOfficer, Act.CHANGE, pk=pk) if pk else None
    )
    form = LiaisonOfficerForm(request.POST or None, instance=officer)
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_model_form(request, form, officer or m.LiaisonOfficer(), ["counterparts"]):
        messages.success(request, _("The liaison officer is saved."))
        return redirect("network:directory")
    return _form_page(request, form, _("Liaison officer"), reverse("network:directory"))
