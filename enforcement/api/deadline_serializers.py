"""Input and output of the deadlines API: a clock with its deducted periods and extensions, and the actions
on them. Dates are ISO 8601 (YYYY-MM-DD), times ISO 8601 with their UTC offset; explanations come in the
language the request asks for (Accept-Language), as on the case page."""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..duedates import describe
from ..models import Deadline, Deduction, Extension
from ..people import display_name
from .serializers import StrictSerializer

REASON_LENGTH = 2000  # as the case page's forms
MAX_EXTENSION_MONTHS = 12  # as the case page's form; the service checks the rest


@extend_schema_serializer(component_name="ApiError")
class ErrorOutput(serializers.Serializer):
    """The API's one error shape (``enforcement.api.errors``), for the schema only: never instantiated
    with data (its ``errors`` field hides the serializer's own ``errors``, which it never uses)."""

    message = serializers.CharField(help_text="One sentence for people, in the language asked for.")
    code = serializers.CharField(help_text='A stable code: "invalid", "permission_denied", "not_found"…')
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Per field, its messages; "non_field_errors" for the request as a whole.',
    )


# --- Input -------------------------------------------------------------------------------------------------


class DeductionInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=Deduction.Kind.choices)
    start_date = serializers.DateField(help_text="Not in the future, nor after the deadline's last day.")
    end_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty while the period runs. After the day the clock started; for 暂缓执行 (deferral) "
        "within its term without approval.",
    )
    reason = serializers.CharField(max_length=REASON_LENGTH)


class EndDeductionInput(StrictSerializer):
    end_date = serializers.DateField(
        help_text="Between the start and today; within the longest term of its kind, if it has one."
    )


class AdditionalPeriodInput(StrictSerializer):
    months = serializers.IntegerField(
        min_value=1, max_value=MAX_EXTENSION_MONTHS, help_text="At most the kind's additional months."
    )
    reason = serializers.CharField(max_length=REASON_LENGTH, help_text="The special reason.")


class ExtensionInput(StrictSerializer):
    months = serializers.IntegerField(min_value=1, max_value=MAX_EXTENSION_MONTHS)
    reason = serializers.CharField(max_length=REASON_LENGTH)


class DecisionNoteInput(StrictSerializer):
    note = serializers.CharField(max_length=REASON_LENGTH, required=False, allow_blank=True, default="")


# --- Output ------------------------------------------------------------------------------------------------


class DeadlineBriefOutput(serializers.ModelSerializer):
    """The clock as the action left it: its due date moves at once."""

    node = serializers.CharField(source="node_type.code")
    explanation = serializers.SerializerMethodField(help_text="How the last day was computed, in words.")

    class Meta:
        model = Deadline
        fields = ["id", "node", "status", "paused", "due_date", "due_at", "warn_at", "explanation"]

    def get_explanation(self, deadline: Deadline) -> list[str]:
        return [describe(step) for step in deadline.explanation]


class DeductionOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    approved_by = serializers.SerializerMethodField()
    term_end = serializers.DateField(
        allow_null=True, help_text="Last day of its term without approval; null: no longest term."
    )
    latest_end = serializers.DateField(
        allow_null=True, help_text="Last day it may count, the approved additional period included."
    )
    may_get_additional_period = serializers.BooleanField()
    additional_approved_by = serializers.SerializerMethodField()

    class Meta:
        model = Deduction
        fields = [
            "id",
            "deadline",
            "kind",
            "kind_display",
            "start_date",
            "end_date",
            "reason",
            "approved_by",
            "recorded_at",
            "months_without_approval",
            "additional_months_allowed",
            "term_end",
            "latest_end",
            "may_get_additional_period",
            "additional_months",
            "additional_reason",
            "additional_approved_by",
            "additional_approved_at",
        ]

    def get_approved_by(self, deduction: Deduction) -> str:
        return display_name(deduction.approved_by)

    def get_additional_approved_by(self, deduction: Deduction) -> str | None:
        return display_name(deduction.additional_approved_by) if deduction.additional_approved_by else None


class ExtensionOutput(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Extension
        fields = [
            "id",
            "deadline",
            "months",
            "reason",
            "status",
            "status_display",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    def get_requested_by(self, extension: Extension) -> str:
        return display_name(extension.requested_by)

    def get_decided_by(self, extension: Extension) -> str | None:
        return display_name(extension.decided_by) if extension.decided_by else None


class DeadlineDetailOutput(DeadlineBriefOutput):
    """A clock with everything that moved it."""

    name = serializers.CharField(source="node_type.name")
    case = serializers.IntegerField(source="case_id")
    extendable = serializers.BooleanField(source="node_type.extendable")
    steps = serializers.SerializerMethodField(help_text="The explanation as codes with parameters.")
    deductions = DeductionOutput(many=True)
    extensions = ExtensionOutput(many=True)

    class Meta(DeadlineBriefOutput.Meta):
        fields = [
            "id",
            "case",
            "node",
            "name",
            "status",
            "paused",
            "anchor_at",
            "due_date",
            "due_at",
            "warn_at",
            "extendable",
            "explanation",
            "steps",
            "deductions",
            "extensions",
        ]

    def get_steps(self, deadline: Deadline) -> list[dict[str, Any]]:
        return list(deadline.explanation)


class DeductionActionOutput(DeductionOutput):
    deadline_now = DeadlineBriefOutput(source="deadline", help_text="The clock with its new due date.")

    class Meta(DeductionOutput.Meta):
        fields = [*DeductionOutput.Meta.fields, "deadline_now"]


class ExtensionActionOutput(ExtensionOutput):
    deadline_now = DeadlineBriefOutput(source="deadline", help_text="The clock with its due date now.")

    class Meta(ExtensionOutput.Meta):
        fields = [*ExtensionOutput.Meta.fields, "deadline_now"]
