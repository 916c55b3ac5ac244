"""Pages of the case money: the actions of the money panel, the finance desk, the payment file, the
statement upload.

Each action checks the input, calls one service and goes back (to the case page, or to the desk when the
form says so) with a message; the services decide who may act. Objects are fetched through the cases the
user may reach, so outsiders get a 404.
"""

import csv
from collections.abc import Callable
from io import StringIO
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from enforcement import roles
from enforcement.feedback import attempt, refusal_text
from enforcement.models import Court
from enforcement.roles import acting_user
from enforcement.selectors import cases_visible_to, get_case_for_user

from . import selectors, services
from .forms import (
    BankReferenceForm,
    ClaimForm,
    DecisionForm,
    ExportForm,
    HoldDecisionForm,
    HoldRequestForm,
    OptionalNoteForm,
    PayeeAccountForm,
    ProposePayoutForm,
    StatementUploadForm,
    TakeOutForm,
    TransferForm,
)
from .models import BankTransaction, PaymentBatch, Payout, PayoutHold
from .selectors import (
    batch_lines,
    case_by_number,
    may_use_desk,
    payees_in_order,
    recent_imports,
    statement_import,
)

PAGE_SIZE = 25
M = TypeVar("M", Payout, PayoutHold, BankTransaction)


def _back(request: HttpRequest, case_id: int | None) -> HttpResponse:
    """To the page the form was on (the desk, or the case page), never off the site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    # A team lead approving another team's payout may not see its case: he goes back to the desk.
    if case_id is not None and cases_visible_to(request.user).filter(pk=case_id).exists():
        return redirect("case-detail", pk=case_id)
    return redirect("payments:desk")


def _act(
    request: HttpRequest, case_id: int | None, form: forms.Form, action: Callable[[], object], done: str
) -> HttpResponse:
    attempt(request, form, action, done)
    return _back(request, case_id)


def _reachable(request: HttpRequest, model: type[M], pk: int) -> M:
    return selectors.reachable(request.user, model, pk)


# --- The money panel: the judge's actions ----------------------------------------------------------------


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    payees = payees_in_order(case.applicants(), services.confirmed_payees(case))
    form = ProposePayoutForm(request.POST, payees=payees)
    return _act(
        request,
        case.pk,
        form,
        lambda: services.propose_payout(
            actor=acting_user(request.user),
            case=case,
            lines=form.lines(services.split_by_shares),
            reason=form.cleaned_data["reason"],
        ),
        _("Payout proposed; it waits for approval."),
    )


@login_required
@require_POST
def record_payee(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    applicants = case.applicants()
    form = PayeeAccountForm(request.POST, applicants=applicants)

    def act() -> object:
        party = next(p for p in applicants if p.pk == form.cleaned_data["party"])
        values = {k: v for k, v in form.cleaned_data.items() if k != "party"}
        return services.record_payee_account(actor=acting_user(request.user), party=party, **values)

    return _act(request, case.pk, form, act, _("Payout account recorded."))


@login_required
@require_POST
def request_hold(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = HoldRequestForm(request.POST)
    return _act(
        request,
        case.pk,
        form,
        lambda: services.request_hold(actor=acting_user(request.user), case=case, **form.cleaned_data),
        _("Hold requested; a supervisor or president decides."),
    )


# --- Payouts: approval, cancellation, payment ------------------------------------------------------------


@login_required
@require_POST
def decide_payout(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = _reachable(request, Payout, payout_id)
    form = DecisionForm(request.POST)
    done = (
        _("Payout approved; finance pays it.")
        if request.POST.get("decision") == "approve"
        else _("Payout rejected.")
    )
    return _act(
        request,
        payout.case_id,
        form,
        lambda: services.decide_payout(
            actor=acting_user(request.user),
            payout=payout,
            approve=form.approve,
            note=form.cleaned_data["note"],
        ),
        done,
    )


@login_required
@require_POST
def cancel_payout(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = _reachable(request, Payout, payout_id)
    form = OptionalNoteForm(request.POST)
    return _act(
        request,
        payout.case_id,
        form,
        lambda: services.cancel_payout(
            actor=acting_user(request.user), payout=payout, note=form.cleaned_data["note"]
        ),
        _("Payout cancelled."),
    )


@login_required
@require_POST
def mark_paid(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = _reachable(request, Payout, payout_id)
    form = BankReferenceForm(request.POST)
    return _act(
        request,
        payout.case_id,
        form,
        lambda: services.mark_payout_paid(
            actor=acting_user(request.user), payout=payout, bank_reference=form.cleaned_data["bank_reference"]
        ),
        _("Payout of %(number)s marked as paid.") % {"number": payout.case.number},
    )


# --- Holds -----------------------------------------------------------------------------------------------


@login_required
@require_POST
def decide_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = _reachable(request, PayoutHold, hold_id)
    form = HoldDecisionForm(request.POST)
    done = (
        _("Hold approved; the payout clocks stand still.")
        if request.POST.get("decision") == "approve"
        else _("Hold refused.")
    )
    return _act(
        request,
        hold.case_id,
        form,
        lambda: services.decide_hold(
            actor=acting_user(request.user), hold=hold, approve=form.approve, note=form.cleaned_data["note"]
        ),
        done,
    )


@login_required
@require_POST
def release_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = _reachable(request, PayoutHold, hold_id)
    form = OptionalNoteForm(request.POST)
    return _act(
        request,
        hold.case_id,
        form,
        lambda: services.release_hold(
            actor=acting_user(request.user), hold=hold, note=form.cleaned_data["note"]
        ),
        _("Hold released; the payout clocks run again."),
    )


# --- Finance's adjustments on the case page --------------------------------------------------------------


@login_required
@require_POST
def take_out(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = TakeOutForm(request.POST)
    return _act(
        request,
        case.pk,
        form,
        lambda: services.take_out(actor=acting_user(request.user), case=case, **form.cleaned_data),
        _("Recorded in the ledger."),
    )


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = TransferForm(request.POST)

    def act() -> object:
        target = case_by_number({case.court_id}, form.cleaned_data["target"])
        if target is None:
            raise ValidationError(
                _("This court has no case numbered %(number)s.") % {"number": form.cleaned_data["target"]}
            )
        return services.transfer(
            actor=acting_user(request.user),
            source=case,
            target=target,
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        )

    return _act(request, case.pk, form, act, _("Money transferred."))


@login_required
@require_POST
def reverse_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_reachable(request.user, entry_id)
    form = OptionalNoteForm(request.POST)
    return _act(
        request,
        entry.account.case_id,
        form,
        lambda: services.reverse_entry(
            actor=acting_user(request.user), entry=entry, note=form.cleaned_data["note"]
        ),
        _("Entry reversed."),
    )


# --- Money in: payer reviews, claims, returns ------------------------------------------------------------


@login_required
@require_POST
def review_payer(request: HttpRequest, tx_id: int) -> HttpResponse:
    tx = _reachable(request, BankTransaction, tx_id)
    form = OptionalNoteForm(request.POST)
    return _act(
        request,
        tx.case_id,
        form,
        lambda: services.review_payer(actor=acting_user(request.user), tx=tx, note=form.cleaned_data["note"]),
        _("Payer reviewed."),
    )


def _unmatched(request: HttpRequest, tx_id: int) -> BankTransaction:
    return get_object_or_404(selectors.unmatched_money(request.user), pk=tx_id)


@login_required
@require_POST
def claim(request: HttpRequest, tx_id: int) -> HttpResponse:
    tx = _unmatched(request, tx_id)
    form = ClaimForm(request.POST)
    # Money of a known court goes to that court's cases; money of no known court to one of the user's.
    courts = {tx.court_id} if tx.court_id else set(roles.court_ids_of(request.user))
    case = case_by_number(courts, form.cleaned_data["case_number"]) if form.is_valid() else None

    def act() -> object:
        if case is None:
            raise ValidationError(
                _("No case numbered %(number)s in your courts.")
                % {"number": form.cleaned_data["case_number"]}
            )
        return services.claim_transaction(
            actor=acting_user(request.user), tx=tx, case=case, note=form.cleaned_data["note"]
        )

    done = _("Money claimed and credited to %(number)s.") % {"number": case.number if case else ""}
    return _act(request, None, form, act, done)


@login_required
@require_POST
def return_money(request: HttpRequest, tx_id: int) -> HttpResponse:
    tx = _unmatched(request, tx_id)
    form = OptionalNoteForm(request.POST)
    return _act(
        request,
        None,
        form,
        lambda: services.return_transaction(
            actor=acting_user(request.user), tx=tx, note=form.cleaned_data["note"]
        ),
        _("Recorded as returned to the payer."),
    )


# --- The finance desk ------------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_desk(user):
        raise PermissionDenied
    unmatched = Paginator(selectors.unmatched_money(user).select_related("court"), PAGE_SIZE)
    page = unmatched.get_page(request.GET.get("page"))
    to_approve = selectors.payouts_to_approve(user)
    prefetch_related_objects(to_approve, "lines__payee")
    context = {
        "page": page,
        "today": timezone.localdate(),
        "total_unmatched": selectors.total_unmatched(user),
        "payer_reviews": list(selectors.payer_reviews(user).order_by("booked_at", "pk")),
        "to_approve": to_approve,
        "to_pay": list(selectors.payouts_to_pay(user).prefetch_related("lines__payee")),
        "batches": list(selectors.batches_to_confirm(user).select_related("court", "exported_by")),
        "overdue": list(selectors.overdue_payouts(user)),
        "holds": list(selectors.holds_to_decide(user)),
        "reconciliations": selectors.last_reconciliations(user),
        "is_finance": roles.has_role(user, roles.FINANCE),
        "is_approver": roles.has_role(user, *services.APPROVER_ROLES),
        "is_hold_decider": roles.has_role(user, *services.HOLD_APPROVER_ROLES),
        "may_upload": roles.has_role(user, roles.FINANCE),
    }
    return render(request, "payments/desk.html", context)


@login_required
@require_POST
def export_batch(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose at least one approved payout."))
        return _back(request, None)
    chosen = list(
        Payout.objects.filter(
            pk__in=form.cleaned_data["payouts"], case__court_id__in=roles.court_ids_of(request.user)
        ).select_related("case__court")
    )
    courts = {p.case.court_id for p in chosen}
    if len(courts) > 1:
        messages.error(
            request, _("A payment file holds the payouts of one court; choose them court by court.")
        )
        return _back(request, None)
    court = chosen[0].case.court if chosen else None
    try:
        if court is None:
            raise ValidationError(_("Choose at least one approved payout."))
        batch = services.export_payment_batch(actor=acting_user(request.user), court=court, payouts=chosen)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return _back(request, None)
    messages.success(
        request,
        ngettext(
            "Payment file no. %(id)s made with %(count)d payout; download it below and send it to the bank.",
            "Payment file no. %(id)s made with %(count)d payouts; download it below and send it to the bank.",
            len(chosen),
        )
        % {"id": batch.pk, "count": len(chosen)},
    )
    return _back(request, None)


def _batch(request: HttpRequest, batch_id: int) -> PaymentBatch:
    return get_object_or_404(
        PaymentBatch.objects.select_related("court"),
        pk=batch_id,
        court_id__in=roles.court_ids_of(request.user),
    )


@login_required
def payment_file(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The payment file as CSV: UTF-8 with a byte-order mark, so Excel reads the Chinese names."""
    batch = _batch(request, batch_id)
    if not roles.has_court_role(request.user, batch.court_id, roles.FINANCE):
        raise PermissionDenied
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Payout"),
            _("Case number"),
            _("Payee"),
            pgettext("bank where an account is held", "Bank"),
            _("Account holder"),
            _("Account number"),
            _("Amount"),
        ]
    )
    for line in batch_lines(batch):
        writer.writerow(
            [
                line.payout_id,
                line.payout.case.number,
                _cell(line.payee.name),
                _cell(line.bank_name),
                _cell(line.account_name),
                line.account_number,
                f"{line.amount:.2f}",
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"payment-file-{batch.court.code}-{batch.pk}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_POST
def confirm_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    form = BankReferenceForm(request.POST)
    return _act(
        request,
        None,
        form,
        lambda: services.confirm_payment_batch(
            actor=acting_user(request.user), batch=batch, bank_reference=form.cleaned_data["bank_reference"]
        ),
        _("Payment file no. %(id)s confirmed: its payouts are paid.") % {"id": batch.pk},
    )


# --- Statement upload ------------------------------------------------------------------------------------


@login_required
def upload_statement(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not roles.has_role(user, roles.FINANCE):
        raise PermissionDenied
    courts = Court.objects.filter(pk__in=roles.court_ids_of(user)).order_by("code")
    form = StatementUploadForm(request.POST or None, request.FILES or None, courts=courts)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        from . import statements  # written alongside; imported here so the site runs without it

        upload = form.cleaned_data["file"]
        try:
            imported = statements.import_statement(
                court=form.cleaned_data["court"],
                actor=acting_user(user),
                filename=upload.name[:200],
                content=upload.read(),
            )
        except (PermissionDenied, ValidationError) as error:
            errors = error.messages if isinstance(error, ValidationError) else [refusal_text(error)]
        else:
            messages.success(request, _("Statement imported."))
            return redirect(f"{request.path}?imported={imported.pk}")
    context = {
        "form": form,
        "errors": errors,
        "imported": statement_import(user, request.GET.get("imported", "")),
        "recent": recent_imports(user),
    }
    return render(request, "payments/upload.html", context)
