"""Every step of a child alert: request, withdraw, approve or reject, update, extend, cancel,
expire. Each is transactional and audited on the case (so the case timeline shows it), and
every step that changes what the public sees issues a signed CAP 1.2 message, validated
against the official schema before it is stored: an invalid message stops the step."""

import functools
import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal, receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases import files
from seec.cases.models import Case, CaseFile, FileKind, PersonRole
from seec.cases.signals import search_ended
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.languages import interface_language, tag_of
from seec.core.models import RoleCode, User
from seec.core.policy import Act, Capability
from seec.core.zones import country_zone

from . import alert_languages, cap, criteria, delivery
from . import regions as region_list
from .alert_languages import default_languages, text_problem
from .child_names import name_in
from .models import (
    Alert,
    AlertSettings,
    AlertStatus,
    AlertText,
    CapMessage,
    CapStatus,
    Tier,
)
from .rules import AlertAct


class AlertAction:
    REQUEST = "alert.request"
    WITHDRAW = "alert.withdraw"
    APPROVE = "alert.approve"
    REJECT = "alert.reject"
    UPDATE = "alert.update"
    EXTEND = "alert.extend"
    CANCEL = "alert.cancel"
    EXPIRE = "alert.expire"
    CROSS_BORDER = "alert.cross_border"


audit.ACTION_LABELS.update(
    {
        AlertAction.REQUEST: gettext_lazy("Child alert requested"),
        AlertAction.WITHDRAW: gettext_lazy("Child alert request withdrawn"),
        AlertAction.APPROVE: gettext_lazy("Child alert approved and issued"),
        AlertAction.REJECT: gettext_lazy("Child alert rejected"),
        AlertAction.UPDATE: gettext_lazy("Child alert updated"),
        AlertAction.EXTEND: gettext_lazy("Child alert extended"),
        AlertAction.CANCEL: gettext_lazy("Child alert cancelled"),
        AlertAction.EXPIRE: gettext_lazy("Child alert expired"),
        AlertAction.CROSS_BORDER: gettext_lazy("Cross-border child alert requested"),
    }
)

ACTIVE = (AlertStatus.REQUESTED, AlertStatus.ISSUED)


def alert_settings(country_id: str) -> AlertSettings:
    """The country's settings; a country that has not set them gets the European preset in its
    default alert languages (`alert_languages.DEFAULT_ALERT_LANGUAGES`)."""
    found = AlertSettings.objects.filter(country_id=country_id).first()
    if found:
        return found
    from seec.core.models import Country

    country = Country.objects.get(pk=country_id)
    return AlertSettings(country=country, languages=",".join(default_languages(country_id)))


def _require(user, act: str, alert: Alert, message: str) -> None:
    if not policy.can(user, act, alert):
        raise PermissionDenied(message)


# --- Request ---------------------------------------------------------------------------------


