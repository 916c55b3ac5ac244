"""Pages of the 终本 pool: the pool page of supervisors and the pool's keepers, and the actions of the pool
panel on the case page (a round's result, the leads verified). The services decide who may act."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement import roles
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user
from enforcement.views.deadlines import run_and_return_to_case

from . import pool
from .forms import PoolLeadForm, PoolRoundForm
from .selectors import pool_overview


@login_required
@require_GET
def pool_page(request: HttpRequest) -> HttpResponse:
    """Rounds due this month, rounds overdue, and the cases parties sent leads to since their closure, for
    every staff member with a role, each seeing the pool cases he may see (supervisors their courts',
    the pool team its court's, a judge his own)."""
    if not (request.user.is_superuser or roles.roles_of(request.user)):
        raise PermissionDenied
    return render(request, "assignment/pool.html", {"overview": pool_overview(request.user)})


@login_required
@require_POST
def record_round(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = PoolRoundForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: pool.record_round(actor=acting_user(request.user), case=case, **form.cleaned_data),
        _("The re-search was recorded; the applicant is told."),
    )


@login_required
@require_POST
def lead_verified(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = PoolLeadForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: pool.record_lead_verified(
            actor=acting_user(request.user), case=case, detail=form.cleaned_data["detail"]
        ),
        _("Recorded: %(step)s.") % {"step": _("Property lead verified")},
    )
