"""Request guards that must run before any view reads the body."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class ApiBodySizeLimitMiddleware:
    """Refuse API bodies over ``API_MAX_BODY_BYTES`` with the API's error shape and status 413.

    DRF parses JSON straight from the request stream, which bypasses Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``; without this a 10 MB body would be read into memory and parsed.
    Multipart uploads (a party's photos of a lead) stream their files to disk, so they may be larger,
    up to ``API_MAX_UPLOAD_BYTES``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self._limit(request)
        if request.path.startswith("/api/") and self._too_large(request, limit):
            limit_kib = limit // 1024
            message = _("The request body is too large (at most %(limit)s KiB).") % {"limit": limit_kib}
            return JsonResponse({"message": message, "code": "too_large", "errors": {}}, status=413)
        return self.get_response(request)

    @staticmethod
    def _limit(request: HttpRequest) -> int:
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            return int(settings.API_MAX_UPLOAD_BYTES)
        return int(settings.API_MAX_BODY_BYTES)

    @staticmethod
    def _too_large(request: HttpRequest, limit: int) -> bool:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return True
        return length > limit
