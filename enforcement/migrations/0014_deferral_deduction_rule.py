"""The longest term of 暂缓执行 as data: 3 months, and 3 more with the approval of an additional period."""

from django.db import migrations

# kind, months without approval, additional months with approval, basis
DEDUCTION_RULES = [
    (
        "deferral",
        3,
        3,
        "《最高人民法院关于正确适用暂缓执行措施若干问题的规定》第七条",
    ),
]


def forwards(apps, schema_editor):
    DeductionRule = apps.get_model("enforcement", "DeductionRule")
    for kind, months, additional, basis in DEDUCTION_RULES:
        DeductionRule.objects.get_or_create(
            kind=kind,
            court=None,
            defaults={"months_without_approval": months, "additional_months": additional, "basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0013_deduction_rules_and_additional_periods")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
