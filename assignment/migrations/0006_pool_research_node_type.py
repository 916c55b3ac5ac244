"""The 终本 pool's re-search (终本规定 2016: an online search every 6 months for 5 years after the closure,
its result told to the applicant; confirm the article numbers).

One node type for every round: its budget is the interval (6 months, editable data); round k is opened
with 6k months from the closure day, so a late round never moves the later ones. It outlives the case,
since the case is closed when the rounds run, and its alerts go to the pool's keeper.
"""

from django.db import migrations

NODE = {
    "name": "终本案件财产复查（每六个月一次）",
    "budget": 6,
    "unit": "months",
    "counting": "calendar",
    "warn_lead_days": 15,
    "public": False,
    "responsible": "pool_keeper",
    "extendable": False,
    "outlives_case": True,
    "met_on_closure": False,
    "basis": "最高人民法院关于严格规范终结本次执行程序的规定（试行）第九条（条文号待确认）",
}


def forwards(apps, schema_editor):
    apps.get_model("enforcement", "NodeType").objects.get_or_create(code="pool_research", court=None, defaults=NODE)


class Migration(migrations.Migration):
    dependencies = [("assignment", "0005_pool_rounds"), ("enforcement", "0022_pool_keeper")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
