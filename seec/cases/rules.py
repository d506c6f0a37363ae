"""Access rules of the hotline's records (see core/policy.py)."""

from seec.core import policy
from seec.core.policy import Act, Capability, OrganisationRecordRule, Rule

from .models import (
    Case,
    CaseFile,
    CaseImport,
    CaseNote,
    CasePerson,
    CaseTask,
    Contact,
    RiskAssessment,
    Sighting,
)


@policy.register(Case)
class CaseRule(OrganisationRecordRule):
    """The owning hotline's staff see and work a case; police or another centre see it only
    through a share. Operators record; case managers and supervisors manage."""

    action_capabilities = {
        Act.CHANGE: Capability.RECORD_CONTACTS,
        Act.MANAGE: Capability.MANAGE_CASES,
        Act.SHARE: Capability.SHARE_RECORDS,
    }


@policy.register(CaseImport)
class CaseImportRule(OrganisationRecordRule):
    action_capabilities = {Act.CHANGE: Capability.MANAGE_CASES}


@policy.register(Contact)
class ContactRule(OrganisationRecordRule):
    action_capabilities = {Act.CHANGE: Capability.RECORD_CONTACTS}


class PartOfCaseRule(Rule):
    """What hangs off a case (people, notes, tasks, sightings, assessments) is seen by whoever
    sees the case, and changed by whoever may change it."""

    def scope(self, user, queryset, action):
        case_action = Act.VIEW if action == Act.VIEW else Act.CHANGE
        return queryset.filter(case__in=policy.visible_to(user, Case, case_action).values("pk"))


for part in (CasePerson, CaseNote, CaseTask, Sighting, RiskAssessment, CaseFile):
    policy.register(part)(type(f"{part.__name__}Rule", (PartOfCaseRule,), {}))
