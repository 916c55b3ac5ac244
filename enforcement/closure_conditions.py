"""Closure conditions the core checks from its own records (registered in ``EnforcementConfig.ready``).

- 终本 condition 1: the enforcement notice and the property-report order served: the case's steps, on the
  timeline.
- 终本 condition 3 (in part): every lead the applicant gave verified or answered: the applicant was asked for
  leads, and no lead's verification clock (``verify_lead``, ``verify_lead_urgent``) is still running.
- The applicant's interview about the closure is on file.

The apps check the conditions on their own records (custody: the consumption restriction, the listing, the
online search, punishment); what no app can see is met by recorded evidence (``ClosureEvidence``).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .closure import Finding, register_requirement
from .models import Case, CaseEvent, ClosureInterview, ClosureRequirement, Deadline

Kind = ClosureRequirement.Kind
LEAD_CLOCKS = ("verify_lead", "verify_lead_urgent")


def _day(event: CaseEvent) -> str:
    return timezone.localdate(event.occurred_at).isoformat()


def _case_url(case: Case, anchor: str) -> str:
    return reverse("case-detail", args=[case.pk]) + f"#{anchor}"


def notice_and_order_served(case: Case, requirement: ClosureRequirement) -> Finding:
    served = {
        event.kind: event
        for event in case.events.filter(
            kind__in=[CaseEvent.Kind.NOTICE_SERVED, CaseEvent.Kind.REPORT_ORDER_SERVED]
        ).order_by("occurred_at", "pk")
    }
    notice = served.get(CaseEvent.Kind.NOTICE_SERVED)
    order = served.get(CaseEvent.Kind.REPORT_ORDER_SERVED)
    if notice is not None and order is not None:
        return Finding(
            True,
            _("Enforcement notice served on %(notice)s, property-report order on %(order)s.")
            % {"notice": _day(notice), "order": _day(order)},
        )
    missing = []
    if notice is None:
        missing.append(_("the enforcement notice"))
    if order is None:
        missing.append(_("the property-report order"))
    return Finding(
        False,
        _("Not recorded as served yet: %(missing)s.") % {"missing": _("、").join(missing)},
        url=_case_url(case, "case-steps"),
    )


def leads_answered(case: Case, requirement: ClosureRequirement) -> Finding:
    if not case.events.filter(kind=CaseEvent.Kind.LEADS_REQUESTED).exists():
        return Finding(
            False,
            _("The applicant has not been asked for property leads yet."),
            url=_case_url(case, "case-steps"),
        )
    running = Deadline.objects.filter(
        case=case, node_type__code__in=LEAD_CLOCKS, status__in=Deadline.ACTIVE
    ).count()
    if running:
        return Finding(
            False,
            ngettext(
                "%(count)d lead is still waiting to be verified.",
                "%(count)d leads are still waiting to be verified.",
                running,
            )
            % {"count": running},
            url=_case_url(case, "deadlines"),
        )
    verified = case.events.filter(kind=CaseEvent.Kind.LEAD_VERIFIED).count()
    if not verified:
        return Finding(True, _("The applicant was asked for leads and gave none to verify."))
    return Finding(
        True,
        ngettext(
            "The applicant was asked for leads; %(count)d lead verified.",
            "The applicant was asked for leads; %(count)d leads verified.",
            verified,
        )
        % {"count": verified},
    )


def applicant_interviewed(case: Case, requirement: ClosureRequirement) -> Finding:
    interview = (
        ClosureInterview.objects.filter(case=case, closure=requirement.closure)
        .order_by("-interviewed_on", "-pk")
        .first()
    )
    if interview is None:
        return Finding(
            False,
            _("Interview the applicant about the closure and record it."),
            url=reverse("case-closure-interview", args=[case.pk]),
        )
    return Finding(
        True,
        _("%(name)s interviewed on %(date)s.")
        % {"name": interview.applicant_name, "date": interview.interviewed_on.isoformat()},
        url=reverse("closure-interview-pdf", args=[interview.pk]),
    )


register_requirement(Kind.NOTICE_AND_ORDER_SERVED, notice_and_order_served)
register_requirement(Kind.LEADS_ANSWERED, leads_answered)
register_requirement(Kind.APPLICANT_INTERVIEWED, applicant_interviewed)
