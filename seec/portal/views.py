"""The public site: live alerts (page, poster), the hotline directory, and reporting a
sighting or a suspicion. No sign-in, no third-party request, no inline script."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from seec.alerts import services as alert_services
from seec.alerts.models import AlertSettings
from seec.alerts.public import AlertEnded, live_alert, live_alerts, next_expiry
from seec.cases import files
from seec.core.audit import client_ip
from seec.core.forms import LanguageForm
from seec.core.languages import LANGUAGES, tag_of
from seec.core.models import Organisation, OrganisationKind
from seec.core.public_cache import cached_public_page, next_midnight
from seec.core.views.accounts import safe_next
from seec.core.zones import country_zone
from seec.network.profiles import hotline_directory

from . import area_map, poster, proof_of_work, rate_limits, selectors, services
from .forms import AdditionForm, ReportForm
from .models import ReportKind
from .security import public_page
from .selectors import PublicationEnded, live_publication, live_publications


def _language_name(tag: str) -> str:
    return LANGUAGES[tag][2] if tag in LANGUAGES else tag


def _texts_in_order(alert) -> list:
    """The alert's texts, the visitor's language first if the alert has it, then the
    country's order."""
    order = alert.language_list
    visitor = tag_of(translation.get_language() or "")
    return sorted(
        alert.texts.all(),
        key=lambda t: (
            t.language != visitor,
            order.index(t.language) if t.language in order else len(order),
        ),
    )


def _ended(request) -> HttpResponse:
    """410 Gone: a shared link to an ended alert says so (the child may have been found)."""
    return render(request, "portal/alert_ended.html", status=410)


def _next_change():
    """When the home page changes by the clock alone: an alert or a publication runs out."""
    publications = live_publications().order_by("published_until")
    ends = [publications.values_list("published_until", flat=True).first(), next_expiry()]
    return min((end for end in ends if end is not None), default=None)


@cached_public_page(next_change=_next_change)
@public_page
def home(request):
    alerts = [
        {"alert": alert, "texts": _texts_in_order(alert)}
        for alert in live_alerts()
        .select_related("country")
        .prefetch_related("texts")
        .order_by("-issued_at")
    ]
    children = live_publications().select_related("case", "case__country").order_by("-published_at")
    return render(request, "portal/home.html", {"alerts": alerts, "children": children})


# Never kept by a cache or the browser: when the child is found, the page and photo go at once.
NO_STORE = "no-store"


def _child_removed(request) -> HttpResponse:
    response = render(request, "portal/child_removed.html", status=410)
    response["Cache-Control"] = NO_STORE
    return response


@public_page
def missing_child(request, slug):
    """A published missing child: the allow-listed facts, the reviewed text, the photo."""
    try:
        publication = live_publication(slug)
    except PublicationEnded:
        return _child_removed(request)
    case = publication.case
    with timezone.override(country_zone(case.country_id)):
        response = render(
            request,
            "portal/missing_child.html",
            {"publication": publication, "case": case, "age": case.age_now},
        )
    response["Cache-Control"] = NO_STORE
    return response


@public_page
def missing_child_photo(request, slug):
    try:
        publication = live_publication(slug)
    except PublicationEnded:
        return _child_removed(request)
    if publication.photo is None:
        raise Http404
    content = files.load(publication.case_id, publication.photo.storage_name)
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = NO_STORE
    return response


def _police_number(country_id: str) -> str:
    row = AlertSettings.objects.filter(country_id=country_id).only("police_number").first()
    return row.police_number if row else "112"


@cached_public_page(next_change=next_expiry)
@public_page
def alert_page(request, reference):
    """The alert with every text in its language, its validity in its country's time, the
    poster, share links that call no third party, and where to report a sighting."""
    try:
        alert = live_alert(reference)
    except AlertEnded:
        return _ended(request)
    page_url = alert_services.public_url(reverse("portal:alert", args=[alert.reference]))
    texts = [(text, _language_name(text.language)) for text in _texts_in_order(alert)]
    with timezone.override(country_zone(alert.country_id)):
        return render(
            request,
            "portal/alert.html",
            {
                "alert": alert,
                "texts": texts,
                "headline": texts[0][0].headline if texts else alert.reference,
                "page_url": page_url,
                "police_number": _police_number(alert.country_id),
                "area_map": area_map.area_svg(alert),
            },
        )


