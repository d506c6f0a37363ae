"""The demo region's children to be found by linkage: a Serbian girl reported in Cyrillic and
registered in Greece in Greek script with her birth date's day and month swapped, a
Macedonian boy who turns up in Albania, and a Greek case entered twice by two operators. A
run across RS, GR, MK and AL (or within GR) finds them for the review queue.

And a partner's list: a Greek reception centre's register of unaccompanied minors, uploaded
by the Greek hotline, in which the Macedonian boy was registered in Greek script on his way
south. A run against it over GR and MK finds him."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from seec.cases import services as case_services
from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import User

from .models import PartnerList
from .partner_mapping import Mapping

# (operator, given names, family name, sex, birth date, place, category, days ago)
CHILDREN = [
    ("operator.rs", "Јована", "Петровић", "female", date(2012, 3, 7), "Ниш", "runaway", 30),
    (
        "operator.gr",
        "Γιοβάνα",
        "Πέτροβιτς",
        "female",
        date(2012, 7, 3),
        "Θεσσαλονίκη",
        "migrant",
        12,
    ),
    ("operator.mk", "Стефан", "Николовски", "male", date(2010, 11, 21), "Битола", "runaway", 20),
    ("operator.al", "Stefan", "Nikolovski", "male", date(2010, 11, 21), "Korçë", "migrant", 9),
    ("operator.gr", "Δήμητρα", "Καραγιάννη", "female", date(2011, 5, 14), "Πάτρα", "runaway", 4),
    ("manager.gr", "Dimitra", "Karagianni", "female", date(2011, 5, 14), "Patra", "runaway", 3),
]


def seed(stdout) -> None:
    seed_children(stdout)
    seed_partner_list(stdout)


def seed_children(stdout) -> None:
    if Case.objects.filter(external_reference__startswith="DEMO-LINKAGE-").exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in={c[0] for c in CHILDREN})}
    if len(users) < len({c[0] for c in CHILDREN}):
        return  # a region without these countries' hotlines
    now = timezone.now()
    for number, (username, given, family, sex, born, place, category, days) in enumerate(
        CHILDREN, start=1
    ):
        case_services.open_case(
            origin=Origin(users[username]),
            fields={
                "given_names": given,
                "family_name": family,
                "sex": sex,
                "date_of_birth": born,
                "category": category,
                "last_seen_at": now - timedelta(days=days),
                "last_seen_place": place,
                "may_cross_border": category == "migrant",
                "external_reference": f"DEMO-LINKAGE-{number}",
            },
        )
    stdout.write("Demo children for linkage ready (a cross-border girl, boy and a duplicate).")


DEMO_LIST = "Reception centre register, Thessaloniki (demo)"
REGISTER_HEADER = (
    "Α/Α;Επώνυμο;Όνομα;Φύλο;Ημερομηνία γέννησης;Ηλικία;Υπηκοότητα;Ημερομηνία εισόδου;Δομή"
)
# (reference, family name, given name, sex, birth date, age, nationality, days ago, place)
REGISTER = [
    ("2417", "ΑΧΜΑΝΤΙ", "ΦΑΡΙΝΤ", "Α", "", "15", "Αφγανιστάν", 40, "Φυλάκιο Έβρου"),
    ("2418", "ΧΑΣΑΝ", "ΑΜΙΝΑ", "Θ", "14.08.2013", "", "SY", 33, "Θεσσαλονίκη"),
    ("2419", "ΚΑΝ", "ΙΜΡΑΝ", "Α", "", "16", "PK", 21, "Θεσσαλονίκη"),
    # The Macedonian boy of the cases above (Стефан Николовски, born 21 November 2010).
    ("2420", "ΝΙΚΟΛΟΒΣΚΙ", "ΣΤΕΦΑΝ", "Α", "21.11.2010", "", "MK", 15, "Θεσσαλονίκη"),
    ("2421", "ΑΛΙ", "ΖΑΧΡΑ", "Θ", "", "13", "IQ", 6, "Διαβατά"),
]
REGISTER_MAPPING = Mapping(
    columns={
        "partner_reference": "Α/Α",
        "family_name": "Επώνυμο",
        "given_name": "Όνομα",
        "sex": "Φύλο",
        "date_of_birth": "Ημερομηνία γέννησης",
        "age_estimate": "Ηλικία",
        "nationality": "Υπηκοότητα",
        "event_date": "Ημερομηνία εισόδου",
        "place": "Δομή",
    },
    date_format="%d.%m.%Y",
)


def seed_partner_list(stdout) -> None:
    from .services import upload_partner_list

    manager = User.objects.filter(username="manager.gr").first()
    if manager is None or PartnerList.objects.filter(name=DEMO_LIST).exists():
        return
    today = timezone.localdate()
    lines = [REGISTER_HEADER] + [
        ";".join([*row[:7], (today - timedelta(days=row[7])).strftime("%d.%m.%Y"), row[8]])
        for row in REGISTER
    ]
    upload_partner_list(
        origin=Origin(manager),
        content=("\n".join(lines) + "\n").encode("utf-8"),
        filename="register-thessaloniki.csv",
        mapping=REGISTER_MAPPING,
        name=DEMO_LIST,
        kind="migrant_minors",
        country="GR",
        retention_days=settings.SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS,
    )
    stdout.write("Demo partner list ready (a Greek reception register; run it against GR, MK).")
