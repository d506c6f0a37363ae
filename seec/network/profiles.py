"""Country profiles: the picture of a country, or of the region, on any date.

Every fact holds from its `effective_from` until the next fact of the same subject, so the
picture on a day is, per subject, the latest fact dated on or before it. The region's facts
are a few hundred rows: they are read once per picture and sorted here, the same on every
database engine.

`hotline_directory(at)` and `country_profile(country, at)` are what the public site shows
(issue 22): they hold only what is public (no people, no agreements, no evaluation detail).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from seec.core.models import Country

from .models import (
    AdoptionStage,
    AlertSystemStage,
    ChildAlertFact,
    Convention,
    EvaluationStage,
    GapStatus,
    HotlineFact,
    HotlineStage,
    LegalGapFact,
    ModelProtocol,
    NationalCentreFact,
    ProtocolAdoptionFact,
    RatificationFact,
    ServiceEvaluation,
    TreatyStage,
)

TREATY_ORDER = [TreatyStage.SIGNED, TreatyStage.RATIFIED, TreatyStage.IN_FORCE]


def _today(at: datetime.date | None) -> datetime.date:
    return at or timezone.localdate()


def latest_by_subject(facts, day: datetime.date, key) -> dict:
    """The latest fact on or before `day` for each key(fact). `facts` come in date order."""
    found = {}
    for fact in facts:
        if fact.effective_from <= day:
            found[key(fact)] = fact
    return found


def _in_date_order(queryset):
    return queryset.order_by("effective_from", "pk")


@dataclass
class HotlineState:
    fact: HotlineFact | None
    operational_since: datetime.date | None = None

    @property
    def stage(self) -> str:
        """The stage, or "" where nothing is recorded for the country by that date."""
        return self.fact.stage if self.fact else ""


@dataclass
class ConventionState:
    convention: Convention
    stage: str | None  # the furthest step reached by the day
    steps: dict[str, datetime.date] = field(default_factory=dict)


@dataclass
class CountryProfile:
    country: Country
    at: datetime.date
    hotline: HotlineState
    child_alert: ChildAlertFact | None
    national_centre: NationalCentreFact | None
    conventions: list[ConventionState]
    gaps: list[LegalGapFact]
    protocols: list[tuple[ModelProtocol, ProtocolAdoptionFact | None]]
    evaluation: ServiceEvaluation | None = None

    @property
    def open_gaps(self) -> int:
        return sum(1 for g in self.gaps if g.status != GapStatus.ADDRESSED)


def _hotline_states(day, countries) -> dict[str, HotlineState]:
    """Each country's 116 000 fact on `day`, with the start of its unbroken operation."""
    facts = _in_date_order(
        HotlineFact.objects.filter(country__in=countries, effective_from__lte=day)
    )
    states: dict[str, HotlineState] = {}
    for fact in facts:
        previous = states.get(fact.country_id)
        since = None
        if fact.stage == HotlineStage.OPERATIONAL:
            since = (
                previous.operational_since
                if previous and previous.stage == HotlineStage.OPERATIONAL
                else fact.effective_from
            )
        states[fact.country_id] = HotlineState(fact, since)
    return states


def _convention_states(day, countries) -> dict[str, list[ConventionState]]:
    conventions = list(Convention.objects.all())
    steps: dict[tuple[str, str], dict[str, datetime.date]] = defaultdict(dict)
    for fact in RatificationFact.objects.filter(country__in=countries, effective_from__lte=day):
        steps[(fact.country_id, fact.convention_id)][fact.stage] = fact.effective_from
    out: dict[str, list[ConventionState]] = {}
    for code in countries:
        states = []
        for convention in conventions:
            done = steps.get((code, convention.code), {})
            stage = next((s for s in reversed(TREATY_ORDER) if s in done), None)
            states.append(ConventionState(convention, stage, done))
        out[code] = states
    return out


def _latest_evaluations(day, countries) -> dict[str, ServiceEvaluation]:
    """The latest evaluation of each country's services completed by `day`."""
    found = {}
    zone = timezone.get_current_timezone()
    by_day = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone)
    evaluations = (
        ServiceEvaluation.objects.filter(
            stage=EvaluationStage.COMPLETED,
            organisation__country__in=countries,
            reviewed_at__lt=by_day,
        )
        .select_related("organisation", "catalogue")
        .order_by("year", "reviewed_at")
    )
    for evaluation in evaluations:
        found[evaluation.organisation.country_id] = evaluation
    return found


