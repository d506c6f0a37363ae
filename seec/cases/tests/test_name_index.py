"""The name index's words: shared by every organisation's names, dropped with their keys when
no name has them any more, and never dropped while a name is being given one."""

import threading

import pytest
from django.db import connection, transaction

from seec.cases import name_index, names
from seec.cases.models import (
    SearchName,
    SearchNameToken,
    SearchToken,
    SearchTokenKey,
    WordsGoThroughTheIndex,
)


def keys_of(word: str) -> set[str]:
    return set(SearchTokenKey.objects.filter(token__text=word).values_list("key", flat=True))


def test_a_word_no_name_has_is_dropped_with_its_keys_and_a_word_in_use_stays(db):
    ids = name_index.token_ids_for({"marija", "djordjevic"})
    name = SearchName.objects.create(organisation_id=1, digest="d", forms="djordjevic")
    SearchNameToken.objects.create(name=name, token_id=ids["djordjevic"], organisation_id=1)
    name_index.drop_words(ids.values())
    assert list(SearchToken.objects.values_list("text", flat=True)) == ["djordjevic"]
    assert not SearchTokenKey.objects.filter(token_id=ids["marija"]).exists()
    assert keys_of("djordjevic") == names.token_keys("djordjevic")


def test_a_word_dropped_elsewhere_is_added_again_with_its_keys(db):
    first = name_index.token_ids_for({"marija"})["marija"]
    name_index.drop_words([first])
    again = name_index.token_ids_for({"marija"})["marija"]
    assert again != first
    assert keys_of("marija") == names.token_keys("marija")


@pytest.mark.django_db(transaction=True)
def test_a_word_being_given_to_a_name_is_not_dropped_meanwhile():
    """The postings have no constraint to their word: the writer's lock on the word keeps a
    concurrent drop_words from taking it (and its keys) from under the new name."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    word = name_index.token_ids_for({"marija"})["marija"]
    looked_up, write, errors = threading.Event(), threading.Event(), []

    def give_the_word_to_a_name():
        try:
            with transaction.atomic():
                ids = name_index.token_ids_for({"marija"})
                looked_up.set()
                write.wait(10)
                name = SearchName.objects.create(organisation_id=1, digest="d", forms="marija")
                SearchNameToken.objects.create(name=name, token_id=ids["marija"], organisation_id=1)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    def drop_the_word():
        try:
            name_index.drop_words([word])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=give_the_word_to_a_name)
    writer.start()
    assert looked_up.wait(10)
    dropper = threading.Thread(target=drop_the_word)
    dropper.start()
    dropper.join(0.5)
    assert dropper.is_alive()  # waiting for the writer's lock on the word
    write.set()
    writer.join(10)
    dropper.join(10)
    assert errors == []
    assert SearchNameToken.objects.get().token_id == word
    assert SearchToken.objects.get().pk == word
    assert keys_of("marija") == names.token_keys("marija")


def test_a_word_is_deleted_only_by_drop_words(db):
    """Its keys and postings have no database constraint to it: deleted any other way, it
    would leave its keys behind and its names pointing to nothing."""
    ids = name_index.token_ids_for({"marija"})
    with pytest.raises(WordsGoThroughTheIndex):
        SearchToken.objects.filter(pk=ids["marija"]).delete()
    with pytest.raises(WordsGoThroughTheIndex):
        SearchToken.objects.get(pk=ids["marija"]).delete()
    assert keys_of("marija") == names.token_keys("marija")
