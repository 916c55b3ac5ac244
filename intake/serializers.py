"""The window's API shapes: a filing, a case, a first interview and a notice delivery, in and out."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.fields import MoneyField
from enforcement.api.serializers import DeadlineOutput, StrictSerializer
from enforcement.models import Case, Court, Party, PropertyKind
from enforcement.people import display_name
from enforcement.selectors.deadlines import deadline_as_dict, deadlines_of
from payments import ledger as money_ledger
from payments.selectors import case_account

from . import services
from .models import FirstInterview, InterviewLead, NoticeDelivery, ReceivedMaterial, Resumption, RiskKind
from .validation import check_identity, normalize_phone

# --- Input ----------------------------------------------------------------------------------------------


class PhoneField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, max_length=30, default="", **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return normalize_phone(super().to_internal_value(data))


class PartyInput(StrictSerializer):
    id_required = True
    kind = serializers.ChoiceField(choices=Party.Kind.choices)
    name = serializers.CharField(max_length=100)
    id_type = serializers.ChoiceField(
        choices=Party.IdType.choices, required=False, allow_blank=True, default=""
    )
    id_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    id_override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    phone = PhoneField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agent_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agent_phone = PhoneField()

    def validate(self, attrs: dict[str, Any]) -> services.PartyInput:
        checked = check_identity(
            kind=attrs["kind"],
            id_type=attrs["id_type"],
            id_number=attrs["id_number"],
            override_reason=attrs["id_override_reason"],
            required=self.id_required,
        )
        return services.PartyInput(
            kind=attrs["kind"],
            name=attrs["name"],
            id_type=checked.id_type,
            id_number=checked.id_number,
            id_warning_override=checked.override_reason,
            phone=attrs["phone"],
            address=attrs["address"],
            legal_representative=attrs["legal_representative"],
            agent_name=attrs["agent_name"],
            agent_phone=attrs["agent_phone"],
        )


class RespondentInput(PartyInput):
    # The respondent's number is often unknown to the applicant; the judge completes it later.
    id_required = False


class TitleInput(StrictSerializer):
    court_name = serializers.CharField(max_length=100)
    case_number = serializers.CharField(max_length=60)
    effective_date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=Case.TitleKind.choices, required=False, default=Case.TitleKind.JUDGMENT
    )


class ClaimInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=Case.ClaimKind.choices)
    amount = MoneyField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PreservationInput(StrictSerializer):
    in_place = serializers.BooleanField()
    amount = MoneyField(required=False, allow_null=True, default=None)
    detail = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CaseFileInput(StrictSerializer):
    court = serializers.CharField(max_length=8, help_text="Code of the receiving court, e.g. 蒙0302.")
    applicants: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartyInput(), allow_empty=False, max_length=50
    )
    respondents: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=RespondentInput(), allow_empty=False, max_length=50
    )
    title = TitleInput()
    claim = ClaimInput()
    preservation = PreservationInput(required=False)
    materials = serializers.ListField(
        child=serializers.ChoiceField(choices=ReceivedMaterial.Kind.choices), required=False, default=list
    )
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    allow_duplicate_title = serializers.BooleanField(required=False, default=False)

    def validate_court(self, code: str) -> Court:
        try:
            return Court.objects.get(code=code.strip(), is_active=True)
        except Court.DoesNotExist:
            raise serializers.ValidationError(_("There is no court with this code.")) from None

    def to_application(self) -> services.ApplicationInput:
        data = self.validated_data
        title, claim = data["title"], data["claim"]
        preservation = data.get("preservation") or {"in_place": False, "amount": None, "detail": ""}
        return services.ApplicationInput(
            court=data["court"],
            applicants=data["applicants"],
            respondents=data["respondents"],
            title_court_name=title["court_name"],
            title_case_number=title["case_number"],
            title_effective_date=title["effective_date"],
            title_kind=title["kind"],
            claim_kind=claim["kind"],
            claim_amount=claim["amount"],
            claim_description=claim["description"],
            preservation_in_place=preservation["in_place"],
            preservation_amount=preservation["amount"],
            preservation_detail=preservation["detail"],
            materials=data["materials"],
            received_on=data["received_on"],
            allow_duplicate_title=data["allow_duplicate_title"],
        )


class PartyOutput(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = [
            "id",
            "role",
            "kind",
            "name",
            "id_type",
            "id_number",
            "id_warning_override",
            "phone",
            "address",
            "legal_representative",
            "agent_name",
            "agent_phone",
        ]


class CaseListOutput(serializers.ModelSerializer):
    court = serializers.CharField(source="court.code")
    court_name = serializers.CharField(source="court.name")
    status_display = serializers.CharField(source="get_status_display")
    applicants = serializers.SerializerMethodField()
    respondents = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "court",
            "court_name",
            "status",
            "status_display",
            "received_on",
            "filed_at",
            "claim_kind",
            "claim_amount",
            "applicants",
            "respondents",
            "url",
        ]

    def get_applicants(self, case: Case) -> list[str]:
        return [p.name for p in case.applicants()]

    def get_respondents(self, case: Case) -> list[str]:
        return [p.name for p in case.respondents()]

    def get_url(self, case: Case) -> str:
        return reverse("api-case-detail", args=[case.pk])


class CaseAccountOutput(serializers.Serializer):
    """For the schema: the case's sub-account (details at ``/api/v1/cases/{id}/money/``)."""

    number = serializers.CharField(help_text="The sub-account number payers pay to.")
    balance = serializers.CharField(help_text="Decimal string, e.g. 1250.00.")
    reserved = serializers.CharField(help_text="Promised to payouts not yet paid.")
    available = serializers.CharField(help_text="Free for a new payout.")


class LinkedCaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class CaseDetailOutput(CaseListOutput):
    parties = PartyOutput(many=True)
    account = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    preservation = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    resumed_from = serializers.SerializerMethodField(help_text="The 终本 case this 执恢 case resumes.")
    resumed_as = serializers.SerializerMethodField(help_text="The 执恢 cases enforcement resumed in.")

    class Meta(CaseListOutput.Meta):
        fields = [
            *CaseListOutput.Meta.fields,
            "claim_description",
            "parties",
            "title",
            "preservation",
            "materials",
            "deadlines",
            "account",
            "resumed_from",
            "resumed_as",
        ]

    @extend_schema_field(LinkedCaseOutput(allow_null=True))
    def get_resumed_from(self, case: Case) -> dict[str, Any] | None:
        original = case.resumed_from
        return {"id": original.pk, "number": original.number} if original is not None else None

    @extend_schema_field(LinkedCaseOutput(many=True))
    def get_resumed_as(self, case: Case) -> list[dict[str, Any]]:
        return [{"id": c.pk, "number": c.number} for c in case.resumptions.order_by("filed_at", "pk")]

    def get_title(self, case: Case) -> dict[str, Any]:
        return {
            "court_name": case.title_court_name,
            "case_number": case.title_case_number,
            "kind": case.title_kind,
            "effective_date": case.title_effective_date.isoformat(),
        }

    def get_preservation(self, case: Case) -> dict[str, Any]:
        amount = case.preservation_amount
        return {
            "in_place": case.preservation_in_place,
            "amount": None if amount is None else f"{amount:.2f}",
            "detail": case.preservation_detail,
        }

    def get_materials(self, case: Case) -> list[str]:
        return [m.kind for m in case.materials.all()]

    @extend_schema_field(DeadlineOutput(many=True))
    def get_deadlines(self, case: Case) -> list[dict[str, Any]]:
        return [deadline_as_dict(d) for d in deadlines_of(case)]

    @extend_schema_field(CaseAccountOutput(allow_null=True))
    def get_account(self, case: Case) -> dict[str, str] | None:
        account = case_account(case)
        if account is None:
            return None
        balance, reserved = account.balance, money_ledger.reserved(account)
        return {
            "number": account.number,
            "balance": f"{balance:.2f}",
            "reserved": f"{reserved:.2f}",
            "available": f"{balance - reserved:.2f}",
        }


class FiledCaseOutput(CaseDetailOutput):
    query_code = serializers.CharField(help_text="Shown only in this answer; stored only as a hash.")

    class Meta(CaseDetailOutput.Meta):
        fields = [*CaseDetailOutput.Meta.fields, "query_code"]


# "kind" names many choice sets in this API. Described in words, as lead_api does, these two make no
# enum component: used in an input and an output each, they would make drf-spectacular guess names.
LEAD_KINDS = ", ".join(PropertyKind.values)


NOTICE_KINDS = ", ".join(NoticeDelivery.Kind.values)


DELIVERY_METHODS = ", ".join(NoticeDelivery.Method.values)


@extend_schema_field({"type": "string", "description": f"The kind of property: one of {LEAD_KINDS}."})
class LeadKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PropertyKind.choices, **kwargs)


@extend_schema_field({"type": "string", "description": f"The notice: one of {NOTICE_KINDS}."})
class NoticeKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=NoticeDelivery.Kind.choices, **kwargs)


