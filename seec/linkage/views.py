"""Pages of record linkage: start and follow runs, the review queue, a pair side by side;
partners' lists: upload (the file, then the mapping and the check of every row), view;
privacy-preserving matching with a partner under an agreement."""

from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from seec.cases import selectors as case_selectors
from seec.cases.views import apply_errors
from seec.core import policy
from seec.core.audit import Origin

from . import held_uploads, pprl, selectors, services
from .forms import (
    AgreementForm,
    CompareForm,
    DecideForm,
    EncodeForm,
    EndAgreementForm,
    KeySource,
    PartnerFileForm,
    PartnerMappingForm,
    RecordLookupForm,
    StartRunForm,
)
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PartnerListKind,
    PrivateMatch,
    RunStatus,
)
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
    return render(
        request,
        "linkage/review.html",
        {"page": page, "calibration": selectors.decision_calibration(request.user)},
    )


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
    # What a run takes back from two records that look like two children of one family.
    "family_and_place": gettext_lazy("Same family and place"),
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


# --- Privacy-preserving matching -----------------------------------------------------------


@linkers_only
def agreements(request):
    return render(
        request,
        "linkage/agreements.html",
        {"agreements": selectors.agreements_for(request.user)},
    )


@never_cache
@sensitive_post_parameters("key")
@linkers_only
@sensitive_variables("key", "data")
def agreement_new(request):
    form = AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entered = data["key_source"] == KeySource.ENTER
        try:
            agreement, key = services.create_agreement(
                origin=Origin.of(request),
                partner_organisation=data["partner_organisation"],
                partner_name=data["partner_name"],
                partner_country=data["partner_country"],
                purpose=data["purpose"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                key=data["key"] if entered else None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if key is None:
                messages.success(
                    request,
                    _(
                        "Agreement made. Read its key fingerprint to the partner: %(fp)s. "
                        "The same key gives the same fingerprint."
                    )
                    % {"fp": agreement.grouped_fingerprint},
                )
                return redirect("linkage:agreement", pk=agreement.pk)
            # The one time the key is shown: this response, never cached, never again.
            return render(
                request, "linkage/agreement_key.html", {"agreement": agreement, "key": key}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "linkage/agreement_new.html", {"form": form}, status=status)


def _agreement(request, pk) -> MatchingAgreement:
    return policy.get_visible_or_404(
        request.user,
        MatchingAgreement.objects.select_related(
            "organisation", "partner_country", "partner_organisation", "created_by", "ended_by"
        ),
        pk=pk,
    )


def _agreement_page(request, agreement, status=200, **forms):
    context = {
        "agreement": agreement,
        "in_force": agreement.in_force(),
        "encode_form": forms.get("encode_form") or EncodeForm(),
        "compare_form": forms.get("compare_form") or CompareForm(),
        "end_form": forms.get("end_form") or EndAgreementForm(),
        "lookup_form": forms.get("lookup_form") or RecordLookupForm(),
        "problems": forms.get("problems"),
        "exchanges": selectors.exchanges_of(request.user, agreement)[:50],
        "files_encoded": selectors.files_encoded(agreement).select_related("actor")[:50],
    }
    return render(request, "linkage/agreement.html", context, status=status)


@linkers_only
def agreement_detail(request, pk):
    return _agreement_page(request, _agreement(request, pk))


@linkers_only
@require_POST
def agreement_encode(request, pk):
    agreement = _agreement(request, pk)
    form = EncodeForm(request.POST)
    if form.is_valid():
        try:
            encoded = services.encode_our_records(
                agreement, origin=Origin.of(request), selection=form.selection()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            response = HttpResponse(encoded.content, content_type="application/octet-stream")
            response["Content-Disposition"] = f'attachment; filename="{encoded.filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return _agreement_page(request, agreement, status=400, encode_form=form)


@linkers_only
@require_POST
def agreement_compare(request, pk):
    agreement = _agreement(request, pk)
    form = CompareForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["partner_file"]
        # Not read at all past the limit: the service says it is too large.
        limit = settings.SEEC_MAX_PPRL_FILE_BYTES
        content = upload.read(limit + 1)
        try:
            exchange = services.compare_with_partner(
                agreement,
                origin=Origin.of(request),
                content=content,
                selection=form.selection(),
                threshold=form.cleaned_data["threshold"],
            )
        except pprl.EncodingRefused as refused:
            return _agreement_page(
                request, agreement, status=400, compare_form=form, problems=refused.problems
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s candidate to review.",
                    "%(count)s candidates to review.",
                    exchange.candidates,
                )
                % {"count": exchange.candidates},
            )
            return redirect("linkage:exchange", pk=exchange.pk)
    return _agreement_page(request, agreement, status=400, compare_form=form)


@linkers_only
@require_POST
def agreement_end(request, pk):
    agreement = _agreement(request, pk)
    form = EndAgreementForm(request.POST)
    if form.is_valid():
        try:
            services.end_agreement(
                agreement, origin=Origin.of(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agreement has ended; its key is destroyed."))
            return redirect("linkage:agreement", pk=agreement.pk)
    return _agreement_page(request, agreement, status=400, end_form=form)


@linkers_only
def agreement_lookup(request, pk):
    """Our case behind a record id of one of our files, quoted by the partner."""
    agreement = _agreement(request, pk)
    form = RecordLookupForm(request.GET)
    if form.is_valid():
        case = selectors.case_for_record_id(request.user, agreement, form.cleaned_data["record_id"])
        if case is not None:
            return redirect("cases:detail", pk=case.pk)
        form.add_error("record_id", _("None of our cases has this id under this agreement."))
    status = 404 if form.is_bound and not form.has_error("record_id", "required") else 400
    return _agreement_page(request, agreement, status=status, lookup_form=form)


@linkers_only
def exchange_detail(request, pk):
    exchange = policy.get_visible_or_404(
        request.user,
        EncodedExchange.objects.select_related("agreement__partner_country", "compared_by"),
        pk=pk,
    )
    page = Paginator(selectors.matches_to_review(request.user, exchange), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "linkage/exchange.html",
        {"exchange": exchange, "agreement": exchange.agreement, "page": page},
    )


# What the private comparison's fields are called on the page (pprl.Schema's field names).
PRIVATE_FIELD_LABELS = {
    "given_name": gettext_lazy("Given names"),
    "family_name": gettext_lazy("Family name"),
    "other_names": gettext_lazy("Other names"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_year": gettext_lazy("Year of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
    "place": gettext_lazy("Where last seen"),
    "event_date": gettext_lazy("Last seen"),
}


def _private_match_context(request, match, form) -> dict:
    return {
        "match": match,
        "agreement": match.agreement,
        "form": form,
        "undecided": match.status in (PairStatus.PENDING, PairStatus.UNSURE),
        "fields": [
            {
                "label": PRIVATE_FIELD_LABELS.get(name, name),
                "score": score,
                "width": 0 if score is None else round(score * 100),
            }
            for name, score in match.field_scores.items()
        ],
    }


def _private_match(request, pk) -> PrivateMatch:
    match = policy.get_visible_or_404(
        request.user,
        PrivateMatch.objects.select_related("agreement__partner_country", "exchange", "decided_by"),
        pk=pk,
    )
    # Our own child's record, read for the review: the reading is audited like any other.
    match.case = case_selectors.case_for_reading(
        request.user,
        match.case_id,
        origin=Origin.of(request),
        reason=f"private match {match.pk}",
    )
    return match


@linkers_only
def private_match_detail(request, pk):
    match = _private_match(request, pk)
    return render(
        request, "linkage/private_match.html", _private_match_context(request, match, DecideForm())
    )


@linkers_only
@require_POST
def private_match_decide(request, pk):
    match = policy.get_visible_or_404(request.user, PrivateMatch.objects.all(), pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.decide_private_match(
                match,
                origin=Origin.of(request),
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("linkage:exchange", pk=match.exchange_id)
    match = _private_match(request, pk)
    return render(
        request,
        "linkage/private_match.html",
        _private_match_context(request, match, form),
        status=400,
    )


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
