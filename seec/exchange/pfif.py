"""PFIF 1.4 (People Finder Interchange Format): our validator, the export of the cases a
centre marked for publication, and the import from another PFIF repository.

The validator checks every rule of the specification that a document can break, and lists
every problem it finds (with the record and the line), never only the first:
- the document: well-formed UTF-8 XML whose root is `pfif` in the PFIF 1.4 namespace, holding
  only `person` and `note` elements (elements of other namespaces are extensions, ignored);
- each record: only the fields PFIF 1.4 defines for it, each at most once; the mandatory
  fields present and not empty (person: person_record_id, full_name; note: note_record_id,
  author_name, source_date, text, and person_record_id for a note outside a person);
- formats: record ids `domain/local-id`; dates `yyyy-mm-ddThh:mm:ssZ` in UTC; sex
  female/male/other; date_of_birth YYYY, YYYY-MM or YYYY-MM-DD (a real date); age a number or
  an ascending range "a-b"; home_country two capitals; author_made_contact true/false; status
  one of the five note statuses; e-mail addresses and URLs (profile_urls one per line);
- identity: person_record_ids unique among persons, note_record_ids among notes; a note
  inside a person belongs to it (its person_record_id, if given, is that person's); every
  note belongs to a person of the document (or one already imported);
- expiry: a record past its expiry_date is a placeholder: it carries nothing but its id and
  dates;
- authority: every record comes from the domain the repository is authorised for (its
  record ids' domain), never from ours.

A document with any problem imports nothing.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from seec.cases.models import Case, Status
from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability

from .models import PfifImport, PfifNote, PfifPerson, PfifPublication

NS = "http://zesty.ca/pfif/1.4"
PERSON_FIELDS = [
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name", "given_name",
    "family_name", "alternate_names", "description", "sex", "date_of_birth", "age",
    "home_street", "home_neighborhood", "home_city", "home_state", "home_postal_code",
    "home_country", "photo_url", "profile_urls",
]  # fmt: skip
NOTE_FIELDS = [
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "author_made_contact",
    "status", "email_of_found_person", "phone_of_found_person", "last_known_location",
    "text", "photo_url",
]  # fmt: skip
PERSON_MANDATORY = ["person_record_id", "full_name"]
NOTE_MANDATORY = ["note_record_id", "author_name", "source_date", "text"]
# What an expired record keeps (the rest is deleted when it expires).
PLACEHOLDER = {"person_record_id", "entry_date", "expiry_date", "source_date"}
NOTE_STATUSES = {
    "information_sought", "is_note_author", "believed_alive", "believed_missing",
    "believed_dead",
}  # fmt: skip
RECORD_ID = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/\S+$"
)
UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE_OF_BIRTH = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
AGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


class PfifAction:
    IMPORTED = "pfif.imported"
    REFUSED = "pfif.refused"
    EXPORTED = "pfif.exported"
    PUBLISHED = "pfif.published"
    WITHDRAWN = "pfif.withdrawn"


audit.ACTION_LABELS.update(
    {
        PfifAction.IMPORTED: gettext_lazy("PFIF document imported"),
        PfifAction.REFUSED: gettext_lazy("PFIF document refused"),
        PfifAction.EXPORTED: gettext_lazy("PFIF document exported"),
        PfifAction.PUBLISHED: gettext_lazy("Case marked for publication (PFIF)"),
        PfifAction.WITHDRAWN: gettext_lazy("Case no longer published (PFIF)"),
    }
)


@dataclass
class Record:
    kind: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    parent: "Record | None" = None
    notes: list["Record"] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return self.fields.get(f"{self.kind}_record_id", "")


@dataclass
class Document:
    persons: list[Record]
    notes: list[Record]
    problems: list[str]


def _where(record: Record) -> str:
    ident = record.record_id or _("(no id)")
    return _("line %(line)s, %(kind)s %(id)s") % {"line": record.line, "kind": record.kind,
                                                  "id": ident}  # fmt: skip


def _utc(value: str) -> datetime | None:
    if not UTC_TIME.match(value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _field_problems(record: Record) -> list[str]:
    problems, f, where = [], record.fields, _where(record)

    def bad(name, rule):
        problems.append(f"{where}: {name} {rule}")

    for name in ("person_record_id", "note_record_id", "linked_person_record_id"):
        if f.get(name) and not RECORD_ID.match(f[name]):
            bad(name, _("must be a domain name, a slash and the record's own id"))
    for name in ("entry_date", "expiry_date", "source_date"):
        if f.get(name) and _utc(f[name]) is None:
            bad(name, _("must be a UTC time written yyyy-mm-ddThh:mm:ssZ"))
    if f.get("sex") and record.kind == "person" and f["sex"] not in ("female", "male", "other"):
        bad("sex", _("must be female, male or other"))
    if f.get("date_of_birth") and record.kind == "person":
        match = DATE_OF_BIRTH.match(f["date_of_birth"])
        try:
            if not match:
                raise ValueError
            year, month, day = (int(part) if part else 1 for part in match.groups())
            date(year, month, day)
        except ValueError:
            bad("date_of_birth", _("must be a real date written YYYY, YYYY-MM or YYYY-MM-DD"))
    if f.get("age") and record.kind == "person":
        match = AGE.match(f["age"])
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            bad("age", _("must be a number of years or a range low-high"))
    if f.get("home_country") and not re.fullmatch(r"[A-Z]{2}", f["home_country"]):
        bad("home_country", _("must be an ISO 3166-1 code of two capitals"))
    if f.get("author_made_contact") and f["author_made_contact"] not in ("true", "false"):
        bad("author_made_contact", _("must be true or false"))
    if f.get("status") and f["status"] not in NOTE_STATUSES:
        bad("status", _("must be one of %(values)s") % {"values": ", ".join(sorted(NOTE_STATUSES))})
    for name in ("author_email", "email_of_found_person"):
        if f.get(name):
            try:
                _email(f[name])
            except ValidationError:
                bad(name, _("is not an e-mail address"))
    urls = [f[n] for n in ("source_url", "photo_url") if f.get(n)]
    urls += [line.strip() for line in f.get("profile_urls", "").splitlines() if line.strip()]
    for url in urls:
        try:
            _url(url)
        except ValidationError:
            bad("url", _("%(url)s is not an http(s) address") % {"url": url[:200]})
    expiry = _utc(f.get("expiry_date", ""))
    if expiry is not None and expiry < timezone.now():
        extra = sorted(name for name, value in f.items() if value and name not in PLACEHOLDER)
        if extra:
            bad("expiry_date", _("has passed, yet the record still carries %(fields)s")
                % {"fields": ", ".join(extra)})  # fmt: skip
    return problems


def _read_record(element, kind: str, allowed: list[str], parent=None) -> tuple[Record, list]:
    record, problems = Record(kind=kind, line=element.sourceline or 0, parent=parent), []
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        qname = etree.QName(child)
        if qname.namespace != NS:
            continue  # an extension: another namespace's element is allowed and ignored
        name = qname.localname
        if kind == "person" and name == "note":
            note, found = _read_record(child, "note", NOTE_FIELDS, parent=record)
            record.notes.append(note)
            problems += found
            continue
        if name not in allowed:
            problems.append(f"{_where(record)}: " + _("%(name)s is not a PFIF 1.4 %(kind)s field")
                            % {"name": name, "kind": kind})  # fmt: skip
            continue
        if name in record.fields:
            problems.append(f"{_where(record)}: " + _("%(name)s appears twice") % {"name": name})
        if len(child):
            problems.append(f"{_where(record)}: " + _("%(name)s must hold text only")
                            % {"name": name})  # fmt: skip
        record.fields[name] = (child.text or "").strip()
    mandatory = PERSON_MANDATORY if kind == "person" else NOTE_MANDATORY
    if kind == "note" and parent is None:
        mandatory = [*mandatory, "person_record_id"]
    for name in mandatory:
        if not record.fields.get(name):
            problems.append(f"{_where(record)}: " + _("%(name)s is mandatory and missing")
                            % {"name": name})  # fmt: skip
    if kind == "note" and parent is not None:
        own = record.fields.get("person_record_id")
        if own and own != parent.record_id:
            problems.append(f"{_where(record)}: " + _(
                "is inside person %(parent)s but names person %(own)s")
                % {"parent": parent.record_id, "own": own})  # fmt: skip
        record.fields.setdefault("person_record_id", parent.record_id)
    return record, problems + _field_problems(record)


def read(
    content: bytes, *, authorised_domain: str, known_persons=frozenset(), ours_allowed=False
) -> Document:
    """Parse and check a PFIF 1.4 document; `problems` lists everything wrong with it.
    `ours_allowed` reads our own export (an import refuses our own records)."""
    problems: list[str] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        return Document([], [], [_("Not well-formed XML: %(e)s") % {"e": error}])
    if etree.QName(root).namespace != NS or etree.QName(root).localname != "pfif":
        wrong_root = _("The root element must be pfif in the PFIF 1.4 namespace %(ns)s")
        return Document([], [], [wrong_root % {"ns": NS}])
    persons, notes = [], []
    for child in root:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != NS:
            continue
        name = etree.QName(child).localname
        if name == "person":
            person, found = _read_record(child, "person", PERSON_FIELDS)
            persons.append(person)
            notes += person.notes
            problems += found
        elif name == "note":
            note, found = _read_record(child, "note", NOTE_FIELDS)
            notes.append(note)
            problems += found
        else:
            problems.append(_("line %(line)s: %(name)s is not a PFIF 1.4 record")
                            % {"line": child.sourceline, "name": name})  # fmt: skip
    for kind, records in (("person", persons), ("note", notes)):
        seen: dict[str, int] = {}
        for record in records:
            if record.record_id in seen and record.record_id:
                problems.append(_("%(where)s: the same %(kind)s_record_id as line %(line)s")
                                % {"where": _where(record), "kind": kind,
                                   "line": seen[record.record_id]})  # fmt: skip
            seen.setdefault(record.record_id, record.line)
    ids = {p.record_id for p in persons} | set(known_persons)
    for note in notes:
        if note.parent is None and note.fields.get("person_record_id") not in ids:
            problems.append(_("%(where)s: belongs to no person of this document")
                            % {"where": _where(note)})  # fmt: skip
    own = settings.SEEC_PFIF_DOMAIN
    for record in persons + notes:
        domain = record.record_id.split("/", 1)[0].lower()
        if record.record_id and domain != authorised_domain.lower():
            problems.append(_("%(where)s: comes from %(domain)s, not from %(authorised)s, the "
                              "repository's authorised domain")
                            % {"where": _where(record), "domain": domain,
                               "authorised": authorised_domain})  # fmt: skip
        elif record.record_id and domain == own and not ours_allowed:
            problems.append(_("%(where)s: is one of our own records") % {"where": _where(record)})
    return Document(persons, notes, problems)


# --- Export ---------------------------------------------------------------------------------


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent, name: str, value) -> None:
    if value not in (None, ""):
        etree.SubElement(parent, f"{{{NS}}}{name}").text = str(value)


def export(organisation, *, origin: Origin) -> bytes:
    """The organisation's cases marked for publication, as PFIF 1.4 persons with a note on
    each child's status; what is published is the least that lets a family find them."""
    now = timezone.now()
    published = (
        PfifPublication.objects.filter(
            case__organisation=organisation, withdrawn_at__isnull=True, expires_at__gt=now
        )
        .select_related("case", "case__country")
        .order_by("pk")
    )
    root = etree.Element(f"{{{NS}}}pfif", nsmap={"pfif": NS})
    domain = settings.SEEC_PFIF_DOMAIN
    count = 0
    for publication in published:
        case = publication.case
        person = etree.SubElement(root, f"{{{NS}}}person")
        record_id = f"{domain}/{case.number}"
        _sub(person, "person_record_id", record_id)
        _sub(person, "entry_date", _utc_text(publication.marked_at))
        _sub(person, "expiry_date", _utc_text(publication.expires_at))
        _sub(person, "author_name", str(organisation))
        _sub(person, "source_name", settings.SEEC_NODE_NAME)
        _sub(person, "source_date", _utc_text(case.opened_at))
        _sub(person, "full_name", case.child_name)
        _sub(person, "given_name", case.given_names)
        _sub(person, "family_name", case.family_name)
        _sub(person, "alternate_names", case.other_names)
        _sub(person, "sex", case.sex if case.sex in ("female", "male", "other") else "")
        _sub(person, "age", case.age_at(case.opened_at))
        _sub(person, "home_country", case.country_id)
        note = etree.SubElement(person, f"{{{NS}}}note")
        _sub(note, "note_record_id", f"{domain}/{case.number}.status.{case.status}")
        _sub(note, "person_record_id", record_id)
        _sub(note, "entry_date", _utc_text(publication.marked_at))
        _sub(note, "author_name", str(organisation))
        _sub(note, "source_date", _utc_text(case.updated_at))
        found = case.status in (Status.FOUND,) or case.found_at is not None
        _sub(note, "status", "believed_alive" if found else "believed_missing")
        _sub(note, "text", _("Found.") if found else _("Missing; last seen %(day)s.")
             % {"day": case.last_seen_at.date().isoformat()})  # fmt: skip
        count += 1
    content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    # A read of the published records: staged, not chained in the request.
    audit.record_read(
        PfifAction.EXPORTED,
        origin=origin,
        obj=organisation,
        details={"persons": count, "sha256": hashlib.sha256(content).hexdigest()},
    )
    return content