def region_profiles(at: datetime.date | None = None, countries=None) -> dict[str, CountryProfile]:
    """Every region country's profile on `at` (today by default), by country code."""
    day = _today(at)
    region = list(Country.objects.filter(in_region=True).order_by("name"))
    if countries is not None:
        region = [c for c in region if c.code in set(countries)]
    codes = [c.code for c in region]
    hotlines = _hotline_states(day, codes)
    alerts = latest_by_subject(
        _in_date_order(ChildAlertFact.objects.filter(country__in=codes)),
        day,
        lambda f: f.country_id,
    )
    centres = latest_by_subject(
        _in_date_order(NationalCentreFact.objects.filter(country__in=codes)),
        day,
        lambda f: f.country_id,
    )
    conventions = _convention_states(day, codes)
    gaps = latest_by_subject(
        _in_date_order(LegalGapFact.objects.filter(country__in=codes).select_related("gap")),
        day,
        lambda f: f.gap_id,
    )
    gaps_by_country = defaultdict(list)
    for fact in gaps.values():
        gaps_by_country[fact.country_id].append(fact)
    protocols = list(ModelProtocol.objects.all())
    adoptions = latest_by_subject(
        _in_date_order(ProtocolAdoptionFact.objects.filter(country__in=codes)),
        day,
        lambda f: (f.country_id, f.protocol_id),
    )
    evaluations = _latest_evaluations(day, codes)
    return {
        country.code: CountryProfile(
            country=country,
            at=day,
            hotline=hotlines.get(country.code, HotlineState(None)),
            child_alert=alerts.get(country.code),
            national_centre=centres.get(country.code),
            conventions=conventions[country.code],
            gaps=sorted(gaps_by_country[country.code], key=lambda f: (f.gap.topic, f.gap.title)),
            protocols=[(p, adoptions.get((country.code, p.pk))) for p in protocols],
            evaluation=evaluations.get(country.code),
        )
        for country in region
    }


def country_profile(country, at: datetime.date | None = None) -> CountryProfile:
    """One country's profile on `at` (today by default); `country` is a Country or a code."""
    code = getattr(country, "code", country)
    profiles = region_profiles(at, countries=[str(code).upper()])
    if not profiles:
        raise Country.DoesNotExist(f"{code} is not a country of the region")
    return next(iter(profiles.values()))


def hotline_directory(at: datetime.date | None = None) -> list[dict]:
    """The 116 000 services of the region on `at`, for the public site: where the number
    answers, who answers it, when and how, since when, and the service's latest evaluation."""
    rows = []
    for profile in region_profiles(at).values():
        fact = profile.hotline.fact
        evaluation = profile.evaluation
        rows.append(
            {
                "country": profile.country.code,
                "country_name": str(profile.country),
                "number": "116 000",
                "stage": profile.hotline.stage,
                "stage_label": str(
                    HotlineStage(profile.hotline.stage).label
                    if profile.hotline.stage
                    else NOT_RECORDED.label
                ),
                "operational": profile.hotline.stage == HotlineStage.OPERATIONAL,
                "operator": fact.operator if fact else "",
                "hours": fact.hours if fact else "",
                "channels": fact.channels if fact else "",
                "landline": bool(fact and fact.landline),
                "mobile": bool(fact and fact.mobile),
                "operational_since": profile.hotline.operational_since,
                "evaluation": (
                    {
                        "year": evaluation.year,
                        "result": evaluation.result,
                        "result_label": evaluation.get_result_display(),
                        "criteria": str(evaluation.catalogue),
                    }
                    if evaluation
                    else None
                ),
            }
        )
    return rows


# --- What the map can be coloured by -----------------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str


NOT_RECORDED = Category("", gettext_lazy("Not recorded"), "#ffffff")


@dataclass(frozen=True)
class MapTopic:
    key: str
    label: str
    categories: tuple[Category, ...]
    classify: object  # CountryProfile -> category key

    def category_of(self, profile: CountryProfile) -> Category:
        key = self.classify(profile)
        return next((c for c in self.categories if c.key == key), NOT_RECORDED)

    @property
    def legend(self) -> tuple[Category, ...]:
        if any(c.key == NOT_RECORDED.key for c in self.categories):
            return self.categories
        return (*self.categories, NOT_RECORDED)


