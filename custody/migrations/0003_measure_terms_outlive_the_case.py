"""Terms of property measures keep running after their case closes: under 终结本次执行 the freezes and seals
stay in force and must be renewed, so closing the case must not stop their clocks."""

from django.db import migrations

MEASURE_NODES = ("measure_freeze_deposit", "measure_seize_movable", "measure_seal_real_estate", "measure_freeze_right")


def forwards(apps, schema_editor):
    apps.get_model("enforcement", "NodeType").objects.filter(code__in=MEASURE_NODES).update(outlives_case=True)


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_custody_node_types"), ("enforcement", "0011_node_types_outliving_the_case")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
