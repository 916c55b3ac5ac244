"""Triage on the kinds of risk of the first interview (issue 12, point 5), never on its text.

The obstruction rule now fires on the kind "obstruction or violence", the refusing-respondent rule also on
"refuses to pay" and "whereabouts unknown"; three conditions are new, each with a default rule for every
court: moving property away, many creditors, and another risk (the kind "other", with its description).
Only those three default rules are added here: a default rule a court's administrator deleted stays
deleted. 0002, already applied on running databases, is left as it was.
"""

from django.db import migrations, models

# priority, name, condition, threshold, stream: the same shape as 0002's RULES.
NEW_RULES = [
    (25, "存在转移、隐匿财产风险", "property_moving", None, "complex"),
    (45, "被执行人有多个债权人", "many_creditors", None, "complex"),
    (48, "首次接待记录了其他执行风险", "other_risk", None, "complex"),
]


def forwards(apps, schema_editor):
    TriageRule = apps.get_model("assignment", "TriageRule")
    for priority, name, condition, threshold, stream in NEW_RULES:
        TriageRule.objects.get_or_create(
            court=None,
            condition=condition,
            defaults={"name": name, "threshold": threshold, "stream": stream, "priority": priority},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assignment", "0002_default_triage_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaltriagerule",
            name="condition",
            field=models.CharField(
                choices=[
                    ("amount_below", "Amount claimed below the threshold"),
                    ("preservation_covers", "Preservation already covers the claim"),
                    ("debtor_willing", "Respondent willing to pay or negotiate"),
                    ("income_deductible", "Wages or other income can be deducted"),
                    ("simple_act", "An act to perform"),
                    (
                        "debtor_refuses",
                        "Respondent refuses to pay, cannot be reached or his whereabouts are unknown",
                    ),
                    ("obstruction", "Risk of obstruction or violence noted at the first interview"),
                    ("property_moving", "Risk of property being moved away"),
                    ("property_to_dispose", "Real estate, vehicles or equity to dispose of"),
                    ("many_parties", "More parties than the threshold"),
                    ("many_creditors", "The respondent has many creditors"),
                    ("other_risk", "Another risk noted at the first interview"),
                ],
                max_length=24,
                verbose_name="condition",
            ),
        ),
        migrations.AlterField(
            model_name="triagerule",
            name="condition",
            field=models.CharField(
                choices=[
                    ("amount_below", "Amount claimed below the threshold"),
                    ("preservation_covers", "Preservation already covers the claim"),
                    ("debtor_willing", "Respondent willing to pay or negotiate"),
                    ("income_deductible", "Wages or other income can be deducted"),
                    ("simple_act", "An act to perform"),
                    (
                        "debtor_refuses",
                        "Respondent refuses to pay, cannot be reached or his whereabouts are unknown",
                    ),
                    ("obstruction", "Risk of obstruction or violence noted at the first interview"),
                    ("property_moving", "Risk of property being moved away"),
                    ("property_to_dispose", "Real estate, vehicles or equity to dispose of"),
                    ("many_parties", "More parties than the threshold"),
                    ("many_creditors", "The respondent has many creditors"),
                    ("other_risk", "Another risk noted at the first interview"),
                ],
                max_length=24,
                verbose_name="condition",
            ),
        ),
        # Back: the rules stay (decisions may name them; PROTECT), and an unknown condition never holds.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
