"""The conditions of 终结本次执行程序, one row each (终本规定 2016 第一条; RULES.md "终本 may close only when
all hold"), numbered as the law numbers them; the applicant's interview beside them (condition 0).

A condition the system reads from its own records is checked by the app that keeps them; one it cannot see
(a search for a missing debtor) is met by a note or a document recorded on the case (``accepts_evidence``).
Courts may switch a row off or replace it with their own. ``forwards`` is idempotent: the tests run it
again after a flush (tests/conftest.py REFERENCE_MIGRATIONS).
"""

from django.db import migrations

BASIS = "最高人民法院关于严格规范终结本次执行程序的规定（试行）（法〔2016〕373号）第一条"
CLOSURE = "terminated_this_round"
# kind, condition number, met by recorded evidence, item of 第一条
CONDITIONS = [
    ("notice_and_order_served", 1, False, "第（一）项"),
    ("report_checked", 1, True, "第（一）项"),
    ("consumption_restricted", 2, False, "第（二）项"),
    ("dishonest_listed", 2, True, "第（二）项"),
    ("online_search_answered", 3, False, "第（三）项"),
    ("leads_answered", 3, False, "第（三）项"),
    ("nothing_disposable", 3, True, "第（三）项"),
    ("time_since_filing", 4, False, "第（四）项"),
    ("debtor_searched", 5, True, "第（五）项"),
    ("obstruction_dealt_with", 5, True, "第（五）项"),
    ("applicant_interviewed", 0, False, "及第二条"),
]


def forwards(apps, schema_editor):
    Requirement = apps.get_model("enforcement", "ClosureRequirement")
    for kind, condition, accepts_evidence, item in CONDITIONS:
        defaults = {"condition": condition, "accepts_evidence": accepts_evidence, "basis": BASIS + item}
        if kind == "time_since_filing":
            # Issue 8's row: keep its months (and a court's edit), number it.
            Requirement.objects.filter(closure=CLOSURE, kind=kind).update(condition=condition)
            continue
        Requirement.objects.get_or_create(closure=CLOSURE, kind=kind, court=None, defaults=defaults)


def backwards(apps, schema_editor):
    kinds = [kind for kind, *_ in CONDITIONS if kind != "time_since_filing"]
    apps.get_model("enforcement", "ClosureRequirement").objects.filter(closure=CLOSURE, kind__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0019_closure_review_and_resumption")]

    operations = [migrations.RunPython(forwards, backwards)]
