"""The parties' models, moved here from intake with their rows: the tables intake created are taken over as
they are (state only), and their content types follow them, so permissions and the deadlines whose subject
is a party's lead keep pointing at them. 0002 then gives the tables the portal's names."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# intake's model name -> the portal's
MOVED = {
    "queryattempt": "queryattempt",
    "queryblock": "queryblock",
    "publicprogress": "publicprogress",
    "appointmentslot": "appointmentslot",
    "historicalappointmentslot": "historicalappointmentslot",
    "appointment": "appointment",
    "historicalappointment": "historicalappointment",
    "partylead": "onlinelead",
    "historicalpartylead": "historicalonlinelead",
    "leadattachment": "leadattachment",
    "partymessage": "partymessage",
}


def move_content_types(apps, schema_editor, moves=MOVED, source="intake", target="portal"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, new in moves.items():
        ContentType.objects.using(db).filter(app_label=source, model=old).update(app_label=target, model=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, moves={v: k for k, v in MOVED.items()}, source="portal", target="intake")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('enforcement', '0018_public_event_texts_as_codes'),
        ('intake', '0004_risks_by_kind'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PublicProgress',
                    fields=[
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='enforcement.case', verbose_name='case')),
                        ('data', models.JSONField(verbose_name='what parties see')),
                        ('built_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='built at')),
                    ],
                    options={
                        'verbose_name': 'public progress of a case',
                        'verbose_name_plural': 'public progress of cases',
                        'db_table': 'intake_publicprogress',
                    },
                ),
                migrations.CreateModel(
                    name='AppointmentSlot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_at', models.DateTimeField(verbose_name='starts at')),
                        ('ends_at', models.DateTimeField(verbose_name='ends at')),
                        ('place', models.CharField(max_length=100, verbose_name='place')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('court', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enforcement.court', verbose_name='court')),
                        ('judge', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='slots', to=settings.AUTH_USER_MODEL, verbose_name='judge')),
                    ],
                    options={
                        'verbose_name': 'appointment slot',
                        'verbose_name_plural': 'appointment slots',
                        'db_table': 'intake_appointmentslot',
                        'ordering': ['starts_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Appointment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('topic', models.CharField(blank=True, max_length=200, verbose_name='what to talk about')),
                        ('booked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='booked at')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appointments', to='enforcement.case', verbose_name='case')),
                        ('party', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appointments', to='enforcement.party', verbose_name='party')),
                        ('slot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='portal.appointmentslot', verbose_name='slot')),
                    ],
                    options={
                        'verbose_name': 'appointment',
                        'verbose_name_plural': 'appointments',
                        'db_table': 'intake_appointment',
                        'ordering': ['slot__starts_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalAppointment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('topic', models.CharField(blank=True, max_length=200, verbose_name='what to talk about')),
                        ('booked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='booked at')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enforcement.case', verbose_name='case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('party', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enforcement.party', verbose_name='party')),
                        ('slot', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.appointmentslot', verbose_name='slot')),
                    ],
                    options={
                        'verbose_name': 'historical appointment',
                        'verbose_name_plural': 'historical appointments',
                        'db_table': 'intake_historicalappointment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalAppointmentSlot',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('starts_at', models.DateTimeField(verbose_name='starts at')),
                        ('ends_at', models.DateTimeField(verbose_name='ends at')),
                        ('place', models.CharField(max_length=100, verbose_name='place')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('court', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enforcement.court', verbose_name='court')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('judge', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='judge')),
                    ],
                    options={
                        'verbose_name': 'historical appointment slot',
                        'verbose_name_plural': 'historical appointment slots',
                        'db_table': 'intake_historicalappointmentslot',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalOnlineLead',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('bank_account', 'Bank account'), ('real_estate', 'Real estate'), ('vehicle', 'Vehicle'), ('wages', 'Wages or other income'), ('equity', 'Equity'), ('other', 'Other property')], max_length=16, verbose_name='kind')),
                        ('detail', models.TextField(verbose_name='detail')),
                        ('urgent', models.BooleanField(default=False, verbose_name='urgent (the property may be moved soon)')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enforcement.case', verbose_name='case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('party', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enforcement.party', verbose_name='reported by')),
                    ],
                    options={
                        'verbose_name': 'historical property lead from a party',
                        'verbose_name_plural': 'historical property leads from parties',
                        'db_table': 'intake_historicalpartylead',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='OnlineLead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('bank_account', 'Bank account'), ('real_estate', 'Real estate'), ('vehicle', 'Vehicle'), ('wages', 'Wages or other income'), ('equity', 'Equity'), ('other', 'Other property')], max_length=16, verbose_name='kind')),
                        ('detail', models.TextField(verbose_name='detail')),
                        ('urgent', models.BooleanField(default=False, verbose_name='urgent (the property may be moved soon)')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='party_leads', to='enforcement.case', verbose_name='case')),
                        ('party', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='enforcement.party', verbose_name='reported by')),
                    ],
                    options={
                        'verbose_name': 'property lead from a party',
                        'verbose_name_plural': 'property leads from parties',
                        'db_table': 'intake_partylead',
                        'ordering': ['-submitted_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='LeadAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='leads/%Y/%m/', verbose_name='file')),
                        ('original_name', models.CharField(max_length=200, verbose_name='file name')),
                        ('content_type', models.CharField(max_length=100, verbose_name='type')),
                        ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                        ('lead', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='portal.onlinelead')),
                    ],
                    options={
                        'verbose_name': 'lead attachment',
                        'verbose_name_plural': 'lead attachments',
                        'db_table': 'intake_leadattachment',
                    },
                ),
                migrations.CreateModel(
                    name='PartyMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_party', models.BooleanField(verbose_name='written by the party')),
                        ('body', models.TextField(verbose_name='message')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='party_messages', to='enforcement.case', verbose_name='case')),
                        ('party', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='enforcement.party', verbose_name='party')),
                    ],
                    options={
                        'verbose_name': 'message with a party',
                        'verbose_name_plural': 'messages with parties',
                        'db_table': 'intake_partymessage',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='QueryAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('client_ip', models.GenericIPAddressField(verbose_name='client address')),
                        ('case_number_key', models.CharField(max_length=60, verbose_name='case number')),
                        ('succeeded', models.BooleanField(default=False, verbose_name='succeeded')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                    ],
                    options={
                        'verbose_name': 'progress query',
                        'verbose_name_plural': 'progress queries',
                        'db_table': 'intake_queryattempt',
                        'indexes': [models.Index(fields=['client_ip', 'at'], name='query_attempt_ip'), models.Index(fields=['case_number_key', 'at'], name='query_attempt_case')],
                    },
                ),
                migrations.CreateModel(
                    name='QueryBlock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(choices=[('client', 'Client address'), ('case', 'Case number')], max_length=8, verbose_name='throttled by')),
                        ('key', models.CharField(max_length=60, verbose_name='address or case number')),
                        ('failures', models.PositiveIntegerField(verbose_name='failed queries')),
                        ('blocked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='throttled at')),
                        ('until', models.DateTimeField(verbose_name='until')),
                    ],
                    options={
                        'verbose_name': 'throttled progress query',
                        'verbose_name_plural': 'throttled progress queries',
                        'db_table': 'intake_queryblock',
                        'ordering': ['-blocked_at', '-id'],
                        'indexes': [models.Index(fields=['scope', 'key', 'until'], name='query_block_lookup')],
                    },
                ),
                migrations.AddIndex(
                    model_name='appointmentslot',
                    index=models.Index(fields=['judge', 'starts_at'], name='slot_judge_time'),
                ),
                migrations.AddConstraint(
                    model_name='appointmentslot',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='slot_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.UniqueConstraint(condition=models.Q(('cancelled_at__isnull', True)), fields=('slot',), name='one_booking_per_slot'),
                ),
                migrations.AddConstraint(
                    model_name='partymessage',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('author__isnull', True), ('from_party', True)), models.Q(('author__isnull', False), ('from_party', False)), _connector='OR'), name='message_author_matches_side'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
