"""Writes of the deadline engine: open, meet, cancel, recompute, deduct, extend.

Services that start a clock call ``open_deadline``; services that finish a step call ``meet_deadline``.
Every due time comes from ``enforcement.duedates.compute_due_date``; nothing here types one in.
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import access, roles
from ..duedates import Budget, DeductedPeriod, compute_due_date, hours_after
from ..models import Alert, Case, Court, Deadline, Deduction, DeductionRule, Extension, NodeType, Reminder
from ..urgency import refresh_case_urgency
from ..workcalendar import WorkingCalendar

# An extension must be asked for at least this many days before the limit expires (法发〔2006〕35号).
EXTENSION_NOTICE_DAYS = 5


def node_type_for(court: Court, code: str) -> NodeType:
    """The court's own version of a node type if it has one, else the default."""
    found = NodeType.objects.filter(Q(court=court) | Q(court__isnull=True), code=code, is_active=True)
    node = min(found, key=lambda n: n.court_id is None, default=None)
    if node is None:
        raise LookupError(f"no active node type {code!r} for court {court.code}")
    return node


def node_types_for(court: Court, codes: Iterable[str]) -> dict[str, NodeType]:
    """``node_type_for`` for several codes in one query: code -> node type (a code without an active one
    is missing from the answer)."""
    found = NodeType.objects.filter(
        Q(court=court) | Q(court__isnull=True), code__in=list(codes), is_active=True
    )
    chosen: dict[str, NodeType] = {}
    for node in sorted(found, key=lambda n: n.court_id is None, reverse=True):
        chosen[node.code] = node  # the court's own, read last, wins over the default
    return chosen


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _apply_computation(deadline: Deadline, calendar: WorkingCalendar, now: datetime.datetime) -> None:
    if deadline.unit == NodeType.Unit.HOURS:
        _apply_hours(deadline, now)
        return
    anchor = timezone.localtime(deadline.anchor_at).date()
    extensions = deadline.extensions.filter(status=Extension.Status.APPROVED) if deadline.pk else []
    deductions = deadline.deductions.all() if deadline.pk else []
    due = compute_due_date(
        anchor=anchor,
        budget=Budget(
            deadline.budget,
            deadline.unit,
            working_days=deadline.counting == NodeType.Counting.WORKING,
            rolls_off_rest_days=deadline.counting != NodeType.Counting.EXACT,
        ),
        calendar=calendar,
        extension_months=[e.months for e in extensions],
        deductions=[deducted_period(d) for d in deductions],
        today=timezone.localdate(now),
    )
    deadline.due_date = due.last_day
    deadline.due_at = local_midnight(due.last_day + datetime.timedelta(days=1))
    deadline.warn_at = deadline.due_at - datetime.timedelta(days=deadline.warn_lead_days)
    deadline.paused = due.paused
    deadline.explanation = due.explanation
    deadline.computed_at = now


def _apply_hours(deadline: Deadline, now: datetime.datetime) -> None:
    """A limit in hours runs from the anchor's exact time (no calendar, no deductions)."""
    due_at, explanation = hours_after(timezone.localtime(deadline.anchor_at), deadline.budget)
    deadline.due_at = due_at
    deadline.due_date = timezone.localtime(due_at).date()
    deadline.warn_at = due_at - datetime.timedelta(days=deadline.warn_lead_days)
    deadline.paused = False
    deadline.explanation = explanation
    deadline.computed_at = now


def open_deadline(
    *,
    case: Case,
    code: str,
    anchor_at: datetime.datetime,
    actor: User | None = None,
    subject: models.Model | None = None,
    budget: int | None = None,
) -> Deadline:
    """Start a clock on a case (and optionally on a subject: a payout, a measure).

    ``budget`` replaces the node type's for this clock only, where the law sets a maximum and the
    decision a shorter term (a freeze for 6 months of at most 12); the caller checks the maximum.
    """
    now = timezone.now()
    node = node_type_for(case.court, code)
    if budget is not None and budget < 1:
        raise ValueError("a budget is at least 1")
    deadline = Deadline(
        case=case,
        node_type=node,
        budget=budget if budget is not None else node.budget,
        unit=node.unit,
        counting=node.counting,
        warn_lead_days=node.warn_lead_days,
        anchor_at=anchor_at,
        opened_by=actor,
        opened_at=now,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )
    _apply_computation(deadline, WorkingCalendar.for_court(case.court), now)
    with transaction.atomic():
        deadline.save()
        refresh_case_urgency([case.pk])
    return deadline


