"""Activation criteria of a child alert, as each country has adopted them.

Two presets: the European Commission's criteria for cross-border child abduction alerts and
the US Department of Justice's AMBER Alert criteria. They differ slightly (the DOJ asks for the
national crime-register entry, the Commission for the assurance that publishing does not add to
the danger); a country picks its preset in its alert settings.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import CriteriaPreset


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    help: str


UNDER_18 = Criterion(
    "under_18",
    _("The child is under 18."),
    _("Date of birth or age estimate, and how it is known."),
)
ABDUCTION = Criterion(
    "abduction",
    _("An abduction is confirmed or clearly indicated."),
    _("What the police know: witnesses, video, messages."),
)
SERIOUS_RISK = Criterion(
    "serious_risk",
    _("The child's life or health is at serious risk."),
    _("Why the danger is serious and imminent."),
)
ENOUGH_INFORMATION = Criterion(
    "enough_information",
    _(
        "There is enough description of the child (and of the abductor or vehicle, where "
        "relevant) for the public to help."
    ),
    _("What the public will be given: photo, clothing, vehicle and plate."),
)
NO_ADDED_DANGER = Criterion(
    "no_added_danger",
    _("Publishing the alert will not add to the danger to the child."),
    _("The police's judgement of how the abductor may react."),
)
REGISTERED = Criterion(
    "registered",
    _("The child is entered in the national crime register with the abduction flag."),
    _("The register and its reference."),
)

PRESETS: dict[str, tuple[Criterion, ...]] = {
    CriteriaPreset.EU: (UNDER_18, ABDUCTION, SERIOUS_RISK, ENOUGH_INFORMATION, NO_ADDED_DANGER),
    CriteriaPreset.US_DOJ: (ABDUCTION, SERIOUS_RISK, ENOUGH_INFORMATION, UNDER_18, REGISTERED),
}


def unmet(preset: str, answers: dict) -> list[Criterion]:
    """The criteria of the preset not answered as met."""
    return [c for c in PRESETS[preset] if not (answers.get(c.code) or {}).get("met")]
