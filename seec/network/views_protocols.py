"""Pages of the model protocols and best practices that the centre promotes (border-control
protocols to interdict child trafficking, say), and each country's adoption of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from seec.core import policy
from seec.core.audit import Origin

from . import models as m
from . import selectors, services
from .forms import ModelProtocolForm, ProtocolAdoptionForm
from .rules import is_coordinator
from .views import apply_errors, coordinator_only


@login_required
def protocols(request):
    """Every protocol with the number of countries at each stage of adoption today."""
    return render(
        request,
        "network/protocols.html",
        {
            "rows": selectors.protocols_with_adoption(request.user),
            "stages": m.AdoptionStage.choices,
            "can_edit": is_coordinator(request.user),
        },
    )


@login_required
def protocol(request, pk):
    """One protocol: where each country stands, its history; the coordinators record a
    country's adoption (a dated fact of its profile)."""
    found = policy.get_visible_or_404(request.user, m.ModelProtocol, pk=pk)
    coordinator = is_coordinator(request.user)
    form = ProtocolAdoptionForm(
        request.POST or None, instance=m.ProtocolAdoptionFact(protocol=found)
    )
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_protocol_adoption(
                    found, origin=Origin.of(request), data=form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The adoption is recorded."))
                return redirect("network:protocol", pk=found.pk)
    return render(
        request,
        "network/protocol.html",
        {
            "protocol": found,
            "countries": selectors.protocol_adoption(request.user, found),
            "history": policy.visible_to(request.user, m.ProtocolAdoptionFact)
            .filter(protocol=found)
            .select_related("country")
            .order_by("-effective_from", "country__name"),
            "form": form if coordinator else None,
            "can_edit": coordinator,
        },
    )


@coordinator_only
def protocol_edit(request, pk=None):
    found = (
        policy.get_for_action(request.user, m.ModelProtocol, policy.Act.CHANGE, pk=pk)
        if pk
        else m.ModelProtocol()
    )
    form = ModelProtocolForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: the form has written onto `found`, and the audit says what changed.
            fresh = m.ModelProtocol.objects.get(pk=pk) if pk else m.ModelProtocol()
            saved = services.save_record(
                fresh, origin=Origin.of(request), data=dict(form.cleaned_data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The protocol is saved."))
            return redirect("network:protocol", pk=saved.pk)
    back = reverse("network:protocol", args=[pk]) if pk else reverse("network:protocols")
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": str(found) if pk else _("New model protocol or best practice"),
            "back_url": back,
        },
    )
