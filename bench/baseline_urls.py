"""The application's URLs plus the progress bench's baseline: a minimal Django view doing one indexed
lookup (the case by its number), served by the same gunicorn in the same run. Never part of the app."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from enforcement.models import Case


@csrf_exempt
@require_POST
def baseline(request: HttpRequest) -> JsonResponse:
    """The same JSON body as the progress query; one indexed lookup; a small JSON answer."""
    number = json.loads(request.body)["number"]
    row = Case.objects.filter(number=number).values("id").first()
    return JsonResponse({"id": row["id"] if row else None})


urlpatterns = [
    path("bench/baseline/", baseline),
    path("", include("enforcement.urls")),
]
