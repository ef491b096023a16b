"""Create the default "Continuum family outcomes" instrument (and remove it on reverse)."""

from django.db import migrations

# The values are copied here (not imported) so that the migration never changes after the fact.
CODE = "continuum-family-outcomes"
AREAS = [
    ("education", "Getting a good education"),
    ("early-years", "Good early years development"),
    ("health", "Improved mental and physical health"),
    ("substance-use", "Promoting recovery and reducing harm from substance use"),
    ("relationships", "Improved family relationships"),
    ("safe-from-abuse", "Children safe from abuse and exploitation"),
    ("crime", "Crime prevention and tackling crime"),
    ("domestic-abuse", "Safe from domestic abuse"),
    ("housing", "Secure housing"),
    ("finance", "Financial stability"),
]
STAGES = [
    {"from": 1, "to": 2, "label": "Struggling and not ready for help"},
    {"from": 3, "to": 4, "label": "Starting to accept help"},
    {"from": 5, "to": 6, "label": "Trying things out"},
    {"from": 7, "to": 8, "label": "Finding what works"},
    {"from": 9, "to": 10, "label": "Managing well"},
]


def create_default(apps, schema_editor):
    Instrument = apps.get_model("outcomes", "Instrument")
    InstrumentArea = apps.get_model("outcomes", "InstrumentArea")
    instrument, _ = Instrument.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Continuum family outcomes",
            "description": (
                "Continuum's own measure on the 10 headline outcomes of the National Supporting "
                "Families Outcome Framework 2022-25, scored 1 (most need) to 10 (managing well)."
            ),
            "scale_min": 1,
            "scale_max": 10,
            "stage_labels": STAGES,
        },
    )
    for order, (code, label) in enumerate(AREAS, start=1):
        InstrumentArea.objects.get_or_create(
            instrument=instrument, code=code, defaults={"label": label, "order": order}
        )


def remove_default(apps, schema_editor):
    Instrument = apps.get_model("outcomes", "Instrument")
    Reading = apps.get_model("outcomes", "Reading")
    Reading.objects.filter(instrument__code=CODE).delete()
    Instrument.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(create_default, remove_default)]
