"""Input and output of the assignment API: the queue, triage, assignments with why the judge was
chosen, plans, steps and notes."""

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.pagination import PagePagination
from enforcement.api.serializers import StrictSerializer
from enforcement.models import Case, CaseEvent, Deadline, Party
from enforcement.people import display_name_or_none

from . import reasons, services
from .models import Assignment, CaseNote, CasePlan, TriageDecision
from .selectors import QueueFilters
from .triage import describe_decision

# --- Shared ------------------------------------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    def to_representation(self, instance: User) -> dict[str, Any]:
        return {"id": instance.pk, "name": display_name_or_none(instance)}


class TeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- Queue -------------------------------------------------------------------------------------------------


class QueueQuery(StrictSerializer):
    stream = serializers.ChoiceField(choices=Case.Stream.choices[1:], required=False, default="")
    node = serializers.CharField(
        max_length=40, required=False, default="", help_text="Node type code with a running deadline."
    )
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only overdue cases.")
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False, default="")
    q = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Case number or party name."
    )
    view = serializers.ChoiceField(
        choices=[("team", "team")],
        required=False,
        allow_blank=True,
        default="",
        help_text="team: the cases of the teams you lead; otherwise the cases you are responsible for.",
    )
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=PagePagination.max_page_size, required=False)

    def filters(self) -> QueueFilters:
        data = self.validated_data
        return QueueFilters(
            stream=data["stream"],
            node=data["node"].strip(),
            overdue_only=data["overdue"],
            status=data["status"],
            search=data["q"],
        )


class NextDeadlineOutput(serializers.Serializer):
    node = serializers.CharField()
    name = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Deadline.Status.choices)


class PartiesByRoleOutput(serializers.Serializer):
    applicant = serializers.ListField(child=serializers.CharField())
    respondent = serializers.ListField(child=serializers.CharField())
    third_party = serializers.ListField(child=serializers.CharField())


class QueueCaseOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    judge = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "stream", "status", "team", "judge", "parties", "next_deadline", "url"]

    def get_judge(self, case: Case) -> str | None:
        return display_name_or_none(case.responsible_judge)

    @extend_schema_field(PartiesByRoleOutput)
    def get_parties(self, case: Case) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {role: [] for role in Party.Role.values}
        for party in case.parties.all():
            names[party.role].append(party.name)
        return names

    @extend_schema_field(NextDeadlineOutput(allow_null=True))
    def get_next_deadline(self, case: Case) -> dict[str, Any] | None:
        running: list[Deadline] = getattr(case, "running_deadlines", [])
        if not running:
            return None
        deadline = running[0]
        return {
            "node": deadline.node_type.code,
            "name": deadline.node_type.name,
            "due_date": deadline.due_date.isoformat(),
            "status": deadline.status,
        }

    def get_url(self, case: Case) -> str:
        return reverse("api-case-detail", args=[case.pk])


class QueueCountsOutput(serializers.Serializer):
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    nearing = serializers.IntegerField()


class QueuePageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = QueueCountsOutput(help_text="The whole queue of this view, before the filters.")
    results = QueueCaseOutput(many=True)


# --- Triage ------------------------------------------------------------------------------------------------


class TriageOverrideInput(StrictSerializer):
    stream = serializers.ChoiceField(choices=Case.Stream.choices[1:])
    reason = serializers.CharField(max_length=2000)


class TriageDecisionOutput(serializers.ModelSerializer):
    stream = serializers.ChoiceField(
        choices=Case.Stream.choices, help_text="The override's, else the rules'."
    )
    rule = serializers.CharField(source="rule.name", allow_null=True, default=None)
    decided_by = serializers.SerializerMethodField()
    overridden_by = serializers.SerializerMethodField()
    in_words = serializers.SerializerMethodField()

    class Meta:
        model = TriageDecision
        fields = [
            "id",
            "case",
            "stream",
            "rule",
            "rule_stream",
            "facts",
            "in_words",
            "decided_at",
            "decided_by",
            "override_stream",
            "override_reason",
            "overridden_by",
            "overridden_at",
        ]

    def get_decided_by(self, decision: TriageDecision) -> str | None:
        return display_name_or_none(decision.decided_by)

    def get_overridden_by(self, decision: TriageDecision) -> str | None:
        return display_name_or_none(decision.overridden_by)

    def get_in_words(self, decision: TriageDecision) -> str:
        return describe_decision(decision)