@transaction.atomic
def publish_case(case: Case, *, origin: Origin, consent_note: str, days: int = 30):
    """Mark a case for publication as PFIF, with the consent recorded for it."""
    if not policy.can(origin.actor, Act.SHARE, case):
        raise PermissionDenied(_("You may not publish this case."))
    if not consent_note.strip():
        raise ValidationError({"consent_note": _("Record the consent to publish this case.")})
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("Between 1 and 365 days.")})
    publication, _created = PfifPublication.objects.update_or_create(
        case=case,
        defaults={
            "consent_note": consent_note,
            "marked_by": origin.actor,
            "marked_at": timezone.now(),
            "expires_at": timezone.now() + timedelta(days=days),
            "withdrawn_at": None,
        },
    )
    audit.record(PfifAction.PUBLISHED, origin=origin, obj=case, reason=consent_note,
                 details={"until": publication.expires_at.isoformat()})  # fmt: skip
    return publication


# --- Import ---------------------------------------------------------------------------------


class PfifRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def import_document(content: bytes, *, origin: Origin, repository_domain: str) -> PfifImport:
    """Import a PFIF 1.4 document from the repository authorised for `repository_domain`:
    every problem listed and nothing imported if there is one."""
    user = origin.actor
    if not policy.has(user, Capability.SHARE_RECORDS) or user.organisation_id is None:
        raise PermissionDenied(_("Your roles do not allow importing PFIF."))
    repository_domain = repository_domain.strip().lower()
    if not repository_domain or "/" in repository_domain:
        raise ValidationError({"repository_domain": _("Give the repository's domain name.")})
    if len(content) > settings.SEEC_PFIF_MAX_BYTES:
        raise PfifRefused([_("The file is larger than %(mb)s MB.")
                           % {"mb": settings.SEEC_PFIF_MAX_BYTES // 2**20}])  # fmt: skip
    known = set(
        PfifPerson.objects.filter(organisation_id=user.organisation_id).values_list(
            "record_id", flat=True
        )
    )
    document = read(content, authorised_domain=repository_domain, known_persons=known)
    sha256 = hashlib.sha256(content).hexdigest()
    if document.problems:
        with transaction.atomic():
            audit.record(PfifAction.REFUSED, origin=origin, obj=user.organisation,
                         details={"sha256": sha256, "problems": len(document.problems),
                                  "first": document.problems[:5]})  # fmt: skip
        raise PfifRefused(document.problems)
    with transaction.atomic():
        batch = PfifImport.objects.create(
            organisation_id=user.organisation_id,
            repository_domain=repository_domain,
            imported_by=user,
            sha256=sha256,
            persons=len(document.persons),
            notes=len(document.notes),
        )
        rows = {}
        for person in document.persons:
            row, _created = PfifPerson.objects.update_or_create(
                organisation_id=user.organisation_id,
                record_id=person.record_id,
                defaults={
                    "source": batch,
                    "full_name": person.fields.get("full_name", "")[:500],
                    "fields": person.fields,
                    "expiry_date": _utc(person.fields.get("expiry_date", "")),
                },
            )
            rows[person.record_id] = row
        for note in document.notes:
            person_id = note.fields["person_record_id"]
            row = rows.get(person_id) or PfifPerson.objects.get(
                organisation_id=user.organisation_id, record_id=person_id
            )
            PfifNote.objects.update_or_create(
                person=row, record_id=note.record_id, defaults={"fields": note.fields}
            )
        audit.record(PfifAction.IMPORTED, origin=origin, obj=batch,
                     details={"persons": batch.persons, "notes": batch.notes,
                              "domain": repository_domain, "sha256": sha256})  # fmt: skip
    return batch
