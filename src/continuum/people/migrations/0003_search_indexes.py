"""Indexes that keep person search fast at a million people.

On PostgreSQL, a trigram (pg_trgm) GIN index on the normalised family name serves every branch of
the name search that a b-tree cannot: "starts with" (the database collation is not C) and
"contains" (part of a hyphenated name). Other databases (SQLite) skip it; they hold demo-sized data.
The b-tree on the given-name key serves a one-word search that may be a given name.
"""

from django.db import migrations, models

TRGM_INDEX = "personname_family_trgm"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON people_personname "
        "USING gin (family_norm gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_merged_into")]

    operations = [
        migrations.RunPython(add_trigram_index, drop_trigram_index),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(fields=["given_key"], name="name_given_key_idx"),
        ),
    ]
