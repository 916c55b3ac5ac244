"""Who may do what with a case: the one place the access rules are written (docs/access.md is the table).

Every app asks these predicates; none writes its own. They answer for a signed-in member of the case's
court; anyone else (a party, an outsider, a member of another court) gets False from each of them.

- ``sees_case`` / ``visible_cases``: reads. Court-wide roles see their courts' cases; judges, assistants
  and team leads the cases of their teams and their own (team leads also their courts' unassigned ones).
  The superuser, the technical account of the deployment, sees every case and decides nothing.
- ``works_case``: the case's work (plan, steps, notes, searches): its responsible judge and every member
  of its team (judges, lead, assistants).
- ``judges_case``: what is decided for the case toward the parties, the property and the money (measures,
  payouts, answers to parties): its responsible judge and the judges and lead of its team, holding a
  judge's or a team lead's role in the court.
- ``oversees_case``: the court's supervisors follow every case (plan, notes, steps) without judging it.
- ``records_at_window``: the window's records (deliveries, first interview): the court's clerks and
  administrators, and its judges and assistants.
- ``issues_certificate`` / ``revokes_certificate``: certificates of voluntary performance and
  credit-repair decisions are issued by the case's judges and revoked by them or the court's supervisors
  and presidents.
- ``keeps_pool``: a case closed as 终本 (its re-searches, the leads sent since): the lead and judges of
  the court's pool team (``Court.pool_team``), who also see the court's 终本 cases; without a pool team,
  whoever ``judges_case``.
- ``resumes_case``: filing a case closed as 终本 again as 执恢: the court's window clerks (on the
  applicant's request), the case's judges and the pool's keepers (on property found).
- ``decides``: approvals (of a sanction, a hold, an extension): a holder of one of the roles in the
  court who is not the one who asked for it.
- Extensions of a case limit are decided by the court's presidents, deducted periods approved by its
  supervisors and presidents: ``decides`` with those roles.
- ``sees_indicators``: the supervision figures (``/indicators/``): a court's supervisors and presidents
  every figure of their courts (court, team, judge); a team lead those of the teams he leads and of their
  members; a judge his own; finance the money figures of its courts at any scope.
- ``approves_payout``: a payout is approved by a team lead, supervisor or president of the court other
  than its proposer; above the court's threshold, by the president only.
- ``oversees_money`` / ``money_overseen_courts``: the ageing of the money held in the court's case
  accounts is followed by its finance officers and supervisors.
- ``workload_teams``: the workload and forecast pages show team leads the teams they lead, and
  supervisors and presidents every team of their courts.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from . import roles
from .models import Case, Team, TeamMembership

# Roles that see every case of their courts; the others see the cases of their teams and their own.
COURT_WIDE_ROLES = frozenset(
    {roles.CLERK, roles.SUPERVISOR, roles.PRESIDENT, roles.FINANCE, roles.ADMINISTRATOR}
)
JUDGING_ROLES = (roles.JUDGE, roles.TEAM_LEAD)
WINDOW_ROLES = (*roles.FILING_ROLES, roles.JUDGE, roles.ASSISTANT)
OVERSEEING_ROLES = (roles.SUPERVISOR,)
PAYOUT_APPROVER_ROLES = (roles.TEAM_LEAD, roles.SUPERVISOR, roles.PRESIDENT)
HIGHER_PAYOUT_APPROVER_ROLES = (roles.PRESIDENT,)
HOLD_DECIDER_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)
SANCTION_DECIDER_ROLES = (roles.PRESIDENT,)  # detention and fines: the court's president
EXTENSION_DECIDER_ROLES = (roles.PRESIDENT,)  # a longer case limit: the president or a vice-president
DEDUCTION_APPROVER_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)  # a deducted period, its additional period
# 终本 and 终结执行: the quality review, by the head of enforcement (a president or vice-president) or a
# supervisor, never the judge who proposed the closure.
CLOSURE_APPROVER_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)
# A consumption-restriction order (限制消费令) is approved by the court's president.
CREDIT_DECIDER_ROLES = (roles.PRESIDENT,)
# A certificate of performance or credit repair is revoked by the judges who issue them or by these.
CERTIFICATE_REVOKER_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)
# The supervision figures of a whole court; finance sees its money figures.
INDICATOR_COURT_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)
INDICATOR_MONEY_ROLES = (roles.FINANCE,)
# The money held in case accounts, by how long it has waited: finance pays it out, supervisors follow it.
MONEY_OVERSEER_ROLES = (roles.FINANCE, roles.SUPERVISOR)
# The workload and forecast of every team of the court; a team lead sees the teams he leads.
WORKLOAD_COURT_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)

JUDGING_MEMBERS = (TeamMembership.Role.JUDGE, TeamMembership.Role.LEAD)


def visible_cases(user: roles.AnyUser) -> QuerySet[Case]:
    """Cases a user may see (the module's docstring says whose)."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    held = roles.roles_of(user)
    if not held:
        return Case.objects.none()
    visible = Q(team__memberships__user=user) | Q(responsible_judge=user) | _in_pool_kept_by(user)
    if held & COURT_WIDE_ROLES:
        visible |= Q(court_id__in=roles.court_ids_of(user))
    elif roles.TEAM_LEAD in held:
        # Team leads triage and assign: they see their courts' cases that have no judge yet.
        visible |= Q(court_id__in=roles.court_ids_of(user), responsible_judge__isnull=True)
    # Filter by id through a subquery: the team join would repeat a case once per membership.
    return Case.objects.filter(pk__in=Case.objects.filter(visible).values("pk"))


def _in_pool_kept_by(user: roles.AnyUser) -> Q:
    """Cases closed as 终本 in a court whose pool team the user belongs to (its pool)."""
    return Q(
        status=Case.Status.CLOSED,
        closure=Case.Closure.TERMINATED_THIS_ROUND,
        court__pool_team__memberships__user=user,
    )


def sees_case(user: roles.AnyUser, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def _on_team(user: roles.AnyUser, case: Case, member_roles: Iterable[str] | None = None) -> bool:
    if not user.is_authenticated or not case.team_id:
        return False
    members = TeamMembership.objects.filter(team_id=case.team_id, user_id=user.pk)
    if member_roles is not None:
        members = members.filter(role__in=list(member_roles))
    return members.exists()


def works_case(user: roles.AnyUser, case: Case) -> bool:
    if not user.is_authenticated or case.court_id not in roles.court_ids_of(user):
        return False
    return case.responsible_judge_id == user.pk or _on_team(user, case)


def judges_case(user: roles.AnyUser, case: Case) -> bool:
    if not roles.has_court_role(user, case.court_id, *JUDGING_ROLES):
        return False
    return case.responsible_judge_id == user.pk or _on_team(user, case, JUDGING_MEMBERS)


def oversees_case(user: roles.AnyUser, case: Case) -> bool:
    return roles.has_court_role(user, case.court_id, *OVERSEEING_ROLES)


def works_or_oversees_case(user: roles.AnyUser, case: Case) -> bool:
    return works_case(user, case) or oversees_case(user, case)


def issues_certificate(user: roles.AnyUser, case: Case) -> bool:
    """A certificate of voluntary performance or a credit-repair decision speaks for the court toward the
    debtor: the case's judges issue it."""
    return judges_case(user, case)


def revokes_certificate(user: roles.AnyUser, case: Case) -> bool:
    """A certificate issued in error is revoked by the case's judges, or by the court's supervisors and
    presidents, who answer for what the court has certified when its judge is away."""
    return judges_case(user, case) or roles.has_court_role(user, case.court_id, *CERTIFICATE_REVOKER_ROLES)


def records_at_window(user: roles.AnyUser, case: Case) -> bool:
    return roles.has_court_role(user, case.court_id, *WINDOW_ROLES)


def keeps_pool(user: roles.AnyUser, case: Case) -> bool:
    pool_team_id = case.court.pool_team_id
    if pool_team_id is None:
        return judges_case(user, case)
    if not user.is_authenticated:
        return False
    return roles.has_court_role(user, case.court_id, *JUDGING_ROLES) and (
        TeamMembership.objects.filter(
            team_id=pool_team_id, user_id=user.pk, role__in=JUDGING_MEMBERS
        ).exists()
    )


def resumes_case(user: roles.AnyUser, case: Case) -> bool:
    return (
        roles.has_court_role(user, case.court_id, *roles.FILING_ROLES)
        or judges_case(user, case)
        or keeps_pool(user, case)
    )


def decides(user: roles.AnyUser, court_id: int, *, asked_by_id: int | None, allowed: Iterable[str]) -> bool:
    """One of the roles in the court, and not the one who asked: nobody approves his own request."""
    return user.pk != asked_by_id and roles.has_court_role(user, court_id, *allowed)


def approves_payout(user: roles.AnyUser, court_id: int, *, proposed_by_id: int | None, higher: bool) -> bool:
    allowed = HIGHER_PAYOUT_APPROVER_ROLES if higher else PAYOUT_APPROVER_ROLES
    return decides(user, court_id, asked_by_id=proposed_by_id, allowed=allowed)


def sees_indicators(
    user: roles.AnyUser,
    court_id: int,
    *,
    team_id: int | None = None,
    judge_id: int | None = None,
    money: bool = False,
) -> bool:
    """The figures of a court (no team, no judge), of one of its teams or of one of its judges."""
    if roles.has_court_role(user, court_id, *INDICATOR_COURT_ROLES):
        return True
    if money and roles.has_court_role(user, court_id, *INDICATOR_MONEY_ROLES):
        return True
    if judge_id is not None and judge_id == user.pk and roles.has_court_role(user, court_id, *JUDGING_ROLES):
        return True
    if user.pk is None or not roles.has_court_role(user, court_id, roles.TEAM_LEAD):
        return False
    led = TeamMembership.objects.filter(
        user_id=user.pk, role=TeamMembership.Role.LEAD, team__court_id=court_id
    )
    if team_id is not None:
        return led.filter(team_id=team_id).exists()
    if judge_id is not None:
        members = TeamMembership.objects.filter(user_id=judge_id).values("team_id")
        return led.filter(team_id__in=members).exists()
    return False


def oversees_money(user: roles.AnyUser, court_id: int) -> bool:
    return roles.has_court_role(user, court_id, *MONEY_OVERSEER_ROLES)


def money_overseen_courts(user: roles.AnyUser) -> frozenset[int]:
    """The courts whose money ageing the user follows (none for everybody else)."""
    if not roles.has_role(user, *MONEY_OVERSEER_ROLES):
        return frozenset()
    return roles.court_ids_of(user)


def workload_teams(user: roles.AnyUser) -> QuerySet[Team]:
    """The teams whose workload and forecast the user follows: every team of the courts where he is a
    supervisor or president, and the teams he leads (as a team lead of their court)."""
    if not user.is_authenticated:
        return Team.objects.none()
    held = roles.roles_of(user)
    scope = Q(pk__in=[])
    if held & set(WORKLOAD_COURT_ROLES):
        scope |= Q(court_id__in=roles.court_ids_of(user))
    if roles.TEAM_LEAD in held:
        scope |= Q(
            court_id__in=roles.court_ids_of(user),
            memberships__user=user,
            memberships__role=TeamMembership.Role.LEAD,
        )
    return Team.objects.filter(pk__in=Team.objects.filter(scope).values("pk"))


def require(allowed: bool, message: str) -> None:
    """Refuse with the given message (in the user's language) unless the predicate allowed it."""
    if not allowed:
        raise PermissionDenied(message)
