"""Triage reads facts, not free text (issue 12, point 5): the first interview records risks by kind.

The fault: the clerk wrote "无" (none) in the risks box, and a 12,000-yuan wage case with a willing
debtor went to the complex stream under the obstruction rule. Now "none" is the absence of any kind,
each kind fires its own rule (rules are data per court), and the old texts are converted by a migration
whose conversion is tested here on sample texts.
"""

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assignment import services as assignment
from assignment.models import TriageRule
from assignment.triage import facts_of
from enforcement.models import Case, PropertyKind
from intake import services
from intake.models import FirstInterview, InterviewRisk, RiskKind
from tests.factories import FirstInterviewFactory, InterviewRiskFactory
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db

conversion = importlib.import_module("intake.migrations.0004_risks_by_kind")


def wage_case(court, clerk) -> Case:
    """The case of the report: 12,000 yuan of wages owed, by a respondent willing to pay."""
    return services.file_case(
        actor=clerk,
        application=application(
            court,
            1,
            title_kind=Case.TitleKind.ARBITRATION,
            claim_amount=Decimal("12000.00"),
            claim_description="追索劳动报酬",
        ),
    ).case


def interview_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "conducted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "执行事务中心接待室",
        "attendees": "申请人1",
        "willingness": FirstInterview.Willingness.PAY_IN_FULL,
        "willingness_detail": "被执行人表示月底前一次性支付",
        "risk_other": "",
        "leads-TOTAL_FORMS": "1",
        "leads-INITIAL_FORMS": "0",
        "leads-MIN_NUM_FORMS": "0",
        "leads-MAX_NUM_FORMS": "100",
        "leads-0-kind": PropertyKind.WAGES,
        "leads-0-detail": "被执行人每月经营收入约8000元",
    }
    data.update(overrides)
    return data


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def save(case: Case, clerk, kinds: tuple[str, ...] = (), other: str = "", **values: Any) -> FirstInterview:
    return services.save_first_interview(
        actor=clerk,
        case=case,
        values={"willingness": FirstInterview.Willingness.PAY_IN_FULL, **values},
        leads=[services.LeadInput(kind=PropertyKind.WAGES, detail="月收入约8000元")],
        risks=services.Risks(kinds=kinds, other=other),
    )


# --- The fault: "无" ------------------------------------------------------------------------------------


class TestNoneIsNoRisk:
    def test_the_clerk_writes_无_and_the_wage_case_goes_to_the_simple_stream(
        self, clerk_client, clerk, court, team_lead
    ):
        case = wage_case(court, clerk)
        response = clerk_client.post(
            reverse("intake:interview", args=[case.pk]), interview_form(risk_other="无")
        )
        assert response.status_code == 302, response.content.decode()
        assert not InterviewRisk.objects.filter(interview__case=case).exists()

        decision = assignment.triage_case(actor=team_lead, case=case)
        assert decision.stream == Case.Stream.SIMPLE
        assert decision.rule is not None and decision.rule.condition != TriageRule.Condition.OBSTRUCTION
        assert decision.facts["risk_kinds"] == []

    @pytest.mark.parametrize("text", ["", "无", "没有", "暂无", " 无。", "None", "无风险"])
    def test_no_kind_ticked_is_no_risk_whatever_the_box_says_none_with(self, clerk, court, team_lead, text):
        case = wage_case(court, clerk)
        save(case, clerk, other=text)
        assert facts_of(case)["risk_kinds"] == []
        assert assignment.triage_case(actor=team_lead, case=case).stream == Case.Stream.SIMPLE

    def test_an_old_record_that_said_无_is_converted_to_no_kind_and_triaged_simple(
        self, clerk, court, team_lead
    ):
        case = wage_case(court, clerk)
        save(case, clerk)
        FirstInterview.objects.filter(case=case).update(legacy_risks_text="无")
        conversion.forwards(apps, None)
        assert not InterviewRisk.objects.exists()
        assert assignment.triage_case(actor=team_lead, case=case).stream == Case.Stream.SIMPLE

    def test_ticking_other_and_writing_无_is_refused_and_nothing_is_saved(self, clerk_client, clerk, court):
        case = wage_case(court, clerk)
        response = clerk_client.post(
            reverse("intake:interview", args=[case.pk]),
            interview_form(risk_kinds=[RiskKind.OTHER], risk_other="无"),
        )
        assert response.status_code == 400
        assert response.context["form"].errors["risk_other"]
        assert not FirstInterview.objects.filter(case=case).exists()


# --- Each kind fires its rule ---------------------------------------------------------------------------