@extend_schema_field({"type": "string", "description": f"How it was delivered: one of {DELIVERY_METHODS}."})
class DeliveryMethodField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=NoticeDelivery.Method.choices, **kwargs)


class InterviewLeadInput(StrictSerializer):
    """A lead to the respondent's property given at the interview."""

    kind = LeadKindField()
    detail = serializers.CharField(max_length=2000)


class FirstInterviewInput(StrictSerializer):
    """The whole record as it is to be: text fields left out are saved empty."""

    conducted_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    attendees = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    debtor_contacts = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    debtor_whereabouts = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    willingness = serializers.ChoiceField(choices=FirstInterview.Willingness.choices)
    willingness_detail = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    payout_bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    payout_account_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    payout_account_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="6 to 32 digits."
    )
    risk_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskKind.choices),
        allow_empty=True,
        max_length=len(RiskKind.values),
        help_text='The kinds of risk noted; [] is "no risk" (there is no kind for 无).',
    )
    risk_other = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text='The description of the risk of kind "other", and only of it.',
    )
    leads: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=InterviewLeadInput(), allow_empty=True, max_length=100, help_text="Replaces the leads recorded."
    )

    def values(self) -> dict[str, object]:
        return {name: self.validated_data[name] for name in services.INTERVIEW_FIELDS}

    def leads_input(self) -> list[services.LeadInput]:
        return [
            services.LeadInput(kind=lead["kind"], detail=lead["detail"])
            for lead in self.validated_data["leads"]
        ]

    def risks(self) -> services.Risks:
        data = self.validated_data
        return services.Risks(kinds=tuple(data["risk_kinds"]), other=data["risk_other"])


class InterviewLeadOutput(serializers.ModelSerializer):
    kind = LeadKindField()

    class Meta:
        model = InterviewLead
        fields = ["kind", "detail"]


class FirstInterviewOutput(serializers.ModelSerializer):
    interviewer = serializers.SerializerMethodField()
    risk_kinds = serializers.SerializerMethodField()
    risk_other = serializers.SerializerMethodField()
    risks_as_written = serializers.CharField(
        source="legacy_risks_text",
        help_text="The risks box as written before risks were recorded by kind; never read by triage.",
    )
    leads = InterviewLeadOutput(many=True)
    locked = serializers.BooleanField(source="is_locked")
    locked_by = serializers.SerializerMethodField()

    class Meta:
        model = FirstInterview
        fields = [
            "id",
            "case",
            "interviewer",
            *services.INTERVIEW_FIELDS,
            "risk_kinds",
            "risk_other",
            "risks_as_written",
            "leads",
            "locked",
            "locked_at",
            "locked_by",
        ]

    def get_interviewer(self, interview: FirstInterview) -> str:
        return display_name(interview.interviewer)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RiskKind.choices)))
    def get_risk_kinds(self, interview: FirstInterview) -> list[str]:
        return interview.risk_kinds()

    def get_risk_other(self, interview: FirstInterview) -> str:
        return next((r.detail for r in interview.risks.all() if r.kind == RiskKind.OTHER), "")

    def get_locked_by(self, interview: FirstInterview) -> str | None:
        return display_name(interview.locked_by) if interview.locked_by else None


class NoticeDeliveryInput(StrictSerializer):
    """A notice handed to a party of the case."""

    kind = NoticeKindField()
    recipient = serializers.IntegerField(min_value=1, help_text="Id of a party of this case.")
    method = DeliveryMethodField(required=False, default=NoticeDelivery.Method.IN_PERSON)
    acknowledged = serializers.BooleanField(
        required=False, default=False, help_text="The party signed for receipt."
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RecipientOutput(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "role", "name"]


class NoticeDeliveryOutput(serializers.ModelSerializer):
    kind = NoticeKindField()
    method = DeliveryMethodField()
    recipient = RecipientOutput()
    delivered_by = serializers.SerializerMethodField()

    class Meta:
        model = NoticeDelivery
        fields = [
            "id",
            "case",
            "kind",
            "recipient",
            "method",
            "acknowledged",
            "note",
            "delivered_at",
            "delivered_by",
        ]

    def get_delivered_by(self, delivery: NoticeDelivery) -> str:
        return display_name(delivery.delivered_by)


RESUMPTION_REASONS = ", ".join(Resumption.Reason.values)


class ResumeInput(StrictSerializer):
    reason = serializers.ChoiceField(
        choices=Resumption.Reason.choices, help_text=f"One of {RESUMPTION_REASONS}."
    )
    pool_round = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=100,
        help_text="For property_found: the re-search round that found it.",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