def projected_times(
    *, node: NodeType, anchor_at: datetime.datetime, calendar: WorkingCalendar
) -> tuple[datetime.datetime, datetime.datetime]:
    """(warn_at, due_at) of a clock of ``node`` opened now from ``anchor_at``, with no deduction or
    extension: what ``open_deadline`` would store, computed the same way and stored nowhere."""
    deadline = Deadline(
        node_type=node,
        budget=node.budget,
        unit=node.unit,
        counting=node.counting,
        warn_lead_days=node.warn_lead_days,
        anchor_at=anchor_at,
    )
    _apply_computation(deadline, calendar, timezone.now())
    return deadline.warn_at, deadline.due_at


def active_deadlines(
    case: Case, code: str | None = None, subject: models.Model | None = None
) -> QuerySet[Deadline]:
    qs = Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE)
    if code is not None:
        qs = qs.filter(node_type__code=code)
    if subject is not None:
        qs = qs.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    return qs


def meet_deadline(
    *, case: Case, code: str, actor: User | None, subject: models.Model | None = None
) -> list[Deadline]:
    """The step is done: its open deadlines are met and their alerts resolved. Meeting twice is a no-op."""
    return _close(case, code, subject, actor, Deadline.Status.MET)


def cancel_deadline(
    *, case: Case, code: str, actor: User | None, subject: models.Model | None = None
) -> list[Deadline]:
    """The step will not be done (a lapsed measure released): its clocks stop without counting as met, and
    their alerts are resolved. Cancelling twice is a no-op."""
    return _close(case, code, subject, actor, Deadline.Status.CANCELLED)


@transaction.atomic
def _close(
    case: Case, code: str, subject: models.Model | None, actor: User | None, status: str
) -> list[Deadline]:
    now = timezone.now()
    closed = list(active_deadlines(case, code, subject).select_for_update())
    for deadline in closed:
        deadline.status = status
        deadline.closed_at, deadline.closed_by = now, actor
        deadline.save(update_fields=["status", "closed_at", "closed_by"])
    _resolve_alerts([d.pk for d in closed], now)
    if closed:
        refresh_case_urgency([case.pk])
    return closed


@transaction.atomic
def end_case_deadlines(*, case: Case, actor: User | None) -> tuple[list[Deadline], list[Deadline]]:
    """The case closed: its whole-case limits (node types ``met_on_closure``) are met, late if after
    their due time (``Deadline.met_late``); every other clock still running is cancelled, since its step
    will not be taken; their alerts are resolved. Clocks of node types that outlive the case (terms of
    property measures, which stay in force) run on untouched. Returns (met, cancelled)."""
    now = timezone.now()
    running = active_deadlines(case).exclude(node_type__outlives_case=True).select_related("node_type")
    ended = list(running.select_for_update(of=("self",)))
    met = [d for d in ended if d.node_type.met_on_closure]
    cancelled = [d for d in ended if not d.node_type.met_on_closure]
    for status, deadlines in ((Deadline.Status.MET, met), (Deadline.Status.CANCELLED, cancelled)):
        for deadline in deadlines:
            deadline.status, deadline.closed_at, deadline.closed_by = status, now, actor
        Deadline.objects.filter(pk__in=[d.pk for d in deadlines]).update(
            status=status, closed_at=now, closed_by=actor
        )
    _resolve_alerts([d.pk for d in ended], now)
    refresh_case_urgency([case.pk])
    return met, cancelled


def _resolve_alerts(deadline_ids: list[int], now: datetime.datetime) -> None:
    """The clock stopped or started again: its alerts, and the ladder's reminders still waiting, are done."""
    Alert.objects.filter(deadline_id__in=deadline_ids, resolved_at__isnull=True).update(resolved_at=now)
    Reminder.objects.filter(deadline_id__in=deadline_ids, resolved_at__isnull=True).update(resolved_at=now)


# --- Recomputation ----------------------------------------------------------------------------------------


