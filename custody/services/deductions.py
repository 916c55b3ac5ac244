"""The money a deduction brings into the case account, linked to its measure (and unlinked when the
money is reversed)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.models import CaseEvent
from enforcement.services.events import record_event
from payments.models import LedgerEntry

from ..models import DeductionReceipt, Measure
from ._common import _check_judges
from .measures import _lock_measure


@transaction.atomic
def link_deduction(*, actor: User, measure: Measure, entry: LedgerEntry) -> DeductionReceipt:
    """Money a deduction brought in (a received entry of the case account) is linked to the measure;
    the deduction is then done."""
    case, locked = _lock_measure(measure)
    _check_judges(actor, case)
    if locked.kind != Measure.Kind.DEDUCT_DEPOSIT:
        raise ValidationError(_("Only a deduction brings money into the case account."))
    if locked.status == Measure.Status.RELEASED:
        raise ValidationError(_("This deduction was released."))
    entry = LedgerEntry.objects.select_related("account").get(pk=entry.pk)
    if entry.account.case_id != case.pk or entry.kind != LedgerEntry.Kind.RECEIVED:
        raise ValidationError({"entry": _("Choose money received in this case's account.")})
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("That money was reversed.")})
    if DeductionReceipt.objects.filter(entry=entry).exists():
        raise ValidationError({"entry": _("That money is already linked to a deduction.")})
    receipt = DeductionReceipt.objects.create(measure=locked, entry=entry, linked_by=actor)
    if locked.status != Measure.Status.EXECUTED:
        locked.status = Measure.Status.EXECUTED
        locked.save(update_fields=["status"])
    record_event(
        case=case,
        kind=CaseEvent.Kind.DEDUCTION_LINKED,
        actor=actor,
        public=False,
        detail=f"{locked.asset}：{entry.amount:.2f}",
        data={"measure": locked.pk, "entry": entry.pk},
    )
    return receipt


def unlink_reversed_money(*, entry: LedgerEntry, actor: User | None) -> DeductionReceipt | None:
    """Money linked to a deduction was reversed (finance undid a wrong entry): the link goes (its history
    stays), and a deduction left with no money is pending again. Runs in the reversal's transaction."""
    receipt = DeductionReceipt.objects.select_related("measure").filter(entry=entry).first()
    if receipt is None:
        return None
    measure = Measure.objects.select_for_update().get(pk=receipt.measure_id)
    receipt.delete()
    if measure.status == Measure.Status.EXECUTED and not measure.receipts.exists():
        measure.status = Measure.Status.IN_FORCE
        measure.save(update_fields=["status"])
    record_event(
        case=measure.case,
        kind=CaseEvent.Kind.DEDUCTION_UNLINKED,
        actor=actor,
        public=False,
        detail=f"{measure.asset}：{entry.amount:.2f}",
        data={"measure": measure.pk, "entry": entry.pk},
    )
    return receipt
