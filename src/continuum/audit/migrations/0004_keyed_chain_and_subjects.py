"""The keyed chain (ADR 0003): a hash scheme per event and the people each event is about, both
nullable so no existing event is touched (the log refuses UPDATE) and SQLite adds the columns in
place, keeping its triggers; and the subject index beside the chain."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_head_follows_events'),
    ]

    operations = [
        migrations.AlterModelOptions(name="auditevent", options={}),
        migrations.AddField(
            model_name='auditevent',
            name='scheme',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Hash scheme: NULL for 1 (SHA-256), 2 for HMAC-SHA256.', null=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='subject_person_ids',
            field=models.JSONField(blank=True, help_text='The people this event is about (covered by the hash).', null=True),
        ),
        migrations.CreateModel(
            name='AuditSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(help_text="The event's position in the chain.")),
                ('person_id', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['person_id', '-seq'], name='audit_subject_person_idx'), models.Index(fields=['seq'], name='audit_subject_seq_idx')],
            },
        ),
    ]
