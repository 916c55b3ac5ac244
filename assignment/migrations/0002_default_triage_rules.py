"""The default triage rules (RULES.md, 繁简分流), for every court; courts add or change their own."""

from decimal import Decimal

from django.db import migrations

# priority, name, condition, threshold, stream. Complex conditions are tried first: a small claim
# against a debtor who refuses still needs compulsory measures.
RULES = [
    (10, "被执行人拒绝履行或下落不明，需采取强制措施", "debtor_refuses", None, "complex"),
    (20, "存在妨碍执行风险", "obstruction", None, "complex"),
    (30, "有不动产、车辆或股权需处置", "property_to_dispose", None, "complex"),
    (40, "当事人众多（超过4人）", "many_parties", Decimal("4"), "complex"),
    (50, "保全财产足以清偿", "preservation_covers", None, "simple"),
    (60, "执行标的额在5万元以下", "amount_below", Decimal("50000.00"), "simple"),
    (70, "被执行人愿意履行或和解", "debtor_willing", None, "simple"),
    (80, "有工资等收入可供扣划", "income_deductible", None, "simple"),
    (90, "行为履行类案件", "simple_act", None, "simple"),
]


def forwards(apps, schema_editor):
    TriageRule = apps.get_model("assignment", "TriageRule")
    for priority, name, condition, threshold, stream in RULES:
        TriageRule.objects.get_or_create(
            court=None, condition=condition,
            defaults={"name": name, "threshold": threshold, "stream": stream, "priority": priority},
        )


class Migration(migrations.Migration):
    dependencies = [("assignment", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
