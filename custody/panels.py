"""The custody section of the case page (searches, measures, detentions and fines, as three tabs) and its
section of the supervisors' alerts page (lapsed measures, people in custody, decisions awaited).

The flags below only decide which forms are shown; every action's service checks again.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.http import HttpRequest
from django.utils import timezone

from assignment.services import may_take_compulsory_measures
from enforcement import access
from enforcement.duedates import describe
from enforcement.models import Case
from enforcement.panels import CasePanel, has, register, register_presence, register_supervision
from enforcement.roles import AnyUser
from enforcement.services.deadlines import node_types_for

from . import selectors, services
from .forms import DetentionForm, FineForm, MeasureForm, ReplyForm, SearchForm
from .models import DeductionReceipt, Detention, Fine, FoundAsset, Measure, PropertySearch, SearchInquiry
from .services.measures import TERM_NODES, max_term_of

register_presence("custody_searches", lambda: PropertySearch.objects.filter(case=OuterRef("pk")))
register_presence("custody_measures", lambda: Measure.objects.filter(case=OuterRef("pk")))
register_presence("custody_detentions", lambda: Detention.objects.filter(case=OuterRef("pk")))
register_presence("custody_fines", lambda: Fine.objects.filter(case=OuterRef("pk")))
register_presence("custody_receipts", lambda: DeductionReceipt.objects.filter(measure__case=OuterRef("pk")))

TABS = ("searches", "measures", "detentions")
EXPIRY_FLAG_DAYS = 30  # a measure expiring within this many days is flagged on the case page
SUPERVISION_LIMIT = 20  # rows of each list on the alerts page; the lists' own pages have the rest
NOTICE_WINDOW = datetime.timedelta(hours=services.FAMILY_NOTICE_HOURS)
BEGUN = (Detention.Status.APPROVED, Detention.Status.RELEASED)


def tab_of(request: HttpRequest, custody: selectors.CaseCustody, *, to_decide: bool = False) -> str:
    """The tab to open: the one asked for (the actions come back to theirs), else the president's decisions,
    else where there is something."""
    asked = request.GET.get("custody", "")
    if asked in TABS:
        return asked
    if request.GET.get("from_asset"):
        return "measures"
    if to_decide:
        return "detentions"
    if custody.measures:
        return "measures"
    if custody.detentions or custody.fines:
        return "detentions"
    return "searches"


def expiry_flag(measure: Measure, today: datetime.date) -> tuple[str, int | None]:
    """("lapsed" | "expired" | "expiring" | "", days left) for a measure with a term."""
    if measure.status == Measure.Status.LAPSED:
        return "lapsed", None
    if measure.status != Measure.Status.IN_FORCE or measure.expires_on is None:
        return "", None
    left = (measure.expires_on - today).days
    if left < 0:
        return "expired", left  # not flagged by the hourly job yet
    return ("expiring" if left <= EXPIRY_FLAG_DAYS else ""), left


def _source_asset(request: HttpRequest, searches: list[Any]) -> tuple[FoundAsset, SearchInquiry] | None:
    """The found asset a "Take a measure" link asked for (with its inquiry), if it is this case's and has no
    measure yet."""
    try:
        pk = int(request.GET.get("from_asset", ""))
    except ValueError:
        return None
    for row in searches:
        for inquiry_row in row["inquiries"]:
            for asset_row in inquiry_row["assets"]:
                if asset_row["asset"].pk == pk and asset_row["measure"] is None:
                    return asset_row["asset"], inquiry_row["inquiry"]
    return None


def _search_rows(case: Case, custody: selectors.CaseCustody, investigates: bool) -> list[dict[str, Any]]:
    parties = list(case.parties.all())
    rows = []
    for search in custody.searches:
        inquiries = []
        for inquiry in search.inquiries.all():
            assets = [{"asset": a, "measure": getattr(a, "measure", None)} for a in inquiry.assets.all()]
            pending = inquiry.reply == SearchInquiry.Reply.PENDING
            inquiries.append(
                {
                    "inquiry": inquiry,
                    "assets": assets,
                    "reply_form": ReplyForm(parties=parties, auto_id=f"reply-{inquiry.pk}-%s")
                    if investigates and pending
                    else None,
                }
            )
        rows.append({"search": search, "inquiries": inquiries})
    return rows


def _measure_rows(
    custody: selectors.CaseCustody, today: datetime.date, judges: bool, has_receipts: bool
) -> list[dict[str, Any]]:
    rows = []
    for m in custody.measures:
        flag, left = expiry_flag(m, today)
        terms = [{"term": t, "steps": [describe(s) for s in t.deadline.explanation]} for t in m.terms.all()]
        is_deduction = m.kind == Measure.Kind.DEDUCT_DEPOSIT
        rows.append(
            {
                "measure": m,
                "flag": flag,
                "days_left": left,
                "terms": terms,
                "receipts": list(m.receipts.all()),
                "is_deduction": is_deduction,
                "may_renew": judges
                and m.has_term
                and m.status == Measure.Status.IN_FORCE
                and m.expires_on is not None
                and m.expires_on >= today,
                "may_release": judges and m.status in (Measure.Status.IN_FORCE, Measure.Status.LAPSED),
                "may_link": judges and is_deduction and m.status != Measure.Status.RELEASED and has_receipts,
            }
        )
    return rows


def notice_state(d: Detention, now: datetime.datetime) -> dict[str, Any]:
    """The family notice of a detention: missing (once custody has begun), when it is due, whether late."""
    begun = d.started_at is not None and d.status in BEGUN
    due = d.started_at + NOTICE_WINDOW if d.started_at is not None else None
    if due is None:
        late = False
    elif d.family_notified_at is not None:
        late = d.family_notified_at > due
    else:
        late = begun and now > due
    return {"notice_missing": begun and d.family_notified_at is None, "notice_due": due, "notice_late": late}


def _in_custody(d: Detention, today: datetime.date) -> bool:
    return d.status == Detention.Status.APPROVED and d.release_on is not None and d.release_on > today


def _detention_rows(
    request: HttpRequest, case: Case, custody: selectors.CaseCustody, today: datetime.date, judges: bool
) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for d in custody.detentions:
        d.case = case  # the permission checks read the court from it
        notice = notice_state(d, now)
        rows.append(
            {
                "detention": d,
                **notice,
                "in_custody": _in_custody(d, today),
                "may_decide": d.status == Detention.Status.PROPOSED
                and case.status != Case.Status.CLOSED
                and services.may_decide_sanction(request.user, d),
                "may_notify": judges and notice["notice_missing"],
                "may_release": judges and _in_custody(d, today),
            }
        )
    return rows


def _fine_rows(request: HttpRequest, case: Case, custody: selectors.CaseCustody) -> list[dict[str, Any]]:
    detentions = {d.pk: d for d in custody.detentions}
    rows = []
    for f in custody.fines:
        f.case = case
        rows.append(
            {
                "fine": f,
                "with_detention": detentions.get(f.detention_id) if f.detention_id else None,
                "may_decide": f.status == Fine.Status.PROPOSED
                and case.status != Case.Status.CLOSED
                and services.may_decide_sanction(request.user, f),
            }
        )
    return rows


def _maximums(case: Case) -> list[tuple[str, int | None]]:
    """The legal maximum term of each kind of measure, for the form's hint: None for no term (a deduction),
    0 when unknown (a node type counting in another unit than months, a misconfiguration)."""
    nodes = node_types_for(case.court, TERM_NODES.values())  # one query for every kind
    maximums: list[tuple[str, int | None]] = []
    for kind, label in Measure.Kind.choices:
        code = TERM_NODES.get(kind)  # type: ignore[call-overload]
        if code is None:
            maximums.append((str(label), None))
            continue
        try:
            maximums.append((str(label), max_term_of(nodes[code])))
        except (ValueError, ValidationError, KeyError):
            maximums.append((str(label), 0))
    return maximums


@register
def custody_panel(request: HttpRequest, case: Case) -> CasePanel:
    custody = selectors.case_custody(
        case,
        searches=has(request, case, "custody_searches"),
        measures=has(request, case, "custody_measures"),
        detentions=has(request, case, "custody_detentions"),
        fines=has(request, case, "custody_fines"),
        receipts=has(request, case, "custody_receipts"),
    )
    user = request.user
    today = timezone.localdate()
    is_open = case.status != Case.Status.CLOSED
    judges = is_open and access.judges_case(user, case)
    investigates = is_open and access.works_case(user, case)
    compulsory_allowed = may_take_compulsory_measures(case)
    receipts = (
        list(selectors.linkable_receipts(case)[:50])
        if judges and has(request, case, "payments_ledger")
        else []
    )
    parties = list(case.parties.all())
    searches = _search_rows(case, custody, investigates)
    measures = _measure_rows(custody, today, judges, bool(receipts))
    detentions = _detention_rows(request, case, custody, today, judges)
    fines = _fine_rows(request, case, custody)
    may_take = judges and compulsory_allowed
    source = _source_asset(request, searches) if may_take else None
    initial = MeasureForm.initial_from(*source) if source else None
    to_decide = sum(1 for row in detentions + fines if row["may_decide"])
    context = {
        "tab": tab_of(request, custody, to_decide=bool(to_decide)),
        "today": today,
        "is_open": is_open,
        "judges": judges,
        "may_investigate": investigates,
        "compulsory_allowed": compulsory_allowed,
        "blocked": is_open and not compulsory_allowed,
        "may_take": may_take,
        "searches": searches,
        "measures": measures,
        "flagged": sum(1 for row in measures if row["flag"] in ("lapsed", "expired")),
        "expiring": sum(1 for row in measures if row["flag"] == "expiring"),
        "detentions": detentions,
        "fines": fines,
        "sanction_count": len(detentions) + len(fines),
        "to_decide": to_decide,
        "proposed": sum(
            1 for s in [*custody.detentions, *custody.fines] if s.status == Detention.Status.PROPOSED
        ),
        "receipts": receipts,
        "maximums": _maximums(case),
        "source": source[0] if source else None,
        "search_form": SearchForm(auto_id="search-%s"),
        "measure_form": MeasureForm(initial=initial, case=case, parties=parties, auto_id="measure-%s"),
        "detention_form": DetentionForm(parties=parties, auto_id="detention-%s"),
        "fine_form": FineForm(
            parties=parties,
            detentions=[d for d in custody.detentions if d.status != Detention.Status.REFUSED],
            auto_id="fine-%s",
        ),
    }
    return CasePanel(template="custody/panel.html", order=10, context=context)


# --- The supervisors' alerts page ---------------------------------------------------------------------------


def _present(user: AnyUser) -> set[str]:
    """Which of the supervision lists have rows, in one query (the alerts page is read often, mostly with
    none of them)."""

    def tagged(rows: QuerySet[Any], name: str) -> QuerySet[Any]:
        return (
            rows.order_by().annotate(tag=Value(name, output_field=CharField())).values_list("tag", flat=True)
        )

    probe = tagged(selectors.lapsed_measures(user), "lapsed").union(
        tagged(selectors.detentions_in_custody(user), "in_custody"),
        tagged(selectors.detentions_awaiting_decision(user), "detentions"),
        tagged(selectors.fines_awaiting_decision(user), "fines"),
    )
    return set(probe)


@register_supervision
def custody_supervision(request: HttpRequest) -> CasePanel | None:
    """Lapsed measures, people in custody (with a missing family notice flagged), and the detentions and
    fines awaiting the president; None when there is none of them."""
    user = request.user
    present = _present(user)
    if not present:
        return None

    def first(name: str, rows: QuerySet[Any]) -> list[Any]:
        return list(rows[: SUPERVISION_LIMIT + 1]) if name in present else []

    lapsed = selectors.lapsed_measures(user)
    lapsed_rows = first("lapsed", lapsed)
    in_custody = first("in_custody", selectors.detentions_in_custody(user))
    detentions = first("detentions", selectors.detentions_awaiting_decision(user))
    fines = first("fines", selectors.fines_awaiting_decision(user))
    now = timezone.now()
    custody_rows = [{"detention": d, **notice_state(d, now)} for d in in_custody[:SUPERVISION_LIMIT]]
    context = {
        "lapsed": lapsed_rows[:SUPERVISION_LIMIT],
        "lapsed_count": lapsed.count() if len(lapsed_rows) > SUPERVISION_LIMIT else len(lapsed_rows),
        "in_custody": custody_rows,
        "more_in_custody": len(in_custody) > SUPERVISION_LIMIT,
        "missing_notices": sum(1 for row in custody_rows if row["notice_missing"]),
        "detentions": detentions[:SUPERVISION_LIMIT],
        "fines": fines[:SUPERVISION_LIMIT],
        "more_awaiting": len(detentions) > SUPERVISION_LIMIT or len(fines) > SUPERVISION_LIMIT,
        "limit": SUPERVISION_LIMIT,
    }
    return CasePanel(template="custody/supervision.html", order=10, context=context)
