"""Why an assignment went to its judge (issue 12, point 12): codes and parameters, see assignment.reasons.

Assignments made before this migration get an empty record; their pages say that no reason was kept,
rather than a reason reconstructed from today's loads, which would not be what was compared then.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assignment", "0003_triage_on_risk_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="why_chosen",
            field=models.JSONField(blank=True, default=dict, verbose_name="why this judge"),
        ),
        migrations.AddField(
            model_name="historicalassignment",
            name="why_chosen",
            field=models.JSONField(blank=True, default=dict, verbose_name="why this judge"),
        ),
    ]
