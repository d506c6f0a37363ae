"""A cache for the public pages that every anonymous visitor sees alike (the live alerts, an
alert's page, the Atom feed, the hotline directory, the regional centre's pages): each page is
kept per address and language, and all of them are dropped at once when what the public may
see changes (an alert issued, updated or ended, a child published or withdrawn, a record of
the network published or changed: the apps call `invalidate`, or connect their models with
`invalidate_on_change`) by raising a generation number kept in the project's cache.

The generation reaches every web process only through a shared cache (`CACHE_URL`, Redis, as
docs/operations.md asks for several processes). With the in-process default a page is kept
for `SEEC_PUBLIC_PAGE_CACHE_SECONDS` (2 s), so another process never shows a change late by
more than that; with a shared cache, up to 5 minutes, or until the next alert or publication
runs out by itself (`next_change`), whichever comes first.

The language switch's CSRF token is not kept: each visitor gets their own in its place.
"""

import re
from datetime import datetime, time, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

GENERATION_KEY = "public-pages:generation"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_CSRF_MARK = b'name="csrfmiddlewaretoken" value="\x00"'
# Headers the view sets that belong to the page (the middleware adds the rest each time).
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "Content-Language")


def invalidate() -> None:
    """Drop every cached public page now and again once the current transaction commits (a
    reader between the two could have kept the page as it was before the commit)."""
    _next_generation()
    transaction.on_commit(_next_generation)


def invalidate_on_change(*models) -> None:
    """Drop every cached public page whenever a row of `models` is saved or deleted, or one
    of its many-to-many relations changes (an event's countries or partners)."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-pages:save:{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-pages:delete:{model}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            uid = f"public-pages:m2m:{through}"
            m2m_changed.connect(_changed, sender=through, dispatch_uid=uid)


def next_midnight() -> datetime:
    """The next local midnight: when pages that tell past from coming by the date change."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed: once, after
        invalidate()


def _next_generation() -> None:
    cache.add(GENERATION_KEY, 0, timeout=None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls
        cache.add(GENERATION_KEY, 1, timeout=None)


def _seconds() -> int:
    return settings.SEEC_PUBLIC_PAGE_CACHE_SECONDS


def cached_public_page(*, query: tuple[str, ...] = (), next_change=None):
    """Serve the view's 200 answers to anonymous GET requests from the cache.

    `query`: the query parameters the page depends on; a request with any other is answered
    by the view itself (no one fills the cache with made-up addresses). `next_change`: a
    function giving when the page would change by the clock alone (an alert running out),
    or None; the page is not kept past it.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                _seconds() <= 0
                or request.method not in ("GET", "HEAD")
                or set(request.GET) - set(query)
                or request.user.is_authenticated
            ):
                return view(request, *args, **kwargs)
            generation = cache.get(GENERATION_KEY, 0)
            key = (
                f"public-pages:{generation}:{translation.get_language()}:{request.get_full_path()}"
            )
            kept = cache.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                timeout = _seconds()
                if next_change is not None:
                    until: datetime | None = next_change()
                    if until is not None:
                        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
                if timeout > 0:
                    headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
                    content = _CSRF_FIELD.sub(_CSRF_MARK, response.content)
                    cache.set(key, (content, headers), timeout)
                return response
            content, headers = kept
            if _CSRF_MARK in content:
                mark = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode()
                content = content.replace(_CSRF_MARK, mark)
            return HttpResponse(content, headers=headers)

        return wrapped

    return decorate
