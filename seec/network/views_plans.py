"""Pages of the action plans: the plan, its monthly reviews and annual evaluation (with their
PDFs); coordinators write, analysts read."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from seec.core import policy
from seec.core.audit import Origin

from . import documents, services
from . import models as m
from .forms import (
    ActionPlanForm,
    EvaluationForm,
    MonthlyReviewForm,
    ObjectiveForm,
    PlanIndicatorForm,
    PlannedActivityForm,
)
from .rules import is_analyst, is_coordinator
from .views import apply_errors, coordinator_only
from .views_partners import _form_page, _save_model_form


def _readers_only(request):
    if not (is_coordinator(request.user) or is_analyst(request.user)):
        raise PermissionDenied


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def plans(request):
    _readers_only(request)
    coordinator = is_coordinator(request.user)
    form = ActionPlanForm(request.POST or None)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        saved = form.is_valid() and _save_model_form(request, form, m.ActionPlan())
        if saved:
            return redirect("network:plan", pk=saved.pk)
    return render(
        request,
        "network/plans.html",
        {
            "plans": policy.visible_to(request.user, m.ActionPlan).select_related("partner"),
            "form": form if coordinator else None,
        },
    )


@login_required
def plan(request, pk):
    found = policy.get_visible_or_404(request.user, m.ActionPlan, pk=pk)
    objectives = found.objectives.prefetch_related(
        "activities__indicators", "activities__countries"
    )
    return render(
        request,
        "network/plan.html",
        {
            "plan": found,
            "objectives": objectives,
            "loose": found.activities.filter(objective__isnull=True),
            "reviews": found.reviews.all(),
            "evaluation": getattr(found, "evaluation", None),
            "can_edit": is_coordinator(request.user),
        },
    )


@coordinator_only
def plan_part(request, pk, part):
    """Add an objective, a planned activity or an indicator to a plan."""
    found = policy.get_for_action(request.user, m.ActionPlan, policy.Act.CHANGE, pk=pk)
    if part == "objective":
        form, instance = ObjectiveForm(request.POST or None), m.Objective(plan=found)
    elif part == "activity":
        form = PlannedActivityForm(request.POST or None, plan=found)
        instance = m.PlannedActivity(plan=found)
    elif part == "indicator":
        form = PlanIndicatorForm(request.POST or None)
        form.fields["activity"] = forms.ModelChoiceField(
            label=_("Activity"), queryset=found.activities.all()
        )
        instance = m.PlanIndicator()
    else:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        if part == "indicator":
            instance.activity = form.cleaned_data["activity"]
        m2m = ["countries"] if part == "activity" else []
        if _save_model_form(request, form, instance, m2m):
            return redirect("network:plan", pk=found.pk)
    return _form_page(request, form, found.title, reverse("network:plan", args=[found.pk]))


def review_form_fields(plan: m.ActionPlan, data=None):
    """The month's form and one row of fields per activity and per indicator."""
    form = MonthlyReviewForm(data, prefix="review")
    rows = []
    for activity in plan.activities.order_by("pk"):
        row = forms.Form(data, prefix=f"a{activity.pk}")
        row.fields["status"] = forms.ChoiceField(
            label=_("Status"), choices=m.ProgressStatus.choices, initial=activity.status
        )
        row.fields["progress"] = forms.IntegerField(
            label=_("Progress (%)"), min_value=0, max_value=100, initial=activity.progress
        )
        row.fields["note"] = forms.CharField(label=_("Note"), required=False)
        rows.append((activity, row))
    actuals = []
    for indicator in m.PlanIndicator.objects.filter(activity__plan=plan).select_related("activity"):
        field = forms.Form(data, prefix=f"i{indicator.pk}")
        field.fields["actual"] = forms.DecimalField(
            label=indicator.text, required=False, initial=indicator.actual, max_digits=12
        )
        actuals.append((indicator, field))
    return form, rows, actuals


@coordinator_only
def review_new(request, pk):
    found = policy.get_for_action(request.user, m.ActionPlan, policy.Act.CHANGE, pk=pk)
    form, rows, actuals = review_form_fields(found, request.POST or None)
    if request.method == "POST":
        valid = form.is_valid() & all(r.is_valid() for _a, r in rows)
        valid &= all(f.is_valid() for _i, f in actuals)
        if valid:
            try:
                review = services.record_monthly_review(
                    found,
                    origin=Origin.of(request),
                    data={f: form.cleaned_data[f] for f in MonthlyReviewForm.Meta.fields},
                    progress=[{"activity": a, **r.cleaned_data} for a, r in rows],
                    actuals={
                        i: f.cleaned_data["actual"]
                        for i, f in actuals
                        if f.cleaned_data["actual"] is not None
                    },
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("network:review", pk=review.pk)
    return render(
        request,
        "network/review_form.html",
        {"plan": found, "form": form, "rows": rows, "actuals": actuals},
    )


@login_required
def review(request, pk):
    found = policy.get_visible_or_404(request.user, m.MonthlyReview, pk=pk)
    return render(
        request,
        "network/review.html",
        {"review": found, "progress": found.progress.select_related("activity")},
    )


@login_required
def review_pdf(request, pk):
    found = policy.get_visible_or_404(request.user, m.MonthlyReview, pk=pk)
    return _pdf(documents.review_pdf(found), f"review-{found.month:%Y-%m}.pdf")


@coordinator_only
def evaluation_new(request, pk):
    found = policy.get_for_action(request.user, m.ActionPlan, policy.Act.CHANGE, pk=pk)
    form = EvaluationForm(request.POST or None, prefix="evaluation")
    rows = []
    for activity in found.activities.order_by("pk"):
        row = forms.Form(request.POST or None, prefix=f"a{activity.pk}")
        row.fields["rating"] = forms.ChoiceField(label=_("Rating"), choices=m.Rating.choices)
        row.fields["comment"] = forms.CharField(label=_("Comment"), required=False)
        rows.append((activity, row))
    if request.method == "POST" and form.is_valid() & all(r.is_valid() for _a, r in rows):
        try:
            services.evaluate_plan(
                found,
                origin=Origin.of(request),
                data=form.cleaned_data,
                ratings=[{"activity": a, **r.cleaned_data} for a, r in rows],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan is evaluated."))
            return redirect("network:plan", pk=found.pk)
    return render(
        request, "network/evaluation_form.html", {"plan": found, "form": form, "rows": rows}
    )


@login_required
def evaluation_pdf(request, pk):
    found = policy.get_visible_or_404(request.user, m.ActionPlan, pk=pk)
    if not hasattr(found, "evaluation"):
        messages.error(request, _("The plan is not evaluated yet."))
        return redirect("network:plan", pk=found.pk)
    return _pdf(documents.evaluation_pdf(found), f"evaluation-{found.year}.pdf")
