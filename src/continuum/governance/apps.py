from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "continuum.governance"
    label = "governance"
    verbose_name = "Governance: access, consent and lawful basis"
