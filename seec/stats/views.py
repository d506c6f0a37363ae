"""Statistics pages: the dashboard and its downloads, national submissions, open data."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability

from . import catalogue, opendata, selectors, services, spreadsheets, tables
from .catalogue import Family
from .forms import (
    CommentForm,
    ComputeFiguresForm,
    DashboardFilterForm,
    ReasonForm,
    StartSubmissionForm,
    SubmitForm,
    UploadForm,
)
from .models import FigureSet, Source, Submission, SubmissionStatus
from .periods import parse, years
from .rules import StatsAct, focal_country, is_coordinator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def needs_aggregates(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.has(request.user, Capability.VIEW_AGGREGATES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else "text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _dashboard_tables(request):
    countries = selectors.visible_countries(request.user)
    form = DashboardFilterForm(
        request.GET.dict() | {"country": request.GET.getlist("country")}, countries
    )
    if not form.is_valid():
        return form, {}, {}
    chosen = form.cleaned_data["country"] or [c.code for c in countries]
    periods = years(form.cleaned_data["first_year"], form.cleaned_data["last_year"])
    breakdown = form.cleaned_data["breakdown"] or "category"
    missing = selectors.region_figures(request.user, chosen, periods, Family.MISSING)
    found = tables.missing_tables(missing, breakdown)
    trafficking = selectors.region_figures(request.user, chosen, periods, Family.TRAFFICKING)
    found["trafficking"] = tables.trafficking(trafficking)
    return form, found, missing


@needs_aggregates
def dashboard(request):
    form, found, _figures = _dashboard_tables(request)
    panels = []
    for table in found.values():
        chart = tables.chart_of(table)
        panels.append({"table": table, "chart": chart.decode() if chart else ""})
    query = request.GET.urlencode()
    return render(
        request,
        "stats/dashboard.html",
        {"form": form, "panels": panels, "query": query, "indicators": catalogue.INDICATORS},
    )


@needs_aggregates
def download_table(request, key, fmt):
    _form, found, _figures = _dashboard_tables(request)
    if key not in found or fmt not in ("csv", "xlsx"):
        raise Http404
    table = found[key]
    content = table.to_xlsx() if fmt == "xlsx" else table.to_csv()
    return _download(content, f"seec-{key}", fmt)


@needs_aggregates
def submissions(request):
    form = StartSubmissionForm(request.POST or None)
    own = focal_country(request.user)
    if request.method == "POST":
        if own is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                submission = services.start_submission(
                    origin=Origin.of(request), country=own, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("stats:submission", pk=submission.pk)
    return render(
        request,
        "stats/submissions.html",
        {"submissions": selectors.submissions_for(request.user)[:200], "form": form, "own": own},
    )


def _submission(request, pk, action=Act.VIEW):
    return policy.get_for_action(request.user, Submission, action, pk=pk)


@needs_aggregates
def submission_detail(request, pk, problems=None, upload_form=None, status=200):
    submission = _submission(request, pk)
    user = request.user
    rows = []
    if submission.figure_set_id:
        rows = _figure_rows(submission.figure_set.values(), submission.family)
    context = {
        "submission": submission,
        "rows": rows,
        "problems": problems,
        "can_submit": policy.can(user, StatsAct.SUBMIT, submission),
        "can_decide": is_coordinator(user),
        "upload_form": upload_form or UploadForm(),
        "submit_form": SubmitForm(),
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "comments": submission.comments.select_related("author"),
        "Status": SubmissionStatus,
    }
    return render(request, "stats/submission.html", context, status=status)


def _figure_rows(values: dict, family: str, before: dict | None = None) -> list[dict]:
    """The cells of `values` in the catalogue's order, labelled in the reader's language;
    with `before`, each with its earlier value too."""
    rows = []
    for indicator in catalogue.indicators_of(family):
        for breakdown, key in catalogue.cells_of(indicator):
            cell = (indicator.code, breakdown, key)
            if cell in values:
                rows.append(
                    {
                        "indicator": indicator,
                        "total": not breakdown,
                        "label": catalogue.category_label(breakdown, key),
                        "breakdown": catalogue.breakdown_label(breakdown) if breakdown else "",
                        "value": values[cell],
                        "before": (before or {}).get(cell),
                    }
                )
    return rows


@needs_aggregates
def computed(request):
    """The platform's own figures for a period: compute them, see what changed, publish."""
    countries = selectors.visible_countries(request.user)
    form = ComputeFiguresForm(
        (request.POST if request.method == "POST" else request.GET).dict()
        | {"country": (request.POST or request.GET).getlist("country")},
        countries,
    )
    sets = []
    if form.is_valid():
        chosen = form.cleaned_data["country"] or [c.code for c in countries]
        period = form.cleaned_data["period"]
        if request.method == "POST":
            added = services.compute_figures(chosen, [parse(period)], origin=Origin.of(request))
            messages.success(
                request,
                ngettext(
                    "Figures computed for %(count)s country.",
                    "Figures computed for %(count)s countries.",
                    len(added),
                )
                % {"count": len(added)},
            )
            query = "&".join([f"period={period}", *(f"country={c}" for c in chosen)])
            return redirect(f"{request.path}?{query}")
        sets = selectors.latest_computed_sets(request.user, chosen, period)
    return render(
        request,
        "stats/computed.html",
        {"form": form, "sets": sets, "can_publish": is_coordinator(request.user)},
    )


