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
- Credit sanctions: ``ConsumptionRestriction`` (限制消费令) on a respondent, with the ``RestrictedPerson``
  rows it also binds for an organisation; ``DishonestListing`` (失信被执行人名单) with its grounds, term and
  removal; ``ListingRefusal``, a recorded decision not to list where the law forbids it.

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

from enforcement.models import Case, CaseEvent, ClosureService, Party
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


# --- Credit sanctions (RULES.md "Credit sanctions") ---------------------------------------------------------


class BoundCapacity(models.TextChoices):
    """Whom a consumption restriction on an organisation also binds (限制高消费规定 2015)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    MAIN_RESPONSIBLE = "main_responsible", _("Main responsible person")
    DIRECTLY_RESPONSIBLE = "directly_responsible", _("Person directly responsible for the non-performance")
    ACTUAL_CONTROLLER = "actual_controller", _("Actual controller")


class ConsumptionRestriction(models.Model):
    """A consumption-restriction order (限制消费令) on a respondent: proposed by the case's judge with its
    ruling, approved or refused by the court's president, lifted by a decision of its own."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the president's approval")
        REFUSED = "refused", _("Refused by the president")
        APPROVED = "approved", _("In force")
        LIFTED = "lifted", _("Lifted")

    class LiftReason(models.TextChoices):
        PERFORMED = "performed", _("The debtor performed")
        SECURITY = "security", _("The debtor gave adequate security")
        APPLICANT_CONSENT = "applicant_consent", _("The applicant consented")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consumption_restrictions"
    )
    party = models.ForeignKey(Party, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="+")
    ruling_number = models.CharField(_("ruling"), max_length=60)
    reason = models.TextField(_("why the restriction is needed"))
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
    lift_reason = models.CharField(
        _("reason for lifting"), max_length=20, choices=LiftReason.choices, blank=True
    )
    lift_note = models.TextField(_("what shows it"), blank=True)
    lift_decision_number = models.CharField(_("lifting decision"), max_length=60, blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lift recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consumption restriction")
        verbose_name_plural = _("consumption restrictions")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One order at a time on a debtor: a second proposal while one waits or is in force is a mistake.
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(status__in=["proposed", "approved"]),
                name="one_open_restriction_per_party",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="restriction_approved_by_another"
            ),
            models.CheckConstraint(
                condition=~Q(status="lifted") | (Q(lifted_on__isnull=False) & ~Q(lift_reason="")),
                name="restriction_lift_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ruling_number} {self.party_id}"


class RestrictedPerson(models.Model):
    """A person an order on an organisation also binds, in his capacity there."""

    restriction = models.ForeignKey(
        ConsumptionRestriction,
        verbose_name=_("restriction"),
        on_delete=models.CASCADE,
        related_name="persons",
    )
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("identity number"), max_length=50, blank=True)
    capacity = models.CharField(_("capacity"), max_length=24, choices=BoundCapacity.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person bound by a restriction")
        verbose_name_plural = _("persons bound by restrictions")
        ordering = ["restriction_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_capacity_display()})"


class DishonestGround(models.TextChoices):
    """失信名单规定 2017 Art.1, item by item (each while the obligation is unperformed)."""

    ABLE_BUT_REFUSES = "able_but_refuses", _("(1) Able to perform but refuses")
    OBSTRUCTS = "obstructs", _("(2) Obstructs or resists enforcement by forged evidence, violence or threats")
    EVADES = (
        "evades",
        _("(3) Evades enforcement by sham litigation or arbitration, or by hiding or moving property"),
    )
    REPORT_BREACHED = "report_breached", _("(4) Breaches the duty to report property")
    RESTRICTION_BREACHED = "restriction_breached", _("(5) Breaches a consumption restriction")
    SETTLEMENT_REFUSED = (
        "settlement_refused",
        _("(6) Refuses without good reason to perform a settlement agreement"),
    )


class RemovalGround(models.TextChoices):
    """Why a listing is removed (失信名单规定 2017 Art.10), early credit repair, and the term's end."""

    PERFORMED = "performed", _("The debtor performed, or the court enforced in full")
    SETTLEMENT_PERFORMED = "settlement_performed", _("A settlement was performed")
    APPLICANT_REQUEST = "applicant_request", _("The applicant asked in writing and the court agreed")
    NOTHING_FOUND = (
        "nothing_found",
        _("After termination of this round, two or more online searches found nothing and no lead was given"),
    )
    SUSPENDED = "suspended", _("Enforcement suspended for retrial or bankruptcy")
    NOT_ENFORCED = "not_enforced", _("Enforcement refused")
    TERMINATED = "terminated", _("Enforcement terminated")
    CREDIT_REPAIR = "credit_repair", _("Credit repaired by a decision of the court")
    TERM_ENDED = "term_ended", _("The term of the listing ended")


# How a decision is served: the core's one list (the closure ruling is served the same ways).
ServiceMethod = ClosureService.Method


class DishonestListing(models.Model):
    """A respondent put on the dishonest-debtor list by a decision served on him.

    The term (2 years for grounds 2 to 6, none for ground 1 alone) is a clock of the deadline engine (node
    ``dishonest_term``), and ``term_ends_on`` its last day; an extension replaces the clock by a longer one.
    A removal ground, once recorded, opens the 3-working-day removal clock (node ``dishonest_removal``).
    """

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        REMOVED = "removed", _("Removed")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="dishonest_listings"
    )
    party = models.ForeignKey(Party, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="+")
    # The grounds of Art.1 (values of ``DishonestGround``), at least one, in the order given.
    grounds = models.JSONField(_("grounds"), default=list)
    serious_violence = models.BooleanField(_("violence or threats of a serious nature"), default=False)
    conduct = models.TextField(_("the dishonest conduct, as published"))
    decision_number = models.CharField(_("decision"), max_length=60)
    listed_on = models.DateField(_("listed on"))
    served_on = models.DateField(_("decision served on"), null=True, blank=True)
    service_method = models.CharField(
        _("served how"), max_length=16, choices=ServiceMethod.choices, blank=True
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    extension_years = models.PositiveSmallIntegerField(_("extended by (years)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    term_deadline = models.OneToOneField(
        "enforcement.Deadline",
        verbose_name=_("term clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LISTED)
    removal_ground = models.CharField(
        _("removal ground"), max_length=24, choices=RemovalGround.choices, blank=True
    )
    removal_ground_on = models.DateField(_("removal ground arose on"), null=True, blank=True)
    removal_note = models.TextField(_("what shows the removal ground"), blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Empty for the automatic removal at the term's end.
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("listed by"), on_delete=models.PROTECT, related_name="+"
    )
    listed_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dishonest-debtor listing")
        verbose_name_plural = _("dishonest-debtor listings")
        ordering = ["-listed_on", "-id"]
        indexes = [
            # The published list reads the current listings, newest first.
            models.Index(fields=["-listed_on", "-id"], condition=Q(status="listed"), name="listing_current"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(status="listed"), name="one_current_listing_per_party"
            ),
            models.CheckConstraint(
                condition=~Q(status="removed") | (Q(removed_on__isnull=False) & ~Q(removal_ground="")),
                name="listing_removal_has_ground",
            ),
            models.CheckConstraint(
                condition=Q(extension_years__lte=3), name="listing_extension_at_most_3_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.party_id}"

    def ground_labels(self) -> list[str]:
        return [str(DishonestGround(g).label) for g in self.grounds if g in DishonestGround.values]


class ListingRefusal(models.Model):
    """The court's recorded decision not to list a respondent, for a reason the law gives (Art.3, 4)."""

    class Reason(models.TextChoices):
        MINOR = "minor", _("The debtor is a minor")
        SECURITY = "security", _("Adequate security was given")
        PROPERTY_SEALED = "property_sealed", _("Property under seal is enough to satisfy the claim")
        LATER_IN_ORDER = "later_in_order", _("The debtor is later in the order of performance")
        UNABLE = "unable", _("The debtor is not able to perform")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="listing_refusals"
    )
    party = models.ForeignKey(Party, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("what shows it"), blank=True)
    # For "property under seal": the amounts compared when the refusal was recorded.
    sealed_amount = models.DecimalField(
        _("amount under seal (yuan)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    refused_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refusal to list")
        verbose_name_plural = _("refusals to list")
        ordering = ["-refused_on", "-id"]

    def __str__(self) -> str:
        return f"{self.party_id} {self.reason}"


# The timeline kinds of the credit sanctions are the core's (``CaseEvent.Kind``), which owns every label the
# timeline shows: restriction_proposed … listing_removed.
CreditEvent = CaseEvent.Kind
