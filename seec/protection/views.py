"""Pages of protection: child victims, referrals, repatriation, the directory, the catalogue,
and (police only) persons of interest and identifiers."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability
from seec.linkage.models import MatchingAgreement

from . import forms, identifiers_across, intelligence, repatriation, services, tracing
from .agreements import repatriation_agreements
from .audit_actions import ProtectionAction as A
from .models import (
    ChildVictim,
    IndicatorCatalogue,
    PersonOfInterest,
    Referral,
    RepatriationPlan,
    RepatriationStep,
    ServiceKind,
    ServiceProvider,
    StepAssignment,
    StepStatus,
    TraceIdentifier,
)
from .rules import has_any_role, is_law_enforcement


def needs(check):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


personal = needs(lambda u: policy.has(u, Capability.VIEW_PERSONAL_DATA))
any_role = needs(has_any_role)
police = needs(is_law_enforcement)


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def step(form_class, load, run, done, *, form_kwargs=None):
    """A POST-only page for one step: validate, call the service, go back to the record's page;
    a refusal shows the form again with its reasons (status 400)."""

    @personal
    @require_POST
    def view(request, pk):
        obj = load(request.user, pk)
        form = form_class(request.POST, **(form_kwargs(obj) if form_kwargs else {}))
        if form.is_valid():
            try:
                target = run(obj, form.cleaned_data, Origin.of(request))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(target)
        return render(request, "protection/step.html", {"form": form}, status=400)

    return view


# --- Child victims ----------------------------------------------------------------------------


@personal
def victim_list(request):
    victims = (
        policy.visible_to(request.user, ChildVictim)
        .select_related("citizenship", "organisation")
        .order_by("-created_at")[:200]
    )
    context = {"victims": victims, "is_police": is_law_enforcement(request.user)}
    return render(request, "protection/victim_list.html", context)


@personal
def victim_new(request):
    catalogue = services.current_catalogue()
    form = forms.VictimForm(request.POST or None, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "indicators"}
        try:
            victim = services.open_victim(
                origin=Origin.of(request),
                fields=fields,
                indicators=form.cleaned_data["indicators"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The child's record is opened."))
            return redirect("protection:victim", victim.pk)
    return render(
        request,
        "protection/victim_form.html",
        {"form": form, "catalogue": catalogue},
        status=400 if form.errors else 200,
    )


def load_victim(user, pk, action=Act.VIEW):
    return policy.get_for_action(
        user, ChildVictim.objects.select_related("organisation", "catalogue"), action, pk=pk
    )


@personal
def victim_detail(request, pk):
    user = request.user
    victim = load_victim(user, pk)
    audit.record_read(A.VICTIM_VIEW, origin=Origin.of(request), obj=victim)
    country = victim.organisation.country_id
    may_change = policy.can(user, Act.CHANGE, victim)
    plans = victim.repatriation_plans.select_related("destination")
    context = {
        "victim": victim,
        "observations": victim.observations.select_related("indicator"),
        "ages": victim.age_assessments.all(),
        "guardians": victim.guardians.all(),
        "referrals": victim.referrals.select_related("provider"),
        "plans": plans,
        "may_change": may_change,
        "forms": {
            "indicators": forms.IndicatorsForm(catalogue=victim.catalogue),
            "age": forms.AgeForm(),
            "guardian": forms.GuardianForm(),
            "identification": forms.IdentificationForm(initial={"status": victim.status}),
            "referral": forms.ReferralForm(country=country),
            "plan": forms.PlanOpenForm(initial={"destination": victim.citizenship_id}),
        },
        "agreements": (
            repatriation_agreements(country, victim.citizenship_id) if victim.citizenship_id else []
        ),
    }
    return render(request, "protection/victim_detail.html", context)


def victim_url(victim):
    return f"/protection/victims/{victim.pk}/"


record_indicators = step(
    forms.IndicatorsForm,
    lambda user, pk: load_victim(user, pk, Act.CHANGE),
    lambda v, data, origin: (
        services.record_indicators(
            v, origin=origin, indicators=data["indicators"], note=data["note"]
        ),
        victim_url(v),
    )[1],
    _("Indicators recorded."),
    form_kwargs=lambda v: {"catalogue": v.catalogue},
)
assess_age = step(
    forms.AgeForm,
    lambda user, pk: load_victim(user, pk, Act.CHANGE),
    lambda v, data, origin: (services.assess_age(v, origin=origin, data=data), victim_url(v))[1],
    _("Age assessment recorded."),
)
appoint_guardian = step(
    forms.GuardianForm,
    lambda user, pk: load_victim(user, pk, Act.CHANGE),
    lambda v, data, origin: (
        services.appoint_guardian(v, origin=origin, data=data),
        victim_url(v),
    )[1],
    _("Guardian appointed."),
)
decide_identification = step(
    forms.IdentificationForm,
    lambda user, pk: load_victim(user, pk, Act.MANAGE),
    lambda v, data, origin: (
        services.decide_identification(v, origin=origin, **data),
        victim_url(v),
    )[1],
    _("Identification recorded."),
)
refer = step(
    forms.ReferralForm,
    lambda user, pk: load_victim(user, pk, Act.CHANGE),
    lambda v, data, origin: (services.refer(v, origin=origin, **data), victim_url(v))[1],
    _("Referral sent."),
    form_kwargs=lambda v: {"country": v.organisation.country_id},
)
open_plan = step(
    forms.PlanOpenForm,
    lambda user, pk: load_victim(user, pk, Act.MANAGE),
    lambda v, data, origin: (
        f"/protection/plans/{repatriation.open_plan(v, origin=origin, **data).pk}/"
    ),
    _("Repatriation plan opened."),
)


# --- Referrals --------------------------------------------------------------------------------


def load_referral(user, pk):
    return policy.get_visible_or_404(
        user, Referral.objects.select_related("victim", "provider"), pk=pk
    )


@personal
def referral_detail(request, pk):
    referral = load_referral(request.user, pk)
    audit.record_read(A.VICTIM_VIEW, origin=Origin.of(request), obj=referral.victim)
    context = {
        "referral": referral,
        "victim": referral.victim,
        "may_answer": services.may_answer(request.user, referral),
        "answer_form": forms.AnswerForm(),
        "close_form": forms.CloseReferralForm(),
    }
    return render(request, "protection/referral_detail.html", context)


answer_referral = step(
    forms.AnswerForm,
    load_referral,
    lambda r, data, origin: (
        services.answer_referral(r, origin=origin, **data),
        f"/protection/referrals/{r.pk}/",
    )[1],
    _("Answer recorded."),
)
close_referral = step(
    forms.CloseReferralForm,
    load_referral,
    lambda r, data, origin: (
        services.close_referral(r, origin=origin, **data),
        f"/protection/referrals/{r.pk}/",
    )[1],
    _("Referral closed."),
)


# --- Repatriation -----------------------------------------------------------------------------


@personal
def plan_detail(request, pk):
    plan = repatriation.visible_plan_or_404(request.user, pk)
    victim = plan.victim
    audit.record_read(A.VICTIM_VIEW, origin=Origin.of(request), obj=victim)
    steps = list(plan.steps.select_related("owner"))
    context = {
        "plan": plan,
        "victim": victim,
        "steps": steps,
        "may_change": policy.can(request.user, Act.CHANGE, plan),
        "agreements": repatriation_agreements(victim.organisation.country_id, plan.destination_id),
        "plan_form": forms.PlanForm(instance=plan),
        "step_form": forms.StepForm(),
        "decide_form": forms.DecideForm(),
        "answer_form": forms.StepAnswerForm(),
        "requestable": {StepStatus.PENDING, StepStatus.REFUSED},
    }
    return render(request, "protection/plan_detail.html", context)


def load_plan(user, pk):
    return policy.get_for_action(
        user, RepatriationPlan.objects.select_related("victim"), Act.CHANGE, pk=pk
    )


def plan_url(plan):
    return f"/protection/plans/{plan.pk}/"


update_plan = step(
    forms.PlanForm,
    load_plan,
    lambda p, data, origin: (repatriation.update_plan(p, origin=origin, fields=data), plan_url(p))[
        1
    ],
    _("Plan saved."),
)
add_step = step(
    forms.StepForm,
    load_plan,
    lambda p, data, origin: (repatriation.add_step(p, origin=origin, **data), plan_url(p))[1],
    _("Step added."),
)
decide_plan = step(
    forms.DecideForm,
    load_plan,
    lambda p, data, origin: (repatriation.decide_plan(p, origin=origin, **data), plan_url(p))[1],
    _("Decision recorded."),
)


@personal
@require_POST
def add_follow_ups(request, pk):
    plan = load_plan(request.user, pk)
    try:
        repatriation.add_follow_ups(plan, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(plan_url(plan))


def load_step(user, pk):
    return policy.get_for_action(
        user, RepatriationStep.objects.select_related("plan__victim"), Act.CHANGE, pk=pk
    )


@personal
@require_POST
def request_step(request, pk):
    found = load_step(request.user, pk)
    try:
        repatriation.request_step(found, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The step is asked of its owner."))
    return redirect(plan_url(found.plan))


record_step_answer = step(
    forms.StepAnswerForm,
    load_step,
    lambda s, data, origin: (
        repatriation.record_step_answer(
            s, origin=origin, confirmed=data["confirm"], by=data["by"], note=data["note"]
        ),
        plan_url(s.plan),
    )[1],
    _("Answer recorded."),
)


@personal
def assignment_list(request):
    assignments = policy.visible_to(request.user, StepAssignment).select_related("partner")
    return render(request, "protection/assignments.html", {"assignments": assignments})


def load_assignment(user, pk):
    return policy.get_visible_or_404(
        user, StepAssignment.objects.select_related("partner", "organisation"), pk=pk
    )


@personal
def assignment_detail(request, pk):
    assignment = load_assignment(request.user, pk)
    context = {"assignment": assignment, "form": forms.StepAnswerForm()}
    return render(request, "protection/assignment_detail.html", context)


answer_assignment = step(
    forms.StepAnswerForm,
    load_assignment,
    lambda a, data, origin: (
        repatriation.answer_assignment(
            a, origin=origin, confirm=data["confirm"], note=data["note"]
        ),
        f"/protection/assignments/{a.pk}/",
    )[1],
    _("Answer sent."),
)


# --- Directory and catalogue ------------------------------------------------------------------


@any_role
def provider_list(request):
    providers = policy.visible_to(request.user, ServiceProvider).select_related("country")
    country = request.GET.get("country", "")
    service = request.GET.get("service", "")
    if country:
        providers = providers.filter(country_id=country.upper()[:2])
    chosen = [p for p in providers if not service or service in p.services]
    may_add = policy.has(request.user, Capability.VIEW_DIRECTORY) or policy.has(
        request.user, Capability.SUPERVISE
    )
    context = {
        "providers": chosen,
        "services": ServiceKind.choices,
        "country": country,
        "service": service,
        "may_add": may_add,
    }
    return render(request, "protection/providers.html", context)


@needs(lambda u: policy.has(u, Capability.VIEW_DIRECTORY) or policy.has(u, Capability.SUPERVISE))
def provider_new(request):
    form = forms.ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_provider(origin=Origin.of(request), data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Provider saved."))
            return redirect("protection:providers")
    return render(
        request, "protection/step.html", {"form": form}, status=400 if form.errors else 200
    )


@any_role
def catalogue(request, pk=None):
    catalogues = policy.visible_to(request.user, IndicatorCatalogue)
    shown = catalogues.filter(pk=pk).first() if pk else services.current_catalogue()
    if shown is None:
        raise Http404
    return render(
        request,
        "protection/catalogue.html",
        {"catalogue": shown, "catalogues": catalogues, "indicators": shown.indicators.all()},
    )


# --- Police: persons of interest and identifiers ----------------------------------------------


@police
def person_list(request):
    persons = intelligence.persons_for_listing(request.user, origin=Origin.of(request))
    return render(request, "protection/persons.html", {"persons": persons})


@police
def person_new(request):
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = intelligence.open_person(origin=Origin.of(request), fields=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("protection:person", person.pk)
    return render(
        request, "protection/step.html", {"form": form}, status=400 if form.errors else 200
    )


@police
def person_detail(request, pk):
    person = intelligence.person_for_reading(request.user, pk, origin=Origin.of(request))
    identifiers = policy.visible_to(request.user, TraceIdentifier).filter(person=person)
    context = {
        "person": person,
        "items": person.items.all(),
        "identifiers": identifiers,
        "may_change": policy.can(request.user, Act.CHANGE, person),
        "item_form": forms.ItemForm(),
        "share_form": forms.SharePersonForm(),
        "identifier_form": forms.IdentifierForm(),
    }
    return render(request, "protection/person_detail.html", context)


def load_own_person(user, pk):
    return policy.get_for_action(user, PersonOfInterest, Act.CHANGE, pk=pk)


def person_url(person):
    return f"/protection/persons/{person.pk}/"


add_item = step(
    forms.ItemForm,
    load_own_person,
    lambda p, data, origin: (intelligence.add_item(p, origin=origin, data=data), person_url(p))[1],
    _("Information recorded."),
)
share_person = step(
    forms.SharePersonForm,
    load_own_person,
    lambda p, data, origin: (
        intelligence.share_person(p, origin=origin, **data),
        person_url(p),
    )[1],
    _("Shared by police decision."),
)
add_identifier = step(
    forms.IdentifierForm,
    load_own_person,
    lambda p, data, origin: (
        f"/protection/identifiers/{tracing.record_identifier(origin=origin, person=p, **data).pk}/"
    ),
    _("Identifier recorded."),
)


@police
def identifier_detail(request, pk):
    identifier = policy.get_visible_or_404(request.user, TraceIdentifier, pk=pk)
    context = {
        "identifier": identifier,
        "matches": tracing.matches_of(request.user, identifier),
        "remote_matches": identifiers_across.remote_matches_of(identifier),
    }
    return render(request, "protection/identifier_detail.html", context)


@require_POST
@police
def send_identifier_hashes(request, pk):
    """Our unit's identifiers compared with the partner unit's under a matching agreement of
    ours (their keyed hashes only travel); another organisation's agreement is not found."""
    agreement = get_object_or_404(
        MatchingAgreement, pk=pk, organisation_id=request.user.organisation_id
    )
    try:
        sent = identifiers_across.send_identifier_hashes(agreement, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The keyed hash of %(count)s identifier was sent to %(unit)s.",
                "The keyed hashes of %(count)s identifiers were sent to %(unit)s.",
                sent,
            )
            % {"count": sent, "unit": agreement.partner_organisation.name},
        )
    return redirect("protection:persons")
