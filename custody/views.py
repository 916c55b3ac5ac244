"""Pages of custody: the actions of the custody panel on the case page, and the court-wide lists of
measures expiring soon and of lapsed measures.

Each action checks the input with a form, calls one service and goes back to its tab of the case page
with a message; the services decide who may act. Cases and their objects are fetched through the cases
the user may see, so outsiders get a 404.
"""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement import roles
from enforcement.feedback import attempt
from enforcement.models import Case
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from . import selectors, services
from .forms import (
    DecisionForm,
    DetentionForm,
    EarlyReleaseForm,
    ExpiryFilterForm,
    FamilyNoticeForm,
    FineForm,
    LinkReceiptForm,
    MeasureForm,
    ReleaseMeasureForm,
    RenewForm,
    ReplyForm,
    SearchForm,
)
from .models import ConsumptionRestriction, Detention, DishonestListing, Fine, Measure

PAGE_SIZE = 25
# Who may read the court-wide lists: the judges' side and those who supervise them.
LIST_ROLES = (roles.JUDGE, roles.ASSISTANT, roles.TEAM_LEAD, roles.SUPERVISOR, roles.PRESIDENT)

# The objects of a case its pages act on (credit_views too).
M = TypeVar("M", Measure, Detention, Fine, ConsumptionRestriction, DishonestListing)


def _to_tab(case_id: int, tab: str) -> HttpResponse:
    """Back to the case page, its custody panel open on the tab the action belongs to."""
    return redirect(f"{reverse('case-detail', args=[case_id])}?custody={tab}#custody-{tab}")


def _act(
    request: HttpRequest, case: Case, tab: str, form: forms.Form, action: Callable[[], object], done: str
) -> HttpResponse:
    attempt(request, form, action, done)
    return _to_tab(case.pk, tab)


def _of_case(request: HttpRequest, model: type[M], pk: int) -> tuple[Case, M]:
    """An object of a case the user may see (or 404), and that case with its parties."""
    obj = selectors.of_visible_case(request.user, model, pk)
    case = get_case_for_user(request.user, obj.case_id)
    obj.case = case
    return case, obj


# --- Searches ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def request_search(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = SearchForm(request.POST)
    return _act(
        request,
        case,
        "searches",
        form,
        lambda: services.request_search(
            actor=acting_user(request.user),
            case=case,
            requested_on=form.cleaned_data["requested_on"],
            institutions=form.institutions(),
            note=form.cleaned_data["note"],
        ),
        _("Search recorded; record each institution's reply when it comes."),
    )


@login_required
@require_POST
def record_reply(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_of_visible_case(request.user, pk)
    case = get_case_for_user(request.user, inquiry.search.case_id)
    form = ReplyForm(request.POST, parties=list(case.parties.all()))
    return _act(
        request,
        case,
        "searches",
        form,
        lambda: services.record_reply(
            actor=acting_user(request.user),
            inquiry=inquiry,
            replied_on=form.cleaned_data["replied_on"],
            note=form.cleaned_data["note"],
            assets=form.assets(),
        ),
        _("Reply of %(institution)s recorded.") % {"institution": inquiry.institution},
    )


# --- Measures ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def take_measure(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = MeasureForm(request.POST, case=case, parties=list(case.parties.all()))
    return _act(
        request,
        case,
        "measures",
        form,
        lambda: services.take_measure(actor=acting_user(request.user), case=case, data=form.measure_input()),
        _("Measure recorded."),
    )


@login_required
@require_POST
def renew_measure(request: HttpRequest, pk: int) -> HttpResponse:
    case, measure = _of_case(request, Measure, pk)
    form = RenewForm(request.POST)
    return _act(
        request,
        case,
        "measures",
        form,
        lambda: services.renew_measure(
            actor=acting_user(request.user),
            measure=measure,
            ruling_number=form.cleaned_data["ruling_number"],
            months=form.cleaned_data["months"],
        ),
        _("Measure renewed."),
    )


@login_required
@require_POST
def release_measure(request: HttpRequest, pk: int) -> HttpResponse:
    case, measure = _of_case(request, Measure, pk)
    form = ReleaseMeasureForm(request.POST)
    return _act(
        request,
        case,
        "measures",
        form,
        lambda: services.release_measure(
            actor=acting_user(request.user),
            measure=measure,
            released_on=form.cleaned_data["released_on"],
            reason=form.cleaned_data["reason"],
        ),
        _("Measure released."),
    )


@login_required
@require_POST
def link_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    case, measure = _of_case(request, Measure, pk)
    form = LinkReceiptForm(request.POST, receipts=selectors.linkable_receipts(case))
    return _act(
        request,
        case,
        "measures",
        form,
        lambda: services.link_deduction(
            actor=acting_user(request.user), measure=measure, entry=form.cleaned_data["entry"]
        ),
        _("The money is linked to the deduction."),
    )


# --- Detention and fines -----------------------------------------------------------------------------------


@login_required
@require_POST
def propose_detention(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = DetentionForm(request.POST, parties=list(case.parties.all()))
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.propose_detention(
            actor=acting_user(request.user), case=case, person=form.person(), days=form.cleaned_data["days"]
        ),
        _("Detention proposed; the court's president decides."),
    )


@login_required
@require_POST
def decide_detention(request: HttpRequest, pk: int) -> HttpResponse:
    case, detention = _of_case(request, Detention, pk)
    form = DecisionForm(request.POST)
    done = (
        _("Detention approved; tell the family within 24 hours.")
        if request.POST.get("decision") == "approve"
        else _("Detention refused.")
    )
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.decide_detention(
            actor=acting_user(request.user),
            detention=detention,
            approve=form.approve,
            note=form.cleaned_data["note"],
            started_at=form.cleaned_data["started_at"],
        ),
        done,
    )