def recompute(deadline: Deadline, *, calendar: WorkingCalendar | None = None) -> bool:
    """Derive the due time again (after a deduction, an extension, a calendar change). Locks the row.

    A deadline whose new due time takes it back from nearing or overdue starts a new generation: its
    alerts are resolved, and the scan raises fresh ones if it reaches a level again.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Deadline.objects.select_for_update()
            .select_related("node_type", "case__court")
            .get(pk=deadline.pk)
        )
        if not locked.is_active:
            return False
        before = (locked.due_at, locked.warn_at, locked.paused, locked.explanation)
        _apply_computation(locked, calendar or WorkingCalendar.for_court(locked.case.court), now)
        if (locked.due_at, locked.warn_at, locked.paused, locked.explanation) == before:
            return False
        if locked.status != Deadline.Status.OPEN and not _still_at_level(locked, now):
            locked.status = Deadline.Status.OPEN
            locked.generation += 1
            _resolve_alerts([locked.pk], now)
        locked.save()
        # Alerts that stay open show the new due time (the supervisor page sorts by it).
        Alert.objects.filter(deadline=locked, resolved_at__isnull=True).update(due_at=locked.due_at)
        refresh_case_urgency([locked.case_id])
    return True


def _still_at_level(deadline: Deadline, now: datetime.datetime) -> bool:
    if deadline.paused:
        return False
    if deadline.status == Deadline.Status.OVERDUE:
        return deadline.due_at <= now
    return deadline.warn_at <= now  # nearing


def recompute_open_deadlines(*, day: datetime.date, court: Court | None = None) -> int:
    """Recompute the active deadlines a change of ``day`` in the calendar may move; returns how many moved.

    A day matters to a deadline whose counting runs across it, or whose last day it is or precedes.
    """
    start_of_day = local_midnight(day)
    candidates = Deadline.objects.filter(
        status__in=Deadline.ACTIVE,
        anchor_at__lt=start_of_day + datetime.timedelta(days=1),
        due_at__gte=start_of_day - datetime.timedelta(days=31),
    )
    if court is not None:
        candidates = candidates.filter(case__court=court)
    calendars: dict[int, WorkingCalendar] = {}
    moved = 0
    for deadline in candidates.select_related("case__court").iterator():
        calendar = calendars.setdefault(
            deadline.case.court_id, WorkingCalendar.for_court(deadline.case.court)
        )
        moved += recompute(deadline, calendar=calendar)
    return moved


def refresh_paused_deadlines() -> int:
    """A running deduction moves its deadline a day each day: recompute the paused ones."""
    return sum(recompute(d) for d in Deadline.objects.filter(status__in=Deadline.ACTIVE, paused=True))


# --- Deductions ---------------------------------------------------------------------------------------------

DEDUCTION_APPROVERS = access.DEDUCTION_APPROVER_ROLES


def _require_deduction_approver(actor: User, court_id: int) -> None:
    roles.require_court_role(
        actor,
        court_id,
        *DEDUCTION_APPROVERS,
        message=_("Only a supervisor or president of the court approves a deducted period."),
    )


def deduction_rule_for(court: Court, kind: str) -> DeductionRule | None:
    """The court's own rule for a kind of deducted period if it has one, else the default; None: no limit."""
    found = DeductionRule.objects.filter(Q(court=court) | Q(court__isnull=True), kind=kind)
    return min(found, key=lambda r: r.court_id is None, default=None)


def deducted_period(deduction: Deduction) -> DeductedPeriod:
    return DeductedPeriod(deduction.kind, deduction.start_date, deduction.end_date, deduction.latest_end)


def add_deduction(
    *,
    actor: User,
    deadline: Deadline,
    kind: str,
    start_date: datetime.date,
    reason: str,
    end_date: datetime.date | None = None,
) -> Deduction:
    """Record a deducted period, approved by the acting supervisor; the due time moves at once.

    Refused, with the field named: a period that ends by the day the clock started (it would count nothing),
    one that starts after the limit ran out (that limit is extended, not paused), and a kind with a longest
    term (暂缓执行) recorded longer than its term without approval.
    """
    _require_deduction_approver(actor, deadline.case.court_id)
    if kind not in Deduction.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of deducted period.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the deduction.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The period cannot end before it starts.")})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("A deducted period cannot start in the future.")})
    rule = deduction_rule_for(deadline.case.court, kind)
    deduction = Deduction(
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        approved_by=actor,
        months_without_approval=rule.months_without_approval if rule else None,
        additional_months_allowed=rule.additional_months if rule else None,
    )
    _check_term_without_approval(deduction)
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().select_related("case").get(pk=deadline.pk)
        if not locked.is_active:
            raise ValidationError(_("This deadline is no longer running."))
        _check_within_the_clock(locked, start_date, end_date)
        if locked.deductions.filter(end_date__isnull=True).exists() and end_date is None:
            raise ValidationError(_("A deducted period is already running on this deadline; end it first."))
        deduction.deadline = locked
        deduction._history_user = actor  # type: ignore[attr-defined]  # simple_history's per-save user
        deduction.save()
        recompute(locked)
    return deduction


