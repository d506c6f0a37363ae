"""CAP 1.2 messages: valid against the official OASIS schema, signed and verifiable, and refused
before they are sent when they would not be; and the Atom feed that points to them."""

import shutil
from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from seec.alerts import cap

NS = {"c": cap.CAP_NS, "ds": "http://www.w3.org/2000/09/xmldsig#"}
SENT = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
ATHENS = timezone(timedelta(hours=2))
ATTICA = cap.CapArea(
    description="Attica",
    # Not closed by the caller: build() repeats the first point.
    polygon=((38.25, 23.35), (38.25, 24.10), (37.70, 24.10), (37.70, 23.35)),
)
CENTRE = cap.CapArea(description="Athens centre", circle=(37.98, 23.72, 10.0))
REGION = cap.CapArea(description="Attica region", geocodes=(("ISO3166-2", "GR-I"),))
PHOTO = cap.CapResource(
    description="Photo of the child",
    mime_type="image/jpeg",
    uri="https://alerts.example/alerts/public/GR-1/photo.jpg",
    size=20480,
    digest="3c1b9a6e0f5d4c2b1a09f8e7d6c5b4a392817160",
)


def info(language="el-GR", **overrides):
    fields = {
        "language": language,
        "headline": "ΣΥΝΑΓΕΡΜΟΣ ΓΙΑ ΠΑΙΔΙ: Μαρία, 12 ετών",
        "description": "Η Μαρία, 12 ετών, εθεάθη τελευταία φορά στην Αθήνα.",
        "instruction": "Αν τη δείτε, καλέστε αμέσως το 112.",
        "web": "https://alerts.example/alerts/public/GR-1/?lang=el",
        "contact": "112",
        "sender_name": "Hellenic Police",
        "expires": SENT + timedelta(hours=6),
        "resources": (PHOTO,),
        "areas": (ATTICA, CENTRE, REGION),
    }
    fields.update(overrides)
    return cap.CapInfo(**fields)


ENGLISH = {
    "headline": "CHILD ALERT: Maria, 12",
    "description": "Maria, 12, was last seen in Athens.",
    "instruction": "If you see her, call 112 at once.",
    "web": "https://alerts.example/alerts/public/GR-1/?lang=en",
}


def message(**overrides):
    fields = {
        "identifier": "SEEC-GR-1-1",
        "sender": "alerts@seec.example",
        "sent": SENT,
        "status": "Exercise",
        "msg_type": "Alert",
        "infos": (info("el-GR"), info("en-GB", **ENGLISH)),
    }
    fields.update(overrides)
    return cap.CapMessage(**fields)


def local_names(element):
    return [etree.QName(child).localname for child in element]


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cap")


@pytest.fixture(scope="module")
def key(key_dir):
    return cap.SigningKey.load(directory=key_dir)


# --- A full alert ----------------------------------------------------------------------------


def test_an_alert_in_greek_and_english_with_photo_and_areas_is_signed_valid_and_verifies(key):
    xml = cap.render(message(), key)

    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    cap.validate(xml)
    root = cap.verify(xml, key.cert_pem)
    infos = root.findall("c:info", NS)
    assert [i.findtext("c:language", namespaces=NS) for i in infos] == ["el-GR", "en-GB"]
    assert infos[0].findtext("c:headline", namespaces=NS) == "ΣΥΝΑΓΕΡΜΟΣ ΓΙΑ ΠΑΙΔΙ: Μαρία, 12 ετών"
    assert infos[1].findtext("c:headline", namespaces=NS) == "CHILD ALERT: Maria, 12"
    assert local_names(root) == [
        "identifier", "sender", "sent", "status", "msgType", "scope", "info", "info",
    ]  # fmt: skip
    assert local_names(infos[0]) == [
        "language", "category", "event", "responseType", "urgency", "severity", "certainty",
        "eventCode", "expires", "senderName", "headline", "description", "instruction", "web",
        "contact", "resource", "area", "area", "area",
    ]  # fmt: skip
    assert root.findtext("c:sent", namespaces=NS) == "2026-11-28T15:00:00-00:00"
    assert root.findtext("c:info/c:eventCode/c:value", namespaces=NS) == "CAE"
    resource = infos[0].find("c:resource", NS)
    assert local_names(resource) == ["resourceDesc", "mimeType", "size", "uri", "digest"]
    assert resource.findtext("c:digest", namespaces=NS) == PHOTO.digest
    polygon, circle, region = infos[0].findall("c:area", NS)
    assert polygon.findtext("c:polygon", namespaces=NS) == (
        "38.25,23.35 38.25,24.1 37.7,24.1 37.7,23.35 38.25,23.35"
    )
    assert circle.findtext("c:circle", namespaces=NS) == "37.98,23.72 10"
    assert region.findtext("c:geocode/c:valueName", namespaces=NS) == "ISO3166-2"
    assert region.findtext("c:geocode/c:value", namespaces=NS) == "GR-I"


