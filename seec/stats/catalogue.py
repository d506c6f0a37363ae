"""The indicators the region reports, with their breakdowns: the reference data of statistics.

Every indicator and category code is fixed here, in code, with its definition (translated);
the `Indicator` table holds the same codes (loaded by a data migration) so that figures can
refer to them. A code never changes meaning: a changed definition is a new code.

Where SDMX / Eurostat code lists have a code for a category (sex, age, citizenship, time
periods) the dataset carries it beside ours.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Bumped when a definition below changes the figures it gives; part of every fingerprint, so a
# figure set computed under other definitions is never taken for a rerun of this one.
DEFINITIONS_VERSION = "2026.1"
TEMPLATE_VERSION = "1"


class Family:
    MISSING = "missing"
    TRAFFICKING = "trafficking"


FAMILY_LABELS = {
    Family.MISSING: _("Missing children"),
    Family.TRAFFICKING: _("Child trafficking"),
}


class PeriodType:
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


PERIOD_TYPE_LABELS = {
    PeriodType.YEAR: _("Year"),
    PeriodType.QUARTER: _("Quarter"),
    PeriodType.MONTH: _("Month"),
}


@dataclass(frozen=True)
class Category:
    code: str
    label: object
    sdmx: str = ""


@dataclass(frozen=True)
class Breakdown:
    """A way of splitting an indicator's total. `partition`: the categories add up to the
    total (each child in exactly one), which the validation and the suppression rely on."""

    code: str
    label: object
    categories: tuple[Category, ...]
    partition: bool = True
    sdmx_dimension: str = ""

    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def label_of(self, code: str):
        return next((c.label for c in self.categories if c.code == code), code)


AGE_GROUPS = (
    # (code, lowest age, highest age) in whole years at the time the child was last seen.
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
)
# Time missing: last seen → found, in days (lower bound included, upper excluded).
TIME_BANDS = (
    ("under_24h", 0, 1),
    ("1_7d", 1, 7),
    ("1_4w", 7, 28),
    ("over_4w", 28, None),
)

BREAKDOWNS = {
    b.code: b
    for b in (
        Breakdown(
            "channel",
            _("Channel"),
            (
                Category("call", _("Phone call")),
                Category("chat", _("Chat")),
                Category("email", _("E-mail")),
                Category("sms", _("SMS")),
                Category("walk_in", _("Walk-in")),
                Category("letter", _("Letter")),
            ),
        ),
        Breakdown(
            "subject",
            _("Type of contact"),
            (
                Category("new_disappearance", _("A new disappearance")),
                Category("case_information", _("Information on an existing case")),
                Category("sighting", _("A sighting")),
                Category("advice", _("Advice only")),
                Category("silent", _("Silent call")),
                Category("abusive", _("Abusive call")),
                Category("test", _("Test call")),
                Category("out_of_scope", _("Out of scope")),
            ),
        ),
        Breakdown(
            "category",
            _("Category"),
            (
                Category("runaway", _("Runaways")),
                Category("parental_abduction", _("Parental abductions")),
                Category("criminal_abduction", _("Criminal abductions")),
                Category("lost_injured", _("Lost, injured or otherwise missing")),
                Category("migrant", _("Missing unaccompanied migrant children")),
            ),
        ),
        Breakdown(
            "sex",
            _("Sex"),
            (
                Category("female", _("Female"), "F"),
                Category("male", _("Male"), "M"),
                Category("unknown", _("Unknown"), "UNK"),
            ),
            sdmx_dimension="SEX",
        ),
        Breakdown(
            "age_group",
            _("Age group"),
            (
                Category("0-5", _("0–5 years"), "Y0-5"),
                Category("6-11", _("6–11 years"), "Y6-11"),
                Category("12-14", _("12–14 years"), "Y12-14"),
                Category("15-17", _("15–17 years"), "Y15-17"),
                Category("unknown", _("Age unknown"), "UNK"),
            ),
            sdmx_dimension="AGE",
        ),
        Breakdown(
            "outcome",
            _("Situation at the end of the period"),
            (
                Category("found_safe", _("Found safe")),
                Category("found_harmed", _("Found harmed")),
                Category("found_deceased", _("Found deceased")),
                Category("closed_other", _("Closed for another reason")),
                Category("still_missing", _("Still missing")),
            ),
        ),
        Breakdown(
            "found_how",
            _("How found"),
            (
                Category("returned_alone", _("Returned alone")),
                Category("by_police", _("Found by police")),
                Category("by_family", _("Found by family")),
                Category("after_public_alert", _("Found after a public alert")),
                Category("by_public", _("Found by a member of the public")),
                Category("other", _("Other")),
                Category("unknown", _("Not recorded")),
            ),
        ),
        Breakdown(
            "time_missing",
            _("Time missing"),
            (
                Category("under_24h", _("Under 24 hours")),
                Category("1_7d", _("1–7 days")),
                Category("1_4w", _("1–4 weeks")),
                Category("over_4w", _("Over 4 weeks")),
                Category("still_missing", _("Still missing at the end of the period")),
            ),
        ),
        Breakdown(
            "part",
            _("Part"),
            (Category("after_public_alert", _("Found after a public alert")),),
            partition=False,
        ),
        Breakdown(
            "victim_status",
            _("Status of the victim"),
            (
                Category("identified", _("Identified")),
                Category("presumed", _("Presumed")),
            ),
        ),
        Breakdown(
            "citizenship",
            _("Citizenship"),
            (
                Category("national", pgettext_lazy("citizenship", "National"), "NAT"),
                Category("other_eu", _("Other EU country"), "EU27_2020_FOR"),
                Category("non_eu", _("Non-EU country"), "NEU27_2020_FOR"),
                Category("unknown", _("Unknown"), "UNK"),
            ),
            sdmx_dimension="CITIZEN",
        ),
        Breakdown(
            "exploitation",
            _("Form of exploitation"),
            (
                Category("sexual", _("Sexual exploitation"), "SEX_EXP"),
                Category("labour", _("Labour exploitation"), "LAB_EXP"),
                Category("forced_begging", _("Forced begging"), "BEG"),
                Category("forced_criminality", _("Forced criminal activities"), "CRIM"),
                Category("forced_marriage", _("Forced marriage"), "MAR"),
                Category("organ_removal", _("Removal of organs"), "ORG"),
                Category("other", _("Other forms"), "OTH"),
            ),
        ),
        Breakdown(
            "exploitation_country",
            _("Country of exploitation"),
            (
                Category("reporting", _("The reporting country")),
                Category("other_eu", _("Another EU country")),
                Category("non_eu", _("A non-EU country")),
                Category("unknown", _("Unknown")),
            ),
        ),
    )
}
# Cross-classified breakdowns: their categories are "a|b" of the two breakdowns' codes.
CROSSED = {"sex*age_group": ("sex", "age_group")}


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    family: str
    name: object
    definition: object
    unit: str  # "contacts", "cases", "children", "persons"
    breakdowns: tuple[str, ...] = ()
    period_types: tuple[str, ...] = (PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH)
    # Computed from the platform's cases and contacts (else only submitted).
    computed: bool = True
    extra: dict = field(default_factory=dict)


ALL_PERIODS = (PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH)

INDICATORS = (
    IndicatorDefinition(
        "MC01",
        Family.MISSING,
        _("Calls and other contacts"),
        _(
            "Every contact with the 116 000 hotline (call, chat, e-mail, SMS, walk-in, letter) "
            "whose start falls in the period, by channel and by what it was about."
        ),
        "contacts",
        ("channel", "subject"),
    ),
    IndicatorDefinition(
        "MC02",
        Family.MISSING,
        _("New cases"),
        _(
            "Cases opened in the period (the date the hotline opened the case places it), one "
            "per disappearance, by category, by the child's sex and by age group (age in whole "
            "years on the day last seen, from the date of birth or else the estimate)."
        ),
        "cases",
        ("category", "sex", "age_group", "sex*age_group"),
    ),
    IndicatorDefinition(
        "MC03",
        Family.MISSING,
        _("Cases carried over"),
        _(
            "Cases opened before the period began and neither found nor closed before it began: "
            "the children still missing at the end of the previous period."
        ),
        "cases",
        ("category",),
    ),
    IndicatorDefinition(
        "MC04",
        Family.MISSING,
        _("Cross-border cases"),
        _(
            "New cases in the period where the child may have crossed or be crossing a border, "
            "is heading to another country, or was taken abroad (international parental "
            "abduction)."
        ),
        "cases",
        ("category",),
    ),
    IndicatorDefinition(
        "MC05",
        Family.MISSING,
        _("Outcomes at the end of the period"),
        _(
            "Cases handled in the period (new or carried over) by their situation at the end of "
            "the period: found (safe, harmed, deceased) by then, closed for another reason by "
            "then, or still missing."
        ),
        "cases",
        ("outcome",),
    ),
    IndicatorDefinition(
        "MC06",
        Family.MISSING,
        _("Children found, by how found"),
        _("Cases whose child was found in the period (the time found places it), by how."),
        "cases",
        ("found_how",),
    ),
    IndicatorDefinition(
        "MC07",
        Family.MISSING,
        _("Time missing"),
        _(
            "Children found in the period by the time from last seen to found (under 24 hours, "
            "1–7 days, 1–4 weeks, over 4 weeks), and the children of cases handled in the "
            "period still missing at its end."
        ),
        "cases",
        ("time_missing",),
    ),
    IndicatorDefinition(
        "MC08",
        Family.MISSING,
        _("Found after a public alert"),
        _(
            "Of the children found in the period (the total), those found after a public alert; "
            "the share is the one divided by the other."
        ),
        "cases",
        ("part",),
    ),
    IndicatorDefinition(
        "MC09",
        Family.MISSING,
        _("Repeat disappearances"),
        _(
            "New cases in the period of a child who had gone missing before (as recorded in the "
            "case's risk assessment), by sex."
        ),
        "cases",
        ("sex",),
    ),
    IndicatorDefinition(
        "TH01",
        Family.TRAFFICKING,
        _("Child victims of trafficking"),
        _(
            "Identified and presumed victims of trafficking in human beings under 18 registered "
            "in the period, by status, sex, age group, citizenship, form of exploitation and "
            "country of exploitation."
        ),
        "children",
        (
            "victim_status",
            "sex",
            "age_group",
            "citizenship",
            "exploitation",
            "exploitation_country",
        ),
        (PeriodType.YEAR,),
        computed=False,
    ),
    IndicatorDefinition(
        "TH02",
        Family.TRAFFICKING,
        _("Suspects of child trafficking"),
        _("Persons suspected of trafficking children in the period, by sex, where supplied."),
        "persons",
        ("sex",),
        (PeriodType.YEAR,),
        computed=False,
    ),
    IndicatorDefinition(
        "TH03",
        Family.TRAFFICKING,
        _("Prosecutions for child trafficking"),
        _("Persons prosecuted for trafficking children in the period, by sex, where supplied."),
        "persons",
        ("sex",),
        (PeriodType.YEAR,),
        computed=False,
    ),
    IndicatorDefinition(
        "TH04",
        Family.TRAFFICKING,
        _("Convictions for child trafficking"),
        _("Persons convicted of trafficking children in the period, by sex, where supplied."),
        "persons",
        ("sex",),
        (PeriodType.YEAR,),
        computed=False,
    ),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}

UNIT_LABELS = {
    "contacts": _("contacts"),
    "cases": _("cases"),
    "children": _("children"),
    "persons": _("persons"),
}


def indicators_of(family: str) -> list[IndicatorDefinition]:
    return [i for i in INDICATORS if i.family == family]


def breakdown_categories(code: str) -> list[str]:
    """The category codes of a breakdown, crossed ones as "a|b"."""
    if code in CROSSED:
        first, second = CROSSED[code]
        return [f"{a}|{b}" for a in BREAKDOWNS[first].codes() for b in BREAKDOWNS[second].codes()]
    return BREAKDOWNS[code].codes()


def breakdown_label(code: str):
    if code in CROSSED:
        first, second = CROSSED[code]
        return f"{BREAKDOWNS[first].label} × {BREAKDOWNS[second].label}"
    return BREAKDOWNS[code].label if code else _("Total")


def category_label(breakdown: str, key: str):
    if not breakdown:
        return _("Total")
    if breakdown in CROSSED:
        first, second = CROSSED[breakdown]
        a, _sep, b = key.partition("|")
        return f"{BREAKDOWNS[first].label_of(a)}, {BREAKDOWNS[second].label_of(b)}"
    return BREAKDOWNS[breakdown].label_of(key)


def cells_of(indicator: IndicatorDefinition) -> list[tuple[str, str]]:
    """Every cell of an indicator in reading order: the total, then each breakdown's."""
    cells = [("", "")]
    for breakdown in indicator.breakdowns:
        cells += [(breakdown, key) for key in breakdown_categories(breakdown)]
    return cells


def sdmx_code(breakdown: str, key: str) -> str:
    if not breakdown:
        return "_T"
    if breakdown in CROSSED:
        first, second = CROSSED[breakdown]
        a, _sep, b = key.partition("|")
        return f"{sdmx_code(first, a)}|{sdmx_code(second, b)}"
    category = next((c for c in BREAKDOWNS[breakdown].categories if c.code == key), None)
    return category.sdmx if category and category.sdmx else ""
