"""Pages of the regional network: the region's map and country profiles, the timeline of each
country, and (in views_*.py) partners and agreements, liaison officers, activities, the
action plan and the evaluation of services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.models import Country

from . import profiles, regionmap, services
from .forms import AtDateForm, LegalGapForm, ReasonForm, fact_form_class
from .rules import is_coordinator

FACT_TITLES = {
    "hotline": gettext_lazy("116 000 hotline"),
    "child_alert": gettext_lazy("Child alert system"),
    "national_centre": gettext_lazy("National centre"),
    "ratification": gettext_lazy("Convention"),
    "legal_gap": gettext_lazy("Gap in law or policy: new status"),
    "protocol": gettext_lazy("Model protocol"),
}


def coordinator_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def apply_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form, by field where the field is on it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _region_country(code: str) -> Country:
    return get_object_or_404(Country, code=code.upper(), in_region=True)


def _map_context(request):
    topics = profiles.map_topics()
    form = AtDateForm(request.GET or None, topics)
    day = form.day()
    key = request.GET.get("topic") if request.GET.get("topic") in topics else "hotline"
    topic = topics[key]
    region = profiles.region_profiles(day)
    svg = regionmap.region_svg(
        topic, region, title=_("%(topic)s on %(day)s") % {"topic": topic.label, "day": day}
    )
    rows = [(p, topic.category_of(p)) for p in region.values()]
    return {"form": form, "day": day, "topic": topic, "svg": svg, "rows": rows}


@login_required
def home(request):
    """The region on a date: the map coloured by a chosen fact, and each country's entry."""
    context = _map_context(request)
    context["can_edit"] = is_coordinator(request.user)
    return render(request, "network/home.html", context)


@login_required
def map_svg(request):
    """The map alone, to save or print."""
    context = _map_context(request)
    return HttpResponse(context["svg"], content_type="image/svg+xml; charset=utf-8")


@login_required
def country(request, code):
    """One country's profile on a date and its timeline."""
    found = _region_country(code)
    form = AtDateForm(request.GET or None)
    profile = profiles.country_profile(found, form.day())
    return render(
        request,
        "network/country.html",
        {
            "profile": profile,
            "form": form,
            "timeline": profiles.country_timeline(found, request.user),
            "can_edit": is_coordinator(request.user),
            "fact_kinds": FACT_TITLES,
        },
    )


@coordinator_only
def fact_new(request, code, kind):
    found = _region_country(code)
    model = services.FACT_MODELS.get(kind)
    if model is None:
        raise Http404
    form_class = fact_form_class(model, found)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.cleaned_data}
        try:
            services.record_fact(kind, origin=Origin.of(request), data={**data, "country": found})
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The fact is recorded."))
            return redirect("network:country", code=found.code)
    return render(
        request,
        "network/form.html",
        {"form": form, "title": f"{found} – {FACT_TITLES[kind]}", "back": found},
    )


@coordinator_only
def gap_new(request, code):
    found = _region_country(code)
    form = LegalGapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in LegalGapForm.Meta.fields}
        try:
            services.add_legal_gap(
                origin=Origin.of(request),
                data={**data, "country": found},
                status=form.cleaned_data["status"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The gap is recorded."))
            return redirect("network:country", code=found.code)
    return render(
        request,
        "network/form.html",
        {"form": form, "title": f"{found} – {_('Gap in law or policy')}", "back": found},
    )


@require_POST
@coordinator_only
def fact_withdraw(request, kind, pk):
    model = services.FACT_MODELS.get(kind)
    if model is None:
        raise Http404
    fact = policy.get_for_action(request.user, model, policy.Act.CHANGE, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the fact is withdrawn."))
    else:
        services.withdraw_fact(fact, origin=Origin.of(request), reason=form.cleaned_data["reason"])
        messages.success(request, _("The fact is withdrawn."))
    return redirect("network:country", code=fact.country_id)


def fact_rows(country_code: str):
    """Every recorded fact of a country (for the coordinator's list with withdraw buttons)."""
    rows = []
    for kind, model in services.FACT_MODELS.items():
        for fact in model.objects.filter(country=country_code):
            rows.append((kind, fact))
    return sorted(rows, key=lambda r: r[1].effective_from)


@coordinator_only
def country_facts(request, code):
    found = _region_country(code)
    return render(
        request,
        "network/country_facts.html",
        {"country": found, "rows": fact_rows(found.code), "reason_form": ReasonForm()},
    )
