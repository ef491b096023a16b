"""Indexes for the front door queue and the referral register, measured by
benchmarks/referrals.py (10,000 open contacts, 500,000 referrals).

- referral_child_date_idx (child, submitted_at, id) for sent referrals: the register's
  re-referral count is a LAG window over child and date, and this narrow index hands the rows
  over already in that order (an index-only scan, no sort). It replaces referral_child_idx.
- referral_register_idx (submitted_at) for sent referrals: on PostgreSQL it INCLUDEs every
  column the register report counts, so the report is an index-only scan instead of reading the
  wide referral rows (free text) from the heap, and a period is a range of it. It replaces
  referral_submitted_idx.
- referral_open_queue_idx (PostgreSQL) now INCLUDEs the RAG rating, the decision deadline and
  the receiving agency, so the queue's counts by rating, its overdue count and its page of ids
  are read from the index alone.

SQLite has no INCLUDE or NULLS FIRST in an index: it gets the plain partial register index.
"""

from django.db import migrations, models

REGISTER_COLUMNS = (
    "source, destination, outcome, rag, status, received_at, acknowledgement_due_at, "
    "rag_due_at, decision_due_at, decided_at"
)
POSTGRES = [
    f"""CREATE INDEX IF NOT EXISTS referral_register_idx
        ON referrals_referral (submitted_at) INCLUDE ({REGISTER_COLUMNS})
        WHERE submitted_at IS NOT NULL""",
    "DROP INDEX IF EXISTS referral_open_queue_idx",
    """CREATE INDEX referral_open_queue_idx
       ON referrals_referral (destination, rag_due_at ASC NULLS FIRST, submitted_at, id)
       INCLUDE (rag, decision_due_at, destination_agency_id)
       WHERE status IN ('submitted', 'received', 'information_gathering')""",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS referral_register_idx",
    "DROP INDEX IF EXISTS referral_open_queue_idx",
    """CREATE INDEX referral_open_queue_idx
       ON referrals_referral (destination, rag_due_at ASC NULLS FIRST, submitted_at, id)
       WHERE status IN ('submitted', 'received', 'information_gathering')""",
]
SQLITE = [
    """CREATE INDEX IF NOT EXISTS referral_register_idx
       ON referrals_referral (submitted_at) WHERE submitted_at IS NOT NULL""",
]
SQLITE_REVERSE = ["DROP INDEX IF EXISTS referral_register_idx"]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES if postgres else SQLITE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_referral_episode")]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referral_child_idx"),
        migrations.RemoveIndex(model_name="referral", name="referral_submitted_idx"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("submitted_at__isnull", False)),
                fields=["child", "submitted_at", "id"],
                name="referral_child_date_idx",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