@transaction.atomic
def request_alert(
    case: Case,
    *,
    origin: Origin,
    answers: dict,
    area_description: str,
    polygon=(),
    circle=None,
    tier: str = Tier.CHILD_ALERT,
    exercise: bool = False,
    photo: CaseFile | None = None,
    photo_authority: str = "",
    texts: dict | None = None,
    country_id: str | None = None,
    regions=(),
) -> Alert:
    """Ask the alert authority of the case's country (or of `country_id`, across a border) for
    a child alert. The criteria are answered one by one, with the evidence for each; `regions`
    (ISO 3166-2 codes) narrow it to part of the country."""
    user = origin.actor
    if not (policy.has(user, Capability.REQUEST_ALERTS) and policy.can(user, Act.MANAGE, case)):
        raise PermissionDenied(_("Only the case's managers request a child alert."))
    if not case.is_open:
        raise ValidationError({"case": _("The case is not open: the child is not missing.")})
    country_id = country_id or case.country_id
    if Alert.objects.filter(case=case, country_id=country_id, status__in=ACTIVE).exists():
        raise ValidationError({"case": _("This case already has an alert requested or issued.")})
    country_settings = alert_settings(country_id)
    if tier == Tier.ENDANGERED and not country_settings.endangered_tier:
        raise ValidationError({"tier": _("This country does not use the endangered-child notice.")})
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Unknown kind of alert.")})
    errors = _answer_problems(country_settings.criteria, answers)
    errors.update(_area_problems(area_description, polygon, circle))
    if strangers := region_list.unknown(country_id, regions):
        errors["regions"] = _("Not a region of this country: %(codes)s") % {
            "codes": ", ".join(strangers)
        }
    if photo is not None and (photo.case_id != case.pk or photo.kind != FileKind.PHOTO):
        errors["photo"] = _("Choose a photo of this case.")
    if photo is not None and not photo_authority.strip():
        errors["photo_authority"] = _("Say who authorised publishing the photo.")
    if errors:
        raise ValidationError(errors)
    alert = Alert.objects.create(
        case=case,
        country_id=country_id,
        reference=f"{country_id}-{secrets.token_hex(3).upper()}",
        tier=tier,
        cap_status=CapStatus.EXERCISE if exercise else CapStatus.ACTUAL,
        requested_by=user,
        criteria_preset=country_settings.criteria,
        criteria={code: dict(answer) for code, answer in answers.items()},
        area_description=area_description.strip(),
        area_polygon=[list(point) for point in polygon],
        area_circle=list(circle) if circle else None,
        regions=sorted(set(regions)),
        hours=country_settings.default_hours,
        languages=",".join(country_settings.language_list),
        photo=photo,
        photo_authority=photo_authority.strip(),
    )
    for language, text in default_texts(alert, country_settings).items():
        text.update((texts or {}).get(language, {}))
        AlertText.objects.create(alert=alert, language=language, **text)
    unmet = [c.code for c in criteria.unmet(alert.criteria_preset, alert.criteria)]
    _record(AlertAction.REQUEST, alert, origin, unmet=unmet, tier=tier, exercise=exercise)
    return alert


def _answer_problems(preset: str, answers: dict) -> dict[str, str]:
    problems = {}
    known = {c.code for c in criteria.PRESETS[preset]}
    for code in set(answers) - known:
        problems[f"criteria.{code}"] = _("Not a criterion of this country.")
    for criterion in criteria.PRESETS[preset]:
        answer = answers.get(criterion.code)
        if not isinstance(answer, dict) or not isinstance(answer.get("met"), bool):
            problems[f"criteria.{criterion.code}"] = _("Answer whether this criterion is met.")
        elif answer["met"] and not str(answer.get("evidence", "")).strip():
            problems[f"criteria.{criterion.code}"] = _("Give the evidence for this criterion.")
    return problems


def _area_problems(description, polygon, circle) -> dict[str, str]:
    try:
        area = cap.CapArea(
            description=(description or "").strip(),
            polygon=tuple(tuple(float(x) for x in point) for point in polygon or ()),
            circle=tuple(float(x) for x in circle) if circle else None,
        )
    except (TypeError, ValueError):
        return {"area": _("Give the area's points as latitude and longitude numbers.")}
    problems = cap.area_problems(area)
    return {"area": " ".join(problems)} if problems else {}


# An authority hosted by another installation is reached through the exchange, which registers
# a carrier here: it returns what it sent, or None when the country's authority is hosted here.
cross_border_carriers: list = []


