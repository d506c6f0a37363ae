"""Pages of record linkage: start and follow runs, the review queue, a pair side by side,
and partners' lists: upload (the file, then the mapping and the check of every row), view."""

from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from seec.cases.views import apply_errors
from seec.core import policy
from seec.core.audit import Origin

from . import held_uploads, selectors, services
from .forms import DecideForm, PartnerFileForm, PartnerMappingForm, StartRunForm
from .models import CandidatePair, LinkageRun, PartnerListKind, RunStatus
from .partner_files import MAX_BYTES, Table
from .partner_mapping import FIELDS, guess_date_format, guess_mapping, read_records
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
    lists = selectors.partner_lists_for(request.user)
    form = StartRunForm(
        request.POST or None,
        user=request.user,
        partner_lists=lists,
        initial={"partner_list": request.GET.get("partner_list", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                origin=Origin.of(request),
                kind=form.cleaned_data["kind"],
                countries=form.cleaned_data["countries"],
                threshold=form.cleaned_data["threshold"],
                partner_list=form.cleaned_data["partner_list"] or None,
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
        "pairs": pairs.select_related("left", "right", "partner_record__partner_list")[:100],
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
        CandidatePair.objects.select_related(
            "left__country",
            "right__country",
            "decided_by",
            "partner_record__partner_list",
            "partner_record__nationality",
        ),
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
        request.user,
        CandidatePair.objects.select_related("left", "right", "partner_record__partner_list"),
        pk=pk,
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


# --- Partners' lists -------------------------------------------------------------------------

# The session knows only the name under which the file is held (held_uploads.py).
HELD = "linkage_partner_upload"


@linkers_only
def partner_lists(request):
    page = Paginator(selectors.partner_lists_for(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "linkage/partner_lists.html", {"page": page})


@linkers_only
def partner_list_upload(request):
    """Step 1: the file. A file that cannot be read is refused with every problem, and
    nothing is kept; a readable one is held (encrypted) for the mapping screen."""
    form = PartnerFileForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_BYTES + 1)
        try:
            services.read_partner_file(content, upload.name)
        except services.PartnerListRefused as refused:
            problems = refused.problems
        else:
            _forget_held(request)
            token = held_uploads.hold(request.user.pk, content)
            request.session[HELD] = {"token": token, "filename": Path(upload.name).name[:255]}
            return redirect("linkage:partner-list-map")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "linkage/partner_upload.html",
        {"form": form, "problems": problems, "held": request.session.get(HELD)},
        status=status,
    )


def _forget_held(request) -> None:
    held = request.session.pop(HELD, None)
    if held:
        held_uploads.discard(held.get("token", ""))


def _held_table(request) -> tuple[dict, bytes, Table] | None:
    held = request.session.get(HELD)
    if not held:
        return None
    try:
        content = held_uploads.load(request.user.pk, held.get("token", ""))
        return held, content, services.read_partner_file(content, held["filename"])
    except (held_uploads.HeldFileGone, services.PartnerListRefused):
        request.session.pop(HELD, None)
        return None


@linkers_only
def partner_list_map(request):
    """Steps 2 and 3: the mapping screen, then every row checked under the mapping; all the
    problems are listed and nothing is stored, or the list is stored whole."""
    found = _held_table(request)
    if found is None:
        messages.info(request, _("Upload the list first (an unfinished upload is not kept)."))
        return redirect("linkage:partner-list-upload")
    held, content, table = found
    retention = services.retention_choices()
    if request.method != "POST":
        guessed = guess_mapping(table.columns)
        initial = {
            "name": Path(held["filename"]).stem,
            "kind": PartnerListKind.MIGRANT_MINORS,
            "country": getattr(request.user.organisation, "country_id", ""),
            "retention_days": min(90, retention[-1]),
            "date_format": guess_date_format(table, guessed),
            **{f"column_{name}": column for name, column in guessed.items()},
        }
        form = PartnerMappingForm(initial=initial, columns=table.columns, retention=retention)
        return _mapping_page(request, form, held, table)
    form = PartnerMappingForm(request.POST, columns=table.columns, retention=retention)
    if request.htmx and request.POST.get("preview"):
        return render(request, "linkage/_partner_preview.html", _preview(form, table))
    problems = None
    if form.is_valid():
        try:
            partner_list = services.upload_partner_list(
                origin=Origin.of(request),
                content=content,
                filename=held["filename"],
                mapping=form.mapping(),
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"],
                retention_days=form.cleaned_data["retention_days"],
            )
        except services.PartnerListRefused as refused:
            problems = refused.problems
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _forget_held(request)
            messages.success(
                request,
                _("The list was stored: %(rows)d rows.") % {"rows": partner_list.rows},
            )
            return redirect("linkage:partner-list", pk=partner_list.pk)
    else:
        # Every problem at once: the rows' too, not only the form's.
        _records, problems = read_records(table, form.mapping(), today=timezone.localdate())
    return _mapping_page(request, form, held, table, problems=problems, status=400)


def _mapping_page(request, form, held, table, problems=None, status=200):
    context = {
        "form": form,
        "held": held,
        "table": table,
        "problems": problems,
        **_preview(form, table),
    }
    return render(request, "linkage/partner_map.html", context, status=status)


PREVIEW_ROWS = 5


def _preview(form, table: Table) -> dict:
    """The first rows as they would be stored under the mapping as it stands, with their
    problems: the user sees a wrong date format or a swapped column before sending."""
    first = Table(table.kind, table.columns, table.rows[:PREVIEW_ROWS])
    records, problems = read_records(first, form.mapping(), today=timezone.localdate())
    return {
        "preview": records,
        "preview_problems": [p for p in problems if p.row],
        "preview_unmapped": not records,
    }


@linkers_only
@require_POST
def partner_list_cancel(request):
    _forget_held(request)
    messages.info(request, _("The upload was cancelled; the file was deleted."))
    return redirect("linkage:partner-lists")


@linkers_only
def partner_list_detail(request, pk):
    partner_list = selectors.partner_list_for_reading(request.user, pk, origin=Origin.of(request))
    records = Paginator(selectors.records_of(request.user, partner_list), 50).get_page(
        request.GET.get("page")
    )
    run_form = StartRunForm(
        user=request.user,
        partner_lists=[partner_list],
        initial={"kind": "against", "partner_list": str(partner_list.pk)},
    )
    context = {
        "partner_list": partner_list,
        "records": records,
        "pairs": selectors.pairs_of_list(request.user, partner_list)[:100],
        "run_form": run_form,
        "mapping": [
            (common.label, partner_list.mapping[common.name])
            for common in FIELDS
            if common.name in partner_list.mapping
        ],
    }
    return render(request, "linkage/partner_list.html", context)
