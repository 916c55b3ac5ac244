"""Input and output of the custody API: searches and their replies, measures with their terms, detention
and fines. Amounts travel as decimal strings with two places, times as ISO 8601 with their UTC offset.

Where an input and an output carry the same choice (the kind of a measure, of an asset, of an
institution), both name the same schema component (``Measure`` / ``MeasureRequest``), so the OpenAPI
schema has one enum for it instead of a naming collision.
"""

import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from enforcement.api.fields import MAX_ID, AwareDateTimeField, MoneyField, id_field
from enforcement.api.pagination import PagePagination
from enforcement.api.serializers import StrictSerializer
from enforcement.duedates import describe
from enforcement.models import Deadline
from enforcement.people import display_name_or_none

from .models import (
    MAX_DETENTION_DAYS,
    AssetKind,
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    InstitutionKind,
    Measure,
    MeasureTerm,
    PropertySearch,
    SearchInquiry,
)
from .selectors import DEFAULT_EXPIRY_WINDOW_DAYS, MAX_EXPIRY_WINDOW_DAYS
from .services import FAMILY_NOTICE_HOURS

TEXT_LENGTH = 5000
NOTE_LENGTH = 2000
MAX_SMALL = 32767  # what a small integer column holds; the services judge the real limits


def optional_id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text=help_text
    )


def optional_text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text
    )


# --- Online searches ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Inquiry")
class InstitutionInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=InstitutionKind.choices)
    name = serializers.CharField(max_length=100, help_text="The bank, registry or platform asked.")


class SearchInput(StrictSerializer):
    requested_on = serializers.DateField(help_text="Not in the future, nor before the case was filed.")
    institutions: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=InstitutionInput(), max_length=50, help_text="The institutions asked, each once."
    )
    note = optional_text(TEXT_LENGTH)


@extend_schema_serializer(component_name="FoundAsset")
class AssetInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    description = serializers.CharField(max_length=200)
    reference = optional_text(60, "Account or certificate number.")
    amount = MoneyField(required=False, allow_null=True, default=None, help_text="Amount or value (yuan).")
    owner = optional_id("Id of a party of the case who owns the asset.")


class ReplyInput(StrictSerializer):
    replied_on = serializers.DateField(help_text="Not in the future, nor before the request.")
    note = optional_text(TEXT_LENGTH, "What the reply says.")
    assets: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=AssetInput(), max_length=100, required=False, default=list, help_text="Empty: nothing found."
    )


@extend_schema_serializer(component_name="FoundAsset")
class FoundAssetOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    amount = MoneyField(allow_null=True)
    owner_name = serializers.SerializerMethodField()
    measure = serializers.SerializerMethodField(help_text="The measure taken on it, if any.")

    class Meta:
        model = FoundAsset
        fields = [
            "id",
            "kind",
            "kind_display",
            "description",
            "reference",
            "amount",
            "owner",
            "owner_name",
            "measure",
        ]

    def get_owner_name(self, asset: FoundAsset) -> str | None:
        return asset.owner.name if asset.owner is not None else None

    def get_measure(self, asset: FoundAsset) -> int | None:
        measure: Measure | None = getattr(asset, "measure", None)  # no measure: the reverse access raises
        return measure.pk if measure is not None else None


@extend_schema_serializer(component_name="Inquiry")
class InquiryOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(source="institution_kind", choices=InstitutionKind.choices)
    kind_display = serializers.CharField(source="get_institution_kind_display")
    reply_display = serializers.CharField(source="get_reply_display")
    assets = FoundAssetOutput(many=True)

    class Meta:
        model = SearchInquiry
        fields = [
            "id",
            "search",
            "kind",
            "kind_display",
            "institution",
            "reply",
            "reply_display",
            "replied_on",
            "reply_note",
            "assets",
        ]


