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

Each web process keeps the copies it served in memory too (`_LOCAL`), in front of the shared
cache: a copy is served from there without a round trip to Redis while the generation was read
from the shared cache less than `SEEC_PUBLIC_PAGE_LOCAL_SECONDS` ago (0.1 s): another process
drops its copies at most that long after a change; the process that made the change, at once.

A kept page is the same for every visitor: it carries no CSRF token and sets no cookie (a
view's answer that does is not kept), so a copy is served without a session, a cookie or a
database query. The public site's language switch needs no token (seec/portal/views.py).
"""

import hashlib
import time as clock
from datetime import datetime, time, timedelta
from functools import wraps

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation

GENERATION_KEY = "public-pages:generation"
# Headers of the view's answer that belong to the visitor, not to the page.
_NOT_KEPT = {"set-cookie", "vary", "content-length"}


class _Local:
    """This process's copies: (language, address) -> kept, all of the generation read last."""

    generation = None
    read_at = float("-inf")  # when the generation was last read from the shared cache
    pages: dict = {}


_LOCAL = _Local()
_LOCAL_MAX = 10_000


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


def _forget_local() -> None:
    _LOCAL.pages = {}
    _LOCAL.read_at = float("-inf")


def _next_generation() -> None:
    _forget_local()  # this process: at once
    _first_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls
        _first_generation()


def _first_generation():
    """The generation once the shared cache has none (new, flushed, evicted): never one seen
    before, so that no process takes the copies in its memory for current."""
    cache.add(GENERATION_KEY, clock.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


def _seconds() -> int:
    return settings.SEEC_PUBLIC_PAGE_CACHE_SECONDS


def _key(language: str, full_path: str) -> str:
    return f"public-pages:v2:{language}:{full_path}"


def _read_generation(generation, now: float) -> None:
    if generation != _LOCAL.generation:
        _LOCAL.pages = {}
        _LOCAL.generation = generation
    _LOCAL.read_at = now


def _lookup(language: str, full_path: str) -> tuple[int, tuple | None]:
    """The current generation and the page kept for it. A page is kept with the generation
    it was made in and when it runs out; one of an older generation is as good as gone.

    From this process's memory while the generation was read less than
    SEEC_PUBLIC_PAGE_LOCAL_SECONDS ago; else one round trip to the shared cache, for the
    generation alone if the page is in memory, or for both at once."""
    kept = _from_memory(language, full_path)
    if kept is not None:
        return _LOCAL.generation, kept
    now = clock.monotonic()
    wall = clock.time()
    local_key = (language, full_path)
    kept = _LOCAL.pages.get(local_key)
    if kept is not None and kept[3] <= wall:
        kept = None
    if kept is not None:
        _read_generation(cache.get(GENERATION_KEY) or _first_generation(), now)
        if kept[0] == _LOCAL.generation:
            _LOCAL.pages[local_key] = kept
            return _LOCAL.generation, kept
    key = _key(language, full_path)
    found = cache.get_many([GENERATION_KEY, key])
    _read_generation(found.get(GENERATION_KEY) or _first_generation(), now)
    kept = found.get(key)
    if kept is None or kept[0] != _LOCAL.generation or kept[3] <= wall:
        return _LOCAL.generation, None
    _keep_local(local_key, kept)
    return _LOCAL.generation, kept


def _from_memory(language: str, full_path: str) -> tuple | None:
    """The page from this process's memory, if the generation was read recently enough and
    the page has not run out; no I/O."""
    if clock.monotonic() - _LOCAL.read_at >= settings.SEEC_PUBLIC_PAGE_LOCAL_SECONDS:
        return None
    kept = _LOCAL.pages.get((language, full_path))
    if kept is None or kept[3] <= clock.time():
        return None
    return kept


def _keep_local(local_key: tuple, kept: tuple) -> None:
    if kept[0] != _LOCAL.generation:
        return  # made before a change this process has seen: never served from memory
    if len(_LOCAL.pages) >= _LOCAL_MAX:
        _LOCAL.pages = {}
    _LOCAL.pages[local_key] = kept


def _answer(request, kept: tuple) -> HttpResponse:
    _generation, content, headers, _until = kept
    etag = headers.get("ETag")
    if etag and request.META.get("HTTP_IF_NONE_MATCH") == etag:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(content, headers=headers)


def _same_for_everyone(request, response) -> bool:
    """An answer that gave the visitor a CSRF token or a cookie is theirs, not the page's."""
    return not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


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
    An answer that sets a cookie or uses a CSRF token is not kept.
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
            language = translation.get_language()
            generation, kept = _lookup(language, full_path)
            if kept is not None:
                return _answer(request, kept)
            response = view(request, *args, **kwargs)
            if (
                response.status_code != 200
                or response.streaming
                or not _same_for_everyone(request, response)
            ):
                return response
            timeout = _seconds()
            if next_change is not None:
                until: datetime | None = next_change()
                if until is not None:
                    timeout = min(timeout, int((until - timezone.now()).total_seconds()))
            if timeout > 0:
                headers = {h: v for h, v in response.items() if h.lower() not in _NOT_KEPT}
                if "ETag" not in headers:  # a feed reader asks again with If-None-Match
                    headers["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
                    response["ETag"] = headers["ETag"]
                kept = (generation, response.content, headers, clock.time() + timeout)
                cache.set(_key(language, full_path), kept, timeout)
                _keep_local((language, full_path), kept)
                if len(_KEPT_PATHS) < _KEPT_PATHS_MAX:
                    _KEPT_PATHS.add(full_path)
            return response

        return wrapped

    return decorate


class PublicPageCacheMiddleware:
    """Answers an anonymous GET of a kept public page before the rest of the middleware runs.

    The pages are the same for every anonymous visitor; running the session, authentication,
    CSRF, messages, second-factor, time-zone, htmx and lock-out middleware for each copy
    served cost more than the copy itself. A request with a session cookie (possibly signed
    in) goes the whole way. What the skipped middleware would add to such an answer is added
    here the same way: `Vary` and `Content-Language` (as LocaleMiddleware), `Vary: Cookie`
    (as the session middleware), `X-Frame-Options`, `Content-Length`; no cookie. The security
    middleware sits before this one and adds its headers as to any page; the page's own
    headers (the public site's Content-Security-Policy among them) are kept with it.

    Under ASGI (uvicorn) it runs in the event loop: a copy in the process's memory is served
    there, without a hop to a thread; the shared cache is read in a thread of its own.

    Place it right after SecurityMiddleware (before WhiteNoise, which is synchronous only)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        address = self._servable(request)
        if address is not None:
            _generation, kept = _lookup(*address)
            if kept is not None:
                return self.serve(request, kept, address[0])
        return self.get_response(request)

    async def __acall__(self, request):
        address = self._servable(request)
        if address is not None:
            kept = _from_memory(*address)
            if kept is None:
                _generation, kept = await sync_to_async(_lookup, thread_sensitive=False)(*address)
            if kept is not None:
                return self.serve(request, kept, address[0])
        return await self.get_response(request)

    @staticmethod
    def _servable(request) -> tuple[str, str] | None:
        """(language, address) of a page this process has kept, for an anonymous GET."""
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and _seconds() > 0
        ):
            full_path = request.get_full_path()
            if full_path in _KEPT_PATHS:
                return translation.get_language_from_request(request), full_path
        return None

    def serve(self, request, kept: tuple, language: str) -> HttpResponse:
        request.LANGUAGE_CODE = language
        response = _answer(request, kept)
        # What LocaleMiddleware, XFrameOptionsMiddleware and the session middleware add.
        response.headers["Vary"] = "Accept-Language, Cookie"
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.status_code == 200:
            response.headers["Content-Length"] = str(len(response.content))
        return response
