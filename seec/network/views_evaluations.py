"""Pages of the evaluation of hotline and NGO services: the service's self-assessment, the
centre's review with the platform's indicators in view, the improvement plan, the result."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Capability

from . import indicators, services
from . import models as m
from .forms import (
    CatalogueForm,
    CatalogueVersionForm,
    CompleteEvaluationForm,
    CriterionForm,
    ImprovementForm,
    PublishCatalogueForm,
    ReasonForm,
    StartEvaluationForm,
    current_catalogues,
)
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
                "organisation", "partner", "catalogue"
            ),
            "summary": [{**row, "label": m.ServiceStatus(row["result"]).label} for row in summary],
            "form": form if coordinator else None,
            "catalogues": policy.visible_to(user, m.CriteriaCatalogue),
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
            "history": services.year_on_year(
                found.organisation or found.partner, found.catalogue.kind
            ),
            "by_the_centre": may_self and is_coordinator(user),
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


# --- Criteria catalogues: versions, drafts, publication ---------------------------------------


@login_required
def catalogues(request):
    """Every catalogue with its versions (drafts for the coordinators); a coordinator starts a
    catalogue the centre enters (the hotline minimum standards, say)."""
    coordinator = is_coordinator(request.user)
    form = CatalogueForm(request.POST or None) if coordinator else None
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid():
            try:
                found = services.create_catalogue(
                    origin=Origin.of(request),
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The draft is made: add its criteria."))
                return redirect("network:catalogue", pk=found.pk)
    rows = policy.visible_to(request.user, m.CriteriaCatalogue).order_by("kind", "-version")
    current = {c.pk for c in current_catalogues()}
    return render(
        request,
        "network/catalogues.html",
        {"catalogues": rows, "current": current, "form": form},
    )


@login_required
def catalogue(request, pk):
    found = policy.get_visible_or_404(request.user, m.CriteriaCatalogue, pk=pk)
    coordinator = is_coordinator(request.user)
    version_form = CatalogueVersionForm(request.POST or None)
    if request.method == "POST":
        # A new draft version from this one.
        if not coordinator:
            raise PermissionDenied
        if version_form.is_valid():
            try:
                copy = services.new_catalogue_version(
                    found, origin=Origin.of(request), title=version_form.cleaned_data["title"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Version %(v)d made from this one.") % {"v": copy.version}
                )
                return redirect("network:catalogue", pk=copy.pk)
    current = services.current_catalogue(found.kind)
    draft = found.published_on is None
    return render(
        request,
        "network/catalogue.html",
        {
            "catalogue": found,
            "criteria": found.criteria.all(),
            "providers": {p.code: p for p in indicators.providers()},
            "can_edit": coordinator,
            "draft": draft,
            "is_current": current is not None and current.pk == found.pk,
            "current": current,
            "versions": policy.visible_to(request.user, m.CriteriaCatalogue).filter(
                kind=found.kind
            ),
            "version_form": version_form if coordinator and not draft else None,
            "publish_form": PublishCatalogueForm() if coordinator and draft else None,
            "discard_form": ReasonForm() if coordinator and draft else None,
            "evaluations": found.evaluations.count(),
        },
    )


@require_POST
@coordinator_only
def catalogue_step(request, pk, step):
    """Publish a draft, or discard it."""
    found = policy.get_for_action(request.user, m.CriteriaCatalogue, policy.Act.CHANGE, pk=pk)
    origin = Origin.of(request)
    try:
        if step == "publish":
            form = PublishCatalogueForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.publish_catalogue(found, origin=origin, on=form.cleaned_data["published_on"])
            messages.success(
                request, _("Version %(v)d is published and current.") % {"v": found.version}
            )
        elif step == "discard":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.discard_catalogue_draft(found, origin=origin, reason=reason)
            messages.success(request, _("The draft is discarded."))
            return redirect("network:catalogues")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("network:catalogue", pk=found.pk)


@coordinator_only
def criterion_edit(request, pk=None, catalogue_pk=None):
    """Add a criterion to a draft, or change one."""
    if pk is None:
        found = policy.get_for_action(
            request.user, m.CriteriaCatalogue, policy.Act.CHANGE, pk=catalogue_pk
        )
        criterion = m.Criterion(catalogue=found)
    else:
        criterion = policy.get_for_action(request.user, m.Criterion, policy.Act.CHANGE, pk=pk)
        found = criterion.catalogue
    if found.published_on is not None:
        messages.error(
            request, _("A published version is frozen: make a new version to change it.")
        )
        return redirect("network:catalogue", pk=found.pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: the form has written onto `criterion`; the audit says what changed.
            services.save_criterion(
                m.Criterion.objects.get(pk=pk) if pk else m.Criterion(catalogue=found),
                origin=Origin.of(request),
                data={f: form.cleaned_data[f] for f in services.CRITERION_FIELDS},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("network:catalogue", pk=found.pk)
    title = _("New criterion") if pk is None else _("Criterion %(code)s") % {"code": criterion.code}
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": f"{found} – {title}",
            "back_url": reverse("network:catalogue", args=[found.pk]),
        },
    )


@require_POST
@coordinator_only
def criterion_remove(request, pk):
    criterion = policy.get_for_action(request.user, m.Criterion, policy.Act.CHANGE, pk=pk)
    try:
        services.remove_criterion(criterion, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The criterion is removed from the draft."))
    return redirect("network:catalogue", pk=criterion.catalogue_id)
