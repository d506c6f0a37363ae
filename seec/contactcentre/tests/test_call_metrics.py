"""Call metrics from the contact records, the CDR import that brings past periods in, and the
metrics page with its downloads."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seec.cases import services as case_services
from seec.contactcentre import metrics, services
from seec.contactcentre.cdr import cdr_line, import_cdr
from seec.contactcentre.models import Conversation
from seec.core.audit import Origin

pytestmark = pytest.mark.django_db
ATHENS = ZoneInfo("Europe/Athens")
DAY = datetime(2026, 3, 10, tzinfo=ATHENS).date()


def cdr_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def day_of_calls():
    """Ten calls to 116000 on 10 March 2026 (two abandoned) and one call to another number."""
    start = datetime(2026, 3, 10, 9, 0, tzinfo=ATHENS)
    waits = [5, 10, 15, 20, 25, 30, 35, 40]
    rows = [
        cdr_line(f"1741590000.{n}", f"+30690000{n:04d}", start + timedelta(hours=n % 3), wait, 60)
        for n, wait in enumerate(waits)
    ]
    rows.append(cdr_line("1741590000.50", "+306901110000", start, 70, None))
    rows.append(cdr_line("1741590000.51", "+306901110001", start + timedelta(hours=5), 9, None))
    rows.append(cdr_line("1741590000.52", "+306901110002", start, 3, 10, number="2101234567"))
    return cdr_file(rows)


def import_day(supervisor, content=None):
    return import_cdr(
        content or day_of_calls(), origin=Origin(supervisor), filename="Master.csv",
        timezone_name="Europe/Athens",
    )  # fmt: skip


def test_call_metrics_of_a_day(supervisor):
    result = import_day(supervisor)
    assert (result.imported, result.other_numbers, result.errors) == (10, 1, [])
    period = metrics.Period.of("day", DAY)
    organisation = supervisor.organisation
    assert metrics.answered_share(organisation, period) == 0.8
    assert metrics.abandoned(organisation, period) == 2
    waits = metrics.time_to_answer(organisation, period)
    # 5, 10 … 40: median between 20 and 25; 90th percentile 0.3 of the way from 35 to 40.
    assert waits == {"median": 22.5, "p90": 36.5, "count": 8}
    by_hour = metrics.contacts_by_channel_and_hour(organisation, period)
    assert by_hour[("call", 9)] == 4 and by_hour[("call", 14)] == 1
    assert sum(by_hour.values()) == 10
    # The next day has nothing.
    next_day = metrics.Period.of("day", DAY + timedelta(1))
    assert metrics.answered_share(organisation, next_day) is None


def test_the_same_file_twice_adds_nothing(supervisor):
    import_day(supervisor)
    again = import_day(supervisor)
    assert (again.imported, again.already_present) == (0, 10)
    assert Conversation.objects.count() == 10


def test_a_bad_row_imports_nothing_and_is_named(supervisor):
    bad_time = b'"",+3069,116000,x,x,x,x,x,x,2026-03-10 25:00:00,,x,1,1,ANSWERED,x,1.2,\n'
    content = day_of_calls() + bad_time + b"short,row\n"
    result = import_day(supervisor, content)
    assert Conversation.objects.count() == 0
    assert any("Line 12" in e and "YYYY-MM-DD" in e for e in result.errors)
    assert any("Line 13" in e and "columns" in e for e in result.errors)


def test_only_a_supervisor_imports(operator):
    with pytest.raises(PermissionDenied):
        import_day(operator)


def test_week_and_month_periods_cover_their_days():
    week = metrics.Period.of("week", DAY)  # a Tuesday
    assert timezone.localtime(week.start).date().isoformat() == "2026-03-09"
    assert (week.end - week.start).days == 7
    month = metrics.Period.of("month", DAY)
    assert timezone.localtime(month.end).date().isoformat() == "2026-04-01"
    assert len(metrics.periods("month", DAY, DAY + timedelta(days=40))) == 2


def test_police_and_follow_up_within_target(operator, manager, open_case):
    quick = open_case(police_notified_at=timezone.now())
    open_case(given_names="Άννα", police_notified_at=timezone.now() + timedelta(hours=3))
    open_case(given_names="Ελένη")
    period = metrics.Period.of("day", timezone.localdate())
    police = metrics.police_notified_within_target(operator.organisation, period)
    assert (police["within"], police["total"]) == (1, 3)
    # A child found now: the follow-up call is due tomorrow; done at once, it is within.
    case_services.mark_found(
        quick, origin=Origin(manager), found_at=timezone.now(), found_how="by_police",
        outcome="found_safe",
    )  # fmt: skip
    task = quick.tasks.get(kind="follow_up_call")
    case_services.complete_task(task, origin=Origin(manager))
    tomorrow = metrics.Period.of("day", timezone.localdate(task.due_at))
    assert metrics.follow_up_within_target(operator.organisation, tomorrow)["share"] == 1.0


def test_a_live_abandoned_call_is_counted(operator):
    conversation, _ = services.contact_arrived(
        organisation=operator.organisation, channel="call", caller_number="+306900000000"
    )
    services.end(conversation, origin=Origin())
    period = metrics.Period.of("day", timezone.localdate())
    assert metrics.abandoned(operator.organisation, period) == 1
    assert metrics.answered_share(operator.organisation, period) == 0.0


def test_metrics_page_and_downloads(client, supervisor, operator):
    import_day(supervisor)
    client.force_login(supervisor)
    query = {"granularity": "day", "first": "2026-03-09", "last": "2026-03-11"}
    page = client.get(reverse("contactcentre:metrics"), query)
    assert page.status_code == 200 and "22.5" in page.content.decode()
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("contactcentre:metrics-download", args=["csv"]), query).content.decode()
    )))  # fmt: skip
    assert len(rows) == 4 and rows[2][0] == "2026-03-10"
    header = rows[0]
    assert rows[2][header.index("Calls abandoned")] == "2"
    assert rows[2][header.index("Answered share")] == "0.8"
    book = load_workbook(io.BytesIO(
        client.get(reverse("contactcentre:metrics-download", args=["xlsx"]), query).content
    ))  # fmt: skip
    assert book.active.max_row == 4
    bad = client.get(reverse("contactcentre:metrics"), {**query, "last": "2026-03-01"})
    assert bad.status_code == 400 and "The end comes before the start." in bad.content.decode()
    client.force_login(operator)
    assert client.get(reverse("contactcentre:metrics")).status_code == 403
