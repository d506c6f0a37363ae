"""Pages of child alerts: the request from a case, the authority's decision, and the public
surfaces (alert page, photo, CAP messages, Atom feed), which show only issued, unexpired
alerts and stop the moment an alert is cancelled or runs out."""

from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.cases import files
from seec.cases.models import Case
from seec.cases.views import apply_errors, needs
from seec.core import policy
from seec.core.audit import Origin
from seec.core.languages import LANGUAGES, interface_language, tag_of
from seec.core.policy import Act, Capability
from seec.core.public_cache import cached_public_page
from seec.core.zones import country_zone

from . import cap, channels, criteria, delivery, services, sms, subscriptions
from .forms import (
    ApproveForm,
    ConfirmForm,
    CrossBorderForm,
    ExtendForm,
    ReasonForm,
    RequestForm,
    SubscribeForm,
    UpdateForm,
)
from .models import Alert, AlertStatus, CapMessage, Subscriber
from .public import AlertEnded, next_expiry
from .public import live_alert as _public_alert
from .public import live_alerts as _public_alerts
from .rules import AlertAct

# --- Inside the platform ---------------------------------------------------------------------


@needs(Capability.REQUEST_ALERTS)
def request_alert(request, case_pk):
    case = policy.get_for_action(request.user, Case, Act.MANAGE, pk=case_pk)
    preset = services.alert_settings(case.country_id).criteria
    form = RequestForm(request.POST or None, case=case, preset=preset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alert = services.request_alert(
                case,
                origin=Origin.of(request),
                answers=form.answers(),
                area_description=data["area_description"],
                polygon=data["polygon"],
                circle=data["circle"],
                regions=data["regions"],
                tier=data["tier"],
                exercise=data["exercise"],
                photo=data["photo"],
                photo_authority=data["photo_authority"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The alert is requested; the alert authority is told."))
            return redirect("alerts:detail", alert.pk)
    status = 400 if request.method == "POST" else 200
    criteria_rows = [
        (c, form[f"met_{c.code}"], form[f"evidence_{c.code}"]) for c in criteria.PRESETS[preset]
    ]
    context = {"case": case, "form": form, "criteria_rows": criteria_rows}
    return render(request, "alerts/request.html", context, status=status)


@needs(Capability.VIEW_PERSONAL_DATA)
def alert_list(request):
    alerts = (
        policy.visible_to(request.user, Alert)
        .select_related("case", "country")
        .order_by("-requested_at")[:200]
    )
    waiting = [a for a in alerts if a.status == AlertStatus.REQUESTED]
    return render(request, "alerts/list.html", {"alerts": alerts, "waiting": waiting})


@needs(Capability.VIEW_PERSONAL_DATA)
def alert_detail(request, pk):
    alert = policy.get_visible_or_404(
        request.user, Alert.objects.select_related("case", "requested_by", "decided_by"), pk=pk
    )
    may_decide = policy.can(request.user, AlertAct.DECIDE, alert)
    may_request = policy.can(request.user, AlertAct.REQUEST, alert)
    answers = [(c, alert.criteria.get(c.code, {})) for c in criteria.PRESETS[alert.criteria_preset]]
    context = {
        "alert": alert,
        "answers": answers,
        "unmet": criteria.unmet(alert.criteria_preset, alert.criteria),
        "texts": [
            (text, LANGUAGES.get(text.language, ("", "", text.language))[2], _sms(alert, text))
            for text in alert.texts.order_by("pk")
        ],
        "cap_messages": [
            (message, _reach(message)) for message in alert.messages.order_by("sent", "pk")
        ],
        "may_decide": may_decide and request.user.pk != alert.requested_by_id,
        "may_request": may_request,
        "approve_form": ApproveForm(alert=alert) if alert.status == AlertStatus.REQUESTED else None,
        "update_form": UpdateForm(alert=alert) if alert.is_public else None,
        "reason_form": ReasonForm(),
        "extend_form": ExtendForm(),
        "cross_border_form": CrossBorderForm(alert=alert) if alert.is_public else None,
        "may_cross_border": may_decide or may_request,
        "answers_abroad": [
            (
                answer,
                answer.issued_at - answer.requested_at if answer.issued_at else None,
                delivery.people_reached(answer),
            )
            for answer in alert.answers.select_related("country").order_by("requested_at")
        ],
    }
    if context["answers_abroad"]:
        # The alert's whole reach: here and in every country that answered its request.
        context["reached_in_all"] = delivery.people_reached(alert) + sum(
            reached for _answer, _delay, reached in context["answers_abroad"]
        )
    return render(request, "alerts/detail.html", context)


def _sms(alert, text) -> dict:
    """The SMS subscribers get of a text, measured: its segments and encoding."""
    content = channels.alert_sms(alert, text)
    length = sms.measure(content)
    return {"text": content, "segments": length.segments, "encoding": length.encoding}


def _reach(message) -> list[dict]:
    """Per channel: recipients, sent, failed, waiting, and the seconds to the last sent."""
    fan_out = getattr(message, "fan_out", None)
    if fan_out is None:
        return []
    rows = []
    for channel, counts in sorted(delivery.reach(fan_out).items()):
        last = delivery.last_sent(fan_out, channel)
        rows.append(
            {
                "channel": channel,
                "total": sum(counts.values()),
                "sent": counts.get("sent", 0),
                "failed": counts.get("failed", 0),
                "waiting": counts.get("queued", 0),
                "seconds": round((last - message.sent).total_seconds(), 1) if last else None,
            }
        )
    return rows


def alert_step(form_class, run, success_message, act=AlertAct.DECIDE, with_alert=False):
    """A POST-only decision on an alert: validate, call the service, back to the alert."""

    @needs(Capability.VIEW_PERSONAL_DATA)
    @require_POST
    def view(request, pk):
        alert = policy.get_for_action(request.user, Alert, act, pk=pk)
        extra = {"alert": alert} if with_alert else {}
        form = form_class(request.POST, **extra)
        if form.is_valid():
            try:
                run(alert, form, Origin.of(request))
            except ValidationError as error:
                apply_errors(form, _by_text_field(error))
            else:
                messages.success(request, success_message)
                return redirect("alerts:detail", alert.pk)
        return render(request, "alerts/step.html", {"alert": alert, "form": form}, status=400)

    return view


def _by_text_field(error: ValidationError) -> ValidationError:
    """A service names a text's field "texts.sr-Latn.headline"; the form "sr-Latn_headline"."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        renamed["_".join(parts[1:]) if len(parts) == 3 and parts[0] == "texts" else key] = messages_
    return ValidationError(renamed)


approve = alert_step(
    ApproveForm,
    lambda alert, form, origin: services.approve_alert(
        alert,
        origin=origin,
        hours=form.cleaned_data["hours"],
        override_reason=form.cleaned_data["override_reason"],
        texts=form.texts(),
    ),
    _("The alert is issued."),
    with_alert=True,
)
reject = alert_step(
    ReasonForm,
    lambda alert, form, origin: services.reject_alert(
        alert, origin=origin, reason=form.cleaned_data["reason"]
    ),
    _("The request is rejected."),
)
update = alert_step(
    UpdateForm,
    lambda alert, form, origin: services.update_alert(
        alert, origin=origin, texts=form.texts(), reason=form.cleaned_data["reason"]
    ),
    _("The alert is updated."),
    with_alert=True,
)
extend = alert_step(
    ExtendForm,
    lambda alert, form, origin: services.extend_alert(
        alert, origin=origin, hours=form.cleaned_data["hours"]
    ),
    _("The alert is extended."),
)
cancel = alert_step(
    ReasonForm,
    lambda alert, form, origin: services.cancel_alert(
        alert, origin=origin, reason=form.cleaned_data["reason"]
    ),
    _("The alert is cancelled and taken off every public page."),
)
cross_border = alert_step(
    CrossBorderForm,
    lambda alert, form, origin: services.request_cross_border(
        alert,
        origin=origin,
        country_id=form.cleaned_data["country"].pk,
        reason=form.cleaned_data["reason"],
    ),
    _("The request is sent to the other country's alert authority."),
    act=Act.VIEW,
    with_alert=True,
)
withdraw = alert_step(
    ReasonForm,
    lambda alert, form, origin: services.withdraw_request(
        alert, origin=origin, reason=form.cleaned_data["reason"]
    ),
    _("The request is withdrawn."),
    act=AlertAct.REQUEST,
)


# --- Public ----------------------------------------------------------------------------------


def _ended(request) -> HttpResponse:
    """410 Gone: a shared link to an ended alert says so (the child may have been found)."""
    return render(request, "alerts/public_ended.html", status=410)


# The live alerts and an alert's page are the same for every anonymous reader, and they are
# what a reader following a broadcast opens: kept like the feed, until an alert changes or runs
# out (seec/core/public_cache.py).
@cached_public_page(next_change=next_expiry)
def public_list(request):
    alerts = _public_alerts().prefetch_related("texts").order_by("-issued_at")
    return render(request, "alerts/public_list.html", {"alerts": alerts})


@cached_public_page(query=("lang",), next_change=next_expiry)
def public_page(request, reference):
    """The alert in one of its languages (`?lang=sr-Latn`, else the country's first, as the
    country publishes it), the whole page in that language, its times in the alert's
    country's zone; an ended alert answers 410."""
    try:
        alert = _public_alert(reference)
    except AlertEnded:
        return _ended(request)
    texts = {text.language: text for text in alert.texts.all()}
    language = tag_of(request.GET.get("lang", ""))
    text = texts.get(language) or texts.get(alert.language_list[0]) or next(iter(texts.values()))
    context = {
        "alert": alert,
        "text": text,
        "languages": [(tag, LANGUAGES[tag][2] if tag in LANGUAGES else tag) for tag in texts],
    }
    with (
        translation.override(interface_language(text.language)),
        timezone.override(country_zone(alert.country_id)),
    ):
        return render(request, "alerts/public_page.html", context)


def public_photo(request, reference):
    try:
        alert = _public_alert(reference)
    except AlertEnded:
        return _ended(request)
    if alert.photo is None:
        raise Http404
    response = HttpResponse(
        files.load(alert.case_id, alert.photo.storage_name), content_type="image/jpeg"
    )
    # Never cached beyond the alert: a cancelled alert's photo must go at once.
    response["Cache-Control"] = "public, max-age=60"
    return response


def cap_message(request, identifier):
    """The CAP message as signed. Messages of a live alert, and the Cancel of an ended one
    (receivers must hear of the cancellation; it names no child)."""
    message = get_object_or_404(CapMessage.objects.select_related("alert"), identifier=identifier)
    if message.alert.status == AlertStatus.REQUESTED:
        raise Http404
    if not message.alert.is_public and message.msg_type != CapMessage.Type.CANCEL:
        raise Http404
    response = HttpResponse(bytes(message.xml), content_type="application/cap+xml")
    response["Cache-Control"] = "public, max-age=60"
    return response


CANCEL_KEPT_IN_FEED = timedelta(days=1)


def _kept_cancels():
    return CapMessage.objects.filter(
        msg_type=CapMessage.Type.CANCEL,
        alert__status=AlertStatus.CANCELLED,
        sent__gt=timezone.now() - CANCEL_KEPT_IN_FEED,
    )


def _feed_changes():
    """When the feed changes by the clock alone: an alert runs out, a Cancel leaves it."""
    oldest = _kept_cancels().order_by("sent").values_list("sent", flat=True).first()
    ends = [next_expiry(), oldest + CANCEL_KEPT_IN_FEED if oldest else None]
    return min((end for end in ends if end is not None), default=None)


@cached_public_page(next_change=_feed_changes)
def feed(request):
    """Atom feed of the current public alerts, each pointing to its latest CAP message."""
    entries = []
    updated = None
    for alert in _public_alerts().prefetch_related("texts", "messages").order_by("-issued_at"):
        latest = max(alert.messages.all(), key=lambda m: (m.sent, m.pk))
        text = min(alert.texts.all(), key=lambda t: t.pk)
        entries.append(
            cap.FeedEntry(
                identifier=latest.identifier,
                title=text.headline,
                updated=latest.sent,
                cap_url=services.public_url(reverse("alerts:cap", args=[latest.identifier])),
                page_url=services.public_url(reverse("alerts:public", args=[alert.reference])),
                summary=text.instruction,
            )
        )
        updated = max(updated or latest.sent, latest.sent)
    # A cancelled alert stays a day as its Cancel, so that a reader polling now and then
    # learns that the alert it showed has ended.
    for cancel in _kept_cancels().select_related("alert").order_by("-sent"):
        entries.append(
            cap.FeedEntry(
                identifier=cancel.identifier,
                title=str(_("Cancelled: this child alert has ended")),
                updated=cancel.sent,
                cap_url=services.public_url(reverse("alerts:cap", args=[cancel.identifier])),
                page_url=services.public_url(
                    reverse("alerts:public", args=[cancel.alert.reference])
                ),
            )
        )
        updated = max(updated or cancel.sent, cancel.sent)
    body = cap.atom_feed(
        feed_id=services.public_url(reverse("alerts:feed")),
        title=_("Child alerts"),
        self_url=services.public_url(reverse("alerts:feed")),
        updated=updated or timezone.now(),
        entries=entries,
    )
    response = HttpResponse(body, content_type="application/atom+xml")
    response["Cache-Control"] = "public, max-age=30"
    return response


# --- Subscriptions (public) ------------------------------------------------------------------

SUBSCRIBE_SALT = "alerts.subscription"
SUBSCRIBE_LIMIT = 10  # subscriptions per hour from one address: no one is sent a flood of codes


def _too_many(request) -> bool:
    key = f"alerts:subscribe:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > SUBSCRIBE_LIMIT


def subscribe(request):
    form = SubscribeForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        if _too_many(request):
            form.add_error(None, _("Too many subscriptions from here; try again in an hour."))
        else:
            try:
                subscriber, code = subscriptions.subscribe(
                    channel=form.cleaned_data["channel"],
                    address=form.cleaned_data["address"],
                    country_code=form.cleaned_data["country"].pk,
                    language=form.cleaned_data["language"],
                    region=form.cleaned_data["region"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                subscriptions.send_code(subscriber, code)
                token = signing.dumps(subscriber.pk, salt=SUBSCRIBE_SALT)
                return redirect("alerts:confirm", token=token)
    return render(request, "alerts/subscribe.html", {"form": form})


def confirm_subscription(request, token):
    try:
        pk = signing.loads(token, salt=SUBSCRIBE_SALT, max_age=subscriptions.CODE_VALID)
    except signing.BadSignature:
        raise Http404 from None
    subscriber = get_object_or_404(Subscriber, pk=pk)
    # In the language chosen for the alerts, whatever the browser says (errors included).
    with translation.override(subscriber.language):
        form = ConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                subscriptions.confirm(subscriber, form.cleaned_data["code"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                live = (
                    _public_alerts()
                    .filter(country=subscriber.country)
                    .prefetch_related("texts")
                    .order_by("-issued_at")
                )
                return render(
                    request, "alerts/subscribed.html", {"subscriber": subscriber, "alerts": live}
                )
        return render(request, "alerts/confirm.html", {"form": form, "subscriber": subscriber})


def unsubscribe(request, token):
    """One step: the link in every message opens this page, and its one button ends the
    subscription (a bare link would be followed by mail scanners)."""
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    # The subscriber's own language (they may open the link on anyone's browser).
    language = subscriber.language if subscriber else translation.get_language()
    with translation.override(language):
        if request.method == "POST":
            subscriptions.unsubscribe(token)
            return render(request, "alerts/unsubscribed.html", {"done": subscriber is not None})
        if subscriber is None:
            return render(request, "alerts/unsubscribed.html", {"done": False})
        return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber})