POSTER_CACHE_SECONDS = 600


@public_page
def alert_poster(request, reference):
    """The A4 poster (PDF): photo, the alert's texts, a QR code to the alert's page."""
    try:
        alert = live_alert(reference)
    except AlertEnded:
        return _ended(request)
    page_url = alert_services.public_url(reverse("portal:alert", args=[alert.reference]))
    # Drawn once per version of the alert (each update is a new CAP message), not per reader;
    # an ended alert never reaches here, so a cached poster never outlives it.
    latest = alert.messages.order_by("-sent", "-pk").values_list("pk", flat=True).first()
    language = translation.get_language() or ""
    pdf = cache.get_or_set(
        f"portal:poster:{alert.pk}:{latest}:{language}",
        lambda: poster.render(alert, page_url, _police_number(alert.country_id)),
        POSTER_CACHE_SECONDS,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="alert-{alert.reference}.pdf"'
    # As short-lived as the photo: a cancelled alert's poster must go at once.
    response["Cache-Control"] = "public, max-age=60"
    return response


@cached_public_page(next_change=next_midnight)
@public_page
def hotlines(request):
    """Each country's 116 000: its status, who answers, when and how; the web chat where
    the country's centre is on the platform; and 112 for emergencies."""
    chatting = set(
        Organisation.objects.filter(
            kind=OrganisationKind.NATIONAL_CENTRE, is_active=True, country__isnull=False
        ).values_list("country_id", flat=True)
    )
    rows = [{**row, "chat": row["country"] in chatting} for row in hotline_directory()]
    rows.sort(key=lambda row: row["country_name"])
    return render(request, "portal/hotlines.html", {"rows": rows})


@cached_public_page(next_change=next_midnight)
@public_page
def about(request):
    """Who the network is: the regional centre, its member countries and their 116 000
    centres, the latest news, and the way to its partners, events, trainings and
    publications."""
    members = sorted(hotline_directory(), key=lambda row: row["country_name"])
    return render(
        request,
        "portal/about.html",
        {"members": members, "news": selectors.public_news(limit=3)},
    )


@cached_public_page(next_change=next_midnight)
@public_page
def partners(request):
    """The partners a coordinator published: name, kind, country, website, the public text."""
    return render(request, "portal/partners.html", {"partners": selectors.public_partners()})


@cached_public_page(next_change=next_midnight)
@public_page
def news_and_events(request):
    """The regional centre's news and its published events (forums, conferences, visits,
    campaigns): those to come, then those held."""
    today = timezone.localdate()
    events = selectors.public_activities(trainings=False)
    return render(
        request,
        "portal/news.html",
        {
            "news": selectors.public_news(),
            "upcoming": sorted(
                (e for e in events if e["ends_on"] >= today), key=lambda e: e["starts_on"]
            ),
            "past": [e for e in events if e["ends_on"] < today],
        },
    )


@cached_public_page(next_change=next_midnight)
@public_page
def trainings(request):
    """The published trainings and the info-desks on child trafficking."""
    today = timezone.localdate()
    desks = selectors.public_info_desks()
    return render(
        request,
        "portal/trainings.html",
        {
            "trainings": selectors.public_activities(trainings=True),
            "desks": [d for d in desks if d["closes_on"] is None or d["closes_on"] >= today],
            "closed_desks": [d for d in desks if d["closes_on"] and d["closes_on"] < today],
        },
    )


@cached_public_page(next_change=next_midnight)
@public_page
def publications(request):
    """The annual statistical reports released for download, and the open data."""
    return render(request, "portal/publications.html", {"reports": selectors.public_reports()})


@public_page
def annual_report(request, year):
    path = selectors.public_report_path(year)
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"seec-statistics-{year}.pdf"
    )
    # A released report may be withdrawn (a correction): kept by browsers an hour at most.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _error_summary(form) -> list[tuple[str, str]]:
    """Each error with the label of its field, for the summary at the top of the form."""
    summary = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        summary += [(str(label or ""), str(error)) for error in errors]
    return summary


