"""The tables moved from intake take the portal's names (intake_partylead becomes portal_onlinelead, and so on)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_moved_from_intake'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='appointment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='appointmentslot',
            table=None,
        ),
        migrations.AlterModelTable(
            name='historicalappointment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='historicalappointmentslot',
            table=None,
        ),
        migrations.AlterModelTable(
            name='historicalonlinelead',
            table=None,
        ),
        migrations.AlterModelTable(
            name='leadattachment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='onlinelead',
            table=None,
        ),
        migrations.AlterModelTable(
            name='partymessage',
            table=None,
        ),
        migrations.AlterModelTable(
            name='publicprogress',
            table=None,
        ),
        migrations.AlterModelTable(
            name='queryattempt',
            table=None,
        ),
        migrations.AlterModelTable(
            name='queryblock',
            table=None,
        ),
    ]
