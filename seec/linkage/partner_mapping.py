"""The common fields a partner's list is mapped to, and the checking of every row under a
mapping.

Each list names its columns its own way (“Επώνυμο”, “Презиме”, “Surname”): the mapping screen
proposes a column for each common field where a header is one of its usual names, the user
confirms or changes it and says how the dates are written. Every row is then read under the
mapping, and every problem is named by row number and column header: a date not written as
said or not in the calendar, an age that is not a number from 0 to 17, a sex not written in
a form of the region's languages, a coordinate outside the globe, a country not known.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import yes_no

from .partner_files import Problem, Table


@dataclass(frozen=True)
class CommonField:
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


# The usual headers of each field in the region's languages (compared without case, accents,
# spaces or punctuation). Kept modest: the user confirms the mapping in any case.
FIELDS = [
    CommonField(
        "given_name",
        gettext_lazy("Given names"),
        ("given name", "given names", "first name", "firstname", "forename", "όνομα",
         "име", "ім'я", "імя", "emri", "ad", "adı", "prenume", "ime"),
        150,
    ),
    CommonField(
        "family_name",
        gettext_lazy("Family name"),
        ("family name", "surname", "last name", "lastname", "επώνυμο", "презиме", "прізвище",
         "фамилия", "фамилно име", "mbiemri", "soyad", "soyadı", "nume", "nume de familie",
         "prezime", "priimek"),
        150,
    ),
    CommonField(
        "full_name",
        gettext_lazy("Full name (one column)"),
        ("full name", "name", "names", "ονοματεπώνυμο", "име и презиме", "ime i prezime",
         "піб", "ім'я та прізвище", "emri dhe mbiemri", "ad soyad", "nume si prenume"),
        300,
    ),
    CommonField(
        "other_names",
        gettext_lazy("Other names and nicknames"),
        ("other names", "alias", "aliases", "nickname", "also known as", "aka", "ψευδώνυμο",
         "надимак", "псевдонім"),
        300,
    ),
    CommonField("sex", gettext_lazy("Sex"), ("sex", "gender", "φύλο", "пол", "стать", "gjinia",
                                             "cinsiyet", "spol", "sexul")),
    CommonField(
        "date_of_birth",
        gettext_lazy("Date of birth"),
        ("date of birth", "dob", "birth date", "birthdate", "born", "ημερομηνία γέννησης",
         "ημ γέννησης", "ημερ γέννησης", "датум рођења", "дата народження", "дата рождения",
         "datëlindja", "doğum tarihi", "data nașterii", "data nasterii", "datum rođenja",
         "datum rojstva"),
    ),
    CommonField(
        "dob_estimated",
        gettext_lazy("Date of birth estimated (yes/no)"),
        ("dob estimated", "date of birth estimated", "estimated dob", "estimated"),
    ),
    CommonField(
        "age_estimate",
        gettext_lazy("Age (years)"),
        ("age", "estimated age", "age estimate", "ηλικία", "узраст", "старост", "возраст", "вік",
         "mosha", "yaş", "yas", "vârsta", "varsta", "starost"),
    ),
    CommonField(
        "nationality",
        gettext_lazy("Nationality"),
        ("nationality", "citizenship", "country of origin", "υπηκοότητα", "ιθαγένεια",
         "χώρα καταγωγής", "држављанство", "државјанство", "громадянство", "гражданство",
         "shtetësia", "uyruk", "uyruğu", "cetățenie", "cetatenie", "državljanstvo"),
    ),
    CommonField(
        "place",
        gettext_lazy("Place or address"),
        ("place", "address", "location", "place found", "place registered", "διεύθυνση",
         "τόπος", "τοποθεσία", "δομή", "адреса", "адрес", "место", "місце", "adresa", "vendi",
         "adres", "adresă", "naslov", "mjesto", "kraj"),
        300,
    ),
    CommonField(
        "latitude", gettext_lazy("Latitude"), ("latitude", "lat", "γεωγραφικό πλάτος", "ширина")
    ),
    CommonField(
        "longitude",
        gettext_lazy("Longitude"),
        ("longitude", "lon", "lng", "long", "γεωγραφικό μήκος", "дужина", "довгота"),
    ),
    CommonField(
        "event_date",
        gettext_lazy("Date registered or found"),
        ("date registered", "registration date", "date of registration", "date found",
         "found on", "admission date", "date of admission", "arrival date", "date of arrival",
         "ημερομηνία εισόδου", "ημερομηνία καταγραφής", "ημερομηνία εγγραφής",
         "ημερομηνία άφιξης", "датум пријема", "датум регистрације", "дата реєстрації",
         "дата прибуття", "data e regjistrimit", "kayıt tarihi", "data înregistrării",
         "datum prijema"),
    ),
    CommonField(
        "document_number",
        gettext_lazy("Document number"),
        ("document number", "document", "document no", "passport", "passport number",
         "id number", "id card", "αριθμός εγγράφου", "αρ εγγράφου", "αριθμός διαβατηρίου",
         "број документа", "број пасоша", "номер документа", "номер паспорта"),
        50,
    ),
    CommonField(
        "partner_reference",
        gettext_lazy("The partner's own reference"),
        ("reference", "ref", "id", "no", "number", "case number", "register number",
         "registration number", "αρ μητρώου", "αριθμός μητρώου", "κωδικός", "α/α", "референца",
         "број", "номер", "reference number"),
        100,
    ),
]  # fmt: skip
FIELD_BY_NAME = {f.name: f for f in FIELDS}

DATE_FORMATS = {
    "%Y-%m-%d": "YYYY-MM-DD",
    "%d.%m.%Y": "DD.MM.YYYY",
    "%d/%m/%Y": "DD/MM/YYYY",
    "%m/%d/%Y": "MM/DD/YYYY",
}
GIVEN_FIRST, FAMILY_FIRST = "given_first", "family_first"
NAME_ORDERS = {
    GIVEN_FIRST: gettext_lazy("Given names first (Maria Petrova)"),
    FAMILY_FIRST: gettext_lazy("Family name first (PETROVA Maria)"),
}
MAX_AGE = 17
DATE_FIELDS = ("date_of_birth", "event_date")


def normal(text: str) -> str:
    """Lower case, without accents, spaces or punctuation: “Ημ. Γέννησης” → “ημγεννησης”."""
    decomposed = unicodedata.normalize("NFD", str(text).casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


ALIASES = {normal(alias): f.name for f in FIELDS for alias in (f.name, *f.aliases)}


@dataclass
class Mapping:
    """What the user chose: {common field: column header}, how dates are written, and in
    which order a full name gives its parts."""

    columns: dict[str, str] = field(default_factory=dict)
    date_format: str = "%Y-%m-%d"
    name_order: str = GIVEN_FIRST


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """The column proposed for each field whose usual name a header is."""
    guessed: dict[str, str] = {}
    for column in columns:
        name = ALIASES.get(normal(column))
        if name and name not in guessed:
            guessed[name] = column
    if "full_name" in guessed and ("given_name" in guessed or "family_name" in guessed):
        # “Name” beside “Surname” is the given name.
        column = guessed.pop("full_name")
        guessed.setdefault("given_name", column)
    return guessed


def guess_date_format(table: Table, columns: dict[str, str]) -> str:
    """The first format that reads every written date of the mapped date columns (the
    region writes the day first: DD/MM is tried before MM/DD)."""
    texts = [
        row[columns[name]]
        for name in DATE_FIELDS
        if name in columns
        for _number, row in table.rows[:500]
        if isinstance(row.get(columns[name]), str)
    ]
    for pattern in DATE_FORMATS:
        if texts and all(_strptime(text, pattern) for text in texts):
            return pattern
    return next(iter(DATE_FORMATS))


def _strptime(text: str, pattern: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), pattern).date()
    except ValueError:
        return None


def mapping_problems(mapping: Mapping, table: Table) -> list[Problem]:
    """What is wrong with the mapping itself: required fields left unmapped, a column chosen
    twice or not in the file, no known date format."""
    problems = []
    chosen = {name: column for name, column in mapping.columns.items() if column}
    for name in chosen:
        if name not in FIELD_BY_NAME:
            problems.append(Problem(0, "", _("Unknown field %(name)s.") % {"name": name}))
    for name, column in chosen.items():
        if column not in table.columns:
            problems.append(
                Problem(
                    0,
                    column,
                    _("The file has no column of this name (for “%(field)s”).")
                    % {"field": _label(name)},
                )
            )
    by_column: dict[str, list[str]] = {}
    for name, column in chosen.items():
        by_column.setdefault(column, []).append(name)
    for column, names in by_column.items():
        if len(names) > 1:
            problems.append(
                Problem(
                    0,
                    column,
                    _("The same column is chosen for %(fields)s: choose it for one field only.")
                    % {"fields": ", ".join(f"“{_label(n)}”" for n in names)},
                )
            )
    has_parts = "given_name" in chosen and "family_name" in chosen
    if "full_name" in chosen and ("given_name" in chosen or "family_name" in chosen):
        problems.append(
            Problem(
                0,
                "",
                _("Choose a column for the full name, or columns for the given and family "
                  "names, not both."),
            )
        )  # fmt: skip
    elif not has_parts and "full_name" not in chosen:
        problems.append(
            Problem(
                0,
                "",
                _("Required: choose the columns of the given names and of the family name, "
                  "or the one column of the full name."),
            )
        )  # fmt: skip
    if "date_of_birth" not in chosen and "age_estimate" not in chosen:
        problems.append(
            Problem(
                0,
                "",
                _("Required: choose the column of the date of birth or of the age (or both)."),
            )
        )
    if mapping.date_format not in DATE_FORMATS:
        problems.append(
            Problem(
                0,
                "",
                _("Unknown date format: choose one of %(formats)s.")
                % {"formats": ", ".join(DATE_FORMATS.values())},
            )
        )
    if "full_name" in chosen and mapping.name_order not in NAME_ORDERS:
        problems.append(Problem(0, "", _("Say in which order the full name gives its parts.")))
    return problems


def _label(name: str) -> str:
    known = FIELD_BY_NAME.get(name)
    return str(known.label) if known else name


class FieldError(Exception):
    pass


def read_records(
    table: Table, mapping: Mapping, *, today: date
) -> tuple[list[dict], list[Problem]]:
    """Every row as PartnerRecord field values, and every problem found (by row and column).
    The records are only good if there is no problem; the mapping is checked first."""
    problems = mapping_problems(mapping, table)
    if problems:
        return [], problems
    columns = {name: column for name, column in mapping.columns.items() if column}
    parsers = _parsers(mapping.date_format, today)
    records = []
    for number, row in table.rows:
        values: dict = {"row_number": number}
        refused: set[str] = set()
        for name, column in columns.items():
            try:
                values[name] = parsers[name](row.get(column, ""))
            except FieldError as error:
                problems.append(Problem(number, column, str(error)))
                values[name] = None
                refused.add(name)
        problems += _row_problems(number, values, columns, refused)
        records.append(_record(values, mapping.name_order))
    return records, problems


def _row_problems(number: int, values: dict, columns: dict[str, str], refused: set) -> list:
    """What a row lacks as a whole; a cell refused already is not blamed twice."""
    problems = []

    def where(*names: str) -> str:
        return " / ".join(columns[n] for n in names if n in columns)

    names = ["full_name"] if "full_name" in columns else ["given_name", "family_name"]
    if not any(values.get(n) for n in names) and not refused & set(names):
        problems.append(Problem(number, where(*names), _("The row gives no name.")))
    birth = [n for n in ("date_of_birth", "age_estimate") if n in columns]
    if all(values.get(n) is None for n in birth) and not refused & set(birth):
        problems.append(
            Problem(number, where(*birth), _("The row gives neither a date of birth nor an age."))
        )
    born, seen = values.get("date_of_birth"), values.get("event_date")
    if born and seen and born > seen:
        problems.append(
            Problem(
                number,
                where("date_of_birth"),
                _("The date of birth is after the date registered or found."),
            )
        )
    if "latitude" in columns and "longitude" in columns and not refused & {"latitude", "longitude"}:
        has_lat, has_lon = values["latitude"] is not None, values["longitude"] is not None
        if has_lat != has_lon:
            problems.append(
                Problem(
                    number,
                    columns["longitude" if has_lat else "latitude"],
                    _("A place is given by both latitude and longitude: one is missing."),
                )
            )
    return problems


def _record(values: dict, name_order: str) -> dict:
    record = {k: v for k, v in values.items() if not k.startswith("_")}
    full = record.pop("full_name", None)
    if full is not None:
        parts = full.split()
        if name_order == FAMILY_FIRST:
            record["family_name"], record["given_name"] = (
                (parts[:1] or [""])[0],
                " ".join(parts[1:]),
            )
        else:
            record["given_name"] = " ".join(parts[:-1]) if len(parts) > 1 else " ".join(parts)
            record["family_name"] = parts[-1] if len(parts) > 1 else ""
    for text in ("given_name", "family_name", "other_names", "place", "document_number",
                 "partner_reference"):  # fmt: skip
        record[text] = record.get(text) or ""
    record["sex"] = record.get("sex") or "unknown"
    record["dob_estimated"] = bool(record.get("dob_estimated"))
    record["nationality_id"] = record.pop("nationality", None)
    return record


# --- One cell --------------------------------------------------------------------------------


def _parsers(date_format: str, today: date) -> dict:
    def text_of(name):
        limit = FIELD_BY_NAME[name].max_length

        def parse(raw):
            text = _text(raw)
            if limit and len(text) > limit:
                raise FieldError(_("Longer than %(count)d characters.") % {"count": limit})
            return text

        return parse

    def date_of(name):
        def parse(raw):
            if raw in ("", None):
                return None
            value = _date(raw, date_format)
            if value > today:
                raise FieldError(_("%(date)s is in the future.") % {"date": value.isoformat()})
            return value

        return parse

    parsers = {name: text_of(name) for name, f in FIELD_BY_NAME.items() if f.max_length}
    parsers.update(
        {
            "sex": _sex,
            "date_of_birth": date_of("date_of_birth"),
            "event_date": date_of("event_date"),
            "dob_estimated": _yes_no,
            "age_estimate": _age,
            "nationality": _country,
            "latitude": lambda raw: _coordinate(raw, 90),
            "longitude": lambda raw: _coordinate(raw, 180),
        }
    )
    return parsers


def _text(raw) -> str:
    if raw in (None, ""):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed in a workbook: a reference, a document number
    return " ".join(str(raw).split())


def _pattern_shape(pattern: str) -> re.Pattern:
    shape = re.escape(pattern)
    for token, digits in (("%Y", r"\d{4}"), ("%m", r"\d{1,2}"), ("%d", r"\d{1,2}")):
        shape = shape.replace(re.escape(token), digits)
    return re.compile(rf"^{shape}$")


def _date(raw, pattern: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw  # a workbook's date cell: no format to read
    text = _text(raw)
    value = _strptime(text, pattern)
    if value is not None:
        return value
    if _pattern_shape(pattern).match(text):
        raise FieldError(_("“%(value)s” is not a date of the calendar.") % {"value": text})
    raise FieldError(
        _("“%(value)s” is not a date written as %(format)s.")
        % {"value": text[:40], "format": DATE_FORMATS[pattern]}
    )


def _age(raw) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise FieldError(_("The age is not a number."))
    if isinstance(raw, int | float):
        number = raw
    else:
        text = _text(raw).replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise FieldError(
                _("“%(value)s” is not a number of years.") % {"value": text[:40]}
            ) from None
    if number != int(number):
        raise FieldError(_("The age is a whole number of years, not %(value)s.") % {"value": raw})
    if not 0 <= number <= MAX_AGE:
        raise FieldError(
            _("An age from 0 to %(max)d is expected, not %(value)s.")
            % {"max": MAX_AGE, "value": int(number)}
        )
    return int(number)


def _coordinate(raw, limit: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    text = _text(raw).replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FieldError(
            _("“%(value)s” is not a coordinate in degrees.") % {"value": text[:40]}
        ) from None
    if not value.is_finite() or not -limit <= value <= limit:
        raise FieldError(
            _("A coordinate from -%(limit)d to %(limit)d degrees is expected, not %(value)s.")
            % {"limit": limit, "value": text[:40]}
        )
    return round(value, 6)


# Sex as the region writes it: English, the Cyrillic and Greek letters and words, Albanian,
# Romanian, Turkish, the South Slavic Latin spellings (accents are dropped before comparing).
FEMALE = {"f", "female", "girl", "woman", "w", "feminine", "feminin", "femer", "femra",
          "ж", "жен", "женски", "женско", "жіноча", "жінка", "дівчина", "девочка",
          "z", "zenski", "zensko", "zenska", "θ", "θηλυ", "κοριτσι", "k", "kiz", "kız",
          "kadin", "kadın", "fata"}  # fmt: skip
MALE = {"m", "male", "boy", "man", "masculine", "masculin", "mashkull", "м", "муш", "мушки",
        "мушко", "муж", "мужской", "чоловіча", "чоловік", "хлопець", "мальчик", "ч", "muski",
        "musko", "moski", "α", "αρρεν", "αρσενικο", "αγορι", "e", "erkek", "baiat"}  # fmt: skip
UNKNOWN = {"", "unknown", "u", "x", "na", "nk", "αγνωστο", "непознато", "невідомо",
           "неизвестно", "nepoznato", "nepoznat", "panjohur", "ipanjohur", "necunoscut",
           "bilinmiyor"}  # fmt: skip


def _sex(raw) -> str:
    key = normal(_text(raw))
    if key in FEMALE:
        return "female"
    if key in MALE:
        return "male"
    if key in UNKNOWN:
        return "unknown"
    raise FieldError(
        _(
            "“%(value)s” is not a sex the platform reads: write F or M (Ж/М, Θ/Α), or leave "
            "it empty."
        )
        % {"value": _text(raw)[:40]}
    )


def _yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if normal(_text(raw)) == "estimated":  # a birth date's "estimated" column
        return True
    answer = yes_no.read(_text(raw))
    if answer is not None:
        return answer
    raise FieldError(_("Write yes or no, not “%(value)s”.") % {"value": _text(raw)[:40]})


def _country(raw) -> str | None:
    key = normal(_text(raw))
    if key in ("", "unknown", "αγνωστο", "непознато", "невідомо", "stateless"):
        return None
    code = _countries().get(key)
    if code is None:
        raise FieldError(
            _("“%(value)s” is not a country the platform knows: write its name or its "
              "two-letter code (RS, GR, AF).") % {"value": _text(raw)[:40]}
        )  # fmt: skip
    return code


_known_countries: dict[str, str] = {}


def _countries() -> dict[str, str]:
    """Every country by its codes, its English name and its name in each interface language
    (built once: the countries are reference data)."""
    if not _known_countries:
        _known_countries.update(_country_forms())
    return _known_countries


def _country_forms() -> dict[str, str]:
    from django.conf import settings

    from seec.core.country_names import localised_country_name
    from seec.core.models import Country

    known: dict[str, str] = {}
    countries = list(Country.objects.values_list("code", "alpha3", "name"))
    for code, alpha3, name in countries:
        for form in (code, alpha3, name):
            known.setdefault(normal(form), code)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, _alpha3, name in countries:
                known.setdefault(normal(localised_country_name(code, name)), code)
    return known
