"""The default node types (RULES.md, each one editable data) and the national calendar 2004-2026."""

from django.db import migrations

# code, name, budget, unit, counting, warn lead (days), public, responsible, extendable, basis
NODE_TYPES = [
    (
        "decide_filing",
        "审查立案",
        7,
        "days",
        "calendar",
        2,
        False,
        "team_lead",
        False,
        "执行工作若干问题的规定",
    ),
    (
        "assign_judge",
        "分案（确定承办法官）",
        7,
        "days",
        "calendar",
        2,
        False,
        "team_lead",
        False,
        "法发〔2006〕35号 第2条",
    ),
    (
        "enforcement_notice",
        "发出执行通知书及报告财产令",
        3,
        "days",
        "calendar",
        1,
        True,
        "judge",
        False,
        "法发〔2006〕35号 第4条",
    ),
    (
        "ask_leads",
        "告知申请执行人提供财产线索",
        3,
        "days",
        "calendar",
        1,
        False,
        "judge",
        False,
        "法发〔2006〕35号 第5条",
    ),
    (
        "verify_lead",
        "核查申请执行人提供的财产线索",
        7,
        "days",
        "calendar",
        2,
        True,
        "judge",
        False,
        "财产调查规定 第2条",
    ),
    (
        "verify_lead_urgent",
        "核查财产线索（紧急）",
        3,
        "days",
        "calendar",
        1,
        True,
        "judge",
        False,
        "财产调查规定 第2条",
    ),
    (
        "online_search",
        "网络查控",
        5,
        "days",
        "calendar",
        2,
        False,
        "judge",
        False,
        "财产调查规定 第1条（期限为本地规定）",
    ),
    ("case_limit", "执行期限", 6, "months", "calendar", 30, True, "judge", True, "法发〔2006〕35号 第1条"),
    (
        "case_limit_non_litigation",
        "执行期限（非诉执行）",
        3,
        "months",
        "calendar",
        15,
        True,
        "judge",
        True,
        "法发〔2006〕35号 第1条",
    ),
    (
        "payout",
        "执行款发放",
        15,
        "days",
        "calendar",
        3,
        True,
        "finance",
        False,
        "执行款物管理规定（本院目标）",
    ),
    (
        "objection_review",
        "执行异议审查",
        15,
        "days",
        "calendar",
        3,
        False,
        "judge",
        False,
        "民事诉讼法 第236条",
    ),
]


def forwards(apps, schema_editor):
    NodeType = apps.get_model("enforcement", "NodeType")
    for code, name, budget, unit, counting, lead, public, responsible, extendable, basis in NODE_TYPES:
        NodeType.objects.get_or_create(
            code=code,
            court=None,
            defaults={
                "name": name,
                "budget": budget,
                "unit": unit,
                "counting": counting,
                "warn_lead_days": lead,
                "public": public,
                "responsible": responsible,
                "extendable": extendable,
                "basis": basis,
            },
        )
    load_package_calendar(apps)


def load_package_calendar(apps):
    from enforcement.services.calendar import seed_from_package

    seed_from_package(apps)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_deadlines_calendar_alerts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