def _check_within_the_clock(deadline: Deadline, start: datetime.date, end: datetime.date | None) -> None:
    # A period that began before the anchor and runs past it is accepted as recorded (the appraisal or the
    # jurisdiction dispute really began then, and its record should say so); the engine counts it from the
    # day after the anchor only, since before that the clock was not running and nothing was paused.
    # Refusing it instead would make the supervisor type a start date that is not the true one.
    if end is not None:
        _check_ends_after_anchor(deadline, end)
    if start > deadline.due_date:
        raise ValidationError(
            {
                "start_date": _(
                    "This time limit ran out on %(date)s: a period starting after it cannot pause it. A "
                    "limit that has run out is extended, with its approval, where the law allows."
                )
                % {"date": deadline.due_date.isoformat()}
            }
        )


def _check_ends_after_anchor(deadline: Deadline, end: datetime.date) -> None:
    anchor = timezone.localtime(deadline.anchor_at).date()
    if end <= anchor:
        raise ValidationError(
            {
                "end_date": _(
                    "The period must end after %(date)s, the day this clock started: days before it were "
                    "never counted, so there is nothing to deduct."
                )
                % {"date": anchor.isoformat()}
            }
        )


def _check_term_without_approval(deduction: Deduction) -> None:
    """A period recorded with its end is at most its term: an additional period is approved separately."""
    last, end, months = deduction.term_end, deduction.end_date, deduction.months_without_approval
    if last is not None and end is not None and months is not None and end > last:
        raise ValidationError(
            {
                "end_date": ngettext(
                    "%(kind)s lasts at most %(months)d month without the approval of an additional period, "
                    "that is until %(date)s. Record it until then, or as running, and have the additional "
                    "period approved before it ends.",
                    "%(kind)s lasts at most %(months)d months without the approval of an additional period, "
                    "that is until %(date)s. Record it until then, or as running, and have the additional "
                    "period approved before it ends.",
                    months,
                )
                % {"kind": deduction.get_kind_display(), "months": months, "date": last.isoformat()}
            }
        )


def end_deduction(*, actor: User, deduction: Deduction, end_date: datetime.date) -> Deduction:
    """End a running deducted period; the clock runs again from the next day. A period with a longest term
    ends on its last day at the latest (the additional period, once approved, included)."""
    _require_deduction_approver(actor, deduction.deadline.case.court_id)
    with transaction.atomic():
        locked = Deduction.objects.select_for_update().get(pk=deduction.pk)
        if locked.end_date is not None:
            raise ValidationError(_("This deducted period has already ended."))
        if end_date < locked.start_date or end_date > timezone.localdate():
            raise ValidationError({"end_date": _("The end must lie between the start and today.")})
        deadline = Deadline.objects.get(pk=locked.deadline_id)
        _check_ends_after_anchor(deadline, end_date)
        _check_longest_term(locked, end_date)
        locked.end_date = end_date
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save(update_fields=["end_date"])
        recompute(deadline)
    return locked


def _check_longest_term(deduction: Deduction, end: datetime.date) -> None:
    last = deduction.latest_end
    if last is None or end <= last:
        return
    kind = Deduction.Kind(deduction.kind).label
    may_add = deduction.additional_months is None and bool(deduction.additional_months_allowed)
    if may_add:
        months = deduction.months_without_approval or 0
        message = ngettext(
            "%(kind)s lasts at most %(months)d month without the approval of an additional period, that is "
            "until %(date)s: have the additional period approved, or end it on %(date)s at the latest.",
            "%(kind)s lasts at most %(months)d months without the approval of an additional period, that is "
            "until %(date)s: have the additional period approved, or end it on %(date)s at the latest.",
            months,
        )
    else:
        months = (deduction.months_without_approval or 0) + (deduction.additional_months or 0)
        message = ngettext(
            "%(kind)s lasts at most %(months)d month in all, that is until %(date)s: end it on %(date)s at "
            "the latest.",
            "%(kind)s lasts at most %(months)d months in all, that is until %(date)s: end it on %(date)s at "
            "the latest.",
            months,
        )
    raise ValidationError({"end_date": message % {"kind": kind, "months": months, "date": last.isoformat()}})


