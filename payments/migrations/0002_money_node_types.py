"""The time limits of the money steps, as editable node types (a court may override each)."""

from django.db import migrations

# code, name, budget, unit, counting, warn lead (days), responsible, basis
NODE_TYPES = [
    ("claim_unmatched", "未匹配款项认领", 3, "days", "calendar", 1, "finance", "一案一账号管理（本院规定）"),
    ("payout_approve", "执行款发放审批", 3, "days", "working", 1, "team_lead", "执行款物管理规定（本院目标）"),
    ("payout_pay", "执行款支付", 3, "days", "working", 1, "finance", "执行款物管理规定（本院目标）"),
]


def forwards(apps, schema_editor):
    NodeType = apps.get_model("enforcement", "NodeType")
    for code, name, budget, unit, counting, lead, responsible, basis in NODE_TYPES:
        NodeType.objects.get_or_create(
            code=code,
            court=None,
            defaults={
                "name": name,
                "budget": budget,
                "unit": unit,
                "counting": counting,
                "warn_lead_days": lead,
                "public": False,
                "responsible": responsible,
                "extendable": False,
                "basis": basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("enforcement", "0008_money_events_and_hold")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