@needs_aggregates
def computed_set(request, pk):
    """One computed set: its figures, and what changed against the set it replaced."""
    figure_set = policy.get_visible_or_404(request.user, FigureSet, pk=pk)
    if figure_set.source != Source.PLATFORM:
        raise Http404
    change = services.explain_change(figure_set)
    counted = {"cases": _("Cases in scope"), "contacts": _("Contacts")}
    inputs = [
        (label, *change["inputs"][key]) for key, label in counted.items() if key in change["inputs"]
    ]
    moved = _figure_rows(
        {tuple(item["cell"]): item["after"] for item in change["figures"]},
        figure_set.family,
        before={tuple(item["cell"]): item["before"] for item in change["figures"]},
    )
    publication = (
        selectors.current_publications()
        .filter(
            country_id=figure_set.country_id,
            family=figure_set.family,
            period=figure_set.period,
        )
        .first()
    )
    later = FigureSet.objects.filter(previous=figure_set).first()
    return render(
        request,
        "stats/computed_set.html",
        {
            "set": figure_set,
            "change": change,
            "inputs": inputs,
            "moved": moved,
            "figures": _figure_rows(figure_set.values(), figure_set.family),
            "publication": publication,
            "later": later,
            "can_publish": is_coordinator(request.user) and later is None,
        },
    )


@require_POST
@needs_aggregates
def publish_computed(request, pk):
    figure_set = policy.get_visible_or_404(request.user, FigureSet, pk=pk)
    try:
        publication = services.publish_computed(figure_set, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Published as version %(version)s, small counts suppressed.")
            % {"version": publication.version},
        )
    return redirect("stats:computed-set", pk=figure_set.pk)


@needs_aggregates
def submission_template(request, pk, fmt):
    submission = _submission(request, pk)
    period = parse(submission.period)
    if fmt == "xlsx":
        content = spreadsheets.build_xlsx(submission.family, submission.country_id, period)
    elif fmt == "csv":
        content = spreadsheets.build_csv(submission.family, submission.country_id, period)
    else:
        raise Http404
    name = f"seec-{submission.family}-{submission.country_id}-{submission.period}"
    return _download(content, name, fmt)


def _step(view):
    """A workflow step: POST only; a refusal is shown on the submission's page."""

    @wraps(view)
    @require_POST
    @needs_aggregates
    def wrapped(request, pk):
        try:
            result = view(request, pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if result is not None:
                return result
        return redirect("stats:submission", pk=pk)

    return wrapped


@_step
def upload(request, pk):
    submission = _submission(request, pk, StatsAct.SUBMIT)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return submission_detail(request, pk, upload_form=form, status=400)
    upload_file = form.cleaned_data["file"]
    try:
        services.upload_figures(
            submission,
            origin=Origin.of(request),
            content=upload_file.read(),
            filename=upload_file.name,
        )
    except services.UploadRefused as refused:
        return submission_detail(request, pk, problems=refused.problems, status=400)
    messages.success(request, _("The figures were read without a problem."))
    return None


@_step
def submit(request, pk):
    submission = _submission(request, pk, StatsAct.SUBMIT)
    form = SubmitForm(request.POST)
    form.is_valid()
    services.submit(
        submission,
        origin=Origin.of(request),
        confirm_jumps=form.cleaned_data.get("confirm_jumps", False),
    )
    messages.success(request, _("Submitted to the regional centre."))


@_step
def validate(request, pk):
    services.validate_submission(
        _submission(request, pk, StatsAct.DECIDE), origin=Origin.of(request)
    )
    messages.success(request, _("Validated."))


@_step
def publish(request, pk):
    services.publish_submission(
        _submission(request, pk, StatsAct.DECIDE), origin=Origin.of(request)
    )
    messages.success(request, _("Published, with small figures suppressed."))


@_step
def return_for_correction(request, pk):
    submission = _submission(request, pk, StatsAct.DECIDE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Say what needs correcting."))
    services.return_submission(
        submission, origin=Origin.of(request), reason=form.cleaned_data["reason"]
    )


@_step
def comment(request, pk):
    submission = _submission(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Write the comment."))
    services.add_comment(submission, origin=Origin.of(request), text=form.cleaned_data["text"])


@_step
def new_version(request, pk):
    submission = _submission(request, pk, StatsAct.SUBMIT)
    created = services.start_submission(
        origin=Origin.of(request),
        country=submission.country_id,
        family=submission.family,
        period=submission.period,
    )
    return redirect("stats:submission", pk=created.pk)


def open_data(request):
    """The public dataset page: what is published and how to get it."""
    return render(
        request,
        "stats/open_data.html",
        {
            "indicators": catalogue.INDICATORS,
            "publications": selectors.current_publications().select_related("country")[:500],
        },
    )


def open_data_csv(request):
    return _download(opendata.figures_csv(), "seec-statistics", "csv")


def open_data_description(request):
    response = HttpResponse(
        json.dumps(opendata.description(), ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    return response
