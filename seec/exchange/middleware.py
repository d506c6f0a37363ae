"""The node-to-node inboxes answered before the stack that serves people.

A peer's request carries no session, no user, no CSRF token and no language: it is signed
instead (RFC 9421), and the inbox checks that signature itself. Sessions, authentication,
messages, the sign-in gates, languages and clocks, htmx and django-axes have nothing to do
for it, yet each of them ran on every batch received: together a tenth of the receiving
server's CPU for a batch of a few distributions. This middleware, placed right after
SecurityMiddleware, hands the inbox views their requests directly; every other address goes
down the stack as before.
"""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

from . import protocol_views

INBOX_VIEWS = (protocol_views.receive, protocol_views.receive_batch)
INBOX_PREFIX = "/exchange/inbox/"


class NodeInboxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Address → its resolution, when it is an inbox's (the URLconf is read once).
        self._inboxes: dict[str, object] = {}

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(INBOX_PREFIX):
            return self.get_response(request)
        match = self._inboxes.get(path)
        if match is None:
            try:
                match = resolve(path)
            except Resolver404:
                return self.get_response(request)
            if match.func not in INBOX_VIEWS:
                return self.get_response(request)
            self._inboxes[path] = match
        request.resolver_match = match
        # What LocaleMiddleware would choose for a peer (which names no language): a
        # handler's refusal goes back in the platform's language, whichever language this
        # thread served last.
        with translation.override(settings.LANGUAGE_CODE):
            return match.func(request, *match.args, **match.kwargs)
