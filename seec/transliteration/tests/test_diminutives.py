"""The diminutives data: every language of the 14 countries, sources named, well formed."""

from seec.transliteration import diminutives, script_of

LANGUAGE_SCRIPTS = {
    "sq": "Latn", "bs": "Latn", "bg": "Cyrl", "hr": "Latn", "el": "Grek", "mk": "Cyrl",
    "cnr": "Latn", "ro": "Latn", "ru": "Cyrl", "sr": "Cyrl", "sl": "Latn", "tr": "Latn",
    "uk": "Cyrl",
}  # fmt: skip


def test_every_language_of_the_region_has_a_file_with_its_sources():
    assert set(diminutives.languages()) == set(LANGUAGE_SCRIPTS)
    for language in LANGUAGE_SCRIPTS:
        assert diminutives.sources(language), language
        assert len(diminutives.families(language)) >= 10, language


def test_entries_are_in_the_languages_own_script_and_sex_is_given():
    for language, script in LANGUAGE_SCRIPTS.items():
        for family in diminutives.families(language):
            for name in (family.name, *family.forms):
                assert script_of(name) == script, (language, name)
                assert all(ch.isalpha() for ch in name), (language, name)
            assert family.sex in ("m", "f", "mf"), (language, family.name)
            assert family.forms, (language, family.name)


def test_related_names_whatever_the_script():
    assert "Георги" in diminutives.related("Гошо")
    assert "Георги" in diminutives.related("Gosho")
    assert {"Ђорђе", "Ђоле"} <= diminutives.related("Đoka")
    assert "Γιάννης" in diminutives.related("Ιωάννης")
    assert diminutives.related("Xyzzy") == frozenset()
    assert "Гошо" not in diminutives.related("Гошо")