# A sequential scale from "nothing" to "done", readable by the colour-blind.
SCALE = ("#d9dde3", "#fdd49e", "#fc8d59", "#2b8cbe", "#045a8d")


def _stage_topic(key, label, choices, classify) -> MapTopic:
    steps = list(choices)
    colours = SCALE[: len(steps)] if len(steps) > 2 else (SCALE[0], SCALE[3])
    categories = tuple(
        Category(choice.value, str(choice.label), colour)
        for choice, colour in zip(steps, colours, strict=False)
    )
    return MapTopic(key, label, categories, classify)


def map_topics() -> dict[str, MapTopic]:
    """Every fact the map can be coloured by (read each time: labels follow the language)."""
    from django.utils.translation import gettext as _

    hotline_stages = [
        HotlineStage.NONE,
        HotlineStage.IN_PROGRESS,
        HotlineStage.SUSPENDED,
        HotlineStage.OPERATIONAL,
    ]
    topics = [
        _stage_topic("hotline", _("116 000 hotline"), hotline_stages, lambda p: p.hotline.stage),
        MapTopic(
            "hotline_networks",
            _("116 000: networks reached"),
            (
                Category("both", _("Landlines and mobiles"), SCALE[4]),
                Category("mobile", _("Mobile networks only"), SCALE[2]),
                Category("landline", _("Landlines only"), SCALE[1]),
                Category("none", _("Not reachable"), SCALE[0]),
            ),
            lambda p: _networks(p),
        ),
        _stage_topic(
            "child_alert",
            _("Child alert system"),
            list(AlertSystemStage),
            lambda p: p.child_alert.stage if p.child_alert else None,
        ),
        MapTopic(
            "open_gaps",
            _("Open gaps in law and policy"),
            (
                Category("0", _("None open"), SCALE[4]),
                Category("1", _("One"), SCALE[1]),
                Category("2+", _("Two or more"), SCALE[2]),
            ),
            lambda p: "0" if not p.open_gaps else "1" if p.open_gaps == 1 else "2+",
        ),
    ]
    from .models import CentreStage, ServiceStatus

    topics.append(
        MapTopic(
            "evaluation",
            _("116 000 service evaluation"),
            (
                Category(ServiceStatus.MEETS, str(ServiceStatus.MEETS.label), SCALE[4]),
                Category(
                    ServiceStatus.MEETS_WITH_CONDITIONS,
                    str(ServiceStatus.MEETS_WITH_CONDITIONS.label),
                    SCALE[1],
                ),
                Category(
                    ServiceStatus.DOES_NOT_MEET, str(ServiceStatus.DOES_NOT_MEET.label), SCALE[2]
                ),
            ),
            lambda p: p.evaluation.result if p.evaluation else None,
        )
    )

    topics.append(
        _stage_topic(
            "national_centre",
            _("National centre"),
            list(CentreStage),
            lambda p: p.national_centre.stage if p.national_centre else None,
        )
    )
    for convention in Convention.objects.all():
        topics.append(
            MapTopic(
                f"convention:{convention.code}",
                convention.short_name,
                (
                    Category("", _("Not signed"), SCALE[0]),
                    Category(TreatyStage.SIGNED, str(TreatyStage.SIGNED.label), SCALE[1]),
                    Category(TreatyStage.RATIFIED, str(TreatyStage.RATIFIED.label), SCALE[3]),
                    Category(TreatyStage.IN_FORCE, str(TreatyStage.IN_FORCE.label), SCALE[4]),
                ),
                lambda p, code=convention.code: next(
                    (c.stage or "" for c in p.conventions if c.convention.code == code), ""
                ),
            )
        )
    for protocol in ModelProtocol.objects.all():
        topics.append(
            _stage_topic(
                f"protocol:{protocol.code}",
                protocol.title,
                list(AdoptionStage),
                lambda p, pk=protocol.pk: next(
                    (f.stage for proto, f in p.protocols if proto.pk == pk and f), None
                ),
            )
        )
    return {topic.key: topic for topic in topics}


def _networks(profile: CountryProfile) -> str:
    fact = profile.hotline.fact
    if not fact or fact.stage != HotlineStage.OPERATIONAL:
        return "none"
    if fact.landline and fact.mobile:
        return "both"
    return "mobile" if fact.mobile else "landline" if fact.landline else "none"


