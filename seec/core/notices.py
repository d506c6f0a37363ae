"""Telling users what concerns them: a notice in the platform and the same by e-mail, each
in the user's own language (so a Greek authority reads Greek whoever took the step)."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import policy
from .languages import language_of
from .models import Notification, User
from .tasks import send_email


def notify(users: Iterable[User], subject: Callable[[], str], link: str = "") -> int:
    """`subject` is called once per language, under that language, so that its gettext
    answers in it; `link` is a path in the platform. E-mails leave once the step that caused
    them is committed."""
    notices, mails = [], {}
    absolute = settings.SEEC_PUBLIC_URL.rstrip("/") + link
    for user in {u.pk: u for u in users if u.is_active}.values():
        language = language_of(user)
        with translation.override(language):
            text = str(subject())[:300]
            body = _("Open it in the platform: %(link)s") % {"link": absolute} if link else text
        notices.append(Notification(user=user, subject=text, link=link))
        if user.email:
            mails.setdefault((text, body), []).append(user.email)
    Notification.objects.bulk_create(notices)
    for (text, body), to in mails.items():
        transaction.on_commit(
            lambda text=text, body=body, to=to: send_email.enqueue(subject=text, body=body, to=to)
        )
    return len(notices)


def unread_count(user: User) -> int:
    """Read with the signed-in user where the page's user was loaded (seec/core/backends.py)."""
    kept = getattr(user, "_unread_notices", None)
    if kept is not None:
        return kept
    return policy.visible_to(user, Notification).filter(read_at__isnull=True).count()


def mark_read(user: User, pk: int | None = None) -> int:
    """One notice of the user's, or all of them, read now."""
    notices = policy.visible_to(user, Notification).filter(read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    if hasattr(user, "_unread_notices"):  # the count read with the user is no longer so
        del user._unread_notices
    return notices.update(read_at=timezone.now())
