"""Staff API tokens (django-rest-knox): sign in for a token that expires, sign out to revoke it.

``POST /api/v1/auth/token/`` takes a user name and password and answers a token and its expiry
(``REST_KNOX["TOKEN_TTL"]``); failed attempts count towards django-axes' lockout like the sign-in page's
(``enforcement.signin``). ``POST /api/v1/auth/logout/`` revokes the token it is sent with,
``/api/v1/auth/logout-all/`` every token of that user. Tokens are stored hashed; the key is shown once.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.settings import knox_settings
from knox.views import LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class SignInSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("User name"), max_length=150)
    password = serializers.CharField(label=_("Password"), max_length=128, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Django's request, not DRF's: django-axes marks a lockout on it for its middleware to answer.
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(_("The user name or password is wrong."), code="authorization")
        attrs["user"] = user
        return attrs


TOKEN_RESPONSE = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(
            help_text=str(_("Send it as the header Authorization: Token <token>."))
        ),
        "expiry": serializers.DateTimeField(),
    },
)


class SignInApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=SignInSerializer, responses={200: TOKEN_RESPONSE}, summary="Sign in for an API token"
    )
    def post(self, request: Request) -> Response:
        serializer = SignInSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token, "expiry": instance.expiry})


@extend_schema(request=None, responses={204: None}, summary="Sign out: revoke this token")
class SignOutApi(LogoutView):
    pass


@extend_schema(request=None, responses={204: None}, summary="Sign out everywhere: revoke every token")
class SignOutAllApi(LogoutAllView):
    pass
