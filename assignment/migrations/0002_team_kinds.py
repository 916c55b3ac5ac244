"""The kinds of team in use at service centers (RULES.md), as data."""

from django.db import migrations

KINDS = [
    ("affairs", "事务团队"),
    ("quick", "速执团队"),
    ("ordinary", "普执团队"),
    ("difficult", "疑难强制团队"),
    ("disposal", "财产处置团队"),
    ("field", "现场查控团队"),
    ("support", "执行辅助团队"),
]


def forwards(apps, schema_editor):
    TeamKind = apps.get_model("assignment", "TeamKind")
    for code, name in KINDS:
        TeamKind.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("assignment", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
