"""Routing by presence and capacity, transfer, and the steps on a conversation: refused to
every role outside the hotline, and nothing changed by them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from seec.contactcentre import services
from seec.contactcentre.models import Conversation, OperatorPresence
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.factories import make_user

pytestmark = pytest.mark.django_db
HOTLINE = {RoleCode.HOTLINE_OPERATOR, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR}


def arrive(organisation, channel="call", number="+306900000001"):
    return services.contact_arrived(
        organisation=organisation, channel=channel, caller_number=number
    )[0]


def test_nobody_available_the_contact_waits_then_goes_to_whoever_becomes_available(
    operator, django_capture_on_commit_callbacks
):
    conversation = arrive(operator.organisation)
    assert conversation.state == "waiting" and conversation.operator is None
    with django_capture_on_commit_callbacks(execute=True):
        services.set_presence(origin=Origin(operator), status="available")
    conversation.refresh_from_db()
    assert conversation.state == "offered" and conversation.operator == operator


def test_a_call_fills_an_operator_chats_fill_them_up_to_their_capacity(
    region, operator, django_capture_on_commit_callbacks
):
    services.set_presence(origin=Origin(operator), status="available", chat_capacity=2)
    chats = [arrive(region.gr_hotline, "chat", "") for _ in range(3)]
    assert [c.state for c in chats] == ["offered", "offered", "waiting"]
    call = arrive(region.gr_hotline)
    assert call.state == "waiting"  # an operator in chats is not given a call
    with django_capture_on_commit_callbacks(execute=True):
        services.end(chats[0], origin=Origin(operator))
    chats[2].refresh_from_db()
    assert chats[2].operator == operator  # the freed place goes to the oldest waiting chat


def test_the_longest_idle_of_two_available_operators_gets_the_next_call(region, operator):
    other = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR)
    for user in (operator, other):
        services.set_presence(origin=Origin(user), status="available")
    first = arrive(region.gr_hotline)
    second = arrive(region.gr_hotline, number="+306900000002")
    assert {first.operator, second.operator} == {operator, other}


def test_an_operator_whose_screen_went_quiet_is_not_offered_contacts(operator):
    from datetime import timedelta

    from django.utils import timezone

    services.set_presence(origin=Origin(operator), status="available")
    OperatorPresence.objects.update(changed_at=timezone.now() - timedelta(minutes=5))
    assert arrive(operator.organisation).state == "waiting"


def test_transfer_goes_only_to_a_colleague_who_takes_contacts(region, operator, available):
    conversation = arrive(region.gr_hotline)
    services.answer(conversation, origin=Origin(operator))
    for outsider in (region.foreign_manager, region.users[RoleCode.ANALYST]):
        with pytest.raises(ValidationError):
            services.transfer(conversation, origin=Origin(operator), to=outsider)
    colleague = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR)
    with pytest.raises(PermissionDenied):  # not theirs to hand on
        services.transfer(conversation, origin=Origin(colleague), to=colleague)
    services.transfer(conversation, origin=Origin(operator), to=colleague, note="Speaks Greek")
    conversation.refresh_from_db()
    assert conversation.operator == colleague and conversation.state == "answered"
    assert conversation.messages.get().sender == "system"


@pytest.mark.parametrize("role", sorted({*RoleCode.values, "no_role"} - HOTLINE))
def test_steps_change_nothing_for_roles_outside_the_hotline(client, region, role):
    conversation = arrive(region.gr_hotline)
    before = Conversation.objects.filter(pk=conversation.pk).values().get()
    events = AuditEvent.objects.count()
    client.force_login(region.users[role])
    for name in ("take", "end", "transfer", "reply"):
        url = reverse(f"contactcentre:{name}", args=[conversation.pk])
        assert client.get(url).status_code in (403, 404, 405), url
        response = client.post(url, {"body": "x", "to": region.users[RoleCode.HOTLINE_OPERATOR].pk})
        assert response.status_code in (403, 404), (url, response.status_code)
    assert (
        client.post(reverse("contactcentre:presence"), {"status": "available"}).status_code == 403
    )
    assert Conversation.objects.filter(pk=conversation.pk).values().get() == before
    assert not conversation.messages.exists() and not OperatorPresence.objects.exists()
    assert AuditEvent.objects.exclude(action="auth.sign_in").count() == events


def test_another_hotlines_operator_finds_nothing(client, region):
    conversation = arrive(region.gr_hotline)
    client.force_login(region.foreign_manager)
    assert client.post(reverse("contactcentre:take", args=[conversation.pk])).status_code == 404
    assert (
        client.get(reverse("contactcentre:conversation", args=[conversation.pk])).status_code == 404
    )


def test_transcripts_go_when_their_retention_ends_and_a_cases_stay(region, operator, open_case):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from seec.contactcentre.calls import record_call

    old, with_case, recent = (
        arrive(region.gr_hotline, "sms", f"+30690000000{n}") for n in range(3)
    )
    for conversation in (old, with_case, recent):
        services.add_message(conversation, sender="caller", body="hello")
        services.end(conversation, origin=Origin())
    record_call(
        origin=Origin(operator), contact_data={"channel": "sms", "subject": "advice"},
        case=open_case(), conversation=with_case,
    )  # fmt: skip
    long_ago = timezone.now() - timedelta(days=400)
    Conversation.objects.filter(pk__in=[old.pk, with_case.pk]).update(ended_at=long_ago)
    call_command("purge_transcripts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {c.pk: c.messages.count() for c in Conversation.objects.all()}
    assert counts == {old.pk: 0, with_case.pk: 1, recent.pk: 1}
    old.refresh_from_db()
    assert old.caller_number == "" and old.state == "abandoned"


def test_only_the_operator_on_it_or_a_supervisor_ends_a_contact(
    region, operator, available, supervisor
):
    conversation = arrive(region.gr_hotline)
    colleague = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR)
    with pytest.raises(PermissionDenied):
        services.end(conversation, origin=Origin(colleague))
    services.end(conversation, origin=Origin(supervisor))
    conversation.refresh_from_db()
    assert conversation.state == "abandoned"
