"""The chain head follows each appended event inside the INSERT itself (a trigger), so appending
an event is two statements (lock the head, insert) rather than three, and the head can never
disagree with the newest event written through any path."""

from django.db import migrations

POSTGRES = [
    """CREATE FUNCTION audit_head_follows_event() RETURNS trigger AS $$
       BEGIN
         UPDATE audit_auditchainhead SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_head_follows_event()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_event_moves_head ON audit_auditevent",
    "DROP FUNCTION audit_head_follows_event()",
]
SQLITE = [
    """CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_auditevent
       BEGIN
         UPDATE audit_auditchainhead SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
       END""",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_event_moves_head"]


def add_trigger(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES if postgres else SQLITE:
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head_and_append_only")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
