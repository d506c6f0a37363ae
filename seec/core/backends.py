"""The sign-in backend: Django's, with what every page asks of the user read in one query."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery

from .models import Notification, RoleCode, User


class UserBackend(ModelBackend):
    """Every page shows the user's organisation and unread notices, and every page asks the
    policy (the roles) and the second-factor gate (a confirmed device) about the user: read
    with the user in one query, not four (seec/core/tests/test_page_queries.py). Each request
    loads its own user, so each page sees the roles, devices and notices as they are now."""

    def get_user(self, user_id):
        try:
            user = user_query().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        keep_page_facts(user)
        return user


@functools.cache
def _device_classes() -> tuple:
    """The kinds of second factor, found once: django_otp walks every model for them."""
    from django_otp import device_classes

    return tuple(device_classes())


@functools.cache
def user_query():
    """The user with its organisation and page facts, built once in each process and copied by
    each request's `.get()`: building its eleven annotations anew took three quarters of the
    user's read, about 3 ms of CPU on every signed-in page (bench/web_load.py)."""
    return get_user_model()._default_manager.select_related("organisation").annotate(**page_facts())


def page_facts() -> dict:
    """Annotations of a user's query: one per role, one per kind of second factor, the count
    of unread notices."""
    roles = User.roles.through.objects.filter(user_id=OuterRef("pk"))
    facts = {f"_has_role_{code}": Exists(roles.filter(role_id=code)) for code in RoleCode.values}
    for index, model in enumerate(_device_classes()):
        confirmed = model.objects.filter(user_id=OuterRef("pk"), confirmed=True)
        facts[f"_has_device_{index}"] = Exists(confirmed)
    unread = (
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    facts["_unread_notices"] = Subquery(unread, output_field=IntegerField())
    return facts


def keep_page_facts(user) -> None:
    """Where User.role_codes, signin.has_confirmed_device and notices.unread_count look
    first."""
    user._role_codes = frozenset(
        code for code in RoleCode.values if getattr(user, f"_has_role_{code}")
    )
    user._has_confirmed_device = any(
        getattr(user, f"_has_device_{index}") for index in range(len(_device_classes()))
    )
    user._unread_notices = user._unread_notices or 0
