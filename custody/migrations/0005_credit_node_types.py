"""The clocks of the dishonest-debtor list as editable node types (a court may override each).

- ``dishonest_term``: the term of a listing on grounds 2 to 6 (失信名单规定 2017 Art.2: 2 years). It ends
  on its day (counting "exact": a term, not a time limit moved off a rest day) and keeps running after the
  case closes, since the listing outlives the case. No warning: the periodic job removes the listing when
  the term is over, so nobody has anything to do before.
- ``dishonest_removal``: removal within 3 working days of the ground for it (Art.10), counted on the
  working calendar, warned a day ahead to the judge; it too outlives the case (a debtor who pays in full
  is removed after the case closed as fully performed).
"""

from django.db import migrations

# code, name, budget, unit, counting, warn lead (days), responsible, basis
NODE_TYPES = [
    ("dishonest_term", "失信被执行人名单期限", 24, "months", "exact", 0, "judge", "失信名单规定（2017）第二条"),
    ("dishonest_removal", "删除失信信息", 3, "days", "working", 1, "judge", "失信名单规定（2017）第十条"),
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
                "outlives_case": True,
                "basis": basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("custody", "0004_credit_sanctions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
