"""Input and output of the 终本 pool's API: rounds, their results, the pool's overview."""

from typing import Any

from rest_framework import serializers

from enforcement.api.serializers import StrictSerializer
from enforcement.people import display_name_or_none

from .models import PoolRound
from .selectors import PoolLeadRow, RoundRow

OUTCOMES = ", ".join(PoolRound.Outcome.values)
STATUSES = "recorded, cancelled (the case resumed), overdue, due (its window is open) or later"


class RoundOutput(serializers.Serializer):
    case = serializers.IntegerField()
    case_number = serializers.CharField()
    round = serializers.IntegerField()
    search_from = serializers.DateField(help_text="The day the round's window opens.")
    due_date = serializers.DateField(allow_null=True, help_text="The last day of the round's clock.")
    status = serializers.CharField(help_text=STATUSES)
    outcome = serializers.CharField(help_text=f"Empty until recorded; then one of {OUTCOMES}.")
    property_found = serializers.CharField()
    note = serializers.CharField()
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, row: RoundRow) -> dict[str, Any]:
        pool_round = row.round
        return {
            "case": pool_round.case_id,
            "case_number": pool_round.case.number,
            "round": pool_round.number,
            "search_from": pool_round.opens_on.isoformat(),
            "due_date": row.deadline.due_date.isoformat() if row.deadline is not None else None,
            "status": row.status,
            "outcome": pool_round.outcome,
            "property_found": pool_round.property_found,
            "note": pool_round.note,
            "recorded_by": display_name_or_none(pool_round.recorded_by)
            if pool_round.recorded_by_id
            else None,
            "recorded_at": serializers.DateTimeField().to_representation(pool_round.recorded_at)
            if pool_round.recorded_at
            else None,
        }


class RoundInput(StrictSerializer):
    outcome = serializers.ChoiceField(choices=PoolRound.Outcome.choices, help_text=f"One of {OUTCOMES}.")
    property_found = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Required when found."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class LeadVerifiedInput(StrictSerializer):
    detail = serializers.CharField(max_length=2000, help_text="What was verified.")


class PoolLeadOutput(serializers.Serializer):
    case = serializers.IntegerField()
    case_number = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    leads = serializers.IntegerField(help_text="Leads parties reported since the closure.")
    waiting = serializers.IntegerField(help_text="Of which the verification clock still runs.")

    def to_representation(self, row: PoolLeadRow) -> dict[str, Any]:
        return {
            "case": row.case.pk,
            "case_number": row.case.number,
            "closed_at": serializers.DateTimeField().to_representation(row.case.closed_at)
            if row.case.closed_at is not None
            else None,
            "leads": row.leads,
            "waiting": row.waiting,
        }


class PoolOverviewOutput(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Cases in the pool you may see.")
    due_this_month = RoundOutput(many=True)
    overdue = RoundOutput(many=True)
    with_leads = PoolLeadOutput(many=True)
