"""Cyrillic → Latin: the romanisations that the region's clerks and foreign offices use.

Each table is implemented from its published text (named in `source`). Where a standard
writes a letter differently at the start of a word, after a vowel or before one, the rule
says so (see engine.py). Letters a table does not define (a Serbian ђ in a Russian table)
are written by the nearest usual spelling (`_ANY`), so that a name in mixed alphabets still
comes out whole.
"""

from .engine import Standard

# The Cyrillic vowels (for the conditions "after a vowel", "before a vowel").
VOWELS = "аеёєиіїоуыэюяѐѝ"
FRONT = "еєиіїэюяёѐѝ"
# Signs after which a Russian е/ё is iotated (read ye/yo) as after a vowel.
_SIGNS = "ъь"

# The nearest usual spelling of every Cyrillic letter a table leaves out.
_ANY = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "ѓ": "gj", "е": "e",
    "ё": "e", "є": "ye", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "і": "i", "ї": "yi",
    "й": "y", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "ќ": "kj", "у": "u",
    "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "џ": "dž", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ґ": "g", "ѐ": "e", "ѝ": "i",
}  # fmt: skip


def _standard(code, title, source, rules, **options) -> Standard:
    return Standard(code, title, source, {**_ANY, **rules}, vowels=VOWELS, front=FRONT, **options)


ISO_9 = _standard(
    "iso9",
    "ISO 9:1995 (GOST 7.79-2000 system A)",
    "ISO 9:1995 Information and documentation — Transliteration of Cyrillic characters into "
    "Latin characters, table 1 (one Latin letter for each Cyrillic letter of every Slavic "
    "language, so that it can be read back)",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g̀", "д": "d", "ѓ": "ǵ", "ђ": "đ",
        "е": "e", "ё": "ë", "є": "ê", "ж": "ž", "з": "z", "ѕ": "ẑ", "и": "i", "і": "ì",
        "ї": "ï", "й": "j", "ј": "ǰ", "к": "k", "л": "l", "љ": "l̂", "м": "m", "н": "n",
        "њ": "n̂", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ќ": "ḱ", "ћ": "ć",
        "у": "u", "ў": "ŭ", "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "d̂", "ш": "š",
        "щ": "ŝ", "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è", "ю": "û", "я": "â",
    },
    apostrophe="’",
)  # fmt: skip

# Serbian: the Latin alphabet of Ljudevit Gaj, official beside Cyrillic (Constitution of
# Serbia, art. 10; the alphabets correspond letter for letter, so it reads back).
_GAJ = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip

SR_LATIN = _standard(
    "sr",
    "Serbian Latin alphabet (Gaj)",
    "Serbian Latin alphabet, letter for letter with Vuk Karadžić's Cyrillic (Pravopis "
    "srpskoga jezika, Matica srpska); official in Serbia, Montenegro and Bosnia and "
    "Herzegovina",
    {
        **_GAJ,
        # Russian and Ukrainian letters as Serbian writes them in foreign names (Jurij).
        "й": "j", "я": "ja", "ю": "ju", "ё": "jo", "є": "je", "ї": "ji", "щ": "šč",
        "ѓ": "đ", "ќ": "ć", "ѕ": "dz",
    },
)  # fmt: skip

SR_ASCII = _standard(
    "sr-ascii",
    "Serbian Latin without diacritics",
    "Serbian Latin alphabet with its diacritics left out as keyboards abroad and foreign "
    "databases write it (đ → dj, ć and č → c, š → s, ž → z; Djordjevic)",
    {
        **dict(_GAJ.items()),
        "ђ": "dj", "ћ": "c", "ч": "c", "џ": "dz", "ш": "s", "ж": "z",
        "й": "j", "я": "ja", "ю": "ju",
    },
)  # fmt: skip

SR_ENGLISH = _standard(
    "sr-en",
    "Serbian names spelt for English readers",
    "The English phonetic spelling of Serbian names in consular and foreign police records "
    "(č and ć → ch, š → sh, ž → zh, đ → dj, dž → dzh, j → j: Petrovich, Zhivkovich)",
    {
        **_GAJ,
        "ђ": "dj", "ћ": "ch", "ч": "ch", "џ": "dzh", "ш": "sh", "ж": "zh",
    },
)  # fmt: skip

MK_OFFICIAL = _standard(
    "mk",
    "Macedonian official romanisation (2008)",
    "Government of the Republic of Macedonia, romanisation of 2008 used in passports, "
    "adopted by BGN/PCGN in 2013 (ѓ → gj, ж → zh, ѕ → dz, ќ → kj, ч → ch, џ → dzh, "
    "ш → sh, ц → c, х → h)",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj", "е": "e", "ж": "zh",
        "з": "z", "ѕ": "dz", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m",
        "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ќ": "kj",
        "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "џ": "dzh", "ш": "sh",
    },
)  # fmt: skip

