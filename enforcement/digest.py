"""The daily digest: each person's nearing and overdue items in one message a day, grouped by node.

At each court's ``digest_time`` (local time) the beat task writes, in one transaction per court:

- a ``DigestRun(court, day)``: the row two workers meet on (the second blocks on its unique key until the
  first commits, then finds it and does nothing), so running the task twice or at once gives one digest;
- one ``Digest`` per person with items (unique per court, day and recipient), with its inbox and email
  outbox rows; and one per group-chat robot (the team's webhook, as ``notify._webhook_url`` picks it),
  with its webhook row, mentioning the people listed;
- nothing for a person with nothing to do.

Items: the court's unresolved alerts (urgent nodes' included: they were sent at once, and are still work
to do) and the ladder's reminders raised since the court's previous digest. Who reads an item is decided
as for immediate messages (``notify.recipients_for``). Delivery is the outbox's: claimed, sent, marked,
retried with backoff.
"""

import datetime
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import notify
from .models import Alert, Court, Digest, DigestRun, OutboxMessage, Reminder, Team

logger = logging.getLogger(__name__)

MAX_LINES = 50  # a group-chat robot takes about 2,000 bytes; the rest is on the alerts page and the queue
Channel = OutboxMessage.Channel


@dataclass
class _Box:
    """What one recipient will read: lines grouped by node name."""

    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    mobiles: dict[str, None] = field(default_factory=dict)
    team: Team | None = None

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.lines.values())


def courts_due(now: datetime.datetime) -> list[Court]:
    """Active courts whose digest time has passed today (local time) and that have no digest run today."""
    local = timezone.localtime(now)
    done = DigestRun.objects.filter(day=local.date()).values("court_id")
    courts = Court.objects.filter(is_active=True, digest_time__lte=local.time()).exclude(pk__in=done)
    return list(courts.order_by("pk"))


def send_due_digests(*, now: datetime.datetime | None = None) -> int:
    """Write today's digests of every court that is due; returns how many digests were written."""
    now = now or timezone.now()
    return sum(build_digests(court, now=now) for court in courts_due(now))


@transaction.atomic
def build_digests(court: Court, *, now: datetime.datetime) -> int:
    day = timezone.localtime(now).date()
    previous = DigestRun.objects.filter(court=court, day__lt=day).order_by("-day").first()
    run, created = DigestRun.objects.get_or_create(court=court, day=day, defaults={"created_at": now})
    if not created:
        return 0  # another worker (or an earlier tick) wrote today's digests
    since = previous.created_at if previous is not None else now - datetime.timedelta(days=1)
    people: dict[int, _Box] = defaultdict(_Box)
    users: dict[int, User] = {}
    robots: dict[str, _Box] = defaultdict(_Box)
    with translation.override(settings.LANGUAGE_CODE):
        for item in _items(court, since, now):
            recipients = notify.recipients_for(item)
            node, line = item.node_type.name, _line(item)
            for user in recipients.users:
                users[user.pk] = user
                people[user.pk].lines[node].append(line)
            if recipients.webhook_url:
                robot = robots[recipients.webhook_url]
                robot.lines[node].append(line)
                robot.mobiles.update(dict.fromkeys(recipients.mobiles))
                robot.team = robot.team or notify._working_team(item.case)
        written = [_write_person(court, day, users[pk], box, now) for pk, box in sorted(people.items())]
        written += [_write_robot(court, day, url, box, now) for url, box in sorted(robots.items())]
    run.digests = len(written)
    run.save(update_fields=["digests"])
    logger.info("daily digest of court %s for %s: %d digests", court.pk, day, len(written))
    return len(written)


def _items(court: Court, since: datetime.datetime, now: datetime.datetime) -> list[Alert | Reminder]:
    related = ("case__team", "case__responsible_judge", "case__court", "deadline", "node_type")
    alerts = Alert.objects.filter(court=court, resolved_at__isnull=True).select_related(*related)
    reminders = Reminder.objects.filter(
        court=court, resolved_at__isnull=True, raised_at__gt=since, raised_at__lte=now
    ).select_related(*related)
    return [*alerts.order_by("due_at", "pk"), *reminders.order_by("due_at", "pk")]


def _line(item: Alert | Reminder) -> str:
    return f"{notify._title(item)} {notify._site_url()}{reverse('case-detail', args=[item.case_id])}"


def _text(box: _Box) -> tuple[str, str]:
    total = box.count
    title = ngettext(
        "Daily digest: %(count)d item to act on", "Daily digest: %(count)d items to act on", total
    ) % {"count": total}
    parts, shown = [], 0
    for node in sorted(box.lines):
        lines = box.lines[node]
        parts.append(f"【{node}】 {len(lines)}")
        for line in lines:
            if shown < MAX_LINES:
                parts.append(f"· {line}")
            shown += 1
    if shown > MAX_LINES:
        parts.append(_("… and %(count)d more.") % {"count": shown - MAX_LINES})
    return title, "\n".join(parts)


def _outbox(digest: Digest, channels: tuple[str, ...], now: datetime.datetime) -> None:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(digest=digest, channel=channel, next_attempt_at=now, created_at=now)
        for channel in channels
    )


def _write_person(court: Court, day: datetime.date, user: User, box: _Box, now: datetime.datetime) -> Digest:
    title, body = _text(box)
    digest = Digest.objects.create(
        court=court,
        day=day,
        recipient=f"user:{user.pk}",
        user=user,
        title=title,
        body=body,
        items=box.count,
        created_at=now,
    )
    _outbox(digest, (Channel.INBOX, Channel.EMAIL), now)
    return digest


def _write_robot(court: Court, day: datetime.date, url: str, box: _Box, now: datetime.datetime) -> Digest:
    title, body = _text(box)
    # One robot, one digest: keyed by its URL (hashed to fit), whichever teams post there.
    key = hashlib.sha256(url.encode()).hexdigest()[:32]
    digest = Digest.objects.create(
        court=court,
        day=day,
        recipient=f"webhook:{key}",
        team=box.team,
        webhook_url=url,
        mobiles=list(box.mobiles),
        title=title,
        body=body,
        items=box.count,
        created_at=now,
    )
    _outbox(digest, (Channel.WEBHOOK,), now)
    return digest
