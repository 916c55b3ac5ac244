"""Role groups, the enforcement case-type codes (法〔2015〕137号) and the kinds of team, as data."""

from django.db import migrations

ROLES = ["clerk", "judge", "assistant", "team_lead", "supervisor", "president", "finance", "administrator"]

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

TEAM_KINDS = [
    ("affairs", "事务团队"),
    ("quick", "速执团队"),
    ("ordinary", "普执团队"),
    ("difficult", "疑难强制团队"),
    ("disposal", "财产处置团队"),
    ("field", "现场查控团队"),
    ("support", "执行辅助团队"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    CaseType = apps.get_model("enforcement", "CaseType")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, order in CASE_TYPES:
        CaseType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    TeamKind = apps.get_model("enforcement", "TeamKind")
    for code, name in TEAM_KINDS:
        TeamKind.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
