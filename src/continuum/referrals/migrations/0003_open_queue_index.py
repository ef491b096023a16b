"""The front door queue index: open contacts, soonest deadline first, unrated (NULL) at the top.

PostgreSQL only: SQLite cannot put NULLS FIRST in an index (its small demo queues do not need it).
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS referral_open_queue_idx
ON referrals_referral (destination, rag_due_at ASC NULLS FIRST, submitted_at, id)
WHERE status IN ('submitted', 'received', 'information_gathering')
"""
DROP = "DROP INDEX IF EXISTS referral_open_queue_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_london_continuum_of_need")]
    operations = [migrations.RunPython(create, drop)]