@login_required
@require_POST
def family_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case, detention = _of_case(request, Detention, pk)
    form = FamilyNoticeForm(request.POST)
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.record_family_notice(
            actor=acting_user(request.user),
            detention=detention,
            notified_at=form.cleaned_data["notified_at"],
            notice=form.cleaned_data["notice"],
        ),
        _("The family's notice is recorded."),
    )


@login_required
@require_POST
def release_detention(request: HttpRequest, pk: int) -> HttpResponse:
    case, detention = _of_case(request, Detention, pk)
    form = EarlyReleaseForm(request.POST)
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.release_early(
            actor=acting_user(request.user),
            detention=detention,
            released_at=form.cleaned_data["released_at"],
            reason=form.cleaned_data["reason"],
        ),
        _("Early release recorded."),
    )


@login_required
@require_POST
def propose_fine(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    detentions = list(Detention.objects.filter(case=case).exclude(status=Detention.Status.REFUSED))
    form = FineForm(request.POST, parties=list(case.parties.all()), detentions=detentions)
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.propose_fine(
            actor=acting_user(request.user),
            case=case,
            person=form.person(),
            amount=form.cleaned_data["amount"],
            detention=form.chosen_detention(),
        ),
        _("Fine proposed; the court's president decides."),
    )


@login_required
@require_POST
def decide_fine(request: HttpRequest, pk: int) -> HttpResponse:
    case, fine = _of_case(request, Fine, pk)
    form = DecisionForm(request.POST)
    done = _("Fine approved.") if request.POST.get("decision") == "approve" else _("Fine refused.")
    return _act(
        request,
        case,
        "detentions",
        form,
        lambda: services.decide_fine(
            actor=acting_user(request.user), fine=fine, approve=form.approve, note=form.cleaned_data["note"]
        ),
        done,
    )


# --- The court-wide lists ----------------------------------------------------------------------------------


def may_read_lists(user: roles.AnyUser) -> bool:
    """Staff of the judges' side or their supervisors, members of a court."""
    return user.is_superuser or (roles.has_role(user, *LIST_ROLES) and bool(roles.court_ids_of(user)))


def _list_page(
    request: HttpRequest, which: str, measures: Callable[[], "QuerySet[Measure]"], form: ExpiryFilterForm
) -> HttpResponse:
    user = request.user
    mine = form.mine_only()
    found = measures()
    lapsed = selectors.lapsed_measures(user)
    if mine:
        found = found.filter(case__responsible_judge_id=user.pk)
        lapsed = lapsed.filter(case__responsible_judge_id=user.pk)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for m in page.object_list:
        left = (m.expires_on - today).days if m.expires_on else None
        rows.append({"measure": m, "days_left": left, "days_ago": -left if left is not None else None})
    context = {
        "which": which,
        "form": form,
        "days": form.window(),
        "mine": mine,
        "page": page,
        "rows": rows,
        "lapsed_count": lapsed.count() if which == "expiring" else page.paginator.count,
    }
    return render(request, "custody/measure_list.html", context)


@login_required
@require_GET
def expiring(request: HttpRequest) -> HttpResponse:
    """Measures in force whose term ends within N days (30 by default), soonest first."""
    if not may_read_lists(request.user):
        raise PermissionDenied
    form = ExpiryFilterForm(request.GET or None)
    return _list_page(
        request, "expiring", lambda: selectors.expiring_measures(request.user, days=form.window()), form
    )


@login_required
@require_GET
def lapsed(request: HttpRequest) -> HttpResponse:
    """Measures whose term ended without a renewal, most recent first."""
    if not may_read_lists(request.user):
        raise PermissionDenied
    form = ExpiryFilterForm(request.GET or None)
    return _list_page(request, "lapsed", lambda: selectors.lapsed_measures(request.user), form)
