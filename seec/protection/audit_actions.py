"""The audit actions of protection, and how the interface names them."""

from django.utils.translation import gettext_lazy as _

from seec.core import audit


class ProtectionAction:
    VICTIM_OPEN = "victim.open"
    VICTIM_UPDATE = "victim.update"
    VICTIM_VIEW = "victim.view"
    INDICATOR = "victim.indicator"
    AGE_ASSESSED = "victim.age_assessed"
    GUARDIAN = "victim.guardian"
    IDENTIFICATION = "victim.identification"
    CATALOGUE_DRAFT = "indicators.draft"
    CATALOGUE_EDIT = "indicators.edit"
    CATALOGUE_PUBLISH = "indicators.publish"
    PROVIDER_SAVE = "provider.save"
    REFERRAL = "referral.send"
    REFERRAL_ANSWER = "referral.answer"
    REFERRAL_CLOSE = "referral.close"
    PLAN_OPEN = "repatriation.open"
    PLAN_UPDATE = "repatriation.update"
    PLAN_DECIDE = "repatriation.decide"
    STEP_ADD = "repatriation.step_add"
    STEP_REQUEST = "repatriation.step_request"
    STEP_ANSWER = "repatriation.step_answer"
    STEP_RECEIVED = "repatriation.step_received"
    STEP_CONFIRMED = "repatriation.step_confirmed"
    STEP_OVERDUE = "repatriation.step_overdue"
    PERSON_OPEN = "poi.open"
    PERSON_VIEW = "poi.view"
    PERSON_ITEM = "poi.item"
    PERSON_SHARE = "poi.share"
    PERSON_PURGED = "poi.purged"
    ITEM_PURGED = "poi.item_purged"
    IDENTIFIER_ADD = "identifier.add"
    IDENTIFIER_MATCH = "identifier.match"
    IDENTIFIERS_SENT = "identifier.hashes_sent"


audit.ACTION_LABELS.update(
    {
        ProtectionAction.VICTIM_OPEN: _("Child victim's record opened"),
        ProtectionAction.VICTIM_UPDATE: _("Child victim's record updated"),
        ProtectionAction.VICTIM_VIEW: _("Child victim's record viewed"),
        ProtectionAction.INDICATOR: _("Indicator of trafficking recorded"),
        ProtectionAction.AGE_ASSESSED: _("Age assessed"),
        ProtectionAction.GUARDIAN: _("Guardian appointed"),
        ProtectionAction.IDENTIFICATION: _("Identification decided"),
        ProtectionAction.CATALOGUE_DRAFT: _("Indicator catalogue drafted"),
        ProtectionAction.CATALOGUE_EDIT: _("Indicator catalogue edited"),
        ProtectionAction.CATALOGUE_PUBLISH: _("Indicator catalogue published"),
        ProtectionAction.PROVIDER_SAVE: _("Service provider saved"),
        ProtectionAction.REFERRAL: _("Referred to a service"),
        ProtectionAction.REFERRAL_ANSWER: _("Referral answered"),
        ProtectionAction.REFERRAL_CLOSE: _("Referral closed"),
        ProtectionAction.PLAN_OPEN: _("Repatriation plan opened"),
        ProtectionAction.PLAN_UPDATE: _("Repatriation plan updated"),
        ProtectionAction.PLAN_DECIDE: _("Repatriation decided"),
        ProtectionAction.STEP_ADD: _("Repatriation step added"),
        ProtectionAction.STEP_REQUEST: _("Repatriation step asked of its owner"),
        ProtectionAction.STEP_ANSWER: _("Repatriation step answered"),
        ProtectionAction.STEP_RECEIVED: _("Repatriation step received"),
        ProtectionAction.STEP_CONFIRMED: _("Repatriation step confirmed"),
        ProtectionAction.STEP_OVERDUE: _("Repatriation step overdue"),
        ProtectionAction.PERSON_OPEN: _("Person of interest recorded"),
        ProtectionAction.PERSON_VIEW: _("Person of interest viewed"),
        ProtectionAction.PERSON_ITEM: _("Information on a person of interest recorded"),
        ProtectionAction.PERSON_SHARE: _("Person of interest shared across borders"),
        ProtectionAction.PERSON_PURGED: _("Person of interest deleted at the retention limit"),
        ProtectionAction.ITEM_PURGED: _("Information deleted at the retention limit"),
        ProtectionAction.IDENTIFIER_ADD: _("Identifier recorded"),
        ProtectionAction.IDENTIFIER_MATCH: _("Identifier seen elsewhere"),
        ProtectionAction.IDENTIFIERS_SENT: _("Identifiers' keyed hashes sent under an agreement"),
    }
)