class SearchOutput(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    inquiries = InquiryOutput(many=True)

    class Meta:
        model = PropertySearch
        fields = ["id", "case", "requested_on", "note", "requested_by", "recorded_at", "inquiries"]

    def get_requested_by(self, search: PropertySearch) -> str | None:
        return display_name_or_none(search.requested_by)


# --- Measures ----------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Measure")
class TakeMeasureInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=Measure.Kind.choices)
    asset = serializers.CharField(max_length=200)
    asset_reference = optional_text(60, "Account or certificate number.")
    owner = optional_id("Id of a party of the case who owns the asset.")
    holder_kind = serializers.ChoiceField(choices=Measure.HolderKind.choices)
    holder = serializers.CharField(max_length=100, help_text="The bank, registry or other holder.")
    amount = MoneyField(
        required=False, allow_null=True, default=None, help_text="Required for a deposit frozen or deducted."
    )
    ruling_number = serializers.CharField(max_length=60, help_text="The ruling that ordered the measure.")
    effective_on = serializers.DateField(help_text="Not in the future.")
    rank = serializers.ChoiceField(choices=Measure.Rank.choices, required=False, default=Measure.Rank.FIRST)
    preceded_by = optional_text(200, "With rank=after: which court's measure comes first.")
    term_months = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SMALL,
        required=False,
        allow_null=True,
        default=None,
        help_text="At most the legal maximum for the kind (default); none for a deduction.",
    )
    # A declared field, popped from the class by DRF's metaclass; only the stubs see Field.source.
    source = optional_id("Id of the asset found by a search of this case that the measure takes.")  # type: ignore[assignment]


class RenewInput(StrictSerializer):
    ruling_number = serializers.CharField(max_length=60, help_text="The ruling that renews the measure.")
    months = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SMALL,
        required=False,
        allow_null=True,
        default=None,
        help_text="At most the legal maximum (default).",
    )


class ReleaseMeasureInput(StrictSerializer):
    released_on = serializers.DateField(help_text="Not in the future, nor before the measure took effect.")
    reason = serializers.CharField(max_length=TEXT_LENGTH)


class ReceiptInput(StrictSerializer):
    entry = id_field("Id of a ledger entry: money received in the case's account.")


class MeasureTermOutput(serializers.ModelSerializer):
    due_date = serializers.DateField(source="deadline.due_date", help_text="The expiry clock's last day.")
    deadline_status = serializers.ChoiceField(source="deadline.status", choices=Deadline.Status.choices)
    explanation = serializers.SerializerMethodField(help_text="How the last day was computed.")

    class Meta:
        model = MeasureTerm
        fields = [
            "number",
            "starts_after",
            "months",
            "ends_on",
            "ruling_number",
            "recorded_at",
            "due_date",
            "deadline_status",
            "explanation",
        ]

    def get_explanation(self, term: MeasureTerm) -> list[str]:
        return [describe(step) for step in term.deadline.explanation]


class ReceiptOutput(serializers.ModelSerializer):
    amount = MoneyField(source="entry.amount")
    booked_at = serializers.DateTimeField(source="entry.booked_at")

    class Meta:
        model = DeductionReceipt
        fields = ["id", "entry", "amount", "booked_at", "linked_at"]


@extend_schema_serializer(component_name="Measure")
class MeasureOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    owner_name = serializers.SerializerMethodField()
    amount = MoneyField(allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    recorded_by = serializers.SerializerMethodField()
    terms = MeasureTermOutput(many=True, help_text="The first term, then each renewal.")
    receipts = ReceiptOutput(many=True, help_text="Money a deduction brought in.")

    class Meta:
        model = Measure
        fields = [
            "id",
            "case",
            "kind",
            "kind_display",
            "asset",
            "asset_reference",
            "owner",
            "owner_name",
            "holder_kind",
            "holder",
            "amount",
            "ruling_number",
            "effective_on",
            "rank",
            "preceded_by",
            "status",
            "status_display",
            "expires_on",
            "released_on",
            "release_reason",
            "source",
            "recorded_by",
            "recorded_at",
            "terms",
            "receipts",
        ]

    def get_owner_name(self, measure: Measure) -> str | None:
        return measure.owner.name if measure.owner is not None else None

    def get_recorded_by(self, measure: Measure) -> str | None:
        return display_name_or_none(measure.recorded_by)


class MeasureRowOutput(serializers.Serializer):
    """A measure in a list across cases, with its case."""

    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    judge = serializers.SerializerMethodField()
    team = serializers.CharField(source="case.team.name", allow_null=True, default=None)
    days_left = serializers.SerializerMethodField(help_text="Days until the term ends; negative once ended.")
    measure = MeasureOutput(source="*")

    def get_judge(self, measure: Measure) -> str | None:
        return display_name_or_none(measure.case.responsible_judge)

    def get_days_left(self, measure: Measure) -> int | None:
        if measure.expires_on is None:
            return None
        return (measure.expires_on - timezone.localdate()).days


class PageQuery(StrictSerializer):
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=PagePagination.max_page_size, required=False)


