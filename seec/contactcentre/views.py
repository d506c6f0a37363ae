"""Pages of the contact centre: the operator's console, one contact on one screen, the
supervisor's live view, the call metrics, and the public chat."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.cases import selectors as case_selectors
from seec.cases.models import ContactSubject
from seec.cases.views import needs
from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability

from . import calls, selectors, services
from .forms import CallForm, ChildForm, PresenceForm, TransferForm
from .models import OperatorPresence


@needs(Capability.RECORD_CONTACTS)
def console(request):
    """The operator's console: availability, contacts offered and in progress."""
    presence = OperatorPresence.objects.filter(user=request.user).first()
    return render(
        request,
        "contactcentre/console.html",
        {
            "presence": presence,
            "presence_form": PresenceForm(
                initial={
                    "status": presence.status if presence else "offline",
                    "chat_capacity": presence.chat_capacity if presence else 3,
                }
            ),
            "live": selectors.my_live_conversations(request.user),
        },
    )


@needs(Capability.RECORD_CONTACTS)
@require_POST
def set_presence(request):
    form = PresenceForm(request.POST)
    if form.is_valid():
        try:
            services.set_presence(
                origin=Origin.of(request),
                status=form.cleaned_data["status"],
                chat_capacity=form.cleaned_data["chat_capacity"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect("contactcentre:console")


@needs(Capability.RECORD_CONTACTS)
@require_POST
def take(request, pk):
    """The operator takes a contact offered to them (or waiting): on to its screen."""
    conversation = selectors.conversation_for(request.user, pk, Act.CHANGE)
    try:
        services.answer(conversation, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contactcentre:console")
    return redirect("contactcentre:conversation", pk=conversation.pk)


@needs(Capability.RECORD_CONTACTS)
@require_POST
def end(request, pk):
    conversation = selectors.conversation_for(request.user, pk, Act.CHANGE)
    try:
        services.end(conversation, origin=Origin.of(request))
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("contactcentre:console")
    messages.success(request, _("The contact has ended."))
    return redirect("contactcentre:conversation", pk=conversation.pk)


@needs(Capability.RECORD_CONTACTS)
@require_POST
def transfer(request, pk):
    conversation = selectors.conversation_for(request.user, pk, Act.CHANGE)
    colleagues = selectors.colleagues_for_transfer(request.user, conversation)
    form = TransferForm(request.POST, colleagues=colleagues)
    if form.is_valid():
        try:
            services.transfer(
                conversation,
                origin=Origin.of(request),
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("Transferred to %(name)s.")
                % {"name": form.cleaned_data["to"].get_full_name() or form.cleaned_data["to"]},
            )
            return redirect("contactcentre:console")
    else:
        messages.error(request, _("Choose the colleague to transfer to."))
    return redirect("contactcentre:conversation", pk=conversation.pk)


@needs(Capability.RECORD_CONTACTS)
@require_POST
def reply(request, pk):
    """An operator's chat or SMS message sent without the WebSocket (it is down, or a test)."""
    conversation = selectors.conversation_for(request.user, pk, Act.CHANGE)
    try:
        services.add_message(
            conversation,
            sender="operator",
            body=request.POST.get("body", ""),
            author=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("contactcentre:conversation", pk=conversation.pk)


@needs(Capability.RECORD_CONTACTS)
def call_screen(request, pk=None):
    """One contact on one screen: the caller, what the call is about, the child and the
    disappearance when it reports one, likely duplicates as the name is typed, the caller's
    earlier contacts and cases, the timer; Save records the contact and opens (or follows up)
    the case in one step."""
    user = request.user
    conversation = selectors.conversation_for(user, pk) if pk else None
    # Another operator's contact: a supervisor may look in (and transfer it), nobody else.
    if (
        conversation is not None
        and conversation.operator_id not in (None, user.pk)
        and not policy.can(user, Act.MANAGE, conversation)
    ):
        raise Http404
    hotline_country = user.organisation.country_id if user.organisation else ""
    initial = calls.initial_for(conversation, request.GET)
    data = request.POST or None
    if data is not None and data.get("attach") and not data.get("subject"):
        # "Save on this case" from the caller's history: a follow-up, in one step.
        data = data.copy()
        data["subject"] = ContactSubject.CASE_INFORMATION
    form = CallForm(
        data,
        initial=initial,
        caller_number=conversation.caller_number if conversation else "",
        hotline_country=hotline_country or "",
    )
    child_form = ChildForm(data)
    duplicates = []
    if request.method == "POST":
        outcome = calls.submit(request, form, child_form, conversation)
        if outcome.redirect:
            return redirect(outcome.redirect)
        duplicates = outcome.duplicates
    history = selectors.caller_history(user, conversation) if conversation else None
    transcript = conversation.messages.all() if conversation else []
    return render(
        request,
        "contactcentre/call_screen.html",
        {
            "form": form,
            "child_form": child_form,
            "duplicates": duplicates,
            "conversation": conversation,
            "history": history,
            "transcript": transcript,
            "transfer_form": TransferForm(
                colleagues=selectors.colleagues_for_transfer(user, conversation)
            )
            if conversation and conversation.is_live
            else None,
            "timer_started": calls.timer_start(conversation, form),
            "max_message": settings.SEEC_CHAT_MAX_MESSAGE_CHARS,
            "new_disappearance": form.data.get("subject", initial.get("subject"))
            == ContactSubject.NEW_DISAPPEARANCE,
        },
    )


@needs(Capability.RECORD_CONTACTS)
def duplicates(request):
    """As the operator types the child's name: cases that may be the same child, each with
    a button that attaches this contact to it (htmx)."""
    hits = case_selectors.likely_duplicates(
        request.user,
        given_names=request.GET.get("given_names", "")[:150],
        family_name=request.GET.get("family_name", "")[:150],
    )
    return render(
        request, "cases/_duplicates.html", {"duplicates": hits, "attach_to_form": "call-form"}
    )


@needs(Capability.SUPERVISE)
def supervisor(request):
    return render(request, "contactcentre/supervisor.html", selectors.live_view(request.user))


@needs(Capability.SUPERVISE)
def supervisor_panel(request):
    """The live view's body, refreshed when something changes (htmx, on a WebSocket push)."""
    return render(request, "contactcentre/_live.html", selectors.live_view(request.user))
