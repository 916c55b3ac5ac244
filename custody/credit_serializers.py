"""Input and output of the credit sanctions' API: consumption restrictions, dishonest-debtor listings and
refusals to list. Dates are ISO dates, times ISO 8601 with their UTC offset."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.fields import MoneyField, id_field
from enforcement.api.serializers import StrictSerializer
from enforcement.duedates import describe
from enforcement.people import display_name_or_none

from . import services
from .models import (
    BoundCapacity,
    ConsumptionRestriction,
    DishonestGround,
    DishonestListing,
    ListingRefusal,
    RemovalGround,
    RestrictedPerson,
    ServiceMethod,
)
from .serializers import NOTE_LENGTH, TEXT_LENGTH, optional_text

REMOVAL_CHOICES = [(g.value, g.label) for g in RemovalGround if g.value in services.RECORDED_REMOVAL_GROUNDS]


# --- Consumption restriction --------------------------------------------------------------------------------


class BoundPersonInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    id_number = optional_text(50)
    capacity = serializers.ChoiceField(choices=BoundCapacity.choices)


class RestrictionInput(StrictSerializer):
    party = id_field("Id of a respondent of the case.")
    ruling_number = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=TEXT_LENGTH, help_text="Why the restriction is needed.")
    persons: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=BoundPersonInput(),
        max_length=20,
        required=False,
        default=list,
        help_text="For an organisation: the persons the order also binds (at least one).",
    )


class RestrictionApproveInput(StrictSerializer):
    note = optional_text(NOTE_LENGTH)


class RestrictionRefuseInput(StrictSerializer):
    note = serializers.CharField(max_length=NOTE_LENGTH, help_text="Why it is refused.")


class RestrictionLiftInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=ConsumptionRestriction.LiftReason.choices)
    decision_number = serializers.CharField(max_length=60, help_text="The lifting decision.")
    lifted_on = serializers.DateField()
    note = optional_text(TEXT_LENGTH, "What shows the reason.")


class BoundPersonOutput(serializers.ModelSerializer):
    class Meta:
        model = RestrictedPerson
        fields = ["name", "id_number", "capacity"]


class RestrictionOutput(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name")
    status_display = serializers.CharField(source="get_status_display")
    persons = BoundPersonOutput(many=True)
    proposed_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    lifted_by = serializers.SerializerMethodField()

    class Meta:
        model = ConsumptionRestriction
        fields = [
            "id",
            "case",
            "party",
            "party_name",
            "ruling_number",
            "reason",
            "persons",
            "status",
            "status_display",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "lift_reason",
            "lift_decision_number",
            "lift_note",
            "lifted_on",
            "lifted_by",
        ]

    def get_proposed_by(self, row: ConsumptionRestriction) -> str | None:
        return display_name_or_none(row.proposed_by)

    def get_decided_by(self, row: ConsumptionRestriction) -> str | None:
        return display_name_or_none(row.decided_by)

    def get_lifted_by(self, row: ConsumptionRestriction) -> str | None:
        return display_name_or_none(row.lifted_by)


# --- The dishonest-debtor list ------------------------------------------------------------------------------


class ListingInput(StrictSerializer):
    party = id_field("Id of a respondent of the case.")
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=DishonestGround.choices),
        min_length=1,
        max_length=len(DishonestGround.choices),
        help_text="The grounds of the rule (Art.1), at least one.",
    )
    serious_violence = serializers.BooleanField(required=False, default=False)
    conduct = serializers.CharField(max_length=TEXT_LENGTH, help_text="The dishonest conduct, as published.")
    decision_number = serializers.CharField(max_length=60)
    listed_on = serializers.DateField()
    served_on = serializers.DateField(required=False, allow_null=True, default=None)
    service_method = serializers.ChoiceField(
        choices=ServiceMethod.choices, required=False, allow_blank=True, default=""
    )


class ListingRefusalInput(StrictSerializer):
    party = id_field("Id of a respondent of the case.")
    reason = serializers.ChoiceField(choices=ListingRefusal.Reason.choices)
    refused_on = serializers.DateField()
    detail = optional_text(TEXT_LENGTH, "What shows the reason.")


class ListingServiceInput(StrictSerializer):
    served_on = serializers.DateField()
    method = serializers.ChoiceField(choices=ServiceMethod.choices)


class ListingExtensionInput(StrictSerializer):
    years = serializers.IntegerField(min_value=1, max_value=services.MAX_EXTENSION_YEARS)
    reason = serializers.CharField(max_length=TEXT_LENGTH)


class RemovalGroundInput(StrictSerializer):
    ground = serializers.ChoiceField(choices=REMOVAL_CHOICES)
    arose_on = serializers.DateField()
    note = serializers.CharField(max_length=TEXT_LENGTH, help_text="What shows the ground.")


class ListingRemovalInput(StrictSerializer):
    ground = serializers.ChoiceField(
        choices=REMOVAL_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the ground recorded before.",
    )
    removed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default today."
    )
    note = optional_text(TEXT_LENGTH, "What shows the ground (needed when none was recorded).")


class ListingOutput(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name")
    grounds = serializers.ListField(child=serializers.ChoiceField(choices=DishonestGround.choices))
    status_display = serializers.CharField(source="get_status_display")
    term_explanation = serializers.SerializerMethodField(help_text="How the term's last day was computed.")
    listed_by = serializers.SerializerMethodField()
    removed_by = serializers.SerializerMethodField(
        help_text="Empty for the automatic removal at the term's end."
    )

    class Meta:
        model = DishonestListing
        fields = [
            "id",
            "case",
            "party",
            "party_name",
            "grounds",
            "serious_violence",
            "conduct",
            "decision_number",
            "listed_on",
            "served_on",
            "service_method",
            "term_months",
            "extension_years",
            "extension_reason",
            "term_ends_on",
            "term_explanation",
            "status",
            "status_display",
            "removal_ground",
            "removal_ground_on",
            "removal_note",
            "removed_on",
            "removed_by",
            "listed_by",
            "listed_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_term_explanation(self, row: DishonestListing) -> list[str]:
        clock = row.term_deadline
        return [describe(step) for step in clock.explanation] if clock is not None else []

    def get_listed_by(self, row: DishonestListing) -> str | None:
        return display_name_or_none(row.listed_by)

    def get_removed_by(self, row: DishonestListing) -> str | None:
        return display_name_or_none(row.removed_by)


class ListingRefusalOutput(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name")
    reason_display = serializers.CharField(source="get_reason_display")
    sealed_amount = MoneyField(allow_null=True, help_text="For property under seal: the amount compared.")
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = ListingRefusal
        fields = [
            "id",
            "case",
            "party",
            "party_name",
            "reason",
            "reason_display",
            "detail",
            "sealed_amount",
            "refused_on",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, row: ListingRefusal) -> str | None:
        return display_name_or_none(row.recorded_by)


class CreditRepairInput(StrictSerializer):
    reason = serializers.CharField(max_length=2000, help_text="What the debtor did that repairs his credit.")
