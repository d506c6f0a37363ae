"""Pages of record linkage: start and follow runs, the review queue, a pair side by side;
privacy-preserving matching with a partner under an agreement."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from seec.cases import selectors as case_selectors
from seec.cases.views import apply_errors
from seec.core import policy
from seec.core.audit import Origin

from . import pprl, selectors, services
from .forms import (
    AgreementForm,
    CompareForm,
    DecideForm,
    EncodeForm,
    EndAgreementForm,
    KeySource,
    RecordLookupForm,
    StartRunForm,
)
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PrivateMatch,
    RunStatus,
)
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
    "name": gettext_lazy("Names"),
    "birth_year": gettext_lazy("Year of birth"),
    "birth_day": gettext_lazy("Day and month of birth"),
    "sex": gettext_lazy("Sex"),
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
