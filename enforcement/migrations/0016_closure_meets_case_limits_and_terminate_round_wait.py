"""Closing a case meets its whole-case limit (on time or late) rather than cancelling it; and 终结本次执行
needs at least 3 months since filing (终本规定 2016 第一条; RULES.md), a condition kept as data.

``forwards`` is idempotent: the tests run it again after a flush (tests/conftest.py REFERENCE_MIGRATIONS).
"""

from django.db import migrations

CASE_LIMITS = ("case_limit", "case_limit_non_litigation")
TERMINATE_ROUND_WAIT = {
    "closure": "terminated_this_round",
    "kind": "time_since_filing",
    "months": 3,
    "basis": "最高人民法院关于严格规范终结本次执行程序的规定（试行）（法〔2016〕373号）第一条第（四）项",
}


def _case_limits(apps):
    return apps.get_model("enforcement", "NodeType").objects.filter(code__in=CASE_LIMITS)


def forwards(apps, schema_editor):
    _case_limits(apps).update(met_on_closure=True)
    rule = TERMINATE_ROUND_WAIT
    apps.get_model("enforcement", "ClosureRequirement").objects.update_or_create(
        closure=rule["closure"],
        kind=rule["kind"],
        court=None,
        defaults={"months": rule["months"], "basis": rule["basis"], "is_active": True},
    )


def backwards(apps, schema_editor):
    _case_limits(apps).update(met_on_closure=False)
    apps.get_model("enforcement", "ClosureRequirement").objects.filter(
        closure=TERMINATE_ROUND_WAIT["closure"], kind=TERMINATE_ROUND_WAIT["kind"], court=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0015_closure_requirements_and_met_on_closure")]

    operations = [migrations.RunPython(forwards, backwards)]
