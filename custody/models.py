"""Property under the court's control, and judicial detention.

- ``PropertySearch``: an online property search (网络查控) sent to institutions; each ``SearchInquiry`` is
  one institution asked and its reply; each ``FoundAsset`` is something a reply found, which may become a
  measure.
- ``Measure``: a freeze, deduction, seizure or seal of one asset, with the ruling that ordered it and its
  place in the waiting line. A measure with a term has ``MeasureTerm`` rows (the first term, then each
  renewal), each with its expiry clock in the deadline engine; ``expires_on`` is the current term's end.
- ``DeductionReceipt``: money that a deduction brought into the case account, linked to the measure.
- ``Detention`` and ``Fine``: sanctions against obstruction (民诉法 Art.118), proposed by the judge and
  approved by the court's president.

Changes go through ``custody.services``; every model here keeps its history.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from enforcement.models import Case, Party
from payments.models import LedgerEntry

MAX_DETENTION_DAYS = 15  # 民诉法 Art.118: at most 15 days


class PropertySearch(models.Model):
    """One online search request (网络查控) for a case: sent on a day to some institutions."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="searches")
    requested_on = models.DateField(_("requested on"))
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("online property search")
        verbose_name_plural = _("online property searches")
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.requested_on}"


class InstitutionKind(models.TextChoices):
    BANK = "bank", pgettext_lazy("kind of institution", "Bank")
    REAL_ESTATE = "real_estate", _("Real estate registry")
    VEHICLES = "vehicles", _("Vehicle registry")
    SECURITIES = "securities", _("Securities depository")
    MARKET_REGULATOR = "market_regulator", _("Market regulator (equity)")
    PAYMENT_PLATFORM = "payment_platform", _("Online payment platform")
    OTHER = "other", _("Other institution")


