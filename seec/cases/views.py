"""Pages of the hotline: contacts, cases, search, tasks, the supervisor's board."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core import services as core_services
from seec.core.audit import Origin
from seec.core.models import RoleCode, User
from seec.core.policy import Act, Capability
from seec.core.views.accounts import safe_next

from . import selectors, services
from .forms import (
    AssignForm,
    CaseFilterForm,
    CaseForm,
    CaseSearchForm,
    CloseForm,
    FileForm,
    FoundForm,
    NoteForm,
    PersonForm,
    ReasonForm,
    RiskForm,
    ShareForm,
    SightingForm,
    TaskForm,
)
from .models import Case, CaseTask, Contact

PAGE_SIZE = 25

# The case page's blank forms (risk, sighting, found, …) are the same for every case and
# reader but for the language and the date in their hints: rendered once per language and
# day in each process, not eleven times per page view, where their widgets took a third of
# the page's time (bench/web_load.py). The forms that list people or organisations (assign,
# share) are rendered per view.
BLANK_FORMS = {
    "risk": RiskForm,
    "sighting": SightingForm,
    "found": FoundForm,
    "close": CloseForm,
    "reopen": ReasonForm,
    "note": NoteForm,
    "task": TaskForm,
    "person": PersonForm,
    "file": FileForm,
}
_blank_forms: dict[tuple, dict[str, str]] = {}


def blank_forms() -> dict[str, str]:
    """The fields of each blank form as HTML, in the active language, with today's hints."""
    key = (translation.get_language(), timezone.localdate())
    rendered = _blank_forms.get(key)
    if rendered is None:
        fields = get_template("core/_form_fields.html")
        rendered = {name: fields.render({"form": form()}) for name, form in BLANK_FORMS.items()}
        if len(_blank_forms) > 100:  # yesterday's and other languages' go
            _blank_forms.clear()
        _blank_forms[key] = rendered
    return rendered


# Deeper than this, filters find a case faster than paging (and each page costs its offset).
MAX_PAGE = 400


def needs(capability: Capability):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not policy.has(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form, by field where the field is on it."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# --- Lists and search ------------------------------------------------------------------------


@needs(Capability.VIEW_PERSONAL_DATA)
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    valid = form.is_valid()

    def refine(cases):
        return form.filter(cases, request.user) if valid else cases.order_by("-opened_at", "-pk")

    # Page without counting: a count of a million rows costs more than the page itself.
    page = request.GET.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    start = (page_number - 1) * PAGE_SIZE
    rows = selectors.case_page(request.user, refine, start, PAGE_SIZE + 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "cases": rows[:PAGE_SIZE],
            "page_number": page_number,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query.urlencode(),
        },
    )


@needs(Capability.VIEW_PERSONAL_DATA)
def search(request):
    form = CaseSearchForm(request.GET or None)
    query, hits = "", []
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            hits = selectors.search_cases(request.user, query, details=form.details())
    template = "cases/_search_results.html" if request.htmx else "cases/search.html"
    return render(request, template, {"form": form, "query": query, "hits": hits})


# --- Contacts --------------------------------------------------------------------------------


@needs(Capability.RECORD_CONTACTS)
def quick_contact(request):
    """The contact screen grew into the contact centre's one screen (the caller, the child,
    duplicates, the case, the timer): old links and bookmarks land there."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("contactcentre:call") + (f"?{query}" if query else ""))


# --- Opening and editing a case ----------------------------------------------------------------


@needs(Capability.RECORD_CONTACTS)
def open_case(request):
    contact = None
    contact_id = request.GET.get("contact") or request.POST.get("contact")
    if contact_id:
        contact = policy.get_for_action(request.user, Contact, Act.CHANGE, pk=contact_id)
        if contact.case_id is not None:
            return case_already_opened(request, contact.case)
    form = CaseForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.likely_duplicates(
            request.user,
            given_names=data["given_names"],
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            place=data.get("last_seen_place", ""),
        )
        # Likely the same child: show them, and save only once the operator confirms.
        if not duplicates or request.POST.get("confirm_new") == "yes":
            try:
                case = services.open_case(origin=Origin.of(request), fields=data, contact=contact)
            except services.CaseAlreadyOpened as already:
                return case_already_opened(request, already.case)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
                return redirect(case_url(case))
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "duplicates": duplicates, "contact": contact, "creating": True},
    )


def case_already_opened(request, case):
    """A contact opens one case: a resubmitted form (Back, a double click) says so and links
    to the case, and opens nothing."""
    return render(request, "cases/case_already_opened.html", {"case": case}, status=409)


@needs(Capability.VIEW_PERSONAL_DATA)
def duplicate_check(request):
    """As the operator types the child's name: cases that may be the same child (htmx)."""
    hits = selectors.likely_duplicates(
        request.user,
        given_names=request.GET.get("given_names", ""),
        family_name=request.GET.get("family_name", ""),
    )
    return render(request, "cases/_duplicates.html", {"duplicates": hits})


