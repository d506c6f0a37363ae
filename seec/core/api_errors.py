"""One shape for every API error: {"detail", "code", "errors": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # A service refused the input: same shape as a serializer's refusal.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"detail": _("The request has errors."), "code": "invalid", "errors": errors}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        body = {"detail": _("Not found."), "code": "not_found", "errors": {}}
    elif isinstance(exc, DjangoPermissionDenied):
        body = {
            "detail": str(exc) or _("Permission denied."),
            "code": "permission_denied",
            "errors": {},
        }
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": str(detail), "code": code, "errors": {}}
    if isinstance(exc, exceptions.Throttled):
        body["retry_after"] = exc.wait
    response.data = body
    return response