class SearchInquiry(models.Model):
    """One institution asked in a search, and its reply."""

    class Reply(models.TextChoices):
        PENDING = "pending", _("No reply yet")
        FOUND = "found", _("Property found")
        NOTHING = "nothing", _("Nothing found")

    search = models.ForeignKey(
        PropertySearch, verbose_name=_("search"), on_delete=models.CASCADE, related_name="inquiries"
    )
    institution_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionKind.choices
    )
    institution = models.CharField(_("institution"), max_length=100)
    reply = models.CharField(_("reply"), max_length=10, choices=Reply.choices, default=Reply.PENDING)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_note = models.TextField(_("what the reply says"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution asked")
        verbose_name_plural = _("institutions asked")
        ordering = ["search_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply="pending", replied_on__isnull=True)
                | (~Q(reply="pending") & Q(replied_on__isnull=False)),
                name="inquiry_reply_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.institution


class AssetKind(models.TextChoices):
    DEPOSIT = "deposit", _("Bank deposit")
    REAL_ESTATE = "real_estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle")
    MOVABLE = "movable", _("Other movable property")
    EQUITY = "equity", _("Equity")
    SECURITIES = "securities", _("Securities")
    OTHER_RIGHT = "other_right", _("Other property right")


class FoundAsset(models.Model):
    """Something a reply found: the asset, its holder, and its amount or value."""

    inquiry = models.ForeignKey(
        SearchInquiry, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="assets"
    )
    kind = models.CharField(_("kind of asset"), max_length=20, choices=AssetKind.choices)
    description = models.CharField(_("asset"), max_length=200)
    reference = models.CharField(_("account or certificate number"), max_length=60, blank=True)
    amount = models.DecimalField(
        _("amount or value (yuan)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    owner = models.ForeignKey(
        Party, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property found")
        verbose_name_plural = _("property found")
        ordering = ["inquiry_id", "id"]

    def __str__(self) -> str:
        return self.description


class Measure(models.Model):
    """A freeze, deduction, seizure or seal of one asset of a case."""

    class Kind(models.TextChoices):
        FREEZE_DEPOSIT = "freeze_deposit", _("Freeze of a bank deposit")
        DEDUCT_DEPOSIT = "deduct_deposit", _("Deduction of a bank deposit")
        SEIZE_MOVABLE = "seize_movable", _("Seizure of movable property")
        SEAL_REAL_ESTATE = "seal_real_estate", _("Seal of real estate")
        FREEZE_RIGHT = "freeze_right", _("Freeze of equity or another property right")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        LAPSED = "lapsed", _("Lapsed without renewal")
        RELEASED = "released", _("Released")
        EXECUTED = "executed", _("Deducted")

    class Rank(models.TextChoices):
        FIRST = "first", _("First in line")
        AFTER = "after", _("After another court's measure")

    class HolderKind(models.TextChoices):
        BANK = "bank", pgettext_lazy("kind of institution", "Bank")
        REGISTRY = "registry", _("Registry")
        COURT = "court", _("The court itself")
        OTHER = "other", _("Other holder")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    asset = models.CharField(_("asset"), max_length=200)
    asset_reference = models.CharField(_("account or certificate number"), max_length=60, blank=True)
    owner = models.ForeignKey(
        Party, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder_kind = models.CharField(_("kind of holder"), max_length=10, choices=HolderKind.choices)
    holder = models.CharField(_("holder (bank, registry)"), max_length=100)
    amount = models.DecimalField(
        _("amount or value (yuan)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    ruling_number = models.CharField(_("ruling"), max_length=60)
    effective_on = models.DateField(_("effective on"))
    rank = models.CharField(_("place in the waiting line"), max_length=8, choices=Rank.choices)
    preceded_by = models.CharField(_("after which measure (court, case number)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    # The current term's last day (None for a deduction, which has no term): the lists sort by it.
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_reason = models.TextField(_("reason for release"), blank=True)
    source = models.OneToOneField(
        FoundAsset,
        verbose_name=_("found by the search"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property measure")
        verbose_name_plural = _("property measures")
        ordering = ["case_id", "-effective_on", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="measure_expiring")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="measure_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(rank="first") | ~Q(preceded_by=""), name="measure_after_names_the_first"
            ),
            models.CheckConstraint(
                condition=~Q(status="released") | Q(released_on__isnull=False), name="measure_release_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.asset}"

    @property
    def has_term(self) -> bool:
        return self.kind != self.Kind.DEDUCT_DEPOSIT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_FORCE


class MeasureTerm(models.Model):
    """One term of a measure: the first (number 1) or a renewal (续行), each at most the legal maximum."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term"))
    # The day the term runs from (not counted): the effective date, or the last day of the term before.
    starts_after = models.DateField(_("runs from"))
    months = models.PositiveSmallIntegerField(
        pgettext_lazy("length of a measure's term", "months"), validators=[MinValueValidator(1)]
    )
    ends_on = models.DateField(_("last day"))
    ruling_number = models.CharField(_("ruling"), max_length=60)
    deadline = models.OneToOneField(
        "enforcement.Deadline", verbose_name=_("expiry clock"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term of a measure")
        verbose_name_plural = _("terms of measures")
        ordering = ["measure_id", "number"]
        constraints = [models.UniqueConstraint(fields=["measure", "number"], name="unique_measure_term")]

    def __str__(self) -> str:
        return f"{self.measure_id} #{self.number} → {self.ends_on}"


class DeductionReceipt(models.Model):
    """Money a deduction brought into the case account (a received ledger entry), linked to it."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="receipts"
    )
    entry = models.OneToOneField(
        LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="deduction"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("money from a deduction")
        verbose_name_plural = _("money from deductions")
        ordering = ["measure_id", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id} ← {self.entry_id}"


class Sanction(models.Model):
    """What detentions and fines share: the person, the decision, and the president's approval."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the president's approval")
        REFUSED = "refused", _("Refused by the president")
        APPROVED = "approved", _("Approved")
        RELEASED = "released", _("Released early")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_name = models.CharField(_("person"), max_length=100)
    person_id_number = models.CharField(_("identity number"), max_length=50, blank=True)
    reason = models.TextField(_("obstruction found"))
    decision_number = models.CharField(_("decision"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("president's note"), blank=True)

    class Meta:
        abstract = True


class Detention(Sanction):
    """Judicial detention (司法拘留) of a person who obstructs enforcement: at most 15 days."""

    days = models.PositiveSmallIntegerField(
        pgettext_lazy("length of a detention", "days"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DETENTION_DAYS)],
    )
    started_at = models.DateTimeField(_("taken into custody at"), null=True, blank=True)
    # Derived when it begins: the day he walks out (started + days); his last day inside is the day before.
    release_on = models.DateField(_("release date"), null=True, blank=True)
    released_at = models.DateTimeField(_("released early at"), null=True, blank=True)
    release_reason = models.TextField(_("reason for early release"), blank=True)
    family_notified_at = models.DateTimeField(_("family notified at"), null=True, blank=True)
    family_notice = models.CharField(_("who was told, and how"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("judicial detention")
        verbose_name_plural = _("judicial detentions")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=MAX_DETENTION_DAYS), name="detention_at_most_15_days"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="detention_approved_by_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.days}d"


class Fine(Sanction):
    """A fine (罚款) for obstruction, with its amount."""

    detention = models.ForeignKey(
        Detention,
        verbose_name=_("with the detention"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fines",
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fine_amount_positive"),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="fine_approved_by_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ¥{self.amount}"
