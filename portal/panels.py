"""The portal's sections: on the party's progress page (appointments, leads, messages), on the case page
(the parties' leads, bookings and messages) and on the judge's home page (his appointments)."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import OuterRef
from django.http import HttpRequest
from django.utils import timezone

from enforcement import access, roles
from enforcement.models import Case
from enforcement.notify import in_pool
from enforcement.panels import CasePanel, has, register, register_home, register_presence

from . import appointments, leads, party_messages
from .forms import LeadForm
from .models import Appointment, OnlineLead, PartyMessage
from .proof import PortalAccess, PortalSection, register_section

# --- The party's progress page ---------------------------------------------------------------------------


@register_section
def appointments_section(request: HttpRequest, access: PortalAccess) -> PortalSection:
    case = access.case
    now = timezone.now()
    bookings = list(appointments.party_bookings(access)[:10])
    rows = [{"booking": b, "status": appointments.status_of(b, now=now)} for b in bookings]
    upcoming = next((b for b in bookings if appointments.status_of(b, now=now) == "booked"), None)
    judge = case.responsible_judge if case.responsible_judge_id else None
    context: dict[str, Any] = {
        "has_judge": judge is not None,
        "judge_name": appointments.staff_name_for_party(judge, case) if judge is not None else "",
        "closed": case.status == Case.Status.CLOSED,
        "rows": rows,
        "upcoming": upcoming,
        "upcoming_with": appointments.staff_name_for_party(upcoming.slot.judge, case) if upcoming else "",
        "slots": list(appointments.free_slots(case, now=now)[: appointments.SHOWN_SLOTS])
        if judge is not None
        else [],
        "topic_max": appointments.TOPIC_MAX,
    }
    return PortalSection(template="portal/_appointments.html", order=40, context=context)


@register_section
def leads_section(request: HttpRequest, access: PortalAccess) -> PortalSection:
    # A case in the 终本 pool still takes leads (``leads.submit_party_lead``): the court searches on.
    is_open = access.case.status != Case.Status.CLOSED or in_pool(access.case)
    context = {
        "leads": leads.leads_of_party(access),
        "form": LeadForm() if is_open else None,
        "limit_reached": leads.reported_today(access) >= leads.DAILY_LIMIT,
        "max_files": leads.MAX_FILES,
        "max_megabytes": leads.MAX_FILE_BYTES // (1024 * 1024),
    }
    return PortalSection(template="portal/_leads.html", order=40, context=context)


@register_section
def messages_section(request: HttpRequest, access: PortalAccess) -> PortalSection:
    case = access.case
    shown = [party_messages.party_view_of(m, case) for m in party_messages.thread(case, access.party)]
    now = timezone.now()
    limit = party_messages.DAILY_LIMIT
    context: dict[str, Any] = {
        "messages": shown,
        # The page marks them read by a POST once shown (a GET writes nothing).
        "unread": any(not m["from_party"] and m["read_at"] is None for m in shown),
        "has_judge": case.responsible_judge_id is not None,
        "judge_name": appointments.staff_name_for_party(case.responsible_judge, case)
        if case.responsible_judge_id
        else "",
        "body_max": party_messages.MESSAGE_MAX,
        "limit": limit,
        "left_today": max(0, limit - party_messages.sent_today(access.party, now).count()),
        "service_phone": case.court.service_phone,
    }
    return PortalSection(template="portal/_messages.html", order=50, context=context)


# --- The case page -----------------------------------------------------------------------------------------

register_presence("portal_leads", lambda: OnlineLead.objects.filter(case=OuterRef("pk")))
register_presence("portal_bookings", lambda: Appointment.objects.filter(case=OuterRef("pk")))
register_presence("portal_messages", lambda: PartyMessage.objects.filter(case=OuterRef("pk")))


@register
def party_leads_panel(request: HttpRequest, case: Case) -> CasePanel | None:
    rows = leads.leads_of_case(case) if has(request, case, "portal_leads") else []
    if not rows:
        return None
    return CasePanel(
        template="portal/_party_leads_panel.html", order=12, context={"rows": rows, "case": case}
    )


@register
def party_panel(request: HttpRequest, case: Case) -> CasePanel:
    """Bookings and messages of the case's parties on the case page; once shown to the responsible judge,
    the page marks the parties' messages read (a POST: the GET itself writes nothing)."""
    user = request.user
    now = timezone.now()
    bookings = (
        list(appointments.case_bookings(case).order_by("-slot__starts_at", "-id")[:20])
        if has(request, case, "portal_bookings")
        else []
    )
    threads = party_messages.threads(case) if has(request, case, "portal_messages") else []
    context: dict[str, Any] = {
        "bookings": [{"booking": b, "status": appointments.status_of(b, now=now)} for b in bookings],
        "threads": threads,
        "can_answer": access.judges_case(user, case),
        "body_max": party_messages.MESSAGE_MAX,
        # The responsible judge's page marks the parties' messages read by a POST once shown.
        "case_id": case.pk,
        "marks_read": party_messages.reads_for_the_court(user, case) and any(t["unread"] for t in threads),
    }
    return CasePanel(template="portal/_case_party_panel.html", order=40, context=context)


# --- The judge's home page ---------------------------------------------------------------------------------


@register_home
def home_section(request: HttpRequest) -> CasePanel | None:
    user = request.user
    if not isinstance(user, User) or not roles.has_role(user, *appointments.SLOT_ROLES):
        return None
    now = timezone.now()
    bookings = list(appointments.upcoming_bookings_for_judge(user, now=now)[:30])
    free = appointments.free_slot_count(user, now=now)
    return CasePanel(
        template="portal/_home_appointments.html", order=20, context={"bookings": bookings, "free": free}
    )
