"""Which triage stream each kind of team takes (data; administrators may change it)."""

from django.db import migrations

STREAMS = {"quick": "simple", "ordinary": "complex", "difficult": "complex"}


def forwards(apps, schema_editor):
    TeamKind = apps.get_model("enforcement", "TeamKind")
    for code, stream in STREAMS.items():
        TeamKind.objects.filter(code=code, stream="").update(stream=stream)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_streams_capacity_case_steps")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
