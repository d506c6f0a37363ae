"""The demo region's children to be found by linkage: a Serbian girl reported in Cyrillic and
registered in Greece in Greek script with her birth date's day and month swapped, a
Macedonian boy who turns up in Albania, and a Greek case entered twice by two operators. A
run across RS, GR, MK and AL (or within GR) finds them for the review queue."""

from datetime import date, timedelta

from django.utils import timezone

from seec.cases import services as case_services
from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import User

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