# --- Assignment --------------------------------------------------------------------------------------------


class AssignInput(StrictSerializer):
    judge = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="User id; empty: by load."
    )


class ReassignInput(StrictSerializer):
    judge = serializers.IntegerField(min_value=1, help_text="User id of the new responsible judge.")
    reason = serializers.CharField(max_length=2000)


class BulkAssignInput(StrictSerializer):
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=200, help_text="Case ids."
    )


class WeighedJudgeOutput(serializers.Serializer):
    judge_id = serializers.IntegerField()
    judge = serializers.CharField(help_text="The name at the time of the assignment.")
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    load = serializers.IntegerField(help_text="Open cases of the judge then.")
    capacity = serializers.IntegerField()


class SkippedJudgeOutput(serializers.Serializer):
    judge_id = serializers.IntegerField()
    judge = serializers.CharField()
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    code = serializers.ChoiceField(choices=[(code, code) for code in reasons.SKIP_CODES])
    params = serializers.DictField(
        help_text="absent: first_day, last_day; recused: party, reason; at_capacity: load, capacity."
    )


class ChoiceNoteOutput(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(reasons.TIE, reasons.TIE), (reasons.OVER_CAPACITY, reasons.OVER_CAPACITY)]
    )
    params = serializers.DictField()


class WhyChosenOutput(serializers.Serializer):
    """For the schema: the shape of ``Assignment.why_chosen`` (empty for assignments made before it)."""

    rule = serializers.ChoiceField(
        choices=[(code, code) for code in (reasons.LOWEST_LOAD, reasons.BY_HAND, reasons.REASSIGNED)]
    )
    stream = serializers.ChoiceField(choices=Case.Stream.choices)
    chosen = WeighedJudgeOutput()
    compared = WeighedJudgeOutput(many=True, help_text="Who could take the case, best first (by load).")
    skipped = SkippedJudgeOutput(many=True, help_text="Judges of the stream's teams passed over, and why.")
    notes = ChoiceNoteOutput(many=True)


class AssignmentOutput(serializers.ModelSerializer):
    team = TeamOutput()
    judge = PersonOutput()
    assigned_by = serializers.SerializerMethodField()
    why_chosen = serializers.SerializerMethodField()
    why_in_words = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "case",
            "team",
            "judge",
            "method",
            "reason",
            "why_chosen",
            "why_in_words",
            "assigned_at",
            "assigned_by",
        ]

    def get_assigned_by(self, assignment: Assignment) -> str | None:
        return display_name_or_none(assignment.assigned_by)

    @extend_schema_field(WhyChosenOutput)
    def get_why_chosen(self, assignment: Assignment) -> dict[str, Any]:
        return dict(assignment.why_chosen)

    def get_why_in_words(self, assignment: Assignment) -> list[str]:
        """Why this judge, in the request's language."""
        return assignment.why_in_words()


class BulkAssignOutput(serializers.Serializer):
    assigned = AssignmentOutput(many=True)
    refused = serializers.DictField(
        child=serializers.CharField(), help_text="Case id → why it was not assigned."
    )


# --- The judge's work -------------------------------------------------------------------------------------


class PlanInput(StrictSerializer):
    risk_assessment = serializers.CharField(max_length=10000)
    enforcement_plan = serializers.CharField(max_length=10000)


class PlanOutput(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = CasePlan
        fields = ["case", "risk_assessment", "enforcement_plan", "recorded_at", "recorded_by"]

    def get_recorded_by(self, plan: CasePlan) -> str | None:
        return display_name_or_none(plan.recorded_by)


STEP_CHOICES = [(step, CaseEvent.Kind(step).label) for step in services.STEPS]


class StepInput(StrictSerializer):
    step = serializers.ChoiceField(choices=STEP_CHOICES)
    detail = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for online search results and a verified lead.",
    )


class StepOutput(serializers.ModelSerializer):
    step = serializers.ChoiceField(source="kind", choices=STEP_CHOICES)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "step", "detail", "public", "occurred_at", "actor"]

    def get_actor(self, event: CaseEvent) -> str | None:
        return display_name_or_none(event.actor)


class NoteInput(StrictSerializer):
    text = serializers.CharField(max_length=5000)


class NoteOutput(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "case", "text", "author", "created_at"]

    def get_author(self, note: CaseNote) -> str | None:
        return display_name_or_none(note.author)