def test_the_signature_is_the_last_child_rsa_sha256_with_the_certificate(key):
    signed = etree.fromstring(cap.render(message(), key))

    signature = signed[-1]
    assert signature.tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm")
    assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    digest = signature.find("ds:SignedInfo/ds:Reference/ds:DigestMethod", NS).get("Algorithm")
    assert digest == "http://www.w3.org/2001/04/xmlenc#sha256"
    embedded = signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS)
    assert "".join(embedded.split()) in "".join(key.cert_pem.decode().split())


def test_an_unsigned_message_renders_valid_without_a_signature():
    xml = cap.render(message(), None)

    cap.validate(xml)
    assert etree.fromstring(xml).find("ds:Signature", NS) is None


def test_update_and_cancel_reference_every_earlier_message_and_validate(key):
    first = ("alerts@seec.example", "SEEC-GR-1-1", SENT)
    second = (
        "alerts@seec.example",
        "SEEC-GR-1-2",
        (SENT + timedelta(minutes=5)).astimezone(ATHENS),
    )

    update = cap.render(
        message(identifier="SEEC-GR-1-2", msg_type="Update", references=(first,)), key
    )
    cancel = cap.render(
        message(identifier="SEEC-GR-1-3", msg_type="Cancel", references=(first, second)), key
    )

    for xml in (update, cancel):
        cap.validate(xml)
        cap.verify(xml, key.cert_pem)
    assert etree.fromstring(update).findtext("c:references", namespaces=NS) == (
        "alerts@seec.example,SEEC-GR-1-1,2026-11-28T15:00:00-00:00"
    )
    assert etree.fromstring(cancel).findtext("c:references", namespaces=NS) == (
        "alerts@seec.example,SEEC-GR-1-1,2026-11-28T15:00:00-00:00 "
        "alerts@seec.example,SEEC-GR-1-2,2026-11-28T17:05:00+02:00"
    )


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_an_update_or_cancel_without_references_is_refused(msg_type):
    with pytest.raises(cap.CapError) as error:
        cap.build(message(msg_type=msg_type))
    assert any(p.startswith("references") for p in error.value.problems)


@pytest.mark.parametrize(
    ("overrides", "element"),
    [
        ({"status": "Draft"}, "status"),
        ({"msg_type": "Foo"}, "msgType"),
        ({"scope": "Private"}, "scope"),
        ({"identifier": "SEEC GR,1"}, "identifier"),
        ({"sender": "alerts&co"}, "sender"),
        ({"sent": datetime(2026, 11, 28, 15, 0)}, "sent"),  # naive on purpose
        ({"infos": ()}, "info"),
    ],
)
def test_build_refuses_what_cap_does_not_allow_naming_the_element(overrides, element):
    with pytest.raises(cap.CapError) as error:
        cap.build(message(**overrides))
    assert any(p.startswith(element) for p in error.value.problems), error.value.problems


def test_render_refuses_what_the_schema_refuses():
    # "not a language" is no xs:language: build() leaves that check to the schema.
    with pytest.raises(cap.CapError) as error:
        cap.render(message(infos=(info("not a language"),)), None)
    assert "language" in str(error.value)


# --- Signatures ------------------------------------------------------------------------------


def test_a_message_whose_headline_is_changed_after_signing_fails_verification(key):
    xml = cap.render(message(), key)
    tampered = xml.replace(b"CHILD ALERT: Maria, 12", b"CHILD ALERT: Maria, 13")
    assert tampered != xml

    with pytest.raises(cap.CapError) as error:
        cap.verify(tampered, key.cert_pem)
    assert error.value.problems[0].startswith("signature")


def test_a_message_without_a_signature_fails_verification(key):
    with pytest.raises(cap.CapError) as error:
        cap.verify(cap.render(message(), None), key.cert_pem)
    assert error.value.problems[0].startswith("signature")


