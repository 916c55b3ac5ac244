"""Throttling of guesses on the public pages, in the database so every process shares it: the progress query
(``portal.progress``, whose notes explain the rules) and the check of a certificate's code
(``portal.verification``).

A throttled key is a (scope, key) pair: a client address or a case number for the progress query, a client
address for the certificate check, each scope counting only its own failures (``QueryAttempt.purpose``), so
a bank clerk's mistyped certificate codes never lock a party out of his progress page, nor the reverse.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from .models import QueryAttempt, QueryBlock

Key = tuple[str, str]  # (QueryBlock.Scope, the address or number)

# Which failures each scope counts: (their purpose, the column holding the key).
_COUNTED: dict[str, tuple[str, str]] = {
    QueryBlock.Scope.CLIENT: (QueryAttempt.Purpose.PROGRESS, "client_ip"),
    QueryBlock.Scope.CASE: (QueryAttempt.Purpose.PROGRESS, "case_number_key"),
    QueryBlock.Scope.CERTIFICATE: (QueryAttempt.Purpose.CERTIFICATE, "client_ip"),
}
# Advisory-lock classes (PostgreSQL's two-key form), one per scope, so keys of two scopes never share a lock
# however their hashes fall; taken in the order the keys are given, so two failures cannot deadlock.
_LOCK_CLASSES: dict[str, int] = {
    QueryBlock.Scope.CLIENT: 8101,
    QueryBlock.Scope.CASE: 8102,
    QueryBlock.Scope.CERTIFICATE: 8103,
}


@dataclass(frozen=True)
class Limit:
    scope: str
    window: datetime.timedelta
    failures: int


def running_block(keys: Sequence[Key], *, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the block running for any of these keys, if one runs."""
    matches = Q()
    for scope, key in keys:
        matches |= Q(scope=scope, key=key)
    until: datetime.datetime | None = QueryBlock.objects.filter(matches, until__gt=now).aggregate(
        until=Max("until")
    )["until"]
    return until


def record_failure(
    *, keys: Sequence[Key], limits: Sequence[Limit], purpose: str, client_ip: str, number_key: str = ""
) -> datetime.datetime | None:
    """Record one failure and block each key whose limit it reaches; the end of a block found already
    running instead (a failure that ran alongside filled a limit first): then this one is refused like any
    query of a blocked key and not recorded.

    The keys' locks are held from the check to the block, so of failures that run at once no more are
    recorded, and answered, than a limit allows."""
    with transaction.atomic():
        for scope, key in keys:
            _lock_key(scope, key)
        now = timezone.now()
        until = running_block(keys, now=now)
        if until is not None:
            return until
        QueryAttempt.objects.create(
            client_ip=client_ip, case_number_key=number_key, purpose=purpose, succeeded=False, at=now
        )
        for scope, key in keys:
            reached = [
                found
                for limit in limits
                if limit.scope == scope and (found := _limit_reached(limit, key, now)) is not None
            ]
            if reached:
                failures, until = max(reached, key=lambda found: found[1])
                _block_once(scope=scope, key=key, failures=failures, until=until, now=now)
    return None


def _failures(scope: str, key: str) -> QuerySet[QueryAttempt]:
    purpose, field = _COUNTED[scope]
    return QueryAttempt.objects.filter(**{field: key}, purpose=purpose, succeeded=False)


def _limit_reached(limit: Limit, key: str, now: datetime.datetime) -> tuple[int, datetime.datetime] | None:
    """(failures in the window, when the count falls below the limit) if the limit is reached."""
    in_window = _failures(limit.scope, key).filter(at__gt=now - limit.window)
    count = in_window.aggregate(n=Count("id"))["n"]
    if count < limit.failures:
        return None
    # The count falls below the limit when the (count - limit + 1) oldest failures have left the window.
    times = list(in_window.order_by("at", "id").values_list("at", flat=True)[: count - limit.failures + 1])
    return count, times[-1] + limit.window


def _block_once(
    *, scope: str, key: str, failures: int, until: datetime.datetime, now: datetime.datetime
) -> None:
    """One block per episode: a running block of this key is lengthened, not repeated. The caller holds
    the key's lock (``record_failure``)."""
    running = QueryBlock.objects.filter(scope=scope, key=key, until__gt=now).order_by("-until").first()
    if running is None:
        QueryBlock.objects.create(scope=scope, key=key, failures=failures, blocked_at=now, until=until)
    elif running.until < until:
        running.until, running.failures = until, max(running.failures, failures)
        running.save(update_fields=["until", "failures"])


def _lock_key(scope: str, key: str) -> None:
    """Serialise the failures of one key until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on the key's hash, in the scope's class. SQLite's
    transactions are IMMEDIATE here (settings), so they are serialised already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_CLASSES[scope], key])