@transaction.atomic
def request_cross_border(alert: Alert, *, origin: Origin, country_id: str, reason: str) -> Alert:
    """Ask the alert authority of another country to alert there too, when the child may be in
    or heading to it. The request carries the original alert (its criteria, area to be set by
    the receiving authority, and its CAP messages); the receiving authority accepts by approving
    it (its own alert, in its own languages, linked to the original) or declines with a reason.
    The case's managers or the issuing authority may send it."""
    for carrier in cross_border_carriers:
        carried = carrier(alert, origin=origin, country_id=country_id, reason=reason)
        if carried is not None:
            return carried
    user = origin.actor
    may = policy.can(user, AlertAct.REQUEST, alert) or policy.can(user, AlertAct.DECIDE, alert)
    if not may:
        raise PermissionDenied(_("Only the case's managers or the alert authority send this."))
    if alert.status != AlertStatus.ISSUED:
        raise ValidationError({"alert": _("Only an issued alert is carried across a border.")})
    country_id = (country_id or "").upper()
    if country_id == alert.country_id or not AlertSettings.objects.filter(pk=country_id).exists():
        raise ValidationError({"country": _("Choose another country of the region.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the child may be in that country.")})
    if Alert.objects.filter(originates_from=alert, country_id=country_id).exists():
        raise ValidationError({"country": _("That country has already been asked.")})
    settings_there = alert_settings(country_id)
    answer = Alert.objects.create(
        case=alert.case,
        country_id=country_id,
        reference=f"{country_id}-{secrets.token_hex(3).upper()}",
        tier=alert.tier,
        cap_status=alert.cap_status,
        requested_by=user,
        criteria_preset=alert.criteria_preset,
        criteria=alert.criteria,
        area_description=_("Whole country: %(country)s") % {"country": country_id},
        area_polygon=[],
        area_circle=None,
        hours=settings_there.default_hours,
        languages=",".join(settings_there.language_list),
        photo=alert.photo,
        photo_authority=alert.photo_authority,
        originates_from=alert,
    )
    for language, text in default_texts(answer, settings_there).items():
        AlertText.objects.create(alert=answer, language=language, **text)
    _record(
        AlertAction.CROSS_BORDER,
        answer,
        origin,
        reason=reason,
        original=alert.reference,
    )
    return answer


