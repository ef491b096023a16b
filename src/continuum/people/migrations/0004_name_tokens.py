"""The name vocabulary person search matches typed names against (`people.NameToken`).

Triggers on `people_personname` add each new or changed given and family name to it, whatever
writes the name (services, the demo seed, imports, COPY). On PostgreSQL the trigger runs once per
statement over its transition table, so a bulk load pays one INSERT … SELECT DISTINCT per
statement, not one per row; a trigram index serves "starts with" and "part of a hyphenated name".
The existing names are copied in once here.
"""

from django.db import migrations, models

POSTGRES = [
    """CREATE FUNCTION people_nametoken_add() RETURNS trigger AS $$
       BEGIN
         INSERT INTO people_nametoken (token, initial, length)
         SELECT DISTINCT t, left(t, 1), length(t)
         FROM (SELECT given_norm AS t FROM new_names UNION SELECT family_norm FROM new_names) s
         WHERE t <> ''
         ON CONFLICT (token) DO NOTHING;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER people_personname_tokens_insert AFTER INSERT ON people_personname
       REFERENCING NEW TABLE AS new_names
       FOR EACH STATEMENT EXECUTE FUNCTION people_nametoken_add()""",
    """CREATE TRIGGER people_personname_tokens_update AFTER UPDATE ON people_personname
       REFERENCING NEW TABLE AS new_names
       FOR EACH STATEMENT EXECUTE FUNCTION people_nametoken_add()""",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS people_nametoken_trgm ON people_nametoken
       USING gin (token gin_trgm_ops)""",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS people_nametoken_trgm",
    "DROP TRIGGER people_personname_tokens_update ON people_personname",
    "DROP TRIGGER people_personname_tokens_insert ON people_personname",
    "DROP FUNCTION people_nametoken_add()",
]
_SQLITE_ADD = """
    INSERT OR IGNORE INTO people_nametoken (token, initial, length)
    SELECT NEW.given_norm, substr(NEW.given_norm, 1, 1), length(NEW.given_norm)
    WHERE NEW.given_norm <> '';
    INSERT OR IGNORE INTO people_nametoken (token, initial, length)
    SELECT NEW.family_norm, substr(NEW.family_norm, 1, 1), length(NEW.family_norm)
    WHERE NEW.family_norm <> '';
"""
SQLITE = [
    f"""CREATE TRIGGER people_personname_tokens_insert AFTER INSERT ON people_personname
        BEGIN {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER people_personname_tokens_update
        AFTER UPDATE OF given_norm, family_norm ON people_personname
        BEGIN {_SQLITE_ADD} END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER people_personname_tokens_update",
    "DROP TRIGGER people_personname_tokens_insert",
]
BACKFILL = """
    INSERT INTO people_nametoken (token, initial, length)
    SELECT t, substr(t, 1, 1), length(t)
    FROM (SELECT given_norm AS t FROM people_personname
          UNION SELECT family_norm FROM people_personname) s
    WHERE t <> ''
"""


def add_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(BACKFILL)
    for sql in POSTGRES if postgres else SQLITE:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_search_indexes")]

    operations = [
        migrations.CreateModel(
            name="NameToken",
            fields=[
                (
                    "token",
                    models.CharField(max_length=100, primary_key=True, serialize=False),
                ),
                ("initial", models.CharField(max_length=1)),
                ("length", models.PositiveSmallIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["initial", "length"], name="nametoken_initial_idx")
                ],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
