"""The one-screen contact: what the screen starts from and what Save does with it.

Save is one step for the operator and one transaction for the platform: the contact, the case
it opens or follows up, and the conversation it records, together or not at all.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.cases import selectors as case_selectors
from seec.cases import services as case_services
from seec.cases.models import Case, Channel, Contact, ContactSubject
from seec.cases.views import apply_errors, case_url
from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act

from .models import Conversation


def initial_for(conversation: Conversation | None, query) -> dict:
    """What the screen is filled with: the conversation's channel, number and language; a
    follow-up's case number and subject (`?case=GR-2026-000123`)."""
    initial = {"channel": Channel.CALL}
    if conversation is not None:
        initial.update(
            channel=conversation.channel,
            caller_phone=conversation.caller_number,
            caller_language=conversation.caller_language,
            conversation=conversation.pk,
            started_at=conversation.answered_at or conversation.arrived_at,
        )
        if conversation.contact_id:
            initial["case_number"] = getattr(conversation.contact.case, "number", "")
    case_number = (query.get("case") or "")[:20]
    if case_number:
        initial.update(case_number=case_number, subject=ContactSubject.CASE_INFORMATION)
    return initial


def timer_start(conversation: Conversation | None, form) -> datetime:
    """When the call was taken: the timer counts from here."""
    if conversation is not None and conversation.answered_at:
        return conversation.answered_at
    value = form.data.get("started_at") if form.is_bound else None
    if value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return timezone.now()


@dataclass
class Outcome:
    redirect: str = ""
    duplicates: list = field(default_factory=list)


def find_case(user, number: str) -> Case | None:
    hits = case_selectors.search_cases(user, number)
    if hits and hits[0].matched_on == "number":
        return hits[0].case
    return None


@transaction.atomic
def record_call(
    *,
    origin: Origin,
    contact_data: dict,
    case: Case | None = None,
    child: dict | None = None,
    conversation: Conversation | None = None,
) -> tuple[Contact, Case | None]:
    """Record the contact; open the case it reports (`child`) or attach it to `case`; tie it
    to its conversation. A refusal anywhere leaves nothing written."""
    if conversation is not None:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if not policy.can(origin.actor, Act.CHANGE, conversation):
            raise PermissionDenied
        if conversation.contact_id:
            raise ValidationError(
                {"conversation": _("This conversation's contact is recorded already.")}
            )
    contact = case_services.record_contact(origin=origin, data=contact_data, case=case)
    opened = None
    if child is not None:
        opened = case_services.open_case(origin=origin, fields=child, contact=contact)
    if conversation is not None:
        conversation.contact = contact
        conversation.save(update_fields=["contact"])
    return contact, opened or case


def submit(request, form, child_form, conversation) -> Outcome:
    """Validate the screen and save it; the outcome says where to go, or which likely
    duplicates to show before a new case is opened."""
    user = request.user
    case = None
    number = (request.POST.get("attach") or request.POST.get("case_number") or "").strip()
    if not form.is_valid():
        return Outcome()
    if number:
        case = find_case(user, number)
        if case is None:
            form.add_error("case_number", _("No case with this number that you may see."))
            return Outcome()
    child = None
    if form.is_new_disappearance and case is None:
        if not child_form.is_valid():
            return Outcome()
        child = child_form.cleaned_data
        found = case_selectors.likely_duplicates(
            user,
            given_names=child["given_names"],
            family_name=child.get("family_name", ""),
            date_of_birth=child.get("date_of_birth"),
            place=child.get("last_seen_place", ""),
        )
        if found and request.POST.get("confirm_new") != "yes":
            return Outcome(duplicates=found)
    data = form.contact_data()
    if data.get("duration_seconds") is None:
        data["duration_seconds"] = max(
            0, round((timezone.now() - data["started_at"]).total_seconds())
        )
    try:
        _contact, case = record_call(
            origin=Origin.of(request),
            contact_data=data,
            case=case,
            child=child,
            conversation=conversation,
        )
    except ValidationError as error:
        target = child_form if child and set(error.message_dict) & set(child_form.fields) else form
        apply_errors(target, error)
        return Outcome()
    except PermissionDenied:
        form.add_error(None, _("You may not add to this case."))
        return Outcome()
    if case is not None and child is not None:
        messages.success(
            request, _("Contact recorded and case %(number)s opened.") % {"number": case.number}
        )
    elif case is not None:
        messages.success(
            request, _("Contact recorded on case %(number)s.") % {"number": case.number}
        )
    else:
        messages.success(request, _("Contact recorded."))
    if case is not None:
        return Outcome(redirect=case_url(case))
    return Outcome(redirect=reverse("contactcentre:console"))
