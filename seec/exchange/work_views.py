"""The pages of referrals and requests for cooperation: the same whether the other
organisation is on this node or on another (the services decide how the message travels)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seec.cases.models import Case
from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability
from seec.linkage.pprl import EncodingRefused

from . import cooperation, pfif, private_matching, referrals
from .forms import (
    AnswerReferralForm,
    CooperationAnswerForm,
    CooperationForm,
    ReasonForm,
    ReferForm,
    ReferralUpdateForm,
)
from .models import (
    CooperationRequest,
    ReceivedEncodings,
    Referral,
    ReferralSide,
    ReferralStatus,
)


def sharers_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.has(request.user, Capability.SHARE_RECORDS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


# --- Referrals ---------------------------------------------------------------------------------


@sharers_only
def referral_list(request):
    rows = policy.visible_to(request.user, Referral).select_related("partner", "case")
    return render(
        request,
        "exchange/referrals.html",
        {
            "received": rows.filter(side=ReferralSide.RECEIVED)[:200],
            "sent": rows.filter(side=ReferralSide.SENT)[:200],
            "cooperation": policy.visible_to(request.user, CooperationRequest).select_related(
                "partner"
            )[:200],
        },
    )


@sharers_only
def refer(request, case_pk):
    case = policy.get_for_action(request.user, Case, Act.SHARE, pk=case_pk)
    form = ReferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referrals.refer_case(
                case,
                data["organisation"],
                origin=Origin.of(request),
                mode=data["mode"],
                pseudonymise=data["pseudonymise"],
                reason=data["reason"],
                consent_basis=data["consent_basis"],
                consent_note=data["consent_note"],
                handling=data["handling"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case is referred; you will be told of the answer."))
            return redirect("exchange:referral", pk=referral.pk)
    return render(request, "exchange/refer.html", {"case": case, "form": form})


PREVIEW_LABELS = {
    "age": _lazy("age"),
    "country": _lazy("country"),
    "last_seen_on": _lazy("last seen on"),
}


def labelled(data: dict) -> list[tuple[str, object]]:
    """A case's fields as they travel (a preview or a copy), with the case's own labels and
    choices' words, leaving out what is empty."""
    rows = []
    for name, value in data.items():
        if value in (None, "", False):
            continue
        try:
            field = Case._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = field.verbose_name if field is not None else PREVIEW_LABELS.get(name, name)
        if field is not None and field.choices:
            value = dict(field.choices).get(value, value)
        if value is True:
            value = _("yes")
        rows.append((label, value))
    return rows


def _referral(request, pk) -> Referral:
    return policy.get_visible_or_404(
        request.user, Referral.objects.select_related("partner", "case"), pk=pk
    )


@sharers_only
def referral_detail(request, pk, forms=None):
    referral = _referral(request, pk)
    forms = forms or {}
    return render(
        request,
        "exchange/referral.html",
        {
            "referral": referral,
            "preview": labelled(referral.preview),
            "copy": labelled(referral.copy),
            "updates": referral.updates.all(),
            "answer_form": forms.get("answer") or AnswerReferralForm(),
            "update_form": forms.get("update") or ReferralUpdateForm(),
            "withdraw_form": forms.get("withdraw") or ReasonForm(),
            "may_answer": referral.side == ReferralSide.RECEIVED
            and referral.status == ReferralStatus.OFFERED,
            "may_update": referral.status == ReferralStatus.ACCEPTED,
            "may_withdraw": referral.side == ReferralSide.SENT
            and referral.status in (ReferralStatus.OFFERED, ReferralStatus.ACCEPTED),
        },
        status=400 if forms else 200,
    )


def _referral_step(form_class, name, run, success):
    @sharers_only
    @require_POST
    def view(request, pk):
        referral = _referral(request, pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                # The button pressed says which answer (accept or decline).
                data = {**form.cleaned_data, "decision": request.POST.get("decision", "")}
                run(referral, data, Origin.of(request))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, success)
                return redirect("exchange:referral", pk=referral.pk)
        return referral_detail(request, pk, forms={name: form})

    return view


def _answer(referral, data, origin):
    if data["decision"] == "decline":
        referrals.decline_referral(
            referral, origin=origin, reason=data["decline_reason"], note=data["note"]
        )
    else:
        referrals.accept_referral(referral, origin=origin, note=data["note"])


answer_referral = _referral_step(AnswerReferralForm, "answer", _answer, _("Your answer is sent."))
update_referral = _referral_step(
    ReferralUpdateForm,
    "update",
    lambda referral, data, origin: referrals.send_referral_update(
        referral, origin=origin, note=data["note"], include_case=data["include_case"]
    ),
    _("The update is sent."),
)
withdraw_referral = _referral_step(
    ReasonForm,
    "withdraw",
    lambda referral, data, origin: referrals.withdraw_referral(
        referral, origin=origin, reason=data["reason"]
    ),
    _("The referral is withdrawn; their copy is sealed."),
)


