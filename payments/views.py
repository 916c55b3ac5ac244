"""Pages of the case money: the finance desk, the money tab's actions, statement upload."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/desk.html", {"unmatched": selectors.unmatched_money(request.user)})
