"""Every write of the public site: a report received, information added to it later, a report
triaged. Each is one transaction with its audit event; the centre responsible is told."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import Signal, receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases import files
from seec.cases.models import FileKind
from seec.cases.signals import search_ended
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, RoleCode, User
from seec.core.policy import Act

from .models import (
    NetworkItemKind,
    NetworkPublication,
    PublicReport,
    PublishedChild,
    ReportAddition,
    ReportKind,
    ReportStatus,
)
from .selectors import live_network_publications, live_publications


class PortalAction:
    CHILD_PUBLISHED = "portal.child_published"
    CHILD_WITHDRAWN = "portal.child_withdrawn"
    REPORT_RECEIVED = "portal.report_received"
    REPORT_ADDED_TO = "portal.report_added_to"
    REPORT_VIEWED = "portal.report_viewed"
    REPORT_TRIAGED = "portal.report_triaged"


audit.ACTION_LABELS.update(
    {
        PortalAction.CHILD_PUBLISHED: gettext_lazy("Missing child published on the public site"),
        PortalAction.CHILD_WITHDRAWN: gettext_lazy("Missing child withdrawn from the public site"),
        PortalAction.REPORT_RECEIVED: gettext_lazy("Report from the public received"),
        PortalAction.REPORT_ADDED_TO: gettext_lazy("Reporter added information"),
        PortalAction.REPORT_VIEWED: gettext_lazy("Report from the public viewed"),
        PortalAction.REPORT_TRIAGED: gettext_lazy("Report from the public triaged"),
    }
)

# Sent in the transaction that stores a report or an addition to it, after the triage queue
# was told: the exchange forwards a sighting about an alert that began on another node
# (seec/exchange/sightings_across.py). Arguments: report (and addition).
report_received = Signal()
report_added_to = Signal()

PHOTO_FOLDER = "portal-reports"
# Letters and digits that cannot be mistaken for one another when read out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def max_photo_bytes() -> int:
    return settings.SEEC_PORTAL_MAX_PHOTO_BYTES


@dataclass(frozen=True)
class Receipt:
    """What the reporter is shown once: the reference and the secret to add to it later."""

    report: PublicReport
    secret: str


def _new_reference() -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"R-{code[:4]}-{code[4:]}"
        if not PublicReport.objects.filter(reference=reference).exists():
            return reference


def _secret_hash(secret: str) -> str:
    # The secret is 128 random bits: a plain digest is as strong as a slow hash here.
    return hashlib.sha256(secret.encode()).hexdigest()


def responsible_centre(*, alert=None, country_id: str | None = None) -> Organisation:
    """Who triages a report: the organisation owning the alert's case, else the country's
    116 000 centre."""
    if alert is not None:
        return alert.case.organisation
    centre = (
        Organisation.objects.filter(
            country_id=country_id, kind=OrganisationKind.NATIONAL_CENTRE, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if centre is None:
        raise ValidationError(
            {"country": _("This country has no centre on the platform yet: call 116 000.")}
        )
    return centre


def check_photo(upload) -> files.CheckedFile:
    """The photo checked by its real content and re-encoded without EXIF (GPS above all)."""
    limit = max_photo_bytes()
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("The photo is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}}
        )
    try:
        return files.check_upload(upload, FileKind.PHOTO)
    except ValidationError as error:
        messages = error.message_dict.get("file", error.messages)
        raise ValidationError({"photo": messages}) from None


def submit_report(
    *,
    kind: str,
    what_was_seen: str,
    place: str,
    alert=None,
    published_child=None,
    country_id: str | None = None,
    seen_at=None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    contact_may_be_passed_on: bool = False,
    photo=None,
    language: str = "",
) -> Receipt:
    """Receive a report from the public and put it in the responsible centre's triage queue.

    A sighting names a live alert; a suspicion names a country. Without contact details the
    report is anonymous, and its audit event keeps no network address either.
    """
    if kind == ReportKind.SIGHTING and alert is None and published_child is None:
        raise ValidationError({"alert": _("Choose the child you are reporting about.")})
    if alert is not None:
        country_id = alert.country_id
        organisation = responsible_centre(alert=alert)
    elif published_child is not None:
        country_id = published_child.case.country_id
        organisation = published_child.organisation
    else:
        organisation = responsible_centre(country_id=country_id)
    checked = check_photo(photo) if photo else None
    secret = secrets.token_urlsafe(16)
    reference = _new_reference()
    storage_name = sha256 = ""
    if checked is not None:
        storage_name, sha256 = files.seal(PHOTO_FOLDER, f"report:{reference}", checked.content)
    anonymous = not (contact_name or contact_phone or contact_email)
    try:
        with transaction.atomic():
            report = PublicReport.objects.create(
                reference=reference,
                secret_hash=_secret_hash(secret),
                kind=kind,
                alert=alert,
                published_child=published_child,
                country_id=country_id,
                organisation=organisation,
                what_was_seen=what_was_seen,
                place=place,
                seen_at=seen_at,
                anonymous=anonymous,
                contact_name=contact_name,
                contact_phone=contact_phone,
                contact_email=contact_email,
                contact_may_be_passed_on=contact_may_be_passed_on and not anonymous,
                language=language,
                photo_storage_name=storage_name,
                photo_sha256=sha256,
            )
            audit.record(
                PortalAction.REPORT_RECEIVED,
                origin=Origin(),
                obj=report,
                actor_username="public",
                details={
                    "kind": kind,
                    "alert": alert.reference if alert else None,
                    "published_child": published_child.slug if published_child else None,
                    "organisation": organisation.pk,
                    "photo_sha256": sha256 or None,
                    "anonymous": anonymous,
                },
            )
            _tell_triage(report)
            report_received.send(sender=PublicReport, report=report)
    except Exception:
        # Nothing half-written: no row, so no encrypted photo either.
        if storage_name:
            default_storage.delete(f"{PHOTO_FOLDER}/{storage_name}")
        raise
    return Receipt(report, secret)


def _triagers(report: PublicReport):
    users = User.objects.filter(
        organisation=report.organisation,
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR],
    )
    if report.alert_id is None:
        return list(users.distinct())
    authority = User.objects.filter(
        roles__code=RoleCode.ALERT_AUTHORITY, organisation__country_id=report.alert.country_id
    )
    return list((users | authority).distinct())


def _tell_triage(report: PublicReport) -> None:
    def subject() -> str:
        if report.published_child_id:
            return _("Sighting reported by the public about a published child: %(reference)s") % {
                "reference": report.reference
            }
        if report.alert_id:
            return _("Sighting reported by the public about alert %(alert)s: %(reference)s") % {
                "alert": report.alert.reference,
                "reference": report.reference,
            }
        return _("Suspicion reported by the public: %(reference)s") % {
            "reference": report.reference
        }

    notices.notify(_triagers(report), subject, reverse("portal:triage-report", args=[report.pk]))


def find_own_report(reference: str, secret: str) -> PublicReport | None:
    """The report whose reference and secret these are, or None (whichever is wrong)."""
    report = PublicReport.objects.filter(reference=reference.strip().upper()).first()
    if report is None or not hmac.compare_digest(report.secret_hash, _secret_hash(secret.strip())):
        return None
    return report


def add_to_report(
    report: PublicReport, text: str, *, received_at=None, through: str = ""
) -> ReportAddition:
    """The reporter adds information; the report goes back to the queue's attention.
    `through` names the node that passed the addition on, when the reporter added it there
    (`received_at` is then when they did)."""
    with transaction.atomic():
        addition = ReportAddition.objects.create(
            report=report, text=text, received_at=received_at or timezone.now()
        )
        if report.status != ReportStatus.NEW:
            report.status = ReportStatus.NEW
            report.save(update_fields=["status"])
        audit.record(
            PortalAction.REPORT_ADDED_TO,
            origin=Origin(),
            obj=report,
            actor_username=through or "public",
            details={"addition": addition.pk, **({"through": through} if through else {})},
        )

        def subject() -> str:
            return _("The reporter added information to %(reference)s") % {
                "reference": report.reference
            }

        notices.notify(
            _triagers(report), subject, reverse("portal:triage-report", args=[report.pk])
        )
        report_added_to.send(sender=PublicReport, report=report, addition=addition)
    return addition


def file_report_from_elsewhere(
    *,
    alert,
    through: str,
    their_reference: str,
    what_was_seen: str,
    place: str,
    received_at,
    seen_at=None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    language: str = "",
    photo: bytes | None = None,
) -> PublicReport:
    """A sighting that the public reported on another installation about `alert` (ours, carried
    there): filed in the triage queue of the centre responsible for the case, which is told as
    for a report made here. The reporter holds no secret here: they add information on the
    installation where they reported, which passes it on. `photo` is the photo that came with
    it, already checked and re-encoded without EXIF (check_photo's rules): sealed like a photo
    sent in here. Runs in the caller's transaction; if it fails later, the caller drops the
    sealed photo with forget_photo."""
    reference = _new_reference()
    storage_name = sha256 = ""
    if photo is not None:
        storage_name, sha256 = files.seal(PHOTO_FOLDER, f"report:{reference}", photo)
    try:
        report = _filed_from_elsewhere(
            reference, storage_name, sha256, alert=alert, through=through,
            their_reference=their_reference, what_was_seen=what_was_seen, place=place,
            received_at=received_at, seen_at=seen_at, contact_name=contact_name,
            contact_phone=contact_phone, contact_email=contact_email, language=language,
        )  # fmt: skip
    except Exception:
        if storage_name:
            default_storage.delete(f"{PHOTO_FOLDER}/{storage_name}")
        raise
    return report


def forget_photo(report: PublicReport) -> None:
    """Delete a report's sealed photo whose row is being rolled back."""
    if report.photo_storage_name:
        default_storage.delete(f"{PHOTO_FOLDER}/{report.photo_storage_name}")


def _filed_from_elsewhere(
    reference, storage_name, sha256, *, alert, through, their_reference, what_was_seen, place,
    received_at, seen_at, contact_name, contact_phone, contact_email, language,
) -> PublicReport:  # fmt: skip
    report = PublicReport.objects.create(
        reference=reference,
        # No secret opens it here (no SHA-256 digest is empty).
        secret_hash="",
        kind=ReportKind.SIGHTING,
        alert=alert,
        country_id=alert.country_id,
        organisation=responsible_centre(alert=alert),
        what_was_seen=what_was_seen,
        place=place,
        seen_at=seen_at,
        anonymous=not (contact_name or contact_phone or contact_email),
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        contact_may_be_passed_on=False,
        language=language,
        received_at=received_at,
        photo_storage_name=storage_name,
        photo_sha256=sha256,
    )
    audit.record(
        PortalAction.REPORT_RECEIVED,
        origin=Origin(),
        obj=report,
        actor_username=through[:150],
        details={
            "kind": ReportKind.SIGHTING,
            "alert": alert.reference,
            "organisation": report.organisation_id,
            "through": through,
            "their_reference": their_reference,
            "photo_sha256": sha256 or None,
            "anonymous": report.anonymous,
        },
    )
    _tell_triage(report)
    report_received.send(sender=PublicReport, report=report)
    return report


def record_view(report: PublicReport, origin: Origin, photo: bool = False) -> None:
    """Staff read the report (or its photo): an audited read of personal data."""
    details = {"photo": True} if photo else None
    audit.record_read(PortalAction.REPORT_VIEWED, origin=origin, obj=report, details=details)


def load_photo(report: PublicReport) -> bytes:
    return files.unseal(PHOTO_FOLDER, f"report:{report.reference}", report.photo_storage_name)


def triage_report(
    report: PublicReport, *, origin: Origin, note: str, add_to_case: bool = False
) -> PublicReport:
    """Mark the report triaged, with what was done about it (passed to the police, no
    substance…); with `add_to_case`, a sighting about an alert is recorded on the alert's
    case as a sighting (the case's own access rule decides whether the triager may)."""
    if not policy.can(origin.actor, Act.MANAGE, report):
        raise PermissionDenied
    with transaction.atomic():
        if add_to_case:
            report.case_sighting = _record_on_case(report, origin)
        report.status = ReportStatus.TRIAGED
        report.triaged_at = timezone.now()
        report.triaged_by = origin.actor
        report.triage_note = note
        report.save(
            update_fields=["status", "triaged_at", "triaged_by", "triage_note", "case_sighting"]
        )
        audit.record(
            PortalAction.REPORT_TRIAGED,
            origin=origin,
            obj=report,
            reason=note,
            details={"sighting": report.case_sighting_id},
        )
    return report


def _record_on_case(report: PublicReport, origin: Origin):
    from seec.cases import services as case_services

    if report.alert_id is not None:
        case = report.alert.case
    elif report.published_child_id is not None:
        case = report.published_child.case
    else:
        raise ValidationError(
            {
                "add_to_case": _(
                    "Only a sighting about an alert or a published child can be recorded on a case."
                )
            }
        )
    if report.case_sighting_id is not None:
        return report.case_sighting
    reporter = _("Public report %(reference)s") % {"reference": report.reference}
    if not report.anonymous:
        contact = ", ".join(
            v for v in (report.contact_name, report.contact_phone, report.contact_email) if v
        )
        reporter = f"{reporter}: {contact}"
    return case_services.record_sighting(
        case,
        origin=origin,
        data={
            "seen_at": report.seen_at or report.received_at,
            "place": report.place,
            "description": report.what_was_seen,
            "reported_by": reporter[:200],
        },
    )


# --- Published missing children ------------------------------------------------------------

# The longest a publication runs before it must be renewed (with consent and approval again).
MAX_PUBLICATION_DAYS = 90


def publish_child(
    case,
    *,
    origin: Origin,
    public_text: str,
    guardian_consent: str,
    consent_on,
    police_approval: str,
    approved_on,
    days: int,
    photo=None,
) -> PublishedChild:
    """Publish a missing child on the public site: the guardian's consent and the police's
    approval recorded, for `days` (at most MAX_PUBLICATION_DAYS), with the reviewed public
    text. Only an open case, by whoever manages it; one live publication per case."""
    if not policy.can(origin.actor, Act.MANAGE, case):
        raise PermissionDenied
    errors = {}
    if not case.is_open:
        errors["case"] = _("Only a child who is still missing can be published.")
    if not guardian_consent.strip():
        errors["guardian_consent"] = _("Record the guardian's consent.")
    if not police_approval.strip():
        errors["police_approval"] = _("Record the police's approval.")
    if not public_text.strip():
        errors["public_text"] = _("Write the public text.")
    if not 1 <= days <= MAX_PUBLICATION_DAYS:
        errors["days"] = _("From 1 to %(days)d days.") % {"days": MAX_PUBLICATION_DAYS}
    if photo is not None and (photo.case_id != case.pk or photo.kind != FileKind.PHOTO):
        errors["photo"] = _("Choose one of this case's photos.")
    if live_publications().filter(case=case).exists():
        errors["case"] = _("This child is already published.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        publication = PublishedChild.objects.create(
            slug=secrets.token_urlsafe(9),
            case=case,
            organisation=case.organisation,
            public_name=case.given_names,
            public_text=public_text.strip(),
            photo=photo,
            guardian_consent=guardian_consent.strip(),
            consent_on=consent_on,
            police_approval=police_approval.strip(),
            approved_on=approved_on,
            published_by=origin.actor,
            published_at=now,
            published_until=now + timedelta(days=days),
        )
        audit.record(
            PortalAction.CHILD_PUBLISHED,
            origin=origin,
            obj=case,
            details={"publication": publication.slug, "days": days, "photo": bool(photo)},
        )
    return publication


def withdraw_publication(publication: PublishedChild, *, origin: Origin, reason: str) -> None:
    """Take the child's page and photo off the public site at once (nothing of it is cached
    beyond the request: its responses say no-store)."""
    if publication.withdrawn_at is not None:
        return
    with transaction.atomic():
        publication.withdrawn_at = timezone.now()
        publication.withdrawn_reason = reason[:300]
        publication.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        audit.record(
            PortalAction.CHILD_WITHDRAWN,
            origin=origin,
            obj=publication.case,
            reason=reason,
            details={"publication": publication.slug},
        )


@receiver(search_ended)
def withdraw_when_search_ends(sender, case, origin, **kwargs):
    """Found or closed: the child's page goes at once, in the same transaction."""
    reason = _("The case ended: %(status)s") % {"status": case.get_status_display()}
    for publication in PublishedChild.objects.filter(case=case, withdrawn_at__isnull=True):
        withdraw_publication(publication, origin=origin, reason=reason)


# --- The regional centre's pages: what a coordinator publishes from the network's records ----


class NetworkAction:
    PUBLISHED = "portal.network_published"
    WITHDRAWN = "portal.network_withdrawn"


audit.ACTION_LABELS.update(
    {
        NetworkAction.PUBLISHED: gettext_lazy("Published on the public site"),
        NetworkAction.WITHDRAWN: gettext_lazy("Taken off the public site"),
    }
)


def _coordinator_only(origin: Origin) -> None:
    from seec.network.rules import is_coordinator

    if not is_coordinator(origin.actor):
        raise PermissionDenied


def _has_markup(text: str) -> bool:
    from .forms import MARKUP

    return bool(MARKUP.search(text))


def publish_network_item(
    *,
    origin: Origin,
    kind: str,
    record=None,
    year: int | None = None,
    title: str = "",
    public_text: str = "",
) -> NetworkPublication:
    """Show a record of the network on the public site (a partner, an event or training, an
    info-desk), a piece of news, or the annual report of `year` (built beforehand with
    `manage.py build_report`). Regional coordinators only; one live publication per record.
    The public text is the coordinator's reviewed summary: the record's own notes, outcomes
    and contacts are never shown."""
    from seec.network.models import Activity, InfoDesk, Partner

    from .selectors import annual_report_path

    _coordinator_only(origin)
    title, public_text = title.strip(), public_text.strip()
    errors = {}
    fields = {"partner": None, "activity": None, "info_desk": None}
    expected = {
        NetworkItemKind.PARTNER: ("partner", Partner),
        NetworkItemKind.ACTIVITY: ("activity", Activity),
        NetworkItemKind.INFO_DESK: ("info_desk", InfoDesk),
    }
    if kind not in NetworkItemKind.values:
        errors["kind"] = _("Choose what to publish.")
    elif kind in expected:
        field, model = expected[kind]
        if not isinstance(record, model):
            errors[field] = _("Choose the record to publish.")
        else:
            fields[field] = record
            if live_network_publications().filter(**{field: record}).exists():
                errors[field] = _("This record is already on the public site.")
    elif kind == NetworkItemKind.NEWS:
        if not title:
            errors["title"] = _("Give the news a title.")
        if not public_text:
            errors["public_text"] = _("Write the news.")
    elif kind == NetworkItemKind.REPORT:
        if year is None or not 2000 <= year <= 2100:
            errors["year"] = _("Give the report's year.")
        elif not annual_report_path(year).is_file():
            errors["year"] = _(
                "There is no report of %(year)d to publish: build it first (manage.py "
                "build_report --year %(year)d)."
            ) % {"year": year}
        elif live_network_publications().filter(kind=kind, year=year).exists():
            errors["year"] = _("This report is already on the public site.")
    for name, value in (("title", title), ("public_text", public_text)):
        if _has_markup(value):
            errors[name] = _("Plain text only: no markup or scripts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        publication = NetworkPublication.objects.create(
            kind=kind,
            year=year if kind == NetworkItemKind.REPORT else None,
            title=title[:200],
            public_text=public_text,
            published_by=origin.actor,
            **fields,
        )
        audit.record(
            NetworkAction.PUBLISHED,
            origin=origin,
            obj=publication,
            details={"kind": kind, "record": publication.record_label},
        )
    return publication


def withdraw_network_item(publication: NetworkPublication, *, origin: Origin) -> None:
    """Take a record, news or report off the public site (its cached pages go at once)."""
    _coordinator_only(origin)
    if publication.withdrawn_at is not None:
        return
    with transaction.atomic():
        publication.withdrawn_at = timezone.now()
        publication.withdrawn_by = origin.actor
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit.record(
            NetworkAction.WITHDRAWN,
            origin=origin,
            obj=publication,
            details={"kind": publication.kind, "record": publication.record_label},
        )