def _report_page(request, form, status=200):
    challenge = proof_of_work.issue()
    return render(
        request,
        "portal/report.html",
        {
            "form": form,
            "challenge": challenge,
            "errors": _error_summary(form) if form.is_bound else [],
            "max_mb": services.max_photo_bytes() // (1024 * 1024),
        },
        status=status,
    )


@public_page
def report(request):
    """Report a sighting about a live alert, or a suspicion of exploitation or trafficking.
    Refused with a message naming the field, nothing stored: a missing or wrong proof of
    work, too many reports from one address, a photo too large or not a photo, markup."""
    if request.method != "POST":
        initial = {}
        if reference := request.GET.get("alert"):
            initial = {"alert": reference, "kind": ReportKind.SIGHTING}
        elif slug := request.GET.get("child"):
            initial = {"child": slug, "kind": ReportKind.SIGHTING}
        elif request.GET.get("kind") == ReportKind.SUSPICION:
            initial = {"kind": ReportKind.SUSPICION}
        return _report_page(request, ReportForm(initial=initial))
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form, status=400)
    try:
        proof_of_work.verify(form.cleaned_data["pow_token"], form.cleaned_data["pow_solution"])
    except proof_of_work.Refused as refusal:
        form.add_error(None, str(refusal))
        return _report_page(request, form, status=400)
    if not rate_limits.allow("report", client_ip(request) or "", rate_limits.reports_per_hour()):
        form.add_error(
            None, _("Too many reports from here in the last hour: call 116 000 or 112 instead.")
        )
        return _report_page(request, form, status=429)
    data = form.cleaned_data
    try:
        receipt = services.submit_report(
            kind=data["kind"],
            alert=data.get("alert_object") if data["kind"] == ReportKind.SIGHTING else None,
            published_child=(
                data.get("child_object") if data["kind"] == ReportKind.SIGHTING else None
            ),
            country_id=data["country"].pk if data.get("country") else None,
            what_was_seen=data["what_was_seen"],
            place=data["place"],
            seen_at=data["seen_at"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            contact_may_be_passed_on=data["contact_may_be_passed_on"],
            photo=data["photo"],
            language=translation.get_language() or "",
        )
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return _report_page(request, form, status=400)
    # Shown once, never in a URL: the page is not cached, nor kept in the history's cache.
    response = render(request, "portal/report_received.html", {"receipt": receipt}, status=201)
    response["Cache-Control"] = "no-store"
    return response


@public_page
def add_information(request):
    """The reporter adds to their report with its reference and secret, without an account."""
    form = AdditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not rate_limits.allow("addition", client_ip(request) or "", 20):
            form.add_error(None, _("Too many attempts from here: try again in an hour."))
            return render(request, "portal/add.html", {"form": form}, status=429)
        data = form.cleaned_data
        found = services.find_own_report(data["reference"], data["secret"])
        if found is None:
            form.add_error("secret", _("This reference and secret do not match a report."))
        else:
            services.add_to_report(found, data["text"])
            return render(request, "portal/added.html", {"reference": found.reference})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/add.html",
        {"form": form, "errors": _error_summary(form) if form.is_bound else []},
        status=status,
    )


@csrf_exempt
@require_POST
def language(request):
    """The public site's language switch for anonymous visitors: it only sets the language
    cookie (nothing on an account), so it needs no CSRF token, and the public pages carry
    none: they stay the same for every visitor and set no cookie when served from the cache.
    A forged switch can do no more than change the visitor's language."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        code = request.POST.get("language", "")
        return HttpResponseBadRequest(_("Unknown language: %(code)s") % {"code": code})
    response = redirect(safe_next(request, fallback=reverse("portal:home")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        form.cleaned_data["language"],
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response