# --- A country's timeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    topic: str
    text: str
    link: str = ""


def country_timeline(country: Country, user=None) -> list[TimelineEntry]:
    """Everything that changed for `country`, oldest first: its profile's facts, and the
    agreements and activities that concerned it which `user` may see."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from seec.core import policy

    from .models import Activity, Agreement

    code = country.code
    entries: list[TimelineEntry] = []
    for fact in HotlineFact.objects.filter(country=code):
        detail = ", ".join(
            part
            for part in (
                fact.operator,
                fact.hours,
                _("landlines") if fact.landline else "",
                _("mobile networks") if fact.mobile else "",
            )
            if part
        )
        text = f"{fact.get_stage_display()}" + (f" ({detail})" if detail else "")
        entries.append(TimelineEntry(fact.effective_from, _("116 000 hotline"), text))
    for fact in ChildAlertFact.objects.filter(country=code):
        text = fact.get_stage_display() + (f" ({fact.authority})" if fact.authority else "")
        entries.append(TimelineEntry(fact.effective_from, _("Child alert system"), text))
    for fact in NationalCentreFact.objects.filter(country=code):
        text = fact.get_stage_display() + (f" ({fact.name})" if fact.name else "")
        entries.append(TimelineEntry(fact.effective_from, _("National centre"), text))
    for fact in RatificationFact.objects.filter(country=code).select_related("convention"):
        entries.append(
            TimelineEntry(fact.effective_from, fact.convention.short_name, fact.get_stage_display())
        )
    for fact in LegalGapFact.objects.filter(country=code).select_related("gap"):
        entries.append(
            TimelineEntry(
                fact.effective_from,
                _("Law and policy"),
                f"{fact.gap.title}: {fact.get_status_display()}",
            )
        )
    for fact in ProtocolAdoptionFact.objects.filter(country=code).select_related("protocol"):
        entries.append(
            TimelineEntry(fact.effective_from, fact.protocol.title, fact.get_stage_display())
        )
    if user is not None:
        for agreement in policy.visible_to(user, Agreement).filter(countries=code):
            entries.append(
                TimelineEntry(
                    agreement.signed_on or agreement.valid_from,
                    agreement.get_kind_display(),
                    agreement.title,
                    reverse("network:agreement", args=[agreement.pk]),
                )
            )
        for activity in policy.visible_to(user, Activity).filter(countries=code):
            entries.append(
                TimelineEntry(
                    activity.starts_on,
                    activity.get_kind_display(),
                    activity.title,
                    reverse("network:activity", args=[activity.pk]),
                )
            )
    return sorted(entries, key=lambda e: (e.day, e.topic))


def profile_as_dict(profile: CountryProfile) -> dict:
    """A profile as plain data (the API's shape)."""
    hotline = profile.hotline.fact
    alert, centre = profile.child_alert, profile.national_centre
    return {
        "country": profile.country.code,
        "country_name": str(profile.country),
        "at": profile.at,
        "hotline": {
            "stage": profile.hotline.stage or None,
            "operational_since": profile.hotline.operational_since,
            "operator": hotline.operator if hotline else "",
            "hours": hotline.hours if hotline else "",
            "channels": hotline.channels if hotline else "",
            "landline": bool(hotline and hotline.landline),
            "mobile": bool(hotline and hotline.mobile),
            "since": hotline.effective_from if hotline else None,
        },
        "child_alert": {
            "stage": alert.stage if alert else AlertSystemStage.NONE,
            "authority": alert.authority if alert else "",
            "cross_border": alert.cross_border if alert else "",
            "since": alert.effective_from if alert else None,
        },
        "national_centre": {
            "stage": centre.stage if centre else "none",
            "name": centre.name if centre else "",
            "since": centre.effective_from if centre else None,
        },
        "conventions": [
            {"code": c.convention.code, "stage": c.stage, "steps": c.steps}
            for c in profile.conventions
        ],
        "legal_gaps": [
            {
                "id": f.gap_id,
                "topic": f.gap.topic,
                "gap": f.gap.title,
                "status": f.status,
                "since": f.effective_from,
            }
            for f in profile.gaps
        ],
        "protocols": [
            {"code": p.code, "title": p.title, "stage": f.stage if f else None}
            for p, f in profile.protocols
        ],
    }