MK_LATIN = _standard(
    "mk-latin",
    "Macedonian Latin alphabet with diacritics",
    "The Macedonian Latin alphabet of the standard orthography (Pravopis na makedonskiot "
    "literaturen jazik): ѓ → ǵ, ќ → ḱ, ѕ → dz, and Gaj's č, š, ž, dž",
    {
        "ѓ": "ǵ", "ќ": "ḱ", "ѕ": "dz", "ж": "ž", "ч": "č", "џ": "dž", "ш": "š",
        "ц": "c", "х": "h", "ј": "j", "љ": "lj", "њ": "nj",
    },
)  # fmt: skip

BG_2009 = _standard(
    "bg",
    "Bulgarian Transliteration Act (2009)",
    "Закон за транслитерацията, ДВ бр. 19/2009, art. 3 (the Streamlined System; "
    "щ → sht, ъ → a, ь → y, final -ия → -ia), used in Bulgarian passports",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu",
        "я": [("end after=и", "a"), ("", "ya")],
    },
)  # fmt: skip

# Ukrainian: є ї й ю я are written one way at the start of a word, another inside it.
UK_2010 = _standard(
    "uk",
    "Ukrainian national transliteration (2010)",
    "Resolution of the Cabinet of Ministers of Ukraine No. 55 of 27 January 2010 (г → h, "
    "ґ → g, и → y, і → i, х → kh, щ → shch; є ї й ю я as ye yi y yu ya at the start of a "
    "word, ie i i iu ia elsewhere; зг → zgh; the apostrophe and ь are not written)",
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e",
        "є": [("start", "ye"), ("", "ie")], "ж": "zh", "з": "z", "зг": "zgh", "и": "y",
        "і": "i", "ї": [("start", "yi"), ("", "i")], "й": [("start", "y"), ("", "i")],
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ь": "", "ю": [("start", "yu"), ("", "iu")],
        "я": [("start", "ya"), ("", "ia")],
    },
)  # fmt: skip

_YE = [("start", "ye"), ("_V", "ye"), ("after=" + _SIGNS + "й", "ye"), ("", "e")]
_YO = [("start", "yo"), ("_V", "yo"), ("after=" + _SIGNS + "й", "yo"), ("", "yo")]

RU_BGN = _standard(
    "ru-bgn",
    "BGN/PCGN romanisation of Russian (1947)",
    "BGN/PCGN 1947 system for Russian (е → ye at the start of a word and after vowels, "
    "й, ъ and ь; ж → zh, х → kh, ц → ts, щ → shch, ы → y, ю → yu, я → ya); the marks ” "
    "and ’ it writes for ъ and ь, and the dots of ë, are left out as names are written",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": _YE,
        "ё": [("after=жчшщ", "o"), *_YO], "ж": "zh", "з": "z", "и": "i", "й": "y",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    },
)  # fmt: skip

RU_ICAO = _standard(
    "ru-icao",
    "Russian passports (ICAO Doc 9303, 2013)",
    "ICAO Doc 9303, part 3, table for Cyrillic, used in Russian passports since the Order "
    "of the Federal Migration Service No. 320 of 2012 (й → i, х → kh, ц → ts, щ → shch, "
    "ъ → ie, ы → y, ю → iu, я → ia; ё → e, ь not written)",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
        "ю": "iu", "я": "ia",
        # Ukrainian letters as ICAO's table writes them.
        "і": "i", "ї": "i", "є": "ie", "ґ": "g",
    },
)  # fmt: skip

RU_PASSPORT_1997 = _standard(
    "ru-passport-1997",
    "Russian and Soviet-era passports (before 2013)",
    "The table of the Russian Ministry of Internal Affairs for foreign-travel passports "
    "(order No. 310 of 1997), as the Soviet passports before it: й → y, ю → yu, я → ya, "
    "х → kh, ц → ts, ё → e, ъ and ь not written; still in Moldovan and Ukrainian records "
    "of Russian names",
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
        "ю": "yu", "я": "ya",
    },
)  # fmt: skip

# Romanian orthography for Russian and Ukrainian names: how Moldova's civil registry and
# Romanian records write them (Evghenii, Iurii, Ceban, Jucov, Șcerbacov). c, g and k are
# read as in Romanian: ч before e/i is c, else ci; к before e/i is ch; г before e/i is gh.
_RO_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": [("F_", "gh"), ("", "g")], "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i",
    "к": [("F_", "ch"), ("", "c")], "кс": "x", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ț",
    "ч": [("F_", "c"), ("", "ci")], "ш": "ș", "щ": "șc", "ъ": "", "ы": "î", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "дж": [("F_", "g"), ("", "gi")],
}  # fmt: skip

RU_MOLDOVA = _standard(
    "ru-md",
    "Russian names in Romanian orthography (Moldova)",
    "The Romanian orthography's reading of Russian names as the civil registry of the "
    "Republic of Moldova writes them in identity documents (Îndreptar ortografic, "
    "Academia Română: ж → j, ш → ș, щ → șc, ц → ț, ы → î, ч → c/ci, к → c/ch, г → g/gh)",
    _RO_COMMON,
)