def approve_additional_period(*, actor: User, deduction: Deduction, months: int, reason: str) -> Deduction:
    """Approve an additional period for a running deducted period that has a longest term (暂缓执行).

    Approved by a supervisor or president of the court, as deductions are, but not by the person who
    recorded the period: going beyond the ordinary term is the exception the rule guards (the 3 months of
    暂缓执行 are extended only "因特殊事由"), so a second person checks it, as with extensions of the case
    limit. It is approved while the ordinary term runs, and for at most the rule's additional months.
    """
    _require_deduction_approver(actor, deduction.deadline.case.court_id)
    with transaction.atomic():
        locked = Deduction.objects.select_for_update().get(pk=deduction.pk)
        if locked.months_without_approval is None or not locked.additional_months_allowed:
            raise ValidationError(_("This kind of deducted period has no additional period to approve."))
        if locked.additional_months is not None:
            raise ValidationError(_("The additional period has already been approved."))
        if locked.end_date is not None:
            raise ValidationError(_("This deducted period has ended; there is nothing to extend."))
        allowed = locked.additional_months_allowed
        if actor.pk == locked.approved_by_id:
            raise PermissionDenied(
                _(
                    "The additional period is approved by someone other than the person who recorded "
                    "the period."
                )
            )
        if not 1 <= months <= allowed:
            raise ValidationError(
                {
                    "months": ngettext(
                        "The additional period is at least 1 month and at most %(months)d month.",
                        "The additional period is at least 1 month and at most %(months)d months.",
                        allowed,
                    )
                    % {"months": allowed}
                }
            )
        if not reason.strip():
            raise ValidationError({"reason": _("Give the special reason for the additional period.")})
        term_end = locked.term_end
        if term_end is not None and timezone.localdate() > term_end:
            raise ValidationError(
                _(
                    "The term of this period ended on %(date)s: an additional period is approved before the "
                    "term ends, not afterwards. End the period on %(date)s."
                )
                % {"date": term_end.isoformat()}
            )
        locked.additional_months = months
        locked.additional_reason = reason.strip()
        locked.additional_approved_by = actor
        locked.additional_approved_at = timezone.now()
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save(
            update_fields=[
                "additional_months",
                "additional_reason",
                "additional_approved_by",
                "additional_approved_at",
            ]
        )
        recompute(Deadline.objects.get(pk=locked.deadline_id))
    return locked


# --- Extensions --------------------------------------------------------------------------------------------


def request_extension(*, actor: User, deadline: Deadline, months: int, reason: str) -> Extension:
    """Ask for a longer whole-case limit, at least five days before it expires."""
    roles.require_court_role(
        actor,
        deadline.case.court_id,
        roles.JUDGE,
        roles.TEAM_LEAD,
        roles.SUPERVISOR,
        message=_("Only the court's judges, team leads and supervisors may request an extension."),
    )
    if not deadline.node_type.extendable:
        raise ValidationError(_("This time limit cannot be extended."))
    if months < 1:
        raise ValidationError({"months": _("Ask for at least one month.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    with transaction.atomic():
        # Locked, so two requests at once cannot both pass the "already waiting" check.
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if not locked.is_active:
            raise ValidationError(_("This deadline is no longer running."))
        latest = locked.due_date - datetime.timedelta(days=EXTENSION_NOTICE_DAYS)
        if timezone.localdate() > latest:
            raise ValidationError(
                _(
                    "An extension must be requested at least %(days)d days before the limit expires "
                    "(by %(date)s)."
                )
                % {"days": EXTENSION_NOTICE_DAYS, "date": latest.isoformat()}
            )
        if locked.extensions.filter(status=Extension.Status.REQUESTED).exists():
            raise ValidationError(_("An extension request is already waiting for a decision."))
        extension = Extension(deadline=locked, months=months, reason=reason.strip(), requested_by=actor)
        extension._history_user = actor  # type: ignore[attr-defined]
        extension.save()
    return extension


def decide_extension(*, actor: User, extension: Extension, approve: bool, note: str = "") -> Extension:
    """A court president or vice-president approves or refuses; an approval moves the due date."""
    deadline = extension.deadline
    court_id = deadline.case.court_id
    access.require(
        roles.has_court_role(actor, court_id, *access.EXTENSION_DECIDER_ROLES),
        _("Only the court's president or a vice-president decides on extensions."),
    )
    access.require(
        access.decides(
            actor, court_id, asked_by_id=extension.requested_by_id, allowed=access.EXTENSION_DECIDER_ROLES
        ),
        _("The person who asked for an extension cannot approve it."),
    )
    with transaction.atomic():
        locked = Extension.objects.select_for_update().get(pk=extension.pk)
        if locked.status != Extension.Status.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        locked.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            recompute(deadline)
    return locked
