"""core.bulk.array_param and the lookups that use it: a list parameter read back by
PostgreSQL as the very same elements, whatever characters they hold."""

import pytest
from django.db import connection

from seec.core import bulk
from seec.core.models import Organisation
from seec.core.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

AWKWARD = [
    "plain", "", "NULL", "null", 'say "hi"', "back\\slash", "\\\\", '\\"', "a,b", "{x}",
    " spaced ", "Γιώργος", "tab\tand\nnewline", "'quoted'", "é",
]  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
@pytest.mark.parametrize(
    ("values", "db_type"),
    [(AWKWARD, "text"), (AWKWARD, "varchar(64)"), ([1, -2, 10**15], "bigint"), ([], "text"),
     ([], "bigint"), ([1, None], "bigint"), (["a", None], "text")],
)  # fmt: skip
def test_a_list_parameter_comes_back_as_the_same_elements(values, db_type):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{db_type}[]", [bulk.array_param(values)])
        assert cursor.fetchone()[0] == values


def test_looking_rows_up_by_awkward_names_finds_exactly_those():
    by_name = {name: make_organisation(name=name or "-").pk for name in AWKWARD[:12]}
    by_name.pop("")
    found = dict(bulk.column_where_in(Organisation, "name", [*by_name, "absent"], "id"))
    assert found == by_name