# --- Requests for cooperation --------------------------------------------------------------------


@sharers_only
def cooperation_new(request):
    form = CooperationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = cooperation.request_cooperation(
                data["organisation"],
                origin=Origin.of(request),
                kind=data["kind"],
                question=data["question"],
                facts=form.facts(),
                handling=data["handling"],
                reliability=data["reliability"],
                accuracy=data["accuracy"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request is sent."))
            return redirect("exchange:cooperation", pk=sent.pk)
    return render(request, "exchange/cooperation_new.html", {"form": form})


@sharers_only
def cooperation_detail(request, pk):
    item = policy.get_visible_or_404(
        request.user, CooperationRequest.objects.select_related("partner"), pk=pk
    )
    form = CooperationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cooperation.answer_cooperation(item, origin=Origin.of(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent."))
            return redirect("exchange:cooperation", pk=item.pk)
    return render(
        request,
        "exchange/cooperation.html",
        {"item": item, "form": form, "may_answer": item.side == ReferralSide.RECEIVED
         and item.status != "answered"},
        status=400 if form.errors else 200,
    )  # fmt: skip


# --- Private matching through the envelope -----------------------------------------------------


@sharers_only
def encodings(request):
    from seec.linkage.models import MatchingAgreement

    agreements = policy.visible_to(request.user, MatchingAgreement).filter(
        partner_organisation__isnull=False, ended_at__isnull=True
    )
    return render(
        request,
        "exchange/encodings.html",
        {
            "received": policy.visible_to(request.user, ReceivedEncodings).select_related(
                "agreement", "compared"
            )[:100],
            "agreements": agreements,
        },
    )


@sharers_only
@require_POST
def send_encodings(request, agreement_pk):
    from seec.linkage.models import MatchingAgreement
    from seec.linkage.selectors import CaseSelection

    agreement = policy.get_visible_or_404(request.user, MatchingAgreement, pk=agreement_pk)
    try:
        count = private_matching.send_encodings(
            agreement, origin=Origin.of(request), selection=CaseSelection()
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            ngettext("%(n)s encoding is on its way.", "%(n)s encodings are on their way.", count)
            % {"n": count},
        )
    return redirect("exchange:encodings")


@sharers_only
@require_POST
def compare_encodings(request, pk):
    received = policy.get_visible_or_404(request.user, ReceivedEncodings, pk=pk)
    try:
        exchange = private_matching.compare_received(received, origin=Origin.of(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("exchange:encodings")
    except EncodingRefused as refused:
        messages.error(request, " ".join(str(problem) for problem in refused.problems))
        return redirect("exchange:encodings")
    return redirect("linkage:exchange", pk=exchange.pk)


# --- PFIF 1.4 ------------------------------------------------------------------------------------


@sharers_only
def pfif_page(request):
    from .models import PfifImport, PfifPerson

    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        domain = request.POST.get("repository_domain", "")
        if upload is None:
            problems = [_("Choose a PFIF 1.4 file.")]
        else:
            try:
                batch = pfif.import_document(
                    upload.read(settings.SEEC_PFIF_MAX_BYTES + 1),
                    origin=Origin.of(request),
                    repository_domain=domain,
                )
            except pfif.PfifRefused as refused:
                problems = refused.problems
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("Imported: %(persons)s and %(notes)s.")
                    % {
                        "persons": ngettext("%(n)s person", "%(n)s persons", batch.persons)
                        % {"n": batch.persons},
                        "notes": ngettext("%(n)s note", "%(n)s notes", batch.notes)
                        % {"n": batch.notes},
                    },
                )
                return redirect("exchange:pfif")
    return render(
        request,
        "exchange/pfif.html",
        {
            "problems": problems,
            "persons": policy.visible_to(request.user, PfifPerson).prefetch_related("notes")[:200],
            "imports": policy.visible_to(request.user, PfifImport)[:20],
        },
        status=400 if problems else 200,
    )


@sharers_only
def pfif_export(request):
    content = pfif.export(request.user.organisation, origin=Origin.of(request))
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="seec-pfif-1.4.xml"'
    return response


@sharers_only
@require_POST
def pfif_publish(request, case_pk):
    case = policy.get_for_action(request.user, Case, Act.SHARE, pk=case_pk)
    try:
        pfif.publish_case(
            case, origin=Origin.of(request), consent_note=request.POST.get("consent_note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case is published in the PFIF export."))
    return redirect("cases:detail", pk=case.pk)
