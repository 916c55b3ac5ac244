"""The indicators the core counts from its own records; payments adds the money ones
(``payments/indicators.py``). Each says in words what it counts, from the court's settings."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Case,
    ClosureInterview,
    ClosureProposal,
    Deadline,
    Deduction,
    IndicatorSettings,
    NodeType,
    Petition,
)
from .context import Context
from .registry import Indicator, property_evidence, register, register_family

CLOSED_ZB = Case.Closure.TERMINATED_THIS_ROUND
ZERO_DAYS = datetime.timedelta(0)


def _modes(codes: list[str]) -> str:
    labels = [str(Case.Closure(c).label) for c in codes if c in Case.Closure.values]
    return "、".join(labels) if labels else _("none")


def closed_in_month(ctx: Context) -> QuerySet[Case]:
    return Case.objects.filter(
        court_id=ctx.court_id, status=Case.Status.CLOSED, closed_at__gte=ctx.start, closed_at__lt=ctx.end
    )


# --- 1. Actual closure within the legal limit, cases with property -------------------------------------


def with_property(ctx: Context) -> Q:
    settings = ctx.settings
    found = ~Q(closure__in=settings.no_property_modes)
    if settings.property_basis == IndicatorSettings.PropertyBasis.MODE_OR_MONEY:
        for provider in property_evidence:
            found |= Q(pk__in=provider())
    return found


def _case_limits() -> QuerySet[Deadline]:
    return Deadline.objects.filter(case_id=OuterRef("pk"), node_type__met_on_closure=True)


def _deducted(deadline_ref: str = "pk") -> Subquery:
    """Days of the deadline's deducted periods, both ends counted (as the engine counts them); a period
    still running at the closure counts up to the day the deadline was met."""
    end = Coalesce(F("end_date"), TruncDate(F("deadline__closed_at")))
    days = ExpressionWrapper(end - F("start_date") + Value(datetime.timedelta(days=1)), DurationField())
    summed = (
        Deduction.objects.filter(deadline_id=OuterRef(deadline_ref))
        .order_by()
        .values("deadline_id")
        .annotate(total=Sum(days))
        .values("total")
    )
    return Subquery(summed, output_field=DurationField())


def within_limit_cases(ctx: Context) -> QuerySet[Case]:
    return closed_in_month(ctx).filter(with_property(ctx), Exists(_case_limits()))


def within_limit_counted(ctx: Context) -> Q:
    met = _case_limits().filter(status=Deadline.Status.MET)
    if ctx.settings.deductions == IndicatorSettings.Deductions.NET:
        in_time = met.filter(closed_at__lt=F("due_at"))
    else:
        in_time = met.annotate(deducted=Coalesce(_deducted(), Value(ZERO_DAYS))).filter(
            closed_at__lt=F("due_at") - F("deducted")
        )
    return Q(Exists(in_time))


def _describe_within_limit(ctx: Context) -> str:
    s = ctx.settings
    basis = (
        _("closed by a mode other than %(modes)s")
        if s.property_basis == IndicatorSettings.PropertyBasis.CLOSURE_MODE
        else _("closed by a mode other than %(modes)s, or with money arrived in the case account")
    ) % {"modes": _modes(s.no_property_modes)}
    limit = (
        _("by the last day of the case limit, deducted periods not counted (net)")
        if s.deductions == IndicatorSettings.Deductions.NET
        else _("by the last day of the case limit less its deducted periods (gross)")
    )
    return _(
        "Cases with executable property (%(basis)s) closed in the month, whose case limit was met %(limit)s, "
        "÷ those cases closed in the month."
    ) % {"basis": basis, "limit": limit}


register(
    Indicator(
        code="within_limit",
        title=gettext_lazy("Actual closure within the legal limit (cases with property)"),
        unit="percent",
        order=10,
        cases=within_limit_cases,
        counted=within_limit_counted,
        describe=_describe_within_limit,
        target=lambda ctx: ctx.settings.target_within_limit,
    )
)


# --- 2. Qualified 终本 closures -------------------------------------------------------------------------


def zhongben_cases(ctx: Context) -> QuerySet[Case]:
    return closed_in_month(ctx).filter(closure=CLOSED_ZB)


def zhongben_qualified(ctx: Context) -> Q:
    reviewed = ClosureProposal.objects.filter(
        case_id=OuterRef("pk"), closure=CLOSED_ZB, status=ClosureProposal.Status.APPROVED
    )
    interviewed = ClosureInterview.objects.filter(case_id=OuterRef("pk"), closure=CLOSED_ZB)
    return Q(Exists(reviewed), Exists(interviewed))


register(
    Indicator(
        code="zhongben_qualified",
        title=gettext_lazy("Qualified 终本 closures"),
        unit="percent",
        order=20,
        cases=zhongben_cases,
        counted=zhongben_qualified,
        describe=lambda ctx: _(
            "Cases closed as 终本 in the month whose closure passed the quality review (a second person "
            "approved the proposal) with the applicant's interview on file, ÷ cases closed as 终本 in the "
            "month."
        ),
        target=lambda ctx: ctx.settings.target_qualified_zhongben,
    )
)


# --- 3. Petitions closed ---------------------------------------------------------------------------------


def _petitions(ctx: Context) -> QuerySet[Petition]:
    return Petition.objects.filter(
        case_id=OuterRef("pk"), received_at__gte=ctx.start, received_at__lt=ctx.end
    ).order_by()


def _count_of(rows: QuerySet) -> Subquery:
    return Subquery(rows.values("case_id").annotate(n=Count("pk")).values("n"))


def petition_cases(ctx: Context) -> QuerySet[Case]:
    return (
        Case.objects.filter(court_id=ctx.court_id)
        .filter(Exists(_petitions(ctx)))
        .annotate(
            petitions_received=_count_of(_petitions(ctx)),
            petitions_closed=Coalesce(_count_of(_petitions(ctx).filter(closed_at__isnull=False)), 0),
        )
    )


register(
    Indicator(
        code="petitions_closed",
        title=gettext_lazy("Petitions (信访) closed"),
        unit="percent",
        order=30,
        cases=petition_cases,
        counted=lambda ctx: Q(petitions_closed__gt=0),
        numerator=lambda: Sum("petitions_closed"),
        denominator=lambda: Sum("petitions_received"),
        describe=lambda ctx: _(
            "Enforcement petitions received in the month and closed since (with their outcome recorded), "
            "÷ petitions received in the month. The cases are those the petitions are about."
        ),
        target=lambda ctx: ctx.settings.target_petitions_closed,
        columns=(
            ("petitions_received", gettext_lazy("Petitions received")),
            ("petitions_closed", gettext_lazy("Petitions closed")),
        ),
    )
)


# --- +1. Overall closure of the last three years' cases --------------------------------------------------


def three_year_cases(ctx: Context) -> QuerySet[Case]:
    since = ctx.start + relativedelta(months=1) - relativedelta(years=3)
    return Case.objects.filter(court_id=ctx.court_id, filed_at__gte=since, filed_at__lt=ctx.end)


register(
    Indicator(
        code="overall_closure",
        title=gettext_lazy("Closure of the last three years' cases"),
        unit="percent",
        order=40,
        cases=three_year_cases,
        counted=lambda ctx: Q(status=Case.Status.CLOSED, closed_at__lt=ctx.end),
        describe=lambda ctx: _(
            "Cases filed in the 36 months up to the month's end and closed by then, ÷ cases filed in those "
            "36 months. A stock, not a flow: the year to date is the latest month's figure."
        ),
        target=lambda ctx: ctx.settings.target_overall_closure,
        cumulative=False,
    )
)


# --- Actual enforcement rate -----------------------------------------------------------------------------


register(
    Indicator(
        code="actual_enforcement",
        title=gettext_lazy("Actual enforcement rate"),
        unit="percent",
        order=50,
        cases=closed_in_month,
        counted=lambda ctx: Q(closure__in=ctx.settings.actual_enforcement_modes),
        describe=lambda ctx: (
            _("Cases closed in the month as %(modes)s, ÷ cases closed in the month.")
            % {"modes": _modes(ctx.settings.actual_enforcement_modes)}
        ),
    )
)


# --- Average days from filing to closing -----------------------------------------------------------------


def days_to_close_cases(ctx: Context) -> QuerySet[Case]:
    return closed_in_month(ctx).annotate(
        duration=ExpressionWrapper(F("closed_at") - F("filed_at"), output_field=DurationField())
    )


register(
    Indicator(
        code="days_to_close",
        title=gettext_lazy("Average days from filing to closing"),
        unit="days",
        order=60,
        cases=days_to_close_cases,
        counted=None,
        numerator=lambda: Sum("duration"),
        describe=lambda ctx: _(
            "Days from filing to closing (to the minute, shown in days), summed over the cases closed in the "
            "month, ÷ the number of those cases."
        ),
        columns=(("duration", gettext_lazy("Days to close")),),
        higher_is_better=False,
    )
)


# --- Overdue rate per node -------------------------------------------------------------------------------


def _fell_due(ctx: Context, node_code: str) -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(
            case_id=OuterRef("pk"), node_type__code=node_code, due_at__gte=ctx.start, due_at__lt=ctx.end
        )
        .exclude(status=Deadline.Status.CANCELLED)
        .order_by()
    )


def _late(ctx: Context, node_code: str) -> QuerySet[Deadline]:
    return _fell_due(ctx, node_code).filter(
        Q(status=Deadline.Status.OVERDUE)
        | Q(status=Deadline.Status.MET, closed_at__gte=F("due_at"))
        # Still running past its last day: late even before the scan has marked it overdue.
        | Q(status__in=Deadline.ACTIVE, due_at__lte=timezone.now())
    )


def _overdue_indicator(node_code: str, name: str) -> Indicator:
    def cases(ctx: Context) -> QuerySet[Case]:
        return (
            Case.objects.filter(court_id=ctx.court_id)
            .filter(Exists(_fell_due(ctx, node_code)))
            .annotate(
                deadlines_due=_count_of(_fell_due(ctx, node_code)),
                deadlines_late=Coalesce(_count_of(_late(ctx, node_code)), 0),
            )
        )

    return Indicator(
        code=f"overdue.{node_code}",
        title=gettext_lazy("Overdue rate: %(node)s") % {"node": name},
        unit="percent",
        order=100,
        cases=cases,
        counted=lambda ctx: Q(deadlines_late__gt=0),
        numerator=lambda: Sum("deadlines_late"),
        denominator=lambda: Sum("deadlines_due"),
        describe=lambda ctx: (
            _(
                "Deadlines of the node “%(node)s” whose last day fell in the month and that were met after "
                "it or are still overdue, ÷ the deadlines of that node whose last day fell in the month "
                "(cancelled ones left out)."
            )
            % {"node": name}
        ),
        columns=(
            ("deadlines_due", gettext_lazy("Deadlines due")),
            ("deadlines_late", gettext_lazy("Late or overdue")),
        ),
        higher_is_better=False,
    )


def overdue_family() -> list[Indicator]:
    nodes = NodeType.objects.filter(court__isnull=True, is_active=True).values_list("code", "name")
    return [_overdue_indicator(code, name) for code, name in nodes]


register_family(overdue_family)
