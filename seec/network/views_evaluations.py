"""Pages of the evaluation of hotline and NGO services: the service's self-assessment, the
centre's review with the platform's indicators in view, the improvement plan, the result."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Capability

from . import indicators, services
from . import models as m
from .forms import CompleteEvaluationForm, ImprovementForm, StartEvaluationForm
from .rules import NetworkAct, is_analyst, is_coordinator
from .views import apply_errors, coordinator_only


@login_required
def evaluations(request):
    user = request.user
    coordinator = is_coordinator(user)
    if not (coordinator or is_analyst(user) or policy.has(user, Capability.SUPERVISE)):
        raise PermissionDenied
    form = StartEvaluationForm(request.POST or None)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid():
            try:
                found = services.start_evaluation(origin=Origin.of(request), **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("network:evaluation", pk=found.pk)
    completed = m.ServiceEvaluation.objects.filter(stage=m.EvaluationStage.COMPLETED)
    # The region's summary: aggregates only (what analysts read).
    summary = (
        completed.values("year", "result")
        .annotate(n=Count("pk"), mean=Avg("score"))
        .order_by("-year", "result")
    )
    return render(
        request,
        "network/evaluations.html",
        {
            "evaluations": policy.visible_to(user, m.ServiceEvaluation).select_related(
                "organisation", "catalogue"
            ),
            "summary": [{**row, "label": m.ServiceStatus(row["result"]).label} for row in summary],
            "form": form if coordinator else None,
            "catalogues": m.CriteriaCatalogue.objects.all(),
        },
    )


def _self_form(evaluation, data=None):
    rows = []
    for row in evaluation.assessments.select_related("criterion"):
        form = forms.Form(data, prefix=f"c{row.criterion_id}")
        form.fields["score"] = forms.TypedChoiceField(
            label=_("Score"), choices=[("", "—"), *m.SCORE_CHOICES], coerce=int,
            empty_value=None, required=False, initial=row.self_score,
        )  # fmt: skip
        form.fields["comment"] = forms.CharField(
            label=_("Comment"),
            required=False,
            initial=row.self_comment,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        form.fields["evidence"] = forms.CharField(
            label=_("Evidence"),
            required=False,
            initial=row.evidence,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        rows.append((row, form))
    return rows


def _review_form(evaluation, data=None):
    rows = []
    for row in evaluation.assessments.select_related("criterion"):
        form = forms.Form(data, prefix=f"r{row.criterion_id}")
        form.fields["score"] = forms.TypedChoiceField(
            label=_("Centre's score"), choices=m.SCORE_CHOICES, coerce=int,
            initial=row.review_score,
        )  # fmt: skip
        form.fields["comment"] = forms.CharField(
            label=_("Finding"), required=False, initial=row.review_comment
        )
        rows.append((row, form))
    return rows


@login_required
def evaluation(request, pk):
    found = policy.get_visible_or_404(request.user, m.ServiceEvaluation, pk=pk)
    user = request.user
    may_self = policy.can(user, NetworkAct.SELF_ASSESS, found) and (
        found.stage == m.EvaluationStage.SELF_ASSESSMENT
    )
    may_review = is_coordinator(user) and found.stage == m.EvaluationStage.UNDER_REVIEW
    data = request.POST if request.method == "POST" else None
    self_rows = _self_form(found, data if may_self else None)
    review_rows = _review_form(found, data if may_review else None)
    if request.method == "POST":
        try:
            if "self" in request.POST and may_self:
                if all(f.is_valid() for _r, f in self_rows):
                    services.self_assess(
                        found,
                        origin=Origin.of(request),
                        answers={r.criterion_id: f.cleaned_data for r, f in self_rows},
                        submit=request.POST["self"] == "submit",
                    )
                    messages.success(request, _("The self-assessment is saved."))
                    return redirect("network:evaluation", pk=found.pk)
            elif "review" in request.POST and may_review:
                if all(f.is_valid() for _r, f in review_rows):
                    services.review_evaluation(
                        found,
                        origin=Origin.of(request),
                        scores={
                            r.criterion_id: (f.cleaned_data["score"], f.cleaned_data["comment"])
                            for r, f in review_rows
                        },
                    )
                    messages.success(request, _("The review is saved."))
                    return redirect("network:evaluation", pk=found.pk)
            else:
                raise PermissionDenied
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    values = {v.code: v for v in found.indicator_values.all()}
    criteria_rows = []
    for row, self_form in self_rows:
        value = values.get(row.criterion.indicator)
        criteria_rows.append(
            {
                "row": row,
                "self_form": self_form,
                "review_form": dict(review_rows)[row] if may_review else None,
                "value": value,
                "installed": bool(row.criterion.indicator)
                and indicators.provider(row.criterion.indicator) is not None,
                "meets": services.indicator_meets(row.criterion, value),
            }
        )
    providers = {p.code: p for p in indicators.providers()}
    return render(
        request,
        "network/evaluation.html",
        {
            "evaluation": found,
            "criteria": criteria_rows,
            "indicator_rows": [(values[c], providers.get(c)) for c in sorted(values)],
            "may_self": may_self,
            "may_review": may_review,
            "improvement_form": ImprovementForm(evaluation=found) if may_review else None,
            "complete_form": CompleteEvaluationForm() if may_review else None,
            "history": services.year_on_year(found.organisation, found.catalogue.kind),
            "score_counts": Counter(r.review_score for r in found.assessments.all()),
        },
    )


@require_POST
@coordinator_only
def evaluation_step(request, pk, step):
    found = policy.get_for_action(request.user, m.ServiceEvaluation, NetworkAct.REVIEW, pk=pk)
    origin = Origin.of(request)
    try:
        if step == "indicators":
            services.compute_evaluation_indicators(found, origin=origin)
        elif step == "improvement":
            form = ImprovementForm(request.POST, evaluation=found)
            if not form.is_valid():
                raise ValidationError(
                    [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
                )
            services.add_improvement(found, origin=origin, data=form.cleaned_data)
        elif step == "complete":
            form = CompleteEvaluationForm(request.POST)
            summary = form.cleaned_data["summary"] if form.is_valid() else ""
            services.complete_evaluation(found, origin=origin, summary=summary)
        elif step.startswith("done-"):
            action = found.improvements.get(pk=int(step.removeprefix("done-")))
            services.mark_improvement_done(action, origin=origin)
        else:
            raise PermissionDenied
    except (ValidationError, m.ImprovementAction.DoesNotExist, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Done."))
    return redirect("network:evaluation", pk=found.pk)


@login_required
def catalogue(request, pk):
    found = policy.get_visible_or_404(request.user, m.CriteriaCatalogue, pk=pk)
    if request.method == "POST":
        if not is_coordinator(request.user):
            raise PermissionDenied
        copy = services.new_catalogue_version(found, origin=Origin.of(request))
        messages.success(request, _("Version %(v)d made from this one.") % {"v": copy.version})
        return redirect("network:catalogue", pk=copy.pk)
    return render(
        request,
        "network/catalogue.html",
        {
            "catalogue": found,
            "criteria": found.criteria.all(),
            "providers": {p.code: p for p in indicators.providers()},
            "can_edit": is_coordinator(request.user),
        },
    )
