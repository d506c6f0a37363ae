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


@csrf_exempt
@require_POST
def receive(request):
    limit = settings.SEEC_EXCHANGE_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Read from the stream, not request.body, so that the limit is ours and nothing larger
    # than it is ever held in memory.
    body = request.read(limit + 1) if declared <= limit else b""
    if declared > limit or len(body) > limit:
        answer = inbox._refuse(
            inbox.Refusal(413, "too_large", f"The body exceeds {limit} bytes."),
            None,
            None,
            body[:0],
            client_ip(request),
        )
    else:
        incoming = httpsig.IncomingRequest(
            method=request.method, url=request.build_absolute_uri(), headers=request.headers
        )
        answer = inbox.receive(incoming, body, client_ip(request))
    return JsonResponse(answer.body, status=answer.status)