@transaction.atomic
def withdraw_request(alert: Alert, *, origin: Origin, reason: str) -> Alert:
    _require(origin.actor, AlertAct.REQUEST, alert, _("Only the case's managers withdraw it."))
    if alert.status != AlertStatus.REQUESTED:
        raise ValidationError({"alert": _("Only a request waiting for a decision is withdrawn.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    alert.status, alert.ended_at, alert.end_reason = AlertStatus.WITHDRAWN, timezone.now(), reason
    alert.save()
    _record(AlertAction.WITHDRAW, alert, origin, reason=reason)
    return alert


# --- Decision --------------------------------------------------------------------------------


def _require_authority(user, alert: Alert) -> None:
    _require(
        user,
        AlertAct.DECIDE,
        alert,
        _("Only the alert authority of %(country)s decides on this alert.")
        % {"country": alert.country_id},
    )


def _language_models_loaded(service):
    """Run a service that judges the alert's texts (`_check_languages`) with the language
    models already loaded, before its transaction begins (see alert_languages.ready)."""

    @functools.wraps(service)
    def run(alert: Alert, *args, **kwargs):
        alert_languages.ready([*alert.languages.split(","), *(kwargs.get("texts") or {})])
        return service(alert, *args, **kwargs)

    return run


@_language_models_loaded
@transaction.atomic
def approve_alert(
    alert: Alert,
    *,
    origin: Origin,
    hours: int | None = None,
    override_reason: str = "",
    texts: dict | None = None,
) -> Alert:
    """The alert authority approves: the alert is issued (CAP Alert) and goes public."""
    user = origin.actor
    _require_authority(user, alert)
    if user.pk == alert.requested_by_id:
        raise PermissionDenied(_("The person who requested an alert cannot approve it."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.REQUESTED:
        raise ValidationError({"alert": _("This alert is not waiting for a decision.")})
    if not alert.case.is_open:
        raise ValidationError({"case": _("The case is not open: the child is not missing.")})
    unmet = criteria.unmet(alert.criteria_preset, alert.criteria)
    if unmet and not override_reason.strip():
        raise ValidationError(
            {
                "criteria": _("Not met: %(list)s. Approve only with a reasoned override.")
                % {"list": "; ".join(str(c.text) for c in unmet)}
            }
        )
    country_settings = alert_settings(alert.country_id)
    hours = hours or alert.hours
    if not 1 <= hours <= country_settings.max_hours:
        raise ValidationError(
            {"hours": _("Between 1 and %(max)d hours.") % {"max": country_settings.max_hours}}
        )
    _apply_texts(alert, texts)
    _check_languages(alert)
    now = timezone.now()
    alert.status, alert.decided_by, alert.decided_at = AlertStatus.ISSUED, user, now
    alert.hours, alert.issued_at, alert.expires_at = hours, now, now + timedelta(hours=hours)
    alert.override_reason = override_reason.strip()
    alert.save()
    message = issue_message(alert, CapMessage.Type.ALERT)
    _record(
        AlertAction.APPROVE,
        alert,
        origin,
        reason=alert.override_reason,
        hours=hours,
        override=[c.code for c in unmet],
        message=message.identifier,
    )
    return alert


@transaction.atomic
def reject_alert(alert: Alert, *, origin: Origin, reason: str) -> Alert:
    _require_authority(origin.actor, alert)
    if alert.status != AlertStatus.REQUESTED:
        raise ValidationError({"alert": _("This alert is not waiting for a decision.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
    alert.status, alert.decided_by, alert.decided_at = (
        AlertStatus.REJECTED,
        origin.actor,
        timezone.now(),
    )
    alert.rejection_reason = reason.strip()
    alert.save()
    _record(AlertAction.REJECT, alert, origin, reason=reason)
    return alert


@_language_models_loaded
@transaction.atomic
def update_alert(alert: Alert, *, origin: Origin, texts: dict, reason: str = "") -> Alert:
    """Corrected or new information (a sighting, a description): a CAP Update."""
    _require_authority(origin.actor, alert)
    _require_public(alert)
    _apply_texts(alert, texts)
    _check_languages(alert)
    message = issue_message(alert, CapMessage.Type.UPDATE)
    _record(AlertAction.UPDATE, alert, origin, reason=reason, message=message.identifier)
    return alert


@transaction.atomic
def extend_alert(alert: Alert, *, origin: Origin, hours: int) -> Alert:
    """Longer, within the country's maximum from the time of issue: a CAP Update."""
    _require_authority(origin.actor, alert)
    _require_public(alert)
    maximum = alert_settings(alert.country_id).max_hours
    total = alert.hours + int(hours)
    if hours < 1 or total > maximum:
        raise ValidationError(
            {"hours": _("An alert runs at most %(max)d hours in all.") % {"max": maximum}}
        )
    alert.hours, alert.expires_at = total, alert.issued_at + timedelta(hours=total)
    alert.save()
    message = issue_message(alert, CapMessage.Type.UPDATE)
    _record(AlertAction.EXTEND, alert, origin, hours=total, message=message.identifier)
    return alert


@transaction.atomic
def cancel_alert(alert: Alert, *, origin: Origin, reason: str, by_case: bool = False) -> Alert:
    """Off every public surface at once, with a CAP Cancel. The authority cancels; the case's
    end (the child found, the case closed) cancels its alerts whoever recorded it."""
    if not by_case:
        _require_authority(origin.actor, alert)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.REQUESTED:
        alert.status = AlertStatus.WITHDRAWN
    elif alert.status == AlertStatus.ISSUED:
        alert.status = AlertStatus.CANCELLED
    else:
        raise ValidationError({"alert": _("This alert is no longer active.")})
    alert.ended_at, alert.end_reason = timezone.now(), reason
    alert.save()
    message = None
    if alert.status == AlertStatus.CANCELLED:
        message = issue_message(alert, CapMessage.Type.CANCEL)
    _record(
        AlertAction.CANCEL,
        alert,
        origin,
        reason=reason,
        message=message.identifier if message else None,
    )
    return alert


@receiver(search_ended)
def cancel_when_search_ends(sender, case, origin, **kwargs):
    reason = _("The case ended: %(status)s") % {"status": case.get_status_display()}
    for alert in Alert.objects.filter(case=case, status__in=ACTIVE):
        cancel_alert(alert, origin=origin, reason=reason, by_case=True)


def expire_due(now=None) -> int:
    """Mark the alerts whose time is up as expired (the public pages and the feed stop showing
    them at `expires_at` already; this keeps the records and the timeline true)."""
    now = now or timezone.now()
    count = 0
    for alert in Alert.objects.filter(status=AlertStatus.ISSUED, expires_at__lte=now):
        with transaction.atomic():
            Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.EXPIRED, ended_at=now)
            _record(AlertAction.EXPIRE, alert, Origin())
            count += 1
    return count


def _require_public(alert: Alert) -> None:
    if not alert.is_public:
        raise ValidationError({"alert": _("This alert is not public.")})


def _apply_texts(alert: Alert, texts: dict | None) -> None:
    for language, fields in (texts or {}).items():
        language = tag_of(language)
        text = alert.texts.filter(language=language).first()
        if text is None:
            raise ValidationError({f"texts.{language}": _("Not a language of this alert.")})
        for name in ("headline", "description", "instruction"):
            if name in fields:
                value = str(fields[name]).strip()
                if not value:
                    raise ValidationError({f"texts.{language}.{name}": _("Cannot be empty.")})
                setattr(text, name, value)
        text.full_clean()
        text.save()


def _check_languages(alert: Alert) -> None:
    """Refuse, field by field, a text that is not in the language it is labelled with (an
    English template left under Serbian, say): the public would get the wrong language.
    What the texts quote from the case as the hotline typed it (names, places, the child's
    description and clothing, the vehicle) is no evidence of a text's language: every
    language's text carries it as written, so it is left out of the judgement."""
    case = alert.case
    quoted = [
        case.child_name, case.names_latin, case.other_names, case.last_seen_place,
        alert.area_description, case.build, case.hair, case.eyes, case.clothing,
        case.distinguishing_marks,
    ]  # fmt: skip
    for person in case.people.filter(role=PersonRole.SUSPECTED_ABDUCTOR):
        quoted += [person.vehicle_colour, person.vehicle_make, person.vehicle_model]
    ignore = {word for text in quoted for word in re.split(r"[\s,.;:()/]+", text or "") if word}
    for text in alert.texts.all():
        ignore.update(name_in(case.child_name, text.language, source=_recorded_in(case)).split())
    problems = {}
    for text in alert.texts.order_by("pk"):
        for field in ("headline", "description", "instruction"):
            problem = text_problem(getattr(text, field), text.language, ignore)
            if problem:
                problems[f"texts.{text.language}.{field}"] = problem
    if problems:
        raise ValidationError(problems)


# --- Texts -----------------------------------------------------------------------------------


def default_texts(alert: Alert, country_settings: AlertSettings) -> dict[str, dict]:
    """The alert's text in each of its languages (BCP 47 tags), filled from the case: the
    country's own template for that language and tier where it has one, the platform's wording
    from that language's message catalogue otherwise; the authority edits them before
    approval. The child's name is written in each language's script, by its national
    romanisation or transcription; times are the country's own."""
    case = alert.case
    abductor = case.people.filter(role=PersonRole.SUSPECTED_ABDUCTOR).first()
    templates = {t.language: t for t in country_settings.templates.filter(tier=alert.tier)}
    texts = {}
    for language in country_settings.language_list:
        with translation.override(interface_language(language)):
            facts = _facts(case, abductor, country_settings, language)
            if language in templates:
                texts[language] = templates[language].render(facts)
            else:
                texts[language] = _platform_wording(alert.tier, facts)
            texts[language]["headline"] = texts[language]["headline"][:160]
    return texts


def _facts(case: Case, abductor, country_settings: AlertSettings, language: str) -> dict:
    """What an alert text in `language` says of the child (under that language's catalogue)."""
    age = case.age_now
    look = [
        _("%(cm)s cm tall") % {"cm": case.height_cm} if case.height_cm else "",
        case.build,
        case.hair,
        case.eyes,
    ]
    vehicle = []
    if abductor is not None:
        vehicle = [
            abductor.vehicle_colour,
            abductor.vehicle_make,
            abductor.vehicle_model,
            abductor.vehicle_plate,
        ]
    return {
        "name": name_in(case.child_name, language, source=_recorded_in(case)),
        "age": age if age is not None else "?",
        "place": case.last_seen_place,
        "when": formats.date_format(
            timezone.localtime(case.last_seen_at, country_zone(country_settings.country_id)),
            "SHORT_DATETIME_FORMAT",
        ),
        "description": ", ".join(filter(None, look)),
        "clothing": case.clothing,
        "vehicle": " ".join(filter(None, vehicle)),
        "police": country_settings.police_number,
    }


def _recorded_in(case: Case) -> str | None:
    """The language a case's names are recorded in: its country's first official one."""
    languages = case.country.languages if case.country_id else []
    if not languages:
        return None
    # Montenegrin names are written as in Serbian (with ś and ź besides).
    return {"cnr": "sr"}.get(languages[0], languages[0])


def _platform_wording(tier: str, facts: dict) -> dict[str, str]:
    if tier == Tier.ENDANGERED:
        headline = _("MISSING CHILD AT RISK: %(name)s, %(age)s") % facts
    else:
        headline = _("CHILD ALERT: %(name)s, %(age)s, abducted") % facts
    parts = [_("%(name)s, aged %(age)s, was last seen in %(place)s on %(when)s.") % facts]
    if facts["description"]:
        parts.append(_("Description: %(look)s.") % {"look": facts["description"]})
    if facts["clothing"]:
        parts.append(_("Clothing: %(clothing)s.") % facts)
    if facts["vehicle"]:
        parts.append(_("Possibly in this vehicle: %(vehicle)s.") % facts)
    instruction = (
        _(
            "If you see the child or the vehicle, call %(police)s at once, or the 116 000 "
            "hotline. Do not approach."
        )
        % facts
    )
    return {"headline": headline, "description": " ".join(parts), "instruction": instruction}


# --- CAP -------------------------------------------------------------------------------------


def public_url(path: str) -> str:
    return settings.SEEC_PUBLIC_URL.rstrip("/") + path


def issue_message(alert: Alert, msg_type: str) -> CapMessage:
    """Write, sign, validate and store the alert's next CAP message. Its times carry the
    offset of the alert's country (CAP receivers show them as local time)."""
    zone = country_zone(alert.country_id)
    sent = timezone.localtime(timezone.now(), zone).replace(microsecond=0)
    earlier = list(alert.messages.order_by("sent", "pk"))
    identifier = f"{settings.SEEC_CAP_ID_PREFIX}-{alert.reference}-{len(earlier) + 1}"
    message = cap.CapMessage(
        identifier=identifier,
        sender=settings.SEEC_CAP_SENDER,
        sent=sent,
        status=alert.cap_status,
        msg_type=msg_type,
        references=tuple(
            (settings.SEEC_CAP_SENDER, m.identifier, timezone.localtime(m.sent, zone))
            for m in earlier
        ),
        note=_cap_note(alert, msg_type),
        infos=tuple(_infos(alert, msg_type)),
    )
    try:
        xml = cap.render(message, cap.SigningKey.load())
    except cap.CapError as error:
        raise ValidationError({"cap": error.problems}) from error
    stored = CapMessage.objects.create(
        alert=alert, identifier=identifier, msg_type=msg_type, sent=sent, xml=xml
    )
    delivery.start(stored)  # the outbox entry, in this same transaction
    return stored


def _cap_note(alert: Alert, msg_type: str) -> str:
    if alert.cap_status != CapStatus.ACTUAL:
        return "Exercise: not a real alert." if alert.cap_status == CapStatus.EXERCISE else "Test"
    return "Cancelled: " + alert.end_reason if msg_type == CapMessage.Type.CANCEL else ""


def _infos(alert: Alert, msg_type: str):
    zone = country_zone(alert.country_id)
    expires = timezone.localtime(alert.expires_at or timezone.now(), zone)
    onset = timezone.localtime(alert.issued_at, zone) if alert.issued_at else None
    authority = alert.decided_by.organisation.name if alert.decided_by else ""
    page = public_url(reverse("alerts:public", args=[alert.reference]))
    photo = _photo_resource(alert) if msg_type != CapMessage.Type.CANCEL else None
    area = cap.CapArea(
        description=alert.area_description,
        polygon=tuple(tuple(point) for point in alert.area_polygon),
        circle=tuple(alert.area_circle) if alert.area_circle else None,
        geocodes=(
            ("ISO3166-1", alert.country_id),
            *(("ISO3166-2", code) for code in alert.regions),
        ),
    )
    contact = alert_settings(alert.country_id).police_number
    for text in alert.texts.order_by("pk"):
        if msg_type == CapMessage.Type.CANCEL:
            # A cancellation says so and nothing more about the child.
            with translation.override(interface_language(text.language)):
                headline = _("Child alert cancelled")
                description = _("The child alert %(ref)s is cancelled.") % {"ref": alert.reference}
                instruction = _("No further action is needed.")
            yield cap.CapInfo(
                language=text.language,
                headline=headline,
                description=description,
                instruction=instruction,
                web=page,
                contact=contact,
                sender_name=authority,
                expires=timezone.localtime(timezone.now(), zone).replace(microsecond=0)
                + timedelta(minutes=5),
                areas=(area,),
            )
            continue
        yield cap.CapInfo(
            language=text.language,
            headline=text.headline,
            description=text.description,
            instruction=text.instruction,
            web=f"{page}?lang={text.language}",
            contact=contact,
            sender_name=authority,
            expires=expires.replace(microsecond=0),
            onset=onset.replace(microsecond=0) if onset else None,
            resources=(photo,) if photo else (),
            areas=(area,),
        )


def _photo_resource(alert: Alert):
    if alert.photo is None:
        return None
    content = files.load(alert.case_id, alert.photo.storage_name)
    return cap.CapResource(
        description="Photo of the child",
        mime_type="image/jpeg",
        uri=public_url(reverse("alerts:photo", args=[alert.reference])),
        size=len(content),
        digest=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
    )


# --- Notices and the audit trail -------------------------------------------------------------


# Sent after every step of an alert (the exchange tells the other node of a cross-border one).
alert_step = Signal()


def _record(action: str, alert: Alert, origin: Origin, reason: str = "", **details) -> None:
    """The step in the audit trail, on the case (so that the case timeline shows every step of
    its alerts), and told to those it concerns, in the platform and by e-mail."""
    audit.record(
        action,
        origin=origin,
        obj=alert.case,
        reason=reason,
        details={"alert": alert.reference, "country": alert.country_id, **details},
    )
    _tell(action, alert, origin, reason)
    alert_step.send(sender=Alert, alert=alert, action=action, reason=reason)


def _authorities(country_id: str):
    return User.objects.filter(
        roles__code=RoleCode.ALERT_AUTHORITY, organisation__country_id=country_id
    )


def _tell(action: str, alert: Alert, origin: Origin, reason: str) -> None:
    """Requests go to the country's alert authority; decisions to the requester; what
    happens to an issued alert to both its requester and the authority who approved it."""
    if action in (AlertAction.REQUEST, AlertAction.CROSS_BORDER, AlertAction.WITHDRAW):
        users = list(_authorities(alert.country_id))
    elif action in (AlertAction.APPROVE, AlertAction.REJECT):
        users = [alert.requested_by]
    else:
        users = [u for u in (alert.requested_by, alert.decided_by) if u is not None]
    users = [u for u in users if u.pk != getattr(origin.actor, "pk", None)]
    label = audit.ACTION_LABELS[action]

    def subject() -> str:
        text = f"{label}: {alert.reference}"
        return f"{text} ({reason})" if reason else text

    notices.notify(users, subject, reverse("alerts:detail", args=[alert.pk]))
