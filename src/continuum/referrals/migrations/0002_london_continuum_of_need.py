"""The default continuum of need: the London "Continuum of Help and Support" (standards 3.1).

An area replaces it by adding a new framework version; decisions keep the version they used.
"""

from django.db import migrations

NAME = "London Continuum of Help and Support"
DOMAINS = ("Child development", "Parenting capacity", "Family and environment")
LEVELS = [
    (1, "No additional needs (universal)", "green",
     "All health and developmental needs are met by universal services. Child-focused caregiving.",
     "Universal services: health visiting, schools, GPs, children's centres.",
     ("Meeting developmental milestones; healthy; attending school or nursery.",
      "Parents or carers meet the child's needs and keep them safe.",
      "Stable home; supported by family and community.")),
    (2, "Early help (additional needs)", "green",
     "Additional needs; may be vulnerable or showing early signs of abuse or neglect. Needs are "
     "not clear, not known or not being met. May be subject to adult-focused caregiving.",
     "A multi-agency early help assessment, with a lead professional coordinating family support, "
     "parenting programmes and children's centres.",
     ("Some delay in development, health or learning; poor attendance starting.",
      "Parents need support to meet the child's needs; inconsistent boundaries.",
      "Housing, money or relationship pressures affecting the child.")),
    (3, "Children with complex multiple needs", "amber",
     "High-level additional unmet needs likely to require longer-term intervention from statutory "
     "and/or specialist services. Usually a targeted integrated response.",
     "A child in need assessment (section 17).",
     ("Significant developmental delay or health needs not being met; persistent absence.",
      "Parental substance misuse, mental ill-health or domestic abuse affecting care.",
      "Unsuitable housing, isolation, or a family in crisis.")),
    (4, "Children in acute need", "red",
     "Suffering or likely to suffer significant harm.",
     "Section 47 enquiries and child protection, immediate protection, or the need to be looked after.",
     ("Injuries or presentation suggesting abuse; serious self-harm; exploitation.",
      "Parents unable or unwilling to protect the child from significant harm.",
      "Domestic abuse in a household with a baby; a dangerous adult in the home.")),
]  # fmt: skip


def create(apps, schema_editor):
    Framework = apps.get_model("referrals", "ThresholdFramework")
    NeedLevel = apps.get_model("referrals", "NeedLevel")
    framework = Framework.objects.create(
        name=NAME, version=1, is_current=True,
        source="London Safeguarding Children Partnership threshold document, refreshed February 2023",
    )  # fmt: skip
    for number, name, rag, summary, response, descriptors in LEVELS:
        NeedLevel.objects.create(
            framework=framework, number=number, name=name, rag=rag, summary=summary,
            response=response, descriptors=dict(zip(DOMAINS, descriptors, strict=True)),
        )  # fmt: skip


def remove(apps, schema_editor):
    Framework = apps.get_model("referrals", "ThresholdFramework")
    NeedLevel = apps.get_model("referrals", "NeedLevel")
    NeedLevel.objects.filter(framework__name=NAME, framework__version=1).delete()
    Framework.objects.filter(name=NAME, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
