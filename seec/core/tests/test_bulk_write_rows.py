"""write_rows, insert_new and column_where_in (seec/core/bulk.py) go round Django's cursor
(on SQLite statements with SQLite's own placeholders, on PostgreSQL COPY): values are still
only values, and a database error is still Django's."""

import pytest
from django.db import IntegrityError, transaction

from seec.cases.models import SearchToken
from seec.core.bulk import column_where_in, insert_new, write_rows

pytestmark = pytest.mark.django_db


def test_placeholder_like_values_go_in_and_come_back_as_they_were():
    texts = ["%s", "?", "%%", "a%sb?c", ":name", "'; --"]
    written = write_rows(SearchToken._meta.db_table, ("text",), [(text,) for text in texts])
    assert written == len(texts)
    found = dict(column_where_in(SearchToken, "text", [*texts, "missing"], "id"))
    assert sorted(found) == sorted(texts)
    added = dict(insert_new(SearchToken, ("text",), [("?",), ("%s?",)], ("text", "id")))
    assert list(added) == ["%s?"]


def test_a_broken_constraint_is_djangos_integrity_error():
    write_rows(SearchToken._meta.db_table, ("text",), [("maria",)])
    with pytest.raises(IntegrityError), transaction.atomic():
        write_rows(SearchToken._meta.db_table, ("text",), [("marija",), ("maria",)])
    assert SearchToken.objects.filter(text="marija").count() == 0
