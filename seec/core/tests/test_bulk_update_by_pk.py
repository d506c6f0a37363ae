"""core.bulk.update_by_pk: each row its own values, all rows the shared ones, in one UPDATE."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seec.core import bulk
from seec.core.models import Organisation
from seec.core.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_all_the_shared_ones_in_one_statement():
    first, second, untouched = (make_organisation(name=f"Org {n}") for n in range(3))
    active = connection.ops.quote_name("is_active")
    with CaptureQueriesContext(connection) as queries:
        changed = bulk.update_by_pk(
            Organisation,
            {first.pk: {"name": "First"}, second.pk: {"name": "Second"}},
            same={"kind": "police"},
            raw=[f"{active} = NOT {active}"],
        )
    assert changed == 2 and len(queries) == 1
    rows = dict(Organisation.objects.values_list("pk", "name"))
    assert (rows[first.pk], rows[second.pk], rows[untouched.pk]) == ("First", "Second", "Org 2")
    assert set(
        Organisation.objects.filter(pk__in=[first.pk, second.pk]).values_list("kind", "is_active")
    ) == {("police", False)}
    assert Organisation.objects.get(pk=untouched.pk).is_active


def test_nothing_to_update_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert bulk.update_by_pk(Organisation, {}) == 0
    assert not queries
