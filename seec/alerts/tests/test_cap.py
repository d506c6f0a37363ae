"""CAP 1.2 messages: valid against the OASIS schema, signed, refused when they would not be."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from seec.alerts import cap

SENT = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
ATTICA = cap.CapArea(
    description="Attica",
    polygon=((38.25, 23.35), (38.25, 24.10), (37.70, 24.10), (37.70, 23.35)),
    geocodes=(("ISO3166-1", "GR"),),
)


def info(language="el", **overrides):
    fields = {
        "language": language,
        "headline": "ΣΥΝΑΓΕΡΜΟΣ ΓΙΑ ΠΑΙΔΙ: Μαρία, 12",
        "description": "Η Μαρία, 12 ετών, εθεάθη στην Αθήνα.",
        "instruction": "Καλέστε το 112.",
        "web": "https://alerts.example/alerts/public/GR-1/",
        "contact": "112",
        "sender_name": "Hellenic Police",
        "expires": SENT + timedelta(hours=6),
        "resources": (
            cap.CapResource(
                "Photo of the child",
                "image/jpeg",
                "https://alerts.example/p.jpg",
                size=1024,
                digest="a" * 40,
            ),
        ),
        "areas": (ATTICA, cap.CapArea(description="Centre", circle=(37.98, 23.72, 10.0))),
    }
    fields.update(overrides)
    return cap.CapInfo(**fields)


def message(**overrides):
    fields = {
        "identifier": "SEEC-GR-1-1",
        "sender": "alerts@seec.example",
        "sent": SENT,
        "status": "Exercise",
        "msg_type": "Alert",
        "infos": (info("el"), info("en", headline="CHILD ALERT: Maria, 12")),
    }
    fields.update(overrides)
    return cap.CapMessage(**fields)


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    return cap.SigningKey.load(tmp_path_factory.mktemp("cap"))


def test_an_alert_in_two_languages_is_signed_valid_and_verifies(key):
    xml = cap.render(message(), key)
    cap.validate(xml)
    root = cap.verify(xml, key.cert_pem)
    ns = {"c": cap.CAP_NS}
    assert [i.findtext("c:language", namespaces=ns) for i in root.findall("c:info", ns)] == [
        "el",
        "en",
    ]
    assert root.findtext("c:info/c:eventCode/c:value", namespaces=ns) == "CAE"
    assert root.findtext("c:info/c:area/c:polygon", namespaces=ns).count(" ") == 4  # closed


def test_update_and_cancel_reference_every_earlier_message(key):
    earlier = (("alerts@seec.example", "SEEC-GR-1-1", SENT),
               ("alerts@seec.example", "SEEC-GR-1-2", SENT + timedelta(minutes=5)))  # fmt: skip
    for kind in ("Update", "Cancel"):
        xml = cap.render(message(identifier=f"SEEC-GR-1-{kind}", msg_type=kind,
                                 references=earlier), key)  # fmt: skip
        references = etree.fromstring(xml).findtext(f"{{{cap.CAP_NS}}}references")
        assert "SEEC-GR-1-1" in references and "SEEC-GR-1-2" in references
    with pytest.raises(cap.CapError) as error:
        cap.build(message(msg_type="Cancel"))
    assert "references" in str(error.value)


def test_a_message_changed_after_signing_fails_verification(key):
    xml = cap.render(message(), key)
    tampered = xml.replace("Μαρία".encode(), "Ελένη".encode(), 1)
    with pytest.raises(cap.CapError) as error:
        cap.verify(tampered, key.cert_pem)
    assert "signature" in str(error.value)


def test_a_self_crossing_outline_is_refused_naming_the_area():
    bow_tie = cap.CapArea(description="Bow tie", polygon=((38.0, 23.0), (38.5, 24.0),
                                                          (38.0, 24.0), (38.5, 23.0)))  # fmt: skip
    problems = cap.area_problems(bow_tie)
    assert problems and "Bow tie" in problems[0]
    with pytest.raises(cap.CapError):
        cap.build(message(infos=(info(areas=(bow_tie,)),)))


def test_a_point_off_the_map_is_refused():
    problems = cap.area_problems(cap.CapArea("North", polygon=((98.0, 23.0), (38.0, 24.0),
                                                                 (38.5, 23.0))))  # fmt: skip
    assert any("-90..90" in p for p in problems)


def test_cap_times_have_seconds_and_a_numeric_offset():
    assert cap.cap_datetime(datetime(2026, 11, 28, 14, 39, 1, 500, tzinfo=UTC)) == (
        "2026-11-28T14:39:01+00:00"
    )
    athens = timezone(timedelta(hours=2))
    assert cap.cap_datetime(SENT.astimezone(athens)) == "2026-11-28T17:00:00+02:00"


def test_the_schema_refuses_a_broken_message_naming_the_element():
    xml = etree.tostring(cap.build(message()))
    broken = xml.replace(b"<msgType>Alert</msgType>", b"<msgType>Foo</msgType>")
    with pytest.raises(cap.CapError) as error:
        cap.validate(broken)
    assert "msgType" in str(error.value)


def test_the_signing_key_is_made_once_and_kept_private(tmp_path):
    first = cap.SigningKey.load(tmp_path)
    cap._load_key.cache_clear()
    again = cap.SigningKey.load(tmp_path)
    assert again.cert_pem == first.cert_pem
    assert (tmp_path / "cap-signing-key.pem").stat().st_mode & 0o777 == 0o600


def test_the_atom_feed_has_one_entry_per_alert_linking_its_cap_message():
    body = cap.atom_feed(
        feed_id="https://alerts.example/alerts/feed.atom",
        title="Child alerts",
        self_url="https://alerts.example/alerts/feed.atom",
        updated=SENT,
        entries=[
            cap.FeedEntry(
                "SEEC-GR-1-2",
                "Maria",
                SENT,
                "https://a.example/SEEC-GR-1-2.xml",
                "https://a.example/GR-1/",
            ),
            cap.FeedEntry(
                "SEEC-RS-2-1",
                "Jovana",
                SENT,
                "https://a.example/SEEC-RS-2-1.xml",
                "https://a.example/RS-2/",
            ),
        ],
    )
    feed = etree.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 2
    links = entries[0].findall(f"{atom}link")
    assert any(
        link.get("type") == "application/cap+xml" and link.get("href").endswith("1-2.xml")
        for link in links
    )
