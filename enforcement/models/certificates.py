"""Certificates the court issues to a debtor: of voluntary performance (主动履行证明) and credit-repair
decisions (信用修复决定书), which he shows to banks and employers (RULES.md "Credit repair").

A certificate keeps what it said when it was issued (the debtor's name, his masked identity number, the
text), since the paper in the debtor's hands does not change when the case's records do. Its PDF, as
issued, is the court's copy and the only place the verification code is written; the row keeps a keyed
hash of the code (``enforcement.certcodes``), by which the public page finds it.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import eventtexts
from .cases import Case, Party


class Certificate(models.Model):
    class Kind(models.TextChoices):
        VOLUNTARY_PERFORMANCE = "voluntary_performance", _("Certificate of voluntary performance")
        CREDIT_REPAIR = "credit_repair", _("Credit-repair decision")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("kind of certificate"), max_length=24, choices=Kind.choices)
    party = models.ForeignKey(
        Party, verbose_name=_("certified debtor"), on_delete=models.PROTECT, related_name="certificates"
    )
    party_name = models.CharField(_("debtor's name as issued"), max_length=100)
    # Masked as issued ("1503**********002X"); an organisation's credit code is public and kept whole.
    party_id_masked = models.CharField(_("debtor's identity number, masked"), max_length=50, blank=True)
    certifies = models.TextField(_("what it certifies"))
    # A credit-repair decision names the dishonest-debtor listing it removed, and the day it was removed.
    listing_reference = models.CharField(_("listing removed"), max_length=100, blank=True)
    listing_removed_on = models.DateField(_("listing removed on"), null=True, blank=True)

    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    document = models.FileField(_("document as issued"), upload_to="certificates/%Y/%m/", editable=False)
    history = HistoricalRecords(excluded_fields=["code_hash"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One certificate in force per debtor, kind and listing: a corrected one replaces a revoked one.
            models.UniqueConstraint(
                fields=["party", "kind", "listing_reference"],
                condition=Q(revoked_at__isnull=True),
                name="one_certificate_in_force",
            ),
            models.CheckConstraint(
                condition=(Q(revoked_at__isnull=True) & Q(revoked_by__isnull=True) & Q(revocation_reason=""))
                | (Q(revoked_at__isnull=False) & Q(revoked_by__isnull=False) & ~Q(revocation_reason="")),
                name="certificate_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="credit_repair")
                | (Q(listing_removed_on__isnull=False) & ~Q(listing_reference="")),
                name="credit_repair_names_its_listing",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="certificate_valid_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.party_name} ({self.case_id})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def in_force_on(self, day: Any) -> bool:
        """Not revoked, and not past its validity on that day."""
        return not self.is_revoked and (self.valid_until is None or day <= self.valid_until)


@eventtexts.register(eventtexts.CERTIFICATE_ISSUED)
def _certificate_issued_text(params: Mapping[str, Any]) -> str:
    return str(Certificate.Kind(params["kind"]).label)


@eventtexts.register(eventtexts.CERTIFICATE_REVOKED)
def _certificate_revoked_text(params: Mapping[str, Any]) -> str:
    return str(Certificate.Kind(params["kind"]).label)