def test_a_signature_does_not_verify_with_another_certificate(key, tmp_path):
    other = cap.SigningKey.load(directory=tmp_path)

    with pytest.raises(cap.CapError) as error:
        cap.verify(cap.render(message(), key), other.cert_pem)
    assert error.value.problems[0].startswith("signature")


# --- Areas -----------------------------------------------------------------------------------


def test_a_bow_tie_outline_is_refused_naming_the_area():
    bow_tie = cap.CapArea(
        description="Bow tie",
        polygon=((38.0, 23.0), (38.5, 24.0), (38.0, 24.0), (38.5, 23.0)),
    )

    problems = cap.area_problems(bow_tie)
    assert len(problems) == 1
    assert "'Bow tie'" in problems[0] and "cross itself" in problems[0]
    with pytest.raises(cap.CapError) as error:
        cap.build(message(infos=(info(areas=(bow_tie,)),)))
    assert "Bow tie" in str(error.value)


def test_a_latitude_out_of_range_is_refused():
    north = cap.CapArea("Far north", polygon=((98.0, 23.0), (38.0, 24.0), (38.5, 23.5)))
    centre = cap.CapArea("Far north circle", circle=(-91.0, 23.0, 5.0))

    assert any("'Far north'" in p and "-90..90" in p for p in cap.area_problems(north))
    assert any("-90..90" in p for p in cap.area_problems(centre))
    with pytest.raises(cap.CapError):
        cap.build(message(infos=(info(areas=(north,)),)))


def test_an_outline_already_closed_by_the_caller_is_not_closed_twice():
    closed = cap.CapArea("Closed", polygon=(*ATTICA.polygon, ATTICA.polygon[0]))
    root = cap.build(message(infos=(info(areas=(closed,)),)))

    assert root.findtext("c:info/c:area/c:polygon", namespaces=NS).count(" ") == 4


@pytest.mark.parametrize(
    ("area", "words"),
    [
        (cap.CapArea("Line", polygon=((38.0, 23.0), (38.5, 24.0))), "three distinct points"),
        (cap.CapArea("Nothing"), "outline"),
        (cap.CapArea("", geocodes=(("ISO3166-2", "GR-I"),)), "description"),
        (cap.CapArea("Dot", circle=(38.0, 23.0, 0.0)), "positive radius"),
        (cap.CapArea("Nan", circle=(38.0, 23.0, float("nan"))), "positive radius"),
    ],
)
def test_an_area_without_a_usable_shape_or_description_is_refused(area, words):
    assert any(words in p for p in cap.area_problems(area))


def test_a_good_area_has_no_problems():
    for area in (ATTICA, CENTRE, REGION):
        assert cap.area_problems(area) == []


# --- Times -----------------------------------------------------------------------------------


def test_cap_datetime_writes_seconds_and_a_numeric_offset_never_z_or_fractions():
    utc = cap.cap_datetime(datetime(2026, 11, 28, 14, 39, 1, 500_000, tzinfo=UTC))
    athens = cap.cap_datetime(datetime(2026, 11, 28, 14, 39, 1, 999, tzinfo=ATHENS))
    west = cap.cap_datetime(datetime(2026, 11, 28, 14, 39, 1, tzinfo=timezone(-timedelta(hours=5))))

    # CAP 1.2 (3.3.2): the timezone for UTC is written "-00:00".
    assert utc == "2026-11-28T14:39:01-00:00"
    assert athens == "2026-11-28T14:39:01+02:00"
    assert west == "2026-11-28T14:39:01-05:00"
    for text in (utc, athens, west):
        assert "Z" not in text and "." not in text


def test_cap_datetime_refuses_a_time_without_a_zone():
    with pytest.raises(cap.CapError):
        cap.cap_datetime(datetime(2026, 11, 28, 14, 39, 1))  # naive on purpose


# --- The schema ------------------------------------------------------------------------------


def test_the_schema_refuses_an_unknown_msgtype_naming_the_element():
    xml = etree.tostring(cap.build(message()))
    broken = xml.replace(b"<msgType>Alert</msgType>", b"<msgType>Foo</msgType>")
    assert broken != xml

    with pytest.raises(cap.CapError) as error:
        cap.validate(broken)
    assert any("'msgType'" in p and p.startswith("line ") for p in error.value.problems)


