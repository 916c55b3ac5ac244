"""The public check of a certificate's verification code, by a bank or an employer: throttled guesses.

One answer for every code that does not verify
    A code verifies when it belongs to a certificate that is neither revoked nor past its validity
    (``enforcement.selectors.certificates.verified``: one indexed query that asks for exactly that, so an
    unknown, a revoked and an expired code take the same path and read no row). Every other code gets one
    answer, counted as one failure: were a revoked code not counted, the throttle would tell it apart.

Throttling (``portal.throttle``, the progress query's, with a scope of its own)
    Failures are counted per client address: at most ``FAILURES_PER_HOUR`` in any hour and
    ``FAILURES_PER_DAY`` in any 24 hours. The failure that reaches a limit blocks the address until enough
    failures have left the window; meanwhile checks are refused (429) before the code is looked at, even
    the right one, and are not counted. A check that verifies writes nothing and never counts, so a bank
    that checks many genuine certificates is never slowed. There is no per-code limit: every guess is at
    a different code, and with 31**16 codes (79 bits) a guesser who kept every address on earth busy
    would still need longer than the universe's age.

    As in the progress query, a success checks for a block once more before it is answered, so a guess
    that raced the block is refused like the others instead of being answered after all.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone

from enforcement.selectors.certificates import VerifiedCertificate, verified

from . import throttle
from .models import QueryAttempt, QueryBlock

FAILURES_PER_HOUR = 10
FAILURES_PER_DAY = 30
LIMITS = (
    throttle.Limit(QueryBlock.Scope.CERTIFICATE, datetime.timedelta(hours=1), FAILURES_PER_HOUR),
    throttle.Limit(QueryBlock.Scope.CERTIFICATE, datetime.timedelta(days=1), FAILURES_PER_DAY),
)


@dataclass(frozen=True)
class CheckOutcome:
    """A certificate in force (``certificate``), the one failure (neither set), or a refusal while
    throttled."""

    certificate: VerifiedCertificate | None = None
    blocked_until: datetime.datetime | None = None

    def retry_after(self, now: datetime.datetime | None = None) -> int:
        if self.blocked_until is None:
            return 0
        return max(1, math.ceil((self.blocked_until - (now or timezone.now())).total_seconds()))


def check(*, client_ip: str, code: str) -> CheckOutcome:
    """One check of a typed code, throttled by the client's address (module notes)."""
    keys = [(QueryBlock.Scope.CERTIFICATE, client_ip)]
    until = throttle.running_block(keys, now=timezone.now())
    if until is not None:
        return CheckOutcome(blocked_until=until)
    found = verified(code)
    if found is None:
        until = throttle.record_failure(
            keys=keys, limits=LIMITS, purpose=QueryAttempt.Purpose.CERTIFICATE, client_ip=client_ip
        )
        return CheckOutcome(blocked_until=until)
    until = throttle.running_block(keys, now=timezone.now())
    return CheckOutcome(blocked_until=until) if until is not None else CheckOutcome(certificate=found)