UK_ROMANIAN = _standard(
    "uk-ro",
    "Ukrainian names in Romanian orthography",
    "The Romanian orthography's reading of Ukrainian names, as Romanian and Moldovan "
    "records write them (г → h, ґ → g, и → î, і → i, ї → ii, є → ie; otherwise as ru-md)",
    {**_RO_COMMON, "г": "h", "ґ": [("F_", "gh"), ("", "g")], "и": "î", "і": "i",
     "ї": "ii", "є": "ie"},
)  # fmt: skip

# German (Duden) transcription, as German authorities and consulates wrote eastern names
# (Tschmil, Schewtschenko, Wolodymyr).
_DE_COMMON = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d",
    "е": [("start", "je"), ("_V", "je"), ("after=ъь", "je"), ("", "e")],
    "ё": [("after=жчшщ", "o"), ("", "jo")], "ж": "sch", "з": "s", "и": "i",
    "й": [("V_", "j"), ("", "i")], "к": "k", "кс": "x", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": [("_V V_", "ss"), ("", "s")], "т": "t", "у": "u",
    "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "",
    "ы": "y", "ь": "", "ьо": "jo", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip

RU_GERMAN = _standard(
    "ru-de",
    "Russian names spelt for German readers (Duden)",
    "Duden transcription of Russian (в → w, ж and ш → sch, з → s, ц → z, ч → tsch, "
    "щ → schtsch, х → ch, е → je at the start and after vowels, й → i)",
    _DE_COMMON,
)

UK_GERMAN = _standard(
    "uk-de",
    "Ukrainian names spelt for German readers (Duden)",
    "Duden transcription of Ukrainian (г → h, ґ → g, и → y, і → i, ї → ji, є → je; "
    "otherwise as for Russian: Schewtschenko, Wolodymyr, Tschmil)",
    {**_DE_COMMON, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "ji", "є": "je",
     "е": "e", "щ": "schtsch"},
)  # fmt: skip

BG_GERMAN = _standard(
    "bg-de",
    "Bulgarian names spelt for German readers (Duden)",
    "Duden transcription of Bulgarian (в → w, ж and ш → sch, з → s, ц → z, ч → tsch, "
    "щ → scht, ъ → a, х → ch)",
    {**_DE_COMMON, "е": "e", "щ": "scht", "ъ": "a", "х": "ch"},
)  # fmt: skip

# French transcription, as French consulates and police write eastern names
# (Chevtchenko, Iouri, Dmitri).
_FR_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": [("F_", "gu"), ("", "g")], "д": "d",
    "е": [("start", "ie"), ("_V", "ie"), ("after=ъь", "ie"), ("", "e")],
    "ё": [("after=жчшщ", "o"), ("", "io")], "ж": "j", "з": "z", "и": "i",
    "ий": [("end", "i")], "й": [("_V", "ï"), ("", "i")], "к": "k",
    "кс": "x", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": [("_V V_", "ss"), ("", "s")], "т": "t", "у": "ou", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "iou", "я": "ia",
}  # fmt: skip

RU_FRENCH = _standard(
    "ru-fr",
    "Russian names spelt for French readers",
    "The French transcription of Russian names used by French consulates and the press "
    "(ж → j, ш → ch, ч → tch, щ → chtch, у → ou, ю → iou, я → ia, е → ie at the start "
    "and after vowels, -ий → -i)",
    _FR_COMMON,
)

UK_FRENCH = _standard(
    "uk-fr",
    "Ukrainian names spelt for French readers",
    "The French transcription of Ukrainian names (г → h, ґ → g, и → y, і → i, ї → ï, "
    "є → ie; otherwise as for Russian: Chevtchenko, Volodymyr)",
    {**_FR_COMMON, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "ï", "є": "ie", "е": "e",
     "ий": "y"},
)  # fmt: skip

BG_FRENCH = _standard(
    "bg-fr",
    "Bulgarian names spelt for French readers",
    "The French transcription of Bulgarian names (ж → j, ш → ch, ч → tch, щ → cht, "
    "ъ → a, у → ou, ю → iou, я → ia)",
    {**_FR_COMMON, "е": "e", "щ": "cht", "ъ": "a", "х": "kh"},
)  # fmt: skip

# English-style phonetic spelling by ear (consulates, foreign police, NGOs abroad).
UK_ENGLISH = _standard(
    "uk-en",
    "Ukrainian names spelt for English readers",
    "The English phonetic spelling of Ukrainian names in foreign records before and "
    "beside the 2010 system (г → h, и → y, і → i, ї → yi, є → ye, й → y, ю → yu, "
    "я → ya everywhere, х → kh)",
    {"г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye", "й": "y", "ю": "yu",
     "я": "ya", "х": "kh", "ц": "ts", "щ": "shch", "ь": ""},
)  # fmt: skip

STANDARDS = {
    standard.code: standard
    for standard in (
        ISO_9, SR_LATIN, SR_ASCII, SR_ENGLISH, MK_OFFICIAL, MK_LATIN, BG_2009, UK_2010,
        RU_BGN, RU_ICAO, RU_PASSPORT_1997, RU_MOLDOVA, UK_ROMANIAN, RU_GERMAN, UK_GERMAN,
        BG_GERMAN, RU_FRENCH, UK_FRENCH, BG_FRENCH, UK_ENGLISH,
    )
}  # fmt: skip
