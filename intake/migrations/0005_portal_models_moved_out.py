"""The first interview's property leads are InterviewLead (a party's online report is portal.OnlineLead), and
the parties' models leave intake for the portal app."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0004_risks_by_kind'),
        ('portal', '0001_moved_from_intake'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='HistoricalPropertyLead',
            new_name='HistoricalInterviewLead',
        ),
        migrations.RenameModel(
            old_name='PropertyLead',
            new_name='InterviewLead',
        ),
        # The parties' models moved to the portal app with their tables (portal/migrations/0001): here they
        # leave intake's state only, and no table is touched.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                        model_name='appointment',
                        name='case',
                    ),
            migrations.RemoveField(
                        model_name='appointment',
                        name='party',
                    ),
            migrations.RemoveField(
                        model_name='appointment',
                        name='slot',
                    ),
            migrations.RemoveField(
                        model_name='appointmentslot',
                        name='court',
                    ),
            migrations.RemoveField(
                        model_name='appointmentslot',
                        name='judge',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointment',
                        name='slot',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointment',
                        name='case',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointment',
                        name='history_user',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointment',
                        name='party',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointmentslot',
                        name='court',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointmentslot',
                        name='history_user',
                    ),
            migrations.RemoveField(
                        model_name='historicalappointmentslot',
                        name='judge',
                    ),
            migrations.RemoveField(
                        model_name='historicalpartylead',
                        name='case',
                    ),
            migrations.RemoveField(
                        model_name='historicalpartylead',
                        name='history_user',
                    ),
            migrations.RemoveField(
                        model_name='historicalpartylead',
                        name='party',
                    ),
            migrations.RemoveField(
                        model_name='leadattachment',
                        name='lead',
                    ),
            migrations.RemoveField(
                        model_name='partylead',
                        name='case',
                    ),
            migrations.RemoveField(
                        model_name='partylead',
                        name='party',
                    ),
            migrations.RemoveField(
                        model_name='partymessage',
                        name='author',
                    ),
            migrations.RemoveField(
                        model_name='partymessage',
                        name='case',
                    ),
            migrations.RemoveField(
                        model_name='partymessage',
                        name='party',
                    ),
            migrations.RemoveField(
                        model_name='publicprogress',
                        name='case',
                    ),
            migrations.DeleteModel(
                        name='QueryAttempt',
                    ),
            migrations.DeleteModel(
                        name='QueryBlock',
                    ),
            migrations.DeleteModel(
                        name='Appointment',
                    ),
            migrations.DeleteModel(
                        name='AppointmentSlot',
                    ),
            migrations.DeleteModel(
                        name='HistoricalAppointment',
                    ),
            migrations.DeleteModel(
                        name='HistoricalAppointmentSlot',
                    ),
            migrations.DeleteModel(
                        name='HistoricalPartyLead',
                    ),
            migrations.DeleteModel(
                        name='LeadAttachment',
                    ),
            migrations.DeleteModel(
                        name='PartyLead',
                    ),
            migrations.DeleteModel(
                        name='PartyMessage',
                    ),
            migrations.DeleteModel(
                        name='PublicProgress',
                    ),
            ],
            database_operations=[],
        ),
    ]
