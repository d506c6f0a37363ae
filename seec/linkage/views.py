"""Pages of record linkage: start and follow runs, the review queue, a pair side by side."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from seec.cases.views import apply_errors
from seec.core import policy
from seec.core.audit import Origin

from . import selectors, services
from .forms import DecideForm, StartRunForm
from .models import CandidatePair, LinkageRun, RunStatus
from .rules import may_link


def linkers_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_link(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@linkers_only
def runs(request):
    form = StartRunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                origin=Origin.of(request),
                kind=form.cleaned_data["kind"],
                countries=form.cleaned_data["countries"],
                threshold=form.cleaned_data["threshold"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("linkage:run", pk=run.pk)
    page = Paginator(selectors.runs_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "linkage/runs.html", {"form": form, "page": page})


@linkers_only
def run_detail(request, pk):
    run = policy.get_visible_or_404(request.user, LinkageRun.objects.all(), pk=pk)
    pairs = policy.visible_to(request.user, CandidatePair).filter(run=run)
    context = {
        "run": run,
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "pairs": pairs.select_related("left", "right")[:100],
    }
    # htmx polls the progress part while the run goes on.
    template = "linkage/_run_progress.html" if request.htmx else "linkage/run.html"
    return render(request, template, context)


@linkers_only
def review(request):
    page = Paginator(selectors.review_queue(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "linkage/review.html", {"page": page})


@linkers_only
def pair_detail(request, pk):
    pair = policy.get_visible_or_404(
        request.user,
        CandidatePair.objects.select_related("left__country", "right__country", "decided_by"),
        pk=pk,
    )
    return render(request, "linkage/pair.html", _pair_context(request, pair, DecideForm()))


# What the model's comparisons are called on the page.
FIELD_LABELS = {
    "given_name": gettext_lazy("Given names"),
    "family_name": gettext_lazy("Family name"),
    "dob": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
    "latitude_longitude": gettext_lazy("Where last seen"),
    "address": gettext_lazy("Address"),
    "document_number": gettext_lazy("Document number"),
    "event_date": gettext_lazy("When last seen"),
}


def _pair_context(request, pair, form) -> dict:
    contributions = sorted(pair.contributions.items(), key=lambda item: -abs(item[1]))
    return {
        "pair": pair,
        "form": form,
        "sides": selectors.side_by_side(request.user, pair),
        "contributions": [
            {
                "label": FIELD_LABELS.get(name, name),
                "weight": weight,
                # Bars scaled so that a weight of 12 (a certain birth date) fills the column.
                "width": min(100, round(abs(weight) * 8)),
            }
            for name, weight in contributions
        ],
    }


@linkers_only
@require_POST
def decide(request, pk):
    pair = policy.get_visible_or_404(
        request.user, CandidatePair.objects.select_related("left", "right"), pk=pk
    )
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                pair,
                origin=Origin.of(request),
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("linkage:review")
    return render(request, "linkage/pair.html", _pair_context(request, pair, form), status=400)
