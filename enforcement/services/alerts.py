"""Writes on alerts and the in-app inbox: acknowledging alerts, putting items in inboxes, reading them."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..models import Alert, CaseEvent, InboxItem
from .events import record_event

ACKNOWLEDGING_ROLES = (roles.SUPERVISOR, roles.PRESIDENT, roles.TEAM_LEAD)
# Alerts acknowledged in one go at most (the page says how many were left for the next go).
MAX_BULK = 500


def may_acknowledge(actor: roles.AnyUser, alert: Alert) -> bool:
    return roles.has_court_role(actor, alert.court_id, *ACKNOWLEDGING_ROLES)


@transaction.atomic
def acknowledge_alert(*, actor: User, alert: Alert, comment: str) -> Alert:
    """A supervisor has seen the alert and says what is being done. Acknowledging twice is refused.

    The alert row records who acknowledged, when and the comment; the case timeline gets an entry too.
    """
    if not may_acknowledge(actor, alert):
        raise PermissionDenied(
            _("Only the court's supervisors, presidents and team leads acknowledge alerts.")
        )
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is being done about it: a comment is required.")})
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    # Re-checked under the lock: two supervisors may press the button at the same time.
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This alert has already been acknowledged."), code="acknowledged")
    if locked.resolved_at is not None:
        raise ValidationError(
            _("The deadline was met meanwhile: nothing left to acknowledge."), code="resolved"
        )
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.acknowledgement = comment
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    record_event(
        case=locked.case,
        kind=CaseEvent.Kind.ALERT_ACKNOWLEDGED,
        actor=actor,
        public=False,
        detail=f"{locked.node_type.name}: {comment}",
        data={"alert": locked.pk, "level": locked.level},
    )
    return locked


@dataclass
class BulkAcknowledgement:
    acknowledged: list[Alert] = field(default_factory=list)
    # Why the others were left: "not_allowed", "acknowledged" (already), "resolved".
    skipped: Counter[str] = field(default_factory=Counter)


@transaction.atomic
def acknowledge_alerts(*, actor: User, alerts: Iterable[Alert | int], comment: str) -> BulkAcknowledgement:
    """Acknowledge many alerts with one comment. Each is locked and re-checked as ``acknowledge_alert``
    does; those the actor may not acknowledge, already acknowledged or resolved are skipped and counted,
    not refused: the others go through. Each acknowledged one is audited on its case's timeline."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is being done about it: a comment is required.")})
    ids = sorted({a if isinstance(a, int) else a.pk for a in alerts})
    if not ids:
        raise ValidationError(_("Tick at least one alert."), code="empty")
    if len(ids) > MAX_BULK:
        raise ValidationError(_("At most %(max)d alerts at once.") % {"max": MAX_BULK}, code="too_many")
    locked = list(
        Alert.objects.select_for_update(of=("self",))
        .select_related("case", "node_type")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    result = BulkAcknowledgement()
    allowed: dict[int, bool] = {}
    now = timezone.now()
    for alert in locked:
        if not allowed.setdefault(alert.court_id, may_acknowledge(actor, alert)):
            result.skipped["not_allowed"] += 1
        elif alert.acknowledged_at is not None:
            result.skipped["acknowledged"] += 1
        elif alert.resolved_at is not None:
            result.skipped["resolved"] += 1
        else:
            alert.acknowledged_at, alert.acknowledged_by, alert.acknowledgement = now, actor, comment
            result.acknowledged.append(alert)
    Alert.objects.bulk_update(result.acknowledged, ["acknowledged_at", "acknowledged_by", "acknowledgement"])
    for alert in result.acknowledged:
        record_event(
            case=alert.case,
            kind=CaseEvent.Kind.ALERT_ACKNOWLEDGED,
            actor=actor,
            public=False,
            detail=f"{alert.node_type.name}: {comment}",
            data={"alert": alert.pk, "level": alert.level, "bulk": True},
        )
    if len(ids) > len(locked):
        result.skipped["not_found"] = len(ids) - len(locked)
    return result


def mark_inbox_read(*, user: User, item_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread items read (all of them, or those given); returns how many changed.

    Only unread rows are touched, so the first reading time is kept.
    """
    unread = InboxItem.objects.filter(user=user, read_at__isnull=True)
    if item_ids is not None:
        unread = unread.filter(pk__in=list(item_ids))
    return unread.update(read_at=timezone.now())


def put_in_inboxes(users: Iterable[User], *, title: str, body: str = "", url: str = "") -> list[InboxItem]:
    """One in-app inbox item per user, in the caller's transaction: the one way items not tied to an alert
    are written. Items are stored text, so callers write them in the site's language; a title longer
    than its column is cut, never refused (the body and the link carry the rest)."""
    limit = InboxItem._meta.get_field("title").max_length or len(title)
    return InboxItem.objects.bulk_create(
        InboxItem(user=user, title=title[:limit], body=body, url=url) for user in users
    )
