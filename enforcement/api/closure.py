"""The closure API: what is left on a case and what each closure mode needs or does, and the closure.

The same service as the closing page (``enforcement.services.cases.close_case``), with its permissions
(the court's judges, team leads and supervisors; 403 for other roles) and checks, all again under the
case's lock. A case the caller may not see is a 404. A refusal is a 400 in the API's one error shape, with
what is left under ``errors.left_on_case``, what the mode lacks under ``errors.closure`` and the steps to
confirm under ``errors.confirm_steps``; nothing is changed.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .. import closure
from ..models import Case, Deadline
from ..roles import acting_user
from ..selectors import get_case_for_user
from ..services import cases as case_services
from .fields import MoneyField
from .serializers import StrictSerializer

NOTE_LENGTH = 2000  # CloseCaseForm.note

BAD_REQUEST = OpenApiResponse(
    description="Invalid input, or the case cannot close: something is left on it (``errors.left_on_case``), "
    "the mode's requirements are not met (``errors.closure``), its steps are not confirmed "
    "(``errors.confirm_steps``), or it is already closed."
)
FORBIDDEN = OpenApiResponse(description="Not signed in, or your role may not close cases.")
NOT_FOUND = OpenApiResponse(description="No such case, or not one you may see.")


class ClosureItemOutput(serializers.Serializer):
    code = serializers.CharField(
        help_text="What it is: money_in_account, payout_proposed, detention_running, …"
    )
    message = serializers.CharField(help_text="In the language the request asked for, naming what is left.")
    url = serializers.CharField(help_text="The page where it is dealt with; empty if none.")
    amount = MoneyField(read_only=True, allow_null=True, help_text="Yuan, as a decimal string; null if none.")


class ClosureModeOutput(serializers.Serializer):
    closure = serializers.ChoiceField(choices=Case.Closure.choices)
    closure_display = serializers.CharField()
    possible = serializers.BooleanField(help_text="No requirement of the mode is missing.")
    missing = ClosureItemOutput(many=True, help_text="The mode's requirements the case does not meet yet.")
    steps = ClosureItemOutput(
        many=True, help_text="What closing this way also does (to be confirmed with ``confirm_steps``)."
    )


class ClosurePreviewOutput(serializers.Serializer):
    case = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    left = ClosureItemOutput(
        many=True, help_text="What is left on the case; while any is, no mode may close it."
    )
    modes = ClosureModeOutput(many=True)


class CloseCaseInput(StrictSerializer):
    closure = serializers.ChoiceField(choices=Case.Closure.choices)
    ground = serializers.ChoiceField(
        choices=Case.TerminationGround.choices,
        required=False,
        default="",
        help_text="终结执行 only: its ground.",
    )
    ruling_number = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="The ruling's number, for 不予执行 and 驳回申请 (终本 and 终结执行 are proposed instead).",
    )
    note = serializers.CharField(max_length=NOTE_LENGTH, required=False, allow_blank=True, default="")
    confirm_steps = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms the steps the mode lists (fully performed: the measures in force are released, "
        'with the reason "performed"). Without it such a closure is refused.',
    )


class ClosedClockOutput(serializers.ModelSerializer):
    node = serializers.CharField(source="node_type.code")
    name = serializers.CharField(source="node_type.name")
    met_late = serializers.BooleanField(help_text="Met after its last day.")

    class Meta:
        model = Deadline
        fields = ["id", "node", "name", "status", "due_date", "due_at", "closed_at", "met_late"]


class ClosedCaseOutput(serializers.ModelSerializer):
    closure_display = serializers.CharField(source="get_closure_display")
    deadlines = serializers.SerializerMethodField(
        help_text="Every clock of the case after the closure: whole-case limits met (``met_late`` if after "
        "their last day), clocks of steps not taken cancelled, terms of measures still running."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "closure",
            "closure_display",
            "closure_note",
            "closure_ground",
            "closure_ruling_number",
            "closed_at",
            "deadlines",
        ]

    @extend_schema_field(ClosedClockOutput(many=True))
    def get_deadlines(self, case: Case) -> Any:
        clocks = case.deadlines.select_related("node_type").order_by("due_at", "pk")
        return ClosedClockOutput(clocks, many=True).data


def _preview_data(case: Case) -> dict[str, Any]:
    preview = closure.preview(case)
    return {
        "case": case.pk,
        "number": case.number,
        "status": case.status,
        "left": [vars(item) for item in preview.left],
        "modes": [
            {
                "closure": mode.closure,
                "closure_display": mode.label,
                "possible": mode.possible,
                "missing": [vars(item) for item in mode.missing],
                "steps": [vars(item) for item in mode.steps],
            }
            for mode in preview.modes
        ],
    }


PREVIEW_DESCRIPTION = (
    "What is left on the case (money in its account, payouts under way, a detention running or its "
    "family's notice not recorded), each with its amount and the page where it is dealt with; and for each "
    "closure mode what it still needs (终结本次执行: more than 3 months since filing) and what it would also "
    "do (执行完毕: release the measures in force). The closing page shows the same."
)
CLOSE_DESCRIPTION = (
    "Close the case. Refused (400, nothing changed) while anything is left on it, while the mode's "
    "requirements are not met, and for a mode with steps without ``confirm_steps``. In one transaction under "
    'the case\'s lock: the steps (the measures in force released with the reason "performed"), the closure, '
    "the case's time limit met (``met_late`` after its last day), the clocks of steps no longer to be taken "
    "cancelled (the terms of measures run on), and the timeline."
)


class CaseClosureApi(generics.GenericAPIView):
    """What is left on a case before it may close, and its closure."""

    serializer_class = ClosurePreviewOutput

    @extend_schema(
        summary="What stands in the way of closing the case",
        description=PREVIEW_DESCRIPTION,
        responses={200: ClosurePreviewOutput, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        case_services.require_closer(request.user, case)
        return Response(ClosurePreviewOutput(_preview_data(case)).data)

    @extend_schema(
        summary="Close the case",
        description=CLOSE_DESCRIPTION,
        request=CloseCaseInput,
        responses={200: ClosedCaseOutput, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Fully performed, releasing the measures in force",
                value={"closure": "performed", "note": "全部履行", "confirm_steps": True},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = CloseCaseInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        closed = case_services.close_case(
            actor=acting_user(request.user), case=case, **incoming.validated_data
        )
        return Response(ClosedCaseOutput(closed).data)
