"""The node-to-node endpoints: the key document, the directory and the inbox. They are
machine-facing: no session, no CSRF token (each request is signed instead)."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from seec.core.audit import client_ip

from . import httpsig, inbox, nodes


@require_GET
@never_cache
def well_known(request):
    return JsonResponse(nodes.key_document(), json_dumps_params={"ensure_ascii": False})


@require_GET
@never_cache
def directory(request):
    return JsonResponse(nodes.directory_document(), json_dumps_params={"ensure_ascii": False})


def _bounded_body(request) -> bytes | None:
    """The body read from the stream, not request.body, so that the limit is ours and nothing
    larger than it is ever held in memory; None when it exceeds the limit."""
    limit = settings.SEEC_EXCHANGE_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = request.read(limit + 1) if declared <= limit else b""
    return None if declared > limit or len(body) > limit else body


def _inbox(request, receive):
    body = _bounded_body(request)
    if body is None:
        limit = settings.SEEC_EXCHANGE_MAX_BODY_BYTES
        answer = inbox._refuse(
            inbox.Refusal(413, "too_large", f"The body exceeds {limit} bytes."),
            None,
            None,
            b"",
            client_ip(request),
        )
    else:
        incoming = httpsig.IncomingRequest(
            method=request.method, url=request.build_absolute_uri(), headers=request.headers
        )
        answer = receive(incoming, body, client_ip(request))
    return JsonResponse(answer.body, status=answer.status)


@csrf_exempt
@require_POST
def receive(request):
    """One distribution a request (protocol seec-exchange/1)."""
    return _inbox(request, inbox.receive)


@csrf_exempt
@require_POST
def receive_batch(request):
    """A batch of distributions a request, each answered on its own (seec-exchange/2)."""
    return _inbox(request, inbox.receive_batch)