KIND_RULES = [
    (RiskKind.REFUSES, TriageRule.Condition.DEBTOR_REFUSES),
    (RiskKind.WHEREABOUTS_UNKNOWN, TriageRule.Condition.DEBTOR_REFUSES),
    (RiskKind.OBSTRUCTION, TriageRule.Condition.OBSTRUCTION),
    (RiskKind.MOVING_PROPERTY, TriageRule.Condition.PROPERTY_MOVING),
    (RiskKind.MANY_CREDITORS, TriageRule.Condition.MANY_CREDITORS),
    (RiskKind.OTHER, TriageRule.Condition.OTHER_RISK),
]


class TestEachKindFiresItsRule:
    @pytest.mark.parametrize(("kind", "condition"), KIND_RULES)
    def test_the_kind_sends_the_otherwise_simple_case_to_the_complex_stream(
        self, clerk, court, team_lead, kind, condition
    ):
        case = wage_case(court, clerk)
        save(case, clerk, kinds=(kind,), other="被执行人年迈多病" if kind == RiskKind.OTHER else "")
        decision = assignment.triage_case(actor=team_lead, case=case)
        assert decision.rule is not None and decision.rule.condition == condition
        assert decision.stream == Case.Stream.COMPLEX
        assert decision.facts["risk_kinds"] == [kind]

    def test_every_kind_has_a_default_rule_for_every_court(self):
        conditions = set(
            TriageRule.objects.filter(court=None, is_active=True).values_list("condition", flat=True)
        )
        assert {condition for _kind, condition in KIND_RULES} <= conditions

    def test_the_words_of_other_never_fire_the_obstruction_rule(self, clerk, court, team_lead):
        case = wage_case(court, clerk)
        save(case, clerk, kinds=(RiskKind.OTHER,), other="被执行人扬言阻挠执行")
        decision = assignment.triage_case(actor=team_lead, case=case)
        assert decision.rule is not None and decision.rule.condition == TriageRule.Condition.OTHER_RISK

    def test_a_court_routes_another_risk_as_it_decides_because_rules_are_data(self, clerk, court, team_lead):
        TriageRule.objects.create(
            court=court,
            name="本院：其他风险不影响繁简",
            condition=TriageRule.Condition.OTHER_RISK,
            stream=Case.Stream.SIMPLE,
            priority=5,
        )
        case = wage_case(court, clerk)
        save(case, clerk, kinds=(RiskKind.OTHER,), other="被执行人年迈多病")
        decision = assignment.triage_case(actor=team_lead, case=case)
        assert decision.rule is not None and decision.rule.name == "本院：其他风险不影响繁简"
        assert decision.stream == Case.Stream.SIMPLE


# --- Recording the kinds --------------------------------------------------------------------------------


class TestRecording:
    def test_the_page_records_the_ticked_kinds_and_the_other_text(self, clerk_client, clerk, court):
        case = wage_case(court, clerk)
        url = reverse("intake:interview", args=[case.pk])
        data = interview_form(risk_kinds=[RiskKind.OBSTRUCTION, RiskKind.OTHER], risk_other="申请人担心报复")
        assert clerk_client.post(url, data).status_code == 302
        interview = FirstInterview.objects.get(case=case)
        assert [(r.kind, r.detail) for r in interview.risks.all()] == [
            (RiskKind.OBSTRUCTION, ""),
            (RiskKind.OTHER, "申请人担心报复"),
        ]
        form = clerk_client.get(url).context["form"]  # the page shows what was recorded, to edit it
        assert form["risk_kinds"].value() == [RiskKind.OBSTRUCTION, RiskKind.OTHER]
        assert form["risk_other"].value() == "申请人担心报复"

    def test_each_change_of_the_risks_is_kept_in_history(self, clerk, court):
        case = wage_case(court, clerk)
        interview = save(case, clerk, kinds=(RiskKind.OBSTRUCTION,))
        save(case, clerk, kinds=(RiskKind.REFUSES,))
        history = InterviewRisk.history.filter(interview_id=interview.pk).order_by(
            "history_date", "history_id"
        )
        assert [(h.history_type, h.kind) for h in history] == [
            ("+", RiskKind.OBSTRUCTION),
            ("-", RiskKind.OBSTRUCTION),
            ("+", RiskKind.REFUSES),
        ]

    def test_saving_the_same_risks_again_writes_nothing(self, clerk, court):
        case = wage_case(court, clerk)
        save(case, clerk, kinds=(RiskKind.OTHER,), other="年迈多病")
        before = InterviewRisk.history.count()
        save(case, clerk, kinds=(RiskKind.OTHER,), other="年迈多病")
        assert InterviewRisk.history.count() == before

    def test_risks_left_out_stay_as_recorded(self, clerk, court):
        case = wage_case(court, clerk)
        save(case, clerk, kinds=(RiskKind.MANY_CREDITORS,))
        services.save_first_interview(actor=clerk, case=case, values={"place": "二号接待室"}, leads=[])
        assert FirstInterview.objects.get(case=case).risk_kinds() == [RiskKind.MANY_CREDITORS]

    @pytest.mark.parametrize(
        ("kinds", "other", "field"),
        [
            (("bogus",), "", "risk_kinds"),
            ((RiskKind.OTHER,), "", "risk_other"),
            ((RiskKind.OTHER,), "没有", "risk_other"),
            ((), "被执行人年迈多病", "risk_other"),
        ],
    )
    def test_invalid_risks_are_refused_before_anything_is_written(self, clerk, court, kinds, other, field):
        case = wage_case(court, clerk)
        with pytest.raises(ValidationError) as refused:
            save(case, clerk, kinds=kinds, other=other)
        assert field in refused.value.message_dict
        assert not FirstInterview.objects.filter(case=case).exists()

    def test_the_database_refuses_an_unknown_kind_and_text_on_a_kind_other_than_other(self):
        interview = FirstInterviewFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            InterviewRisk.objects.create(interview=interview, kind="bogus")
        with pytest.raises(IntegrityError), transaction.atomic():
            InterviewRisk.objects.create(interview=interview, kind=RiskKind.OBSTRUCTION, detail="阻挠")
        with pytest.raises(IntegrityError), transaction.atomic():
            InterviewRisk.objects.create(interview=interview, kind=RiskKind.OTHER, detail="")
        InterviewRiskFactory(interview=interview)
        with pytest.raises(IntegrityError), transaction.atomic():
            InterviewRiskFactory(interview=interview)  # one row per kind


