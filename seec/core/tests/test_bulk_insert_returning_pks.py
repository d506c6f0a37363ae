"""core.bulk.insert_returning_pks: unsaved instances written in one INSERT, each taking the
primary key the database gave it, and read back as the ORM would have written them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seec.core import bulk
from seec.core.models import StagedRead

pytestmark = pytest.mark.django_db


def test_rows_are_written_in_one_statement_and_read_back_as_the_orm_writes_them():
    now = timezone.now()
    rows = [
        StagedRead(occurred_at=now, actor_username="gr-node", action="exchange.received",
                   ip_address="192.0.2.7", details={"batch": 2, "names": ["Марија", None]},
                   digest="a" * 64),
        StagedRead(occurred_at=now, action="exchange.received", details={}, digest="b" * 64),
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_returning_pks(rows)

    assert len(queries) == 1
    assert all(row.pk and not row._state.adding for row in rows)
    first, second = (StagedRead.objects.get(pk=row.pk) for row in rows)
    assert (first.occurred_at, first.ip_address, first.details, first.actor_id) == (
        now, "192.0.2.7", {"batch": 2, "names": ["Марија", None]}, None,
    )  # fmt: skip
    assert (second.ip_address, second.details, second.digest) == (None, {}, "b" * 64)


def test_nothing_to_write_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_returning_pks([])
    assert not queries
