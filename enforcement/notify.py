"""Notifications of alerts: who is told, what they read, and delivery of the outbox.

The scan writes one ``OutboxMessage`` per alert and channel in the transaction that raises the alert.
Delivery is separate and at-least-once, never fire-and-forget:

1. claim a batch with a compare-and-set (status ``sending``, a lease in ``claimed_until``, ``attempts``
   counted): on PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets two workers share the work; elsewhere a
   per-row conditional update decides who owns a row;
2. send each message outside the claim's transaction, after renewing the lease (a worker that lost its
   claim sends nothing);
3. mark it sent only after the send returned, and only if the claim is still ours (same ``attempts``).

A send that raised puts the message back to ``pending`` with an exponential backoff; after
``MAX_ATTEMPTS`` it is ``failed`` and logged. A worker that died leaves its claim behind only until the
lease ends; the next delivery takes the message again.
"""

import datetime
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import roles
from .models import (
    Alert,
    Case,
    Digest,
    InboxItem,
    NodeType,
    OutboxMessage,
    Reminder,
    StaffProfile,
    Team,
    TeamMembership,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_BACKOFF = datetime.timedelta(minutes=60)
WEBHOOK_TIMEOUT_SECONDS = 5
MAX_ERROR_LENGTH = 2000
AFFAIRS_TEAM_KIND = "affairs"
DEFAULT_SITE_URL = "http://127.0.0.1:8000"

Status = OutboxMessage.Status
Channel = OutboxMessage.Channel


# --- Who is told --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipients:
    users: list[User]
    mobiles: list[str]
    webhook_url: str


def recipients_for(alert: Alert | Reminder) -> Recipients:
    """The responsible person by the node type; an overdue alert also reaches the leads and supervisors.
    A reminder of the ladder is told as a nearing alert is."""
    case = alert.case
    if in_pool(case) and case.closed_at is not None and alert.deadline.opened_at >= case.closed_at:
        # A clock opened after the 终本 closure (a lead to verify) is the pool's work, not the old judge's.
        users = pool_keepers(case)
    else:
        users = _responsible(case, alert.node_type)
    if isinstance(alert, Alert) and alert.level == Alert.Level.OVERDUE:
        users += _team_leads(case) + _court_members(case, roles.SUPERVISOR)
    unique = list({user.pk: user for user in users if user.is_active}.values())
    return Recipients(users=unique, mobiles=_mobiles(unique), webhook_url=_webhook_url(case))


def _responsible(case: Case, node_type: NodeType) -> list[User]:
    if node_type.responsible == NodeType.Responsible.FINANCE:
        return _court_members(case, roles.FINANCE)
    if node_type.responsible == NodeType.Responsible.JUDGE:
        return judge_or_leads(case)
    if node_type.responsible == NodeType.Responsible.JUDGE_AND_LEAD:
        return judge_or_leads(case) + _team_leads(case)
    if node_type.responsible == NodeType.Responsible.POOL_KEEPER:
        return pool_keepers(case)
    return _team_leads(case)


def in_pool(case: Case) -> bool:
    """Closed as 终本 and not resumed: its re-searches and the leads sent since are the pool keeper's."""
    return (
        case.status == Case.Status.CLOSED
        and case.closure == Case.Closure.TERMINATED_THIS_ROUND
        and not case.resumptions.exists()
    )


def pool_keepers(case: Case) -> list[User]:
    """The lead and judges of the court's pool team (``Court.pool_team``); without one, or if it has no
    active member, whoever acts for the case (``judge_or_leads``)."""
    team = case.court.pool_team
    if team is not None and team.is_active:
        keepers = list(
            User.objects.filter(
                is_active=True,
                team_memberships__team=team,
                team_memberships__role__in=[TeamMembership.Role.LEAD, TeamMembership.Role.JUDGE],
            )
            .distinct()
            .order_by("pk")
        )
        if keepers:
            return keepers
    return judge_or_leads(case)


def case_keepers(case: Case) -> list[User]:
    """Who acts for the case now: in the 终本 pool its keeper, otherwise its judge (or the leads)."""
    return pool_keepers(case) if in_pool(case) else judge_or_leads(case)


def judge_or_leads(case: Case) -> list[User]:
    """Who acts for the case: its judge; without an active one, the leads (see ``_team_leads``)."""
    judge = case.responsible_judge
    if judge is not None and judge.is_active:
        return [judge]
    return _team_leads(case)


def _working_team(case: Case) -> Team | None:
    """The case's team, unless it was dissolved: then the case is routed as if it had none."""
    team = case.team
    return team if team is not None and team.is_active else None


def _team_leads(case: Case) -> list[User]:
    """The leads of the case's team; failing that the court's team leads; failing that its supervisors."""
    team = _working_team(case)
    if team is not None:
        leads = list(
            User.objects.filter(
                is_active=True,
                team_memberships__team=team,
                team_memberships__role=TeamMembership.Role.LEAD,
            ).order_by("pk")
        )
        if leads:
            return leads
    return _court_members(case, roles.TEAM_LEAD) or _court_members(case, roles.SUPERVISOR)


def _court_members(case: Case, role: str) -> list[User]:
    members = User.objects.filter(is_active=True, court_memberships__court_id=case.court_id)
    return list(members.filter(groups__name=role).distinct().order_by("pk"))


def _mobiles(users: list[User]) -> list[str]:
    by_user = dict(
        StaffProfile.objects.filter(user__in=users).exclude(mobile="").values_list("user_id", "mobile")
    )
    return list(dict.fromkeys(by_user[user.pk] for user in users if user.pk in by_user))


def _webhook_url(case: Case) -> str:
    """The case team's robot; an unassigned case (or a team without one) goes to the affairs team's."""
    team = _working_team(case)
    if team is not None and team.webhook_url:
        return team.webhook_url
    affairs = (
        Team.objects.filter(court_id=case.court_id, kind__code=AFFAIRS_TEAM_KIND, is_active=True)
        .exclude(webhook_url="")
        .order_by("pk")
        .first()
    )
    return affairs.webhook_url if affairs is not None else ""


# --- What they read -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    title: str
    text: str  # the title, then the link to the case page
    path: str


def message_for(alert: Alert | Reminder) -> Message:
    """The notice in the court's language (staff read Chinese whatever the worker's locale)."""
    path = reverse("case-detail", args=[alert.case_id])
    with translation.override(settings.LANGUAGE_CODE):
        title = _title(alert)
        link = _("Case page: %(url)s") % {"url": _site_url() + path}
    return Message(title=title, text=f"{title}\n{link}", path=path)


def _title(alert: Alert | Reminder) -> str:
    values: dict[str, object] = {
        "number": alert.case.number,
        "node": alert.node_type.name,
        "date": alert.deadline.due_date.isoformat(),
    }
    if isinstance(alert, Reminder):
        values["days"] = alert.days_before
        return _("Case %(number)s “%(node)s” runs out in %(days)s days, on %(date)s") % values
    if alert.level == Alert.Level.OVERDUE:
        return _("Case %(number)s “%(node)s” was due on %(date)s and is overdue") % values
    return _("Case %(number)s “%(node)s” is due on %(date)s") % values


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", DEFAULT_SITE_URL)).rstrip("/")


def digest_recipients(digest: Digest) -> Recipients:
    """A person's digest goes to his inbox and mail; a team's to its robot, mentioning the people in it."""
    users = [digest.user] if digest.user is not None and digest.user.is_active else []
    return Recipients(users=users, mobiles=list(digest.mobiles), webhook_url=digest.webhook_url)


def digest_message(digest: Digest) -> Message:
    return Message(title=digest.title, text=f"{digest.title}\n{digest.body}", path=reverse("inbox"))


# --- Channels -----------------------------------------------------------------------------------------


class DeliveryError(Exception):
    """The channel refused the message; the delivery tries again later."""


def send_inbox(alert: Alert | Reminder | Digest, recipients: Recipients, message: Message) -> bool:
    """One inbox item per user; get-or-create, so a message delivered twice shows once."""
    if not recipients.users:
        return False
    defaults = {"title": message.title[:200], "body": message.text, "url": message.path}
    key = {type(alert).__name__.lower(): alert}
    with transaction.atomic():
        for user in recipients.users:
            InboxItem.objects.get_or_create(user=user, **key, defaults=defaults)
    return True


def send_email(alert: Alert | Reminder | Digest, recipients: Recipients, message: Message) -> bool:
    addresses = list(dict.fromkeys(user.email for user in recipients.users if user.email))
    if not addresses:
        return False
    if send_mail(message.title, message.text, None, addresses, fail_silently=False) != 1:
        raise DeliveryError("the mail backend accepted no message")
    return True


def send_webhook(alert: Alert | Reminder | Digest, recipients: Recipients, message: Message) -> bool:
    if not recipients.webhook_url:
        return False
    payload = {
        "msgtype": "text",
        "text": {"content": message.text, "mentioned_mobile_list": recipients.mobiles},
    }
    post_json(recipients.webhook_url, payload)
    return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would send the notice somewhere other than the configured robot: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxies from the environment either: the message goes to the configured URL and nowhere else.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST to a group-chat robot; a non-2xx answer, no answer or a non-zero ``errcode`` raises."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError(f"not an http(s) webhook URL: {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            status, body = response.status, response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from the webhook") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise DeliveryError(f"webhook unreachable: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from the webhook")
    _check_robot_answer(body)


def _check_robot_answer(body: bytes) -> None:
    """WeCom answers 200 with ``{"errcode": 0, "errmsg": "ok"}``; any other errcode is a refusal."""
    try:
        answer = json.loads(body)
    except ValueError:
        return  # not JSON: the 2xx status is all the robot says
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        code, reason = answer.get("errcode"), answer.get("errmsg", "")
        raise DeliveryError(f"webhook refused the message: errcode {code} {reason}")


SENDERS = {Channel.INBOX: send_inbox, Channel.EMAIL: send_email, Channel.WEBHOOK: send_webhook}


# --- Delivery -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # claims another worker took over (ours had expired) before we sent or marked


class BatchClock:
    """``now`` as given (tests and replays set it), advanced by the real time the batch has taken."""

    def __init__(self, now: datetime.datetime) -> None:
        self.start, self.started = now, time.monotonic()

    def now(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=time.monotonic() - self.started)


def deliver_due_messages(*, now: datetime.datetime | None = None, limit: int = BATCH_SIZE) -> DeliveryResult:
    """Claim up to ``limit`` due messages, send each on its channel, and record the outcome."""
    clock = BatchClock(now or timezone.now())
    outcomes = Counter(_deliver(message, clock) for message in _claim(clock.start, limit))
    result = DeliveryResult(claimed=outcomes.total(), **outcomes)
    if result.claimed:
        logger.info("outbox delivery: %s", result)
    return result


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd, 4th ... failed attempt, at most an hour."""
    return min(datetime.timedelta(minutes=2 ** min(attempts - 1, 16)), MAX_BACKOFF)


def _due(now: datetime.datetime) -> Q:
    waiting = Q(status=Status.PENDING, next_attempt_at__lte=now)
    # Still "sending" after the lease ended: the worker that claimed it died.
    abandoned = Q(status=Status.SENDING, claimed_until__lt=now)
    return waiting | abandoned


def _claim(now: datetime.datetime, limit: int) -> list[OutboxMessage]:
    ids = _claim_locked(now, limit) if connection.vendor == "postgresql" else _claim_row_by_row(now, limit)
    related = [
        f"{subject}__{path}"
        for subject in ("alert", "reminder")
        for path in ("case__team", "case__responsible_judge", "deadline", "node_type")
    ]
    related += ["digest__user"]
    return list(OutboxMessage.objects.filter(pk__in=ids).select_related(*related).order_by("pk"))


def _claim_fields(now: datetime.datetime) -> dict[str, Any]:
    return {"status": Status.SENDING, "claimed_until": now + LEASE, "attempts": F("attempts") + 1}


def _claim_locked(now: datetime.datetime, limit: int) -> list[int]:
    """PostgreSQL: rows another worker is claiming are skipped, not waited for, and never taken twice."""
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due(now))
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids).update(**_claim_fields(now))
    return ids


def _claim_row_by_row(now: datetime.datetime, limit: int) -> list[int]:
    """Other databases: a row is ours if our conditional update changed it.

    ``attempts`` is part of the condition because a message reclaimed from a dead worker keeps its
    status (sending): only one of two workers reclaiming it at once sees the old count.
    """
    candidates = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    ids = []
    for pk, status, attempts in candidates.values_list("pk", "status", "attempts")[:limit]:
        mine = OutboxMessage.objects.filter(pk=pk, status=status, attempts=attempts)
        if mine.update(**_claim_fields(now)) == 1:
            ids.append(pk)
    return ids


def _ours(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def _deliver(message: OutboxMessage, clock: BatchClock) -> str:
    # Renew the lease before sending: if it expired and another worker took the message, we send nothing.
    if not _ours(message).update(claimed_until=clock.now() + LEASE):
        return "lost"
    try:
        delivered = _send(message)
    except Exception as error:  # any failure of one message is retried later, never fatal to the batch
        return _record_failure(message, error, clock.now())
    status = Status.SENT if delivered else Status.SKIPPED
    marked = _ours(message).update(status=status, sent_at=clock.now(), claimed_until=None, last_error="")
    return ("sent" if delivered else "skipped") if marked else "lost"


def _send(message: OutboxMessage) -> bool:
    if message.digest is not None:
        digest = message.digest
        return SENDERS[Channel(message.channel)](digest, digest_recipients(digest), digest_message(digest))
    alert = message.alert or message.reminder
    assert alert is not None  # noqa: S101 - the table's check constraint: one of the three is set
    if alert.resolved_at is not None:
        return False  # the step was done (or the clock stopped) before the notice went out: nothing to say
    return SENDERS[Channel(message.channel)](alert, recipients_for(alert), message_for(alert))


def _record_failure(message: OutboxMessage, error: Exception, now: datetime.datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    fields: dict[str, Any] = {"claimed_until": None, "last_error": text}
    if message.attempts >= MAX_ATTEMPTS:
        outcome, fields["status"] = "failed", Status.FAILED
    else:
        outcome, fields["status"] = "retried", Status.PENDING
        fields["next_attempt_at"] = now + backoff(message.attempts)
    if not _ours(message).update(**fields):
        return "lost"
    if outcome == "failed":
        logger.error("outbox message %s failed %d times, giving up: %s", message, message.attempts, text)
    else:
        logger.warning("outbox message %s attempt %d failed: %s", message.pk, message.attempts, text)
    return outcome


# --- The inbox, for the pages --------------------------------------------------------------------------