# --- The data migration ---------------------------------------------------------------------------------

OTHER = RiskKind.OTHER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("无", []),
        ("没有", []),
        ("暂无", []),
        ("none", []),
        ("None.", []),
        (" 无。 ", []),
        ("无风险", []),
        ("被执行人扬言阻挠执行", [("obstruction", "")]),
        ("有暴力抗法倾向", [("obstruction", "")]),
        ("被执行人长期在外地务工，下落不明", [("whereabouts_unknown", "")]),
        ("被执行人电话失联", [("whereabouts_unknown", "")]),
        ("被执行人可能转移财产", [("moving_property", "")]),
        ("被执行人另有多起执行案件", [("many_creditors", "")]),
        ("有多个债权人申请参与分配", [("many_creditors", "")]),
        ("被执行人不愿履行", [("refuses", "")]),
        ("拒不履行，并威胁申请人", [("refuses", ""), ("obstruction", "")]),
        ("无暴力倾向，但曾威胁申请人", [("obstruction", "")]),
        ("无暴力倾向", [(OTHER, "无暴力倾向")]),
        ("未发现转移财产迹象", [(OTHER, "未发现转移财产迹象")]),
        ("被执行人年迈多病", [(OTHER, "被执行人年迈多病")]),
        ("  申请人情绪激动\n", [(OTHER, "申请人情绪激动")]),
    ],
)
def test_the_migration_converts_sample_texts(text, expected):
    assert conversion.risks_from_text(text) == expected


def test_the_migration_converts_every_record_keeps_the_text_and_writes_history(clerk, court):
    texts = ["无", "被执行人可能转移财产，且拒不履行", "被执行人年迈多病", ""]
    interviews = []
    for n, text in enumerate(texts, start=1):
        case = services.file_case(actor=clerk, application=application(court, n)).case
        interviews.append(FirstInterviewFactory(case=case, interviewer=clerk, legacy_risks_text=text))

    conversion.forwards(apps, None)

    kinds = {i.pk: [(r.kind, r.detail) for r in i.risks.all()] for i in interviews}
    assert [kinds[i.pk] for i in interviews] == [
        [],
        [("refuses", ""), ("moving_property", "")],
        [(OTHER, "被执行人年迈多病")],
        [],
    ]
    for interview, text in zip(interviews, texts, strict=True):
        interview.refresh_from_db()
        assert interview.legacy_risks_text == text  # the wording is kept for the record
    converted = InterviewRisk.history.filter(interview_id=interviews[1].pk)
    assert converted.count() == 2
    assert {h.history_change_reason for h in converted} == {"converted from the risks text (intake 0004)"}


def test_the_migration_says_how_it_decides():
    doc = conversion.__doc__ or ""
    for word in ("无", "没有", "暂无", "阻挠", "下落不明", "转移财产", "拒不", "多个债权人", "other"):
        assert word in doc
