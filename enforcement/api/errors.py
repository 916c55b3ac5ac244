"""One shape for every 4xx answer of the API: ``{"message", "code", "errors"}``.

``errors`` maps each field (nested as the input is nested) to its messages; ``message`` is one sentence
for people, in the language the request asked for.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body(_("The request body is too large."), "too_large"), status=413)
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc.args[0]))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _shape(exc, response.data)
    return response


def _shape(exc: Exception, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return error_body(_("The request has errors; see the messages for each field."), "invalid", errors)
    code = getattr(exc, "default_code", "error")
    detail = data.get("detail", "") if isinstance(data, dict) else data
    return error_body(str(detail), str(getattr(detail, "code", code)))


def error_body(message: str, code: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"message": message, "code": code, "errors": errors or {}}


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for unknown URLs under /api/, in the API's shape rather than an HTML page."""
    return JsonResponse(error_body(_("Not found."), "not_found"), status=status.HTTP_404_NOT_FOUND)
