"""The money indicators, added to the core's registry (``enforcement.indicators.registry``) from
``PaymentsConfig.ready``: the core counts money without importing this app."""

from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.indicators.context import Context
from enforcement.indicators.definitions import closed_in_month
from enforcement.indicators.registry import Indicator, register, register_property_evidence
from enforcement.models import Case

from .models import ZERO, Allocation, CaseAccount, LedgerEntry

CREDIT_KINDS = [str(k) for k in LedgerEntry.CREDITS]


def _recovered() -> Subquery:
    """Money into the case account (received, transferred in), less the reversals of such entries."""
    entries = (
        LedgerEntry.objects.filter(account__case_id=OuterRef("pk"))
        .filter(Q(kind__in=CREDIT_KINDS) | Q(kind=LedgerEntry.Kind.REVERSAL, reverses__kind__in=CREDIT_KINDS))
        .order_by()
        .values("account__case_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(entries, output_field=DecimalField(max_digits=20, decimal_places=2))


def recovered_cases(ctx: Context) -> QuerySet[Case]:
    return (
        closed_in_month(ctx)
        .filter(claim_kind=Case.ClaimKind.MONEY)
        .annotate(recovered=Coalesce(_recovered(), ZERO))
    )


register(
    Indicator(
        code="money_recovered",
        title=gettext_lazy("Money recovered"),
        unit="percent",
        order=70,
        cases=recovered_cases,
        counted=None,
        numerator=lambda: Sum("recovered"),
        denominator=lambda: Sum("claim_amount"),
        describe=lambda ctx: _(
            "Money that came into the case accounts (received or transferred in, less reversals of those "
            "entries) of the money cases closed in the month, ÷ the amounts they applied for."
        ),
        money=True,
        columns=(("claim_amount", gettext_lazy("Amount claimed")), ("recovered", gettext_lazy("Recovered"))),
    )
)


def _allocations(ctx: Context) -> QuerySet[Allocation]:
    return Allocation.objects.filter(
        debit__account__case_id=OuterRef("pk"),
        debit__kind=LedgerEntry.Kind.PAID_OUT,
        debit__booked_at__gte=ctx.start,
        debit__booked_at__lt=ctx.end,
    ).order_by()


def payout_cases(ctx: Context) -> QuerySet[Case]:
    waited = ExpressionWrapper(F("debit__booked_at") - F("credit__booked_at"), output_field=DurationField())
    return (
        Case.objects.filter(court_id=ctx.court_id)
        .filter(Exists(_allocations(ctx)))
        .annotate(
            payout_parts=Subquery(
                _allocations(ctx).values("debit__account__case_id").annotate(n=Count("pk")).values("n")
            ),
            payout_wait=Subquery(
                _allocations(ctx).values("debit__account__case_id").annotate(t=Sum(waited)).values("t"),
                output_field=DurationField(),
            ),
        )
    )


register(
    Indicator(
        code="days_to_payout",
        title=gettext_lazy("Average days from money in to payout"),
        unit="days",
        order=80,
        cases=payout_cases,
        counted=None,
        numerator=lambda: Sum("payout_wait"),
        denominator=lambda: Sum("payout_parts"),
        describe=lambda ctx: _(
            "The ledger pays each payout out of the oldest credits first. For every part of a payout booked "
            "in the month taken from one credit: the days from the credit's booking to the payout's; their "
            "sum ÷ the number of such parts."
        ),
        money=True,
        columns=(
            ("payout_parts", gettext_lazy("Payout parts")),
            ("payout_wait", gettext_lazy("Days waited")),
        ),
        higher_is_better=False,
    )
)


def money_arrived() -> QuerySet:
    return CaseAccount.objects.filter(entries__kind__in=CREDIT_KINDS).values("case_id")


register_property_evidence(money_arrived)
