"""Code lists for casework: the CIN census (standards.md 1.3) and assessment triangle (7.1)."""

from __future__ import annotations

from django.db import models


class EpisodeKind(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection"
    SINGLE_AGENCY = "single_agency", "Single-agency support"


STATUTORY_KINDS = {EpisodeKind.CHILD_IN_NEED, EpisodeKind.CHILD_PROTECTION}


class EpisodeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSURE_REQUESTED = "closure_requested", "Closure awaiting approval"
    CLOSED = "closed", "Closed"


class LevelOfNeed(models.IntegerChoices):
    UNIVERSAL = 1, "Level 1: universal"
    EARLY_HELP = 2, "Level 2: early help"
    TARGETED = 3, "Level 3: targeted / complex"
    SPECIALIST = 4, "Level 4: specialist / statutory"


class PrimaryNeed(models.TextChoices):
    N1 = "N1", "N1 Abuse, neglect and exploitation"
    N2 = "N2", "N2 Child's disability"
    N3 = "N3", "N3 Parental disability or illness"
    N4 = "N4", "N4 Family in acute stress"
    N5 = "N5", "N5 Family dysfunction"
    N6 = "N6", "N6 Socially unacceptable behaviour"
    N7 = "N7", "N7 Low income"
    N8 = "N8", "N8 Absent parenting"
    N9 = "N9", "N9 Cases other than children in need"
    N0 = "N0", "N0 Not stated"


class CategoryOfAbuse(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple / not recommended"


class ClosureReason(models.TextChoices):
    RC1 = "RC1", "RC1 Adopted"
    RC2 = "RC2", "RC2 Died"
    RC3 = "RC3", "RC3 Child arrangements order"
    RC4 = "RC4", "RC4 Special guardianship order"
    RC5 = "RC5", "RC5 Transferred to another local authority"
    RC6 = "RC6", "RC6 Transferred to adult social care"
    RC7 = "RC7", "RC7 Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "RC8 Closed after assessment, no further action"
    RC9 = "RC9", "RC9 Closed after assessment, referred to early help"


class S47Outcome(models.TextChoices):
    """Outcome of a section 47 enquiry (SSD code list s47_outcome, SSD083)."""

    ICPC = "icpc", "Initial child protection conference"
    OTHER_AGENCY = "other_agency", "Other agency to monitor the child's welfare"
    CONTINUE_ASSESSMENT = (
        "continue_assessment",
        "No further action: continue with family assessment",
    )
    LEGAL = "legal", "Initiate legal action"
    SERVICES = "services", "Provision of services (section 17)"
    SHORT_BREAKS = "short_breaks", "Provision of short break care (section 17)"
    NFA = "nfa", "No further action"
    OTHER = "other", "Other outcome"


class EarlyHelpOutcome(models.TextChoices):
    NEEDS_MET = "needs_met", "Needs met: plan outcomes achieved"
    STEP_DOWN = "step_down", "Stepped down to universal services"
    STEP_UP = "step_up", "Stepped up to children's social care"
    DISENGAGED = "disengaged", "Family did not engage / withdrew consent"
    MOVED = "moved", "Family moved out of the area"
    TRANSFERRED = "transferred", "Transferred to another lead professional or agency"
    OTHER = "other", "Other"


class VisitKind(models.TextChoices):
    HOME = "home", "Home visit"
    HUB = "hub", "At the family hub"
    SCHOOL = "school", "At school"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done / dropped"


OPEN_ACTION_STATUSES = [ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Awaiting manager sign-off"
    COMPLETED = "completed", "Completed (signed off)"


class Domain(models.TextChoices):
    CHILD = "child", "Child's developmental needs"
    PARENTING = "parenting", "Parenting capacity"
    FAMILY = "family", "Family and environmental factors"


# (domain, code, label): standards.md 7.1
DIMENSIONS: list[tuple[str, str, str]] = [
    (Domain.CHILD, "health", "Health"),
    (Domain.CHILD, "education", "Education"),
    (Domain.CHILD, "emotional", "Emotional and behavioural development"),
    (Domain.CHILD, "identity", "Identity"),
    (Domain.CHILD, "relationships", "Family and social relationships"),
    (Domain.CHILD, "presentation", "Social presentation"),
    (Domain.CHILD, "self_care", "Self-care skills"),
    (Domain.PARENTING, "basic_care", "Basic care"),
    (Domain.PARENTING, "safety", "Ensuring safety"),
    (Domain.PARENTING, "warmth", "Emotional warmth"),
    (Domain.PARENTING, "stimulation", "Stimulation"),
    (Domain.PARENTING, "boundaries", "Guidance and boundaries"),
    (Domain.PARENTING, "stability", "Stability"),
    (Domain.FAMILY, "history", "Family history and functioning"),
    (Domain.FAMILY, "wider_family", "Wider family"),
    (Domain.FAMILY, "housing", "Housing"),
    (Domain.FAMILY, "employment", "Employment"),
    (Domain.FAMILY, "income", "Income"),
    (Domain.FAMILY, "integration", "Family's social integration"),
    (Domain.FAMILY, "community", "Community resources"),
]
DIMENSION_LABELS = {code: label for _, code, label in DIMENSIONS}
DIMENSION_DOMAIN = {code: domain for domain, code, _ in DIMENSIONS}

# CIN census AssessmentFactors (2024-25 onwards: 18A and 19A retired).
ASSESSMENT_FACTORS: list[tuple[str, str]] = [
    ("1A", "Alcohol misuse: child"),
    ("1B", "Alcohol misuse: parent/carer"),
    ("1C", "Alcohol misuse: other person in household"),
    ("2A", "Drug misuse: child"),
    ("2B", "Drug misuse: parent/carer"),
    ("2C", "Drug misuse: other person in household"),
    ("3A", "Domestic abuse: child"),
    ("3B", "Domestic abuse: parent/carer"),
    ("3C", "Domestic abuse: other person in household"),
    ("4A", "Mental health: child"),
    ("4B", "Mental health: parent/carer"),
    ("4C", "Mental health: other person in household"),
    ("5A", "Learning disability: child"),
    ("5B", "Learning disability: parent/carer"),
    ("5C", "Learning disability: other person in household"),
    ("6A", "Physical disability or illness: child"),
    ("6B", "Physical disability or illness: parent/carer"),
    ("6C", "Physical disability or illness: other person in household"),
    ("7A", "Young carer"),
    ("8B", "Privately fostered: overseas, intends to return"),
    ("8C", "Privately fostered: overseas, intends to stay"),
    ("8D", "Privately fostered: UK, educational placement"),
    ("8E", "Privately fostered: UK, alternative family arrangements"),
    ("8F", "Privately fostered: other"),
    ("9A", "Unaccompanied asylum-seeking child"),
    ("10A", "Going or being missing"),
    ("11A", "Child sexual exploitation"),
    ("12A", "Trafficking"),
    ("13A", "Gangs"),
    ("14A", "Socially unacceptable behaviour"),
    ("15A", "Self-harm"),
    ("16A", "Neglect"),
    ("17A", "Emotional abuse"),
    ("18B", "Physical abuse: child on child"),
    ("18C", "Physical abuse: adult on child"),
    ("19B", "Sexual abuse: child on child"),
    ("19C", "Sexual abuse: adult on child"),
    ("20", "Other"),
    ("21", "No factors identified"),
    ("22A", "Female genital mutilation"),
    ("23A", "Abuse linked to faith or belief"),
    ("24A", "Child criminal exploitation"),
]
FACTOR_CODES = {code for code, _ in ASSESSMENT_FACTORS}
NO_FACTORS = "21"


class ChronologyKind(models.TextChoices):
    EPISODE_START = "episode_start", "Episode opened"
    EPISODE_CLOSE = "episode_close", "Episode closed"
    VISIT = "visit", "Visit or contact"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan agreed or changed"
    REVIEW = "review", "Plan review"
    TAF = "taf", "Team Around the Family"
    REFERRAL = "referral", "Referral or decision"
    S47 = "s47", "Section 47 enquiry"
    ICPC = "icpc", "Child protection conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    POLICE = "police", "Police incident"
    EDUCATION = "education", "School / exclusion"
    HEALTH = "health", "Health"
    BIRTH = "birth", "Birth"
    MOVE = "move", "Moved address"
    OTHER = "other", "Other significant event"


MANUAL_CHRONOLOGY_KINDS = [
    ChronologyKind.REFERRAL,
    ChronologyKind.POLICE,
    ChronologyKind.EDUCATION,
    ChronologyKind.HEALTH,
    ChronologyKind.OTHER,
]
