"""The demo region's cases: a few thousand, through the same services as real work, so the
timelines, tasks and audit trail look as they will in use."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from seec.core import demo_progress
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, User

from . import generator, importer, services
from .models import Case

# Demo cases are numbered by their place in the generator's sequence, so that a load stopped
# half-way (Ctrl-C during the first `make run`) goes on where it stopped.
DEMO_REFERENCE = "DEMO-CASE-"


def seed(stdout, count: int | None = None) -> None:
    count = settings.SEEC_DEMO_CASES if count is None else count
    made = Case.objects.filter(external_reference__startswith=DEMO_REFERENCE).count()
    if made >= count or (made == 0 and Case.objects.exists()):
        return  # loaded already, or a database with cases of its own
    hotlines = {
        org.country_id: org
        for org in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    staff = {user.username: user for user in User.objects.filter(username__contains=".")}
    items = generator.generate(count)
    for _skipped in range(made):
        next(items)
    progress = tqdm(items, initial=made, total=count, desc="Demo cases", unit="case")
    # The load runs while people already work (`make run` serves at once). On SQLite, one case
    # after another without a pause would hold the database's write lock nearly all the time,
    # and a waiting writer (a sign-in, a saved call) is not queued but retries: it lost every
    # race and failed after the 20-second timeout. So the load stands aside between runs of
    # cases, as an import does between its batches.
    stands_aside = connection.vendor == "sqlite"
    budget, since = importer.BATCH_SECONDS, time.perf_counter()
    for index, item in enumerate(progress, start=made):
        cc = item.country.lower()
        operator, manager = staff.get(f"operator.{cc}"), staff.get(f"manager.{cc}")
        if item.country not in hotlines or operator is None or manager is None:
            continue
        item.fields["external_reference"] = f"{DEMO_REFERENCE}{index + 1}"
        with transaction.atomic():
            play(item, Origin(operator), Origin(manager))
        if stands_aside and importer.stands_aside_after(time.perf_counter() - since, budget):
            budget = importer.stand_aside(budget)
            since = time.perf_counter()
        if index % 10 == 0:
            demo_progress.report("cases", index + 1, count)
    demo_progress.report("cases", count, count)
    stdout.write(f"Demo cases ready ({count} in all).")


def play(item: generator.GeneratedCase, operator: Origin, manager: Origin) -> Case:
    """Replay one generated case's life: the call, the case, risk, the finding, the closure."""
    first_contact = item.contacts[0]
    contact = services.record_contact(origin=operator, data=first_contact)
    case = services.open_case(
        origin=operator,
        fields=item.fields,
        contact=contact,
        opened_at=first_contact["started_at"],
    )
    services.assign_case(case, manager.actor, origin=manager)
    if item.risk:
        services.assess_risk(case, origin=manager, **item.risk)
    if item.found:
        services.mark_found(case, origin=manager, **item.found)
        # Work long past is done; only the last days' follow-ups are still waiting.
        if item.found["found_at"] < timezone.now() - timedelta(days=3):
            for task in case.tasks.filter(done_at__isnull=True):
                services.complete_task(task, origin=manager)
        if item.closed:
            services.close_case(case, origin=manager, reason=item.closed["reason"])
    return case
