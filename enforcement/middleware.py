"""Request guards that must run before any view reads the body, and the Content-Security-Policy."""

import re
from collections.abc import Callable

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.renderers import BrowsableAPIRenderer

from .api.errors import error_body
from .api.parsers import JSONRefused, check_json_text


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


# NUL is refused in every parameter: PostgreSQL cannot store it in text, so it ends in a 500 at the first
# query. The other C0 controls and DEL are refused in the URL and in parameter names, which no link, search
# box or form produces; form values keep them (beside tab and line breaks) because text pasted into a text
# area may carry them and the database stores them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUL = "\x00"
CONTROL = "control_characters"  # the error code of these refusals
_FORM_TYPE = "application/x-www-form-urlencoded"


class HostileInputMiddleware:
    """Answer 400, before any view or query runs, to input the database or the decoder cannot take.

    Refused: a control character in the path or in a query parameter (name or value), a NUL in a form
    field (names: any control character), and under /api/ a JSON body nested deeper than
    ``API_MAX_JSON_DEPTH`` or with a NUL in a string (``enforcement.api.parsers``). The JSON check here
    also covers views that name DRF's own parser (the sign-in's token view), which the default parser
    would not reach. The answer is the API's error shape under /api/, a page otherwise, in the request's
    language. Multipart bodies are left to the forms and serializers, whose text fields refuse NUL
    themselves: parsing a multipart body here would take it from the view's own upload handling.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is None:
            return self.get_response(request)
        message, code = refusal
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(message, code), status=400)
        return render(request, "400.html", {"message": message}, status=400)

    def _refusal(self, request: HttpRequest) -> tuple[str, str] | None:
        if _url_has_control_characters(request.path, request.GET):
            return _("The address contains control characters (such as NUL), which are not allowed."), CONTROL
        if request.content_type == _FORM_TYPE and _form_has_forbidden_characters(request.POST):
            return _("The form contains control characters (such as NUL), which are not allowed."), CONTROL
        if request.path.startswith("/api/") and _is_json(request.content_type):
            try:
                check_json_text(request.body.decode(request.encoding or settings.DEFAULT_CHARSET))
            except (UnicodeDecodeError, LookupError):
                return None  # not text: the parser answers with its own 400
            except JSONRefused as refused:
                return refused.message, refused.code
        return None


def _url_has_control_characters(path: str, query: QueryDict) -> bool:
    values = (value for _name, values in query.lists() for value in values)
    return any(_CONTROL_CHARACTERS.search(text) for text in (path, *query, *values))


def _form_has_forbidden_characters(form: QueryDict) -> bool:
    if any(_CONTROL_CHARACTERS.search(name) for name in form):
        return True
    return any(_NUL in value for _name, values in form.lists() for value in values)


def _is_json(content_type: str | None) -> bool:
    return content_type is not None and (content_type == "application/json" or content_type.endswith("+json"))


# DRF's browsable API pages carry style attributes and a <style> block of their own (its templates are
# not ours to change); only they get inline styles. Scripts stay as strict as everywhere else.
BROWSABLE_API_POLICY = {"style-src": [SELF, UNSAFE_INLINE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with one exception of our own: the browsable API's inline styles.

    The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings; the API docs pages relax it with
    django-csp's decorators (``enforcement.api.docs``).
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.replace = {**BROWSABLE_API_POLICY, **(parts.replace or {})}
        return parts
