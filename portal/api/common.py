"""What every API endpoint of a proved party shares: the token header, its documentation and the 401."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from enforcement.api.errors import error_body

from ..proof import TOKEN_HEADER

PARTY_TOKEN = OpenApiParameter(
    TOKEN_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The token `POST /api/v1/progress/` answered with.",
)
NO_TOKEN = OpenApiResponse(
    description="No token, or one that is wrong or has expired, or was given for a query code the court "
    "has since replaced: query again."
)


def unauthorized() -> Response:
    """The one answer to a missing, forged or expired party token, or one whose query code was reissued
    (never cached: it is about a person)."""
    message = _("Your access has expired or is not valid. Please query your case again.")
    return Response(
        error_body(message, "not_authenticated"),
        status=status.HTTP_401_UNAUTHORIZED,
        # Every 401 names its scheme (RFC 9110): here the party token in its own header.
        headers={"Cache-Control": "no-store", "WWW-Authenticate": f'{TOKEN_HEADER} realm="progress"'},
    )
