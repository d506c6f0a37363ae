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
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "public-pages:generation"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_CSRF_MARK = b'name="csrfmiddlewaretoken" value="\x00"'
# Headers of the view's answer that belong to the visitor, not to the page.
_NOT_KEPT = {"set-cookie", "vary", "content-length"}


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


def _key(language: str, full_path: str) -> str:
    return f"public-pages:{language}:{full_path}"


def _lookup(language: str, full_path: str) -> tuple[int, tuple | None]:
    """The current generation and the page kept for it, in one round trip to the cache: a
    page is kept with the generation it was made in, and one of an older generation is
    as good as gone."""
    key = _key(language, full_path)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY, 0)
    kept = found.get(key)
    if kept is not None and kept[0] != generation:
        kept = None
    return generation, kept


def _answer(request, kept: tuple) -> HttpResponse:
    _generation, content, headers = kept
    if _CSRF_MARK in content:
        mark = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode()
        content = content.replace(_CSRF_MARK, mark)
    return HttpResponse(content, headers=headers)


# The addresses this process has kept a page of (the middleware looks only these up, so that
# no other request pays a round trip to the cache); bounded, in case of many alerts.
_KEPT_PATHS: set[str] = set()
_KEPT_PATHS_MAX = 10_000


def cached_public_page(*, query: tuple[str, ...] = (), next_change=None):
    """Serve the view's 200 answers to anonymous GET requests from the cache.

    `query`: the query parameters the page depends on; a request with any other is answered
    by the view itself (no one fills the cache with made-up addresses). `next_change`: a
    function giving when the page would change by the clock alone (an alert running out),
    or None; the page is not kept past it. The headers the view sets are kept with the page
    (put the public site's security headers inside this decorator, so that they are kept).
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
            full_path = request.get_full_path()
            generation, kept = _lookup(translation.get_language(), full_path)
            if kept is not None:
                return _answer(request, kept)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            timeout = _seconds()
            if next_change is not None:
                until: datetime | None = next_change()
                if until is not None:
                    timeout = min(timeout, int((until - timezone.now()).total_seconds()))
            if timeout > 0:
                headers = {h: v for h, v in response.items() if h.lower() not in _NOT_KEPT}
                content = _CSRF_FIELD.sub(_CSRF_MARK, response.content)
                cache.set(
                    _key(translation.get_language(), full_path),
                    (generation, content, headers),
                    timeout,
                )
                if len(_KEPT_PATHS) < _KEPT_PATHS_MAX:
                    _KEPT_PATHS.add(full_path)
            return response

        return wrapped

    return decorate


class PublicPageCacheMiddleware:
    """Answers an anonymous GET of a kept public page before the rest of the middleware runs.

    The pages are the same for every anonymous visitor; running the session, authentication,
    messages, second-factor, time-zone, htmx and lock-out middleware for each copy served
    cost more than the copy itself. A request with a session cookie (possibly signed in)
    goes the whole way. What the skipped middleware would add to such an answer is added
    here the same way: the visitor's CSRF token and cookie (Django's own middleware, so the
    cookie rules stay the same), `Vary` and `Content-Language` (as LocaleMiddleware),
    `X-Frame-Options`, `Content-Length`. The security middleware sits before this one and
    adds its headers as to any page; the page's own headers (the public site's
    Content-Security-Policy among them) are kept with it.

    Place it after SecurityMiddleware and WhiteNoiseMiddleware."""

    def __init__(self, get_response):
        from django.middleware.clickjacking import XFrameOptionsMiddleware
        from django.middleware.csrf import CsrfViewMiddleware

        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and _seconds() > 0
        ):
            full_path = request.get_full_path()
            if full_path in _KEPT_PATHS:
                language = translation.get_language_from_request(request)
                _generation, kept = _lookup(language, full_path)
                if kept is not None:
                    return self.serve(request, kept, language)
        return self.get_response(request)

    def serve(self, request, kept: tuple, language: str) -> HttpResponse:
        request.LANGUAGE_CODE = language
        self.csrf.process_request(request)
        response = _answer(request, kept)
        # In the order the full stack adds them: locale, frame options, CSRF, session.
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        response = self.frame_options.process_response(request, response)
        response = self.csrf.process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        response.headers["Content-Length"] = str(len(response.content))
        return response