def test_the_schema_refuses_elements_out_of_order_naming_the_element():
    root = cap.build(message())
    identifier = root[0]
    root.remove(identifier)
    root.insert(1, identifier)  # sender now comes before identifier
    assert local_names(root)[:2] == ["sender", "identifier"]

    with pytest.raises(cap.CapError) as error:
        cap.validate(etree.tostring(root))
    assert any("'sender'" in p for p in error.value.problems), error.value.problems


def test_validate_refuses_xml_that_is_not_well_formed():
    with pytest.raises(cap.CapError) as error:
        cap.validate(b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>")
    assert "well-formed" in str(error.value)


# --- The signing key -------------------------------------------------------------------------


def test_a_signing_key_is_created_once_kept_private_and_reused(tmp_path, settings):
    directory = tmp_path / "cap"  # does not exist yet: load() creates it

    first = cap.SigningKey.load(directory=directory)
    again = cap.SigningKey.load(directory=directory)
    settings.SEEC_CAP_KEY_DIR = directory
    from_settings = cap.SigningKey.load()

    assert (directory / cap.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert again.cert_pem == first.cert_pem and again.key_pem == first.key_pem
    assert from_settings.cert_pem == first.cert_pem
    assert b"PRIVATE KEY" not in repr(first).encode()
    assert first.private_key.key_size == 3072


def test_a_lost_certificate_is_remade_for_the_same_key(key, key_dir, tmp_path):
    shutil.copy(key_dir / cap.KEY_FILE, tmp_path / cap.KEY_FILE)  # the certificate is lost

    remade = cap.SigningKey.load(directory=tmp_path)

    assert remade.key_pem == key.key_pem and remade.cert_pem != key.cert_pem
    # Same key: what was signed before still verifies with the new certificate.
    cap.verify(cap.render(message(), key), remade.cert_pem)


# --- The Atom feed ---------------------------------------------------------------------------


def test_the_atom_feed_has_one_entry_per_alert_linking_its_cap_message_and_page():
    body = cap.atom_feed(
        feed_id="https://alerts.example/alerts/feed.atom",
        title="Child alerts",
        self_url="https://alerts.example/alerts/feed.atom",
        updated=SENT.astimezone(ATHENS),
        entries=[
            cap.FeedEntry(
                identifier="SEEC-GR-1-2",
                title="ΣΥΝΑΓΕΡΜΟΣ ΓΙΑ ΠΑΙΔΙ: Μαρία, 12",
                updated=SENT,
                cap_url="https://alerts.example/alerts/cap/SEEC-GR-1-2.xml",
                page_url="https://alerts.example/alerts/public/GR-1/",
                summary="Καλέστε το 112.",
            ),
            cap.FeedEntry(
                identifier="SEEC-RS-2-1",
                title="Jovana, 9",
                updated=SENT - timedelta(hours=1),
                cap_url="https://alerts.example/alerts/cap/SEEC-RS-2-1.xml",
                page_url="https://alerts.example/alerts/public/RS-2/",
            ),
        ],
    )

    atom = {"a": cap.ATOM_NS}
    feed = etree.fromstring(body)
    assert feed.tag == f"{{{cap.ATOM_NS}}}feed"
    assert feed.findtext("a:updated", namespaces=atom) == "2026-11-28T15:00:00Z"
    assert feed.find("a:link[@rel='self']", atom).get("href").endswith("/feed.atom")
    assert feed.findtext("a:author/a:name", namespaces=atom)
    entries = feed.findall("a:entry", atom)
    assert [e.findtext("a:id", namespaces=atom) for e in entries] == [
        "urn:cap:SEEC-GR-1-2",
        "urn:cap:SEEC-RS-2-1",
    ]
    for entry, reference in zip(entries, ["SEEC-GR-1-2", "SEEC-RS-2-1"], strict=True):
        cap_link = entry.find("a:link[@rel='alternate']", atom)
        assert cap_link.get("type") == "application/cap+xml"
        assert cap_link.get("href").endswith(f"/{reference}.xml")
        page_link = entry.find("a:link[@rel='related']", atom)
        assert page_link.get("type") == "text/html"
        assert entry.findtext("a:title", namespaces=atom)
        assert entry.findtext("a:updated", namespaces=atom).endswith("Z")
    assert entries[0].findtext("a:summary", namespaces=atom) == "Καλέστε το 112."
    assert entries[1].find("a:summary", atom) is None