class ExpiringQuery(PageQuery):
    days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_EXPIRY_WINDOW_DAYS,
        required=False,
        default=DEFAULT_EXPIRY_WINDOW_DAYS,
        help_text="Terms ending from today to this many days ahead.",
    )


# --- Detention and fines -----------------------------------------------------------------------------------


class PersonFields(StrictSerializer):
    party = optional_id("Id of the party of the case, if the person is one.")
    person_name = serializers.CharField(max_length=100)
    person_id_number = optional_text(50)
    reason = serializers.CharField(max_length=TEXT_LENGTH, help_text="The obstruction found.")
    decision_number = serializers.CharField(max_length=60)


class DetentionInput(PersonFields):
    days = serializers.IntegerField(min_value=1, max_value=MAX_DETENTION_DAYS)


class FineInput(PersonFields):
    amount = MoneyField(help_text="Yuan.")
    detention = optional_id("Id of a detention of this case the fine goes with.")


class ApproveDetentionInput(StrictSerializer):
    started_at = AwareDateTimeField(
        required=False, allow_null=True, default=None, help_text="Taken into custody at; default now."
    )
    note = optional_text(NOTE_LENGTH)


class ApproveFineInput(StrictSerializer):
    note = optional_text(NOTE_LENGTH)


class RefuseInput(StrictSerializer):
    note = serializers.CharField(max_length=NOTE_LENGTH, help_text="Why it is refused.")


class FamilyNoticeInput(StrictSerializer):
    notified_at = AwareDateTimeField()
    notice = serializers.CharField(max_length=200, help_text="Who was told, and how.")


class EarlyReleaseInput(StrictSerializer):
    released_at = AwareDateTimeField()
    reason = serializers.CharField(max_length=TEXT_LENGTH)


class SanctionOutput(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    proposed_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    SANCTION_FIELDS = [
        "id",
        "case",
        "party",
        "person_name",
        "person_id_number",
        "reason",
        "decision_number",
        "status",
        "status_display",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]

    def get_proposed_by(self, sanction: Detention | Fine) -> str | None:
        return display_name_or_none(sanction.proposed_by)

    def get_decided_by(self, sanction: Detention | Fine) -> str | None:
        return display_name_or_none(sanction.decided_by)


class DetentionOutput(SanctionOutput):
    family_notice_due_at = serializers.SerializerMethodField(
        help_text=f"The family is to be told by then ({FAMILY_NOTICE_HOURS} hours after custody began)."
    )

    class Meta:
        model = Detention
        fields = [
            *SanctionOutput.SANCTION_FIELDS,
            "days",
            "started_at",
            "release_on",
            "released_at",
            "release_reason",
            "family_notice_due_at",
            "family_notified_at",
            "family_notice",
        ]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_family_notice_due_at(self, detention: Detention) -> str | None:
        if detention.started_at is None:
            return None
        due = detention.started_at + datetime.timedelta(hours=FAMILY_NOTICE_HOURS)
        return timezone.localtime(due).isoformat()


# A fine is never "released early": its own choice set, which also keeps its enum apart from a detention's.
FINE_STATUSES = [(s.value, s.label) for s in Fine.Status if s != Fine.Status.RELEASED]


class FineOutput(SanctionOutput):
    status = serializers.ChoiceField(choices=FINE_STATUSES)
    amount = MoneyField()

    class Meta:
        model = Fine
        fields = [*SanctionOutput.SANCTION_FIELDS, "amount", "detention"]