@needs(Capability.RECORD_CONTACTS)
def edit_case(request, pk):
    case = policy.get_for_action(request.user, Case, Act.CHANGE, pk=pk)
    form = CaseForm(request.POST or None, instance=Case.objects.get(pk=case.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_case(case, origin=Origin.of(request), changes=changes)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Case updated."))
            return redirect(case_url(case))
    return render(request, "cases/case_form.html", {"form": form, "case": case})


# --- The case page -------------------------------------------------------------------------------


def case_managers_of(case: Case):
    """Who may be assigned the case: active case managers and supervisors of its owner."""
    return User.objects.filter(
        organisation_id=case.organisation_id,
        is_active=True,
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR],
    ).distinct()


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@needs(Capability.VIEW_PERSONAL_DATA)
def case_detail(request, pk):
    user = request.user
    case = selectors.case_for_reading(user, pk, origin=Origin.of(request))
    may_change = policy.can(user, Act.CHANGE, case)
    may_manage = policy.can(user, Act.MANAGE, case)
    context = {
        "case": case,
        "people": case.people.all(),
        "risk": case.risk_assessments.select_related("assessed_by").first(),
        "sightings": case.sightings.all()[:20],
        "tasks": case.tasks.select_related("assigned_to").all(),
        "notes": case.notes.select_related("author").all()[:50],
        "contacts": case.contacts.select_related("operator", "conversation").all()[:20],
        "files": case.files.all(),
        "timeline": selectors.timeline(case),
        "may_change": may_change,
        "may_manage": may_manage,
        "may_request_alert": may_manage
        and case.is_open
        and policy.has(user, Capability.REQUEST_ALERTS),
        "may_share": policy.can(user, Act.SHARE, case),
        "blank": blank_forms(),
        "forms": {
            "assign": AssignForm(managers=case_managers_of(case)),
            "share": ShareForm(exclude_organisation=case.organisation_id),
        },
    }
    return render(request, "cases/case_detail.html", context)


def case_step(form_class, run, success_message, *, manage=False, form_kwargs=None):
    """A POST-only page for one workflow step on a case: validate, call the service, and go
    back to the case page, or show the form again with the service's reasons."""

    @needs(Capability.VIEW_PERSONAL_DATA)
    @require_POST
    def view(request, pk):
        action = Act.MANAGE if manage else Act.CHANGE
        case = policy.get_for_action(request.user, Case, action, pk=pk)
        extra = form_kwargs(case) if form_kwargs else {}
        form = form_class(request.POST, **extra)
        if form.is_valid():
            try:
                run(case, form, Origin.of(request))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, success_message)
                return redirect(case_url(case))
        return render(request, "cases/case_step.html", {"case": case, "form": form}, status=400)

    return view


assess_risk = case_step(
    RiskForm,
    lambda case, form, origin: services.assess_risk(
        case,
        origin=origin,
        factors=form.factors(),
        rationale=form.cleaned_data["rationale"],
        level=form.cleaned_data["level"] or None,
    ),
    _("Risk assessed."),
)
record_sighting = case_step(
    SightingForm,
    lambda case, form, origin: services.record_sighting(
        case, origin=origin, data=form.cleaned_data
    ),
    _("Sighting recorded."),
)
mark_found = case_step(
    FoundForm,
    lambda case, form, origin: services.mark_found(case, origin=origin, **form.cleaned_data),
    _("The child is marked found. A follow-up call is due within 24 hours."),
)
close_case = case_step(
    CloseForm,
    lambda case, form, origin: services.close_case(case, origin=origin, **form.cleaned_data),
    _("Case closed."),
    manage=True,
)
reopen_case = case_step(
    ReasonForm,
    lambda case, form, origin: services.reopen_case(
        case, origin=origin, reason=form.cleaned_data["reason"]
    ),
    _("Case reopened."),
    manage=True,
)
add_note = case_step(
    NoteForm,
    lambda case, form, origin: services.add_note(case, origin=origin, **form.cleaned_data),
    _("Note added."),
)
add_task = case_step(
    TaskForm,
    lambda case, form, origin: services.add_task(
        case, origin=origin, assigned_to=origin.actor, **form.cleaned_data
    ),
    _("Task added."),
)
add_person = case_step(
    PersonForm,
    lambda case, form, origin: services.add_person(case, origin=origin, data=form.cleaned_data),
    _("Person linked to the case."),
)
assign_case = case_step(
    AssignForm,
    lambda case, form, origin: services.assign_case(
        case, form.cleaned_data["manager"], origin=origin
    ),
    _("Case manager assigned."),
    manage=True,
    form_kwargs=lambda case: {"managers": case_managers_of(case)},
)
share_case = case_step(
    ShareForm,
    lambda case, form, origin: core_services.grant_share(
        case, form.cleaned_data["organisation"], origin=origin, reason=form.cleaned_data["reason"]
    ),
    _("Case shared."),
    form_kwargs=lambda case: {"exclude_organisation": case.organisation_id},
)


@needs(Capability.VIEW_PERSONAL_DATA)
@require_POST
def add_file(request, pk):
    case = policy.get_for_action(request.user, Case, Act.CHANGE, pk=pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_file(
                case,
                origin=Origin.of(request),
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("File added."))
            return redirect(case_url(case))
    return render(request, "cases/case_step.html", {"case": case, "form": form}, status=400)


@needs(Capability.VIEW_PERSONAL_DATA)
def file_content(request, pk):
    """A case's photo or document, decrypted for a user the policy lets see it."""
    case_file, content = selectors.file_for_reading(request.user, pk, origin=Origin.of(request))
    return file_response(case_file, content)


def file_response(case_file, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=case_file.content_type)
    disposition = "inline" if case_file.kind == "photo" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="case-file-{case_file.pk}"'
    # A child's photo never sits in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@needs(Capability.VIEW_PERSONAL_DATA)
@require_POST
def complete_task(request, pk):
    task = policy.get_for_action(request.user, CaseTask, Act.CHANGE, pk=pk)
    try:
        services.complete_task(task, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task done."))
    # Back to the list the task was ticked on, never to another site (an open redirect).
    return redirect(safe_next(request, case_url(task.case)))


# --- Tasks and the board -----------------------------------------------------------------------


@needs(Capability.VIEW_PERSONAL_DATA)
def my_tasks(request):
    return render(request, "cases/my_tasks.html", {"tasks": selectors.my_tasks(request.user)})


@needs(Capability.SUPERVISE)
def supervisor_board(request):
    return render(request, "cases/board.html", selectors.supervisor_board(request.user))
