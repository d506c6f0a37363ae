"""The demo region's statistics: the platform's figures of the past full years published, and
national trafficking returns of a few countries (some published, one awaiting validation),
so that the dashboards, the open data and the report show trends from the first run."""

import io
import random
from importlib import import_module

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from seec.core.audit import Origin
from seec.core.models import User

from . import catalogue, services, spreadsheets
from .catalogue import Family
from .models import Submission
from .periods import parse, years

TRAFFICKING_COUNTRIES = ["AL", "BG", "GR", "MD", "RO", "RS", "UA"]


def trafficking_figures(rng: random.Random) -> dict:
    """Consistent fictional returns: every breakdown adds up to its total."""
    values = {}

    def split(indicator, breakdown, total, weights):
        keys = catalogue.BREAKDOWNS[breakdown].codes()
        parts = [0] * len(keys)
        for _ in range(total):
            parts[rng.choices(range(len(keys)), weights[: len(keys)])[0]] += 1
        for key, part in zip(keys, parts, strict=True):
            values[(indicator, breakdown, key)] = part

    victims = rng.randint(15, 90)
    values[("TH01", "", "")] = victims
    split("TH01", "victim_status", victims, [70, 30])
    split("TH01", "sex", victims, [75, 25, 0])
    split("TH01", "age_group", victims, [2, 8, 30, 60, 0])
    split("TH01", "citizenship", victims, [75, 5, 20, 0])
    split("TH01", "exploitation", victims, [55, 15, 15, 7, 6, 0, 2])
    split("TH01", "exploitation_country", victims, [65, 25, 10, 0])
    for code, low, high in (("TH02", 10, 40), ("TH03", 5, 25), ("TH04", 2, 15)):
        total = rng.randint(low, high)
        values[(code, "", "")] = total
        split(code, "sex", total, [30, 70, 0])
    return values


def filled_template(values: dict, country: str, period: str) -> bytes:
    """The template as a focal point downloads it, filled in: the demo goes through the same
    reading and checks as a real return."""
    book = load_workbook(
        io.BytesIO(spreadsheets.build_xlsx(Family.TRAFFICKING, country, parse(period)))
    )
    for row in book[spreadsheets.FIGURES].iter_rows(min_row=2):
        row[5].value = values.get((row[0].value, row[2].value or "", row[3].value or ""))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed(stdout) -> None:
    # The indicator catalogue is reference data loaded by a migration; a test that empties
    # every table (a transactional one) takes it away, and figures refer to it.
    from django.apps import apps

    import_module("seec.stats.migrations.0002_indicators").load(apps, None)
    coordinator = User.objects.filter(username="coordinator.seec").first()
    if coordinator is None:
        return
    rng = random.Random(116)
    this_year = timezone.now().year
    from seec.core.models import Country

    from .models import FigureSet, Source

    countries = list(Country.objects.filter(in_region=True).values_list("code", flat=True))
    periods = years(this_year - 4, this_year)
    # One transaction per country and per return, not one for the whole step: the load runs
    # while people already work, and on SQLite a transaction holds the whole database's write
    # lock (one around all of this held a sign-in for 10-20 s, past its timeout). Each piece
    # is looked for first, so that a load stopped half-way goes on where it stopped.
    added = 0
    for code in countries:
        if FigureSet.objects.filter(country_id=code, source=Source.PLATFORM).exists():
            continue
        with transaction.atomic():
            sets = services.compute_figures([code], periods, origin=Origin(coordinator))
            for figure_set in sets:
                if int(figure_set.period) < this_year and figure_set.values().get(("MC02", "", "")):
                    services.publish_computed(figure_set, origin=Origin(coordinator))
        added += 1
    published = 0
    for code in TRAFFICKING_COUNTRIES:
        focal = User.objects.filter(username=f"manager.{code.lower()}").first()
        if focal is None:
            continue
        for year in range(this_year - 3, this_year):
            # Drawn whether or not the return exists, so a resumed load fills the rest with
            # the figures an uninterrupted one would have.
            content = filled_template(trafficking_figures(rng), code, str(year))
            if Submission.objects.filter(
                country_id=code, family=Family.TRAFFICKING, period=str(year)
            ).exists():
                continue
            with transaction.atomic():
                submission = services.start_submission(
                    origin=Origin(focal), country=code, family=Family.TRAFFICKING, period=str(year)
                )
                services.upload_figures(
                    submission, origin=Origin(focal), content=content, filename="demo.xlsx"
                )
                services.submit(submission, origin=Origin(focal), confirm_jumps=True)
                if code == "UA" and year == this_year - 1:
                    continue  # left for the coordinator to validate in the demo
                services.validate_submission(submission, origin=Origin(coordinator))
                services.publish_submission(submission, origin=Origin(coordinator))
            published += 1
    if added or published:
        stdout.write(f"Demo statistics ready ({published} national returns published).")
