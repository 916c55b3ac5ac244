"""The time limits of property measures and detention, as editable node types (a court may override each).

A measure's term is at most its node type's budget (民诉法解释 Art.485: deposits 1 year, movables 2, real
estate and other property rights 3); a ruling may choose a shorter one. Terms end on their day even on a
rest day (counting "exact"), and warn 30 days ahead, to the judge and the team lead.
"""

from django.db import migrations

# code, name, budget, unit, counting, warn lead (days), responsible, basis
NODE_TYPES = [
    ("measure_freeze_deposit", "冻结存款期限", 12, "months", "exact", 30, "judge_and_lead", "民诉法解释 第485条"),
    ("measure_seize_movable", "查封动产期限", 24, "months", "exact", 30, "judge_and_lead", "民诉法解释 第485条"),
    (
        "measure_seal_real_estate",
        "查封不动产期限",
        36,
        "months",
        "exact",
        30,
        "judge_and_lead",
        "民诉法解释 第485条",
    ),
    (
        "measure_freeze_right",
        "冻结股权及其他财产权期限",
        36,
        "months",
        "exact",
        30,
        "judge_and_lead",
        "民诉法解释 第485条",
    ),
    ("detention_family_notice", "通知被拘留人家属", 24, "hours", "calendar", 0, "judge", "民事诉讼法 第118条"),
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
    dependencies = [("custody", "0001_initial"), ("enforcement", "0010_custody_units_and_events")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
