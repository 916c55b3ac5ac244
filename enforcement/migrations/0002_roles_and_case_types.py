"""Role groups and the enforcement case-type codes (法〔2015〕137号), as data."""

from django.db import migrations

ROLES = ["clerk", "judge", "assistant", "team_lead", "supervisor", "finance", "administrator"]

CASE_TYPES = [
    ("执", "首次执行", 1),
    ("执恢", "恢复执行", 2),
    ("执保", "财产保全执行", 3),
    ("执异", "执行异议", 4),
    ("执复", "执行复议", 5),
    ("执监", "执行监督", 6),
    ("执协", "执行协调", 7),
    ("执他", "其他执行", 8),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    CaseType = apps.get_model("enforcement", "CaseType")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, order in CASE_TYPES:
        CaseType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
