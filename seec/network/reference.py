"""Reference data of the network, loaded by a data migration: the conventions the centre
advocates, and the conditions attached to the 116 000 number by Commission Decision
2007/698/EC (amending Decision 2007/116/EC), as version 1 of their criteria catalogue.

Plain data so that a migration can import it. The conditions are paraphrased; the Official
Journal's text is the authority.
"""

# code: (short name, title, adopted on, order)
CONVENTIONS = {
    "hague1980": (
        "Hague 1980",
        "Hague Convention on the Civil Aspects of International Child Abduction",
        "1980-10-25",
        1,
    ),
    "hague1996": (
        "Hague 1996",
        "Hague Convention on Jurisdiction, Applicable Law, Recognition, Enforcement and "
        "Co-operation in respect of Parental Responsibility and Measures for the Protection "
        "of Children",
        "1996-10-19",
        2,
    ),
    "lanzarote": (
        "Lanzarote",
        "Council of Europe Convention on the Protection of Children against Sexual "
        "Exploitation and Sexual Abuse (CETS No. 201)",
        "2007-10-25",
        3,
    ),
    "coe_thb": (
        "CoE THB",
        "Council of Europe Convention on Action against Trafficking in Human Beings (CETS No. 197)",
        "2005-05-16",
        4,
    ),
    "opsc": (
        "OPSC",
        "Optional Protocol to the Convention on the Rights of the Child on the sale of "
        "children, child prostitution and child pornography",
        "2000-05-25",
        5,
    ),
    "budapest": (
        "Budapest",
        "Council of Europe Convention on Cybercrime (ETS No. 185)",
        "2001-11-23",
        6,
    ),
}

DECISION_116000_TITLE = "116 000 conditions (Decision 2007/698/EC)"
# code: (criterion, evidence, weight, indicator, threshold)
DECISION_116000 = [
    (
        "D1",
        "Takes calls reporting missing children and passes them on to the police.",
        "The written procedure with the police; cases passed to the police in time.",
        3,
        "cases.police_in_time",
        "0.900",
    ),
    (
        "D2",
        "Offers guidance to and supports the persons responsible for the missing child.",
        "Support procedure; follow-up calls made in time after a return.",
        2,
        "cases.follow_up_in_time",
        "0.900",
    ),
    (
        "D3",
        "Supports the investigation.",
        "Examples of cooperation with the investigating authorities.",
        2,
        "",
        None,
    ),
    (
        "D4",
        "Available on a continuous basis: 24 hours a day, 7 days a week, nationwide.",
        "Rotas; hours of the week in which the service answered.",
        3,
        "contacts.hours_covered",
        "1.000",
    ),
    (
        "D5",
        "Open to all members of the public without prior registration, and not time-limited.",
        "How the service is reached; any condition put on callers.",
        1,
        "",
        None,
    ),
    (
        "D6",
        "Free of charge to the caller, with no advertising, entertainment, marketing or selling.",
        "The operators' tariff; the service's announcements.",
        1,
        "",
        None,
    ),
]


def load(apps=None) -> None:
    """Put the reference data in place (the migration passes its historical `apps`; the demo
    calls it again, since a transactional test empties every table)."""
    import datetime

    if apps is None:
        from django.apps import apps
    Convention = apps.get_model("network", "Convention")
    Catalogue = apps.get_model("network", "CriteriaCatalogue")
    Criterion = apps.get_model("network", "Criterion")
    for code, (short, title, adopted, order) in CONVENTIONS.items():
        Convention.objects.update_or_create(
            code=code,
            defaults={
                "short_name": short,
                "title": title,
                "adopted_on": datetime.date.fromisoformat(adopted),
                "order": order,
            },
        )
    catalogue, created = Catalogue.objects.get_or_create(
        kind="decision_116000",
        version=1,
        defaults={"title": DECISION_116000_TITLE, "published_on": datetime.date(2007, 10, 29)},
    )
    if created:
        for code, text, guidance, weight, indicator, threshold in DECISION_116000:
            Criterion.objects.create(
                catalogue=catalogue,
                code=code,
                text=text,
                guidance=guidance,
                weight=weight,
                indicator=indicator,
                threshold=threshold,
            )
