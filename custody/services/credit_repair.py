"""Credit repair (信用修复, RULES.md "Credit repair"): the court removes a debtor's listing early and issues
the credit-repair decision, the document the debtor shows a bank or an employer.

Both happen in one transaction: the listing leaves the published list and its removal clock is met
(``credit.remove_listing`` with the ground ``credit_repair``), and the decision, a certificate of the core
with its verification code and QR code, names the listing removed and the day
(``enforcement.services.certificates``). If the decision cannot be made (its PDF cannot be rendered), the
listing stays: a debtor is never removed without the paper that says so.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.models import Certificate
from enforcement.services.certificates import IssuedCertificate, issue_certificate

from ..models import DishonestListing, RemovalGround
from ._common import _required
from .listings import remove_listing


@transaction.atomic
def repair_credit(*, actor: User, listing: DishonestListing, reason: str) -> IssuedCertificate:
    """Remove the listing for credit repair and issue the decision; the verification code is returned once."""
    reason = _required("reason", reason, _("Say what the debtor did that repairs his credit."))
    removed = remove_listing(actor=actor, listing=listing, ground=RemovalGround.CREDIT_REPAIR, note=reason)
    return issue_certificate(
        actor=actor,
        case=removed.case,
        party=removed.party,
        kind=Certificate.Kind.CREDIT_REPAIR,
        certifies=reason,
        listing_reference=removed.decision_number,
        listing_removed_on=removed.removed_on,
    )
