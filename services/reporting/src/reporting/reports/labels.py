"""How coded values read in a report: the user guide's names for session types and
service forms, iCARE's labels for its lists (from `reference.icare`, by the same stable
keys sessions derives its choices with), English and French. A value without a title
reads as itself."""

from collections.abc import Mapping
from functools import cache

from reference.icare import catalog
from reference.icare.keys import choice_keys

Titles = Mapping[str, tuple[str, str]]

SESSION_TYPES: Titles = {
    "direct_service": ("Direct Service", "Service direct"),
    "direct_service_job_development": (
        "Direct Service (Job Development)",
        "Service direct (développement de l'emploi)",
    ),
    "direct_service_finance": ("Direct Service (Finance)", "Service direct (finances)"),
    "language_training": ("Language Training", "Formation linguistique"),
    "io_group_activity": (
        "Information & Orientation Group Activity",
        "Activité de groupe d'information et d'orientation",
    ),
    "cc_group_activity": (
        "Community Connections Group Activity",
        "Activité de groupe de connexions communautaires",
    ),
    "employment_group_activity": ("Employment Group Activity", "Activité de groupe d'emploi"),
}

SERVICE_FORMS: Titles = {
    "information_orientation": ("Information & Orientation", "Information et orientation"),
    "needs_assessment": ("Needs Assessment", "Évaluation des besoins"),
    "employment": ("Employment", "Emploi"),
    "non_specified": ("Non-Specified", "Non précisé"),
    "refugee_rap": ("Refugee (RAP)", "Réfugiés (PAR)"),
    "community_connection": ("Community Connection", "Connexions communautaires"),
    "language_assessment": ("Language Assessment", "Évaluation linguistique"),
    "jd_needs_assessment": (
        "Job Development Needs Assessment",
        "Évaluation des besoins (développement de l'emploi)",
    ),
    "jd_update_progress": ("Job Development Update/Progress", "Suivi (développement de l'emploi)"),
    "jd_job_placement": ("Job Placement", "Placement"),
    "jd_mentor_match": ("Mentor/Tutor Match", "Jumelage mentor/tuteur"),
    "jd_mentor_update": ("Mentor/Tutor Update", "Suivi mentor/tuteur"),
    "financial_services_outcomes": (
        "Financial Services and Outcomes",
        "Services financiers et résultats",
    ),
    "io_group": (
        "Information & Orientation (Group Activity)",
        "Information et orientation (activité de groupe)",
    ),
    "cc_group": (
        "Community Connections (Group Activity)",
        "Connexions communautaires (activité de groupe)",
    ),
    "employment_group": ("Employment (Group Activity)", "Emploi (activité de groupe)"),
}

DELIVERY: Titles = {
    "in_person": ("In person", "En personne"),
    "phone": ("Phone", "Téléphone"),
    "email": ("Email", "Courriel"),
    "online": ("Online", "En ligne"),
}
CONTACT_SOURCES: Titles = {
    "service": ("Service form", "Formulaire de service"),
    "group": ("Group activity", "Activité de groupe"),
}
REFERRAL_STATUS: Titles = {
    "sent": ("Sent", "Envoyée"),
    "accepted": ("Accepted", "Acceptée"),
    "declined": ("Declined", "Refusée"),
    "service_started": ("Service started", "Service commencé"),
    "completed": ("Completed", "Terminée"),
    "closed": ("Closed", "Fermée"),
}
REFERRAL_KIND: Titles = {
    "internal": ("Internal", "Interne"),
    "external": ("External", "Externe"),
}
TASK_PRIORITY: Titles = {
    "low": ("Low", "Basse"),
    "normal": ("Normal", "Normale"),
    "high": ("High", "Haute"),
    "urgent": ("Urgent", "Urgente"),
}
ATTENDANCE: Titles = {
    "present": ("Present", "Présent"),
    "late": ("Late", "En retard"),
    "absent": ("Absent", "Absent"),
    "excused": ("Excused", "Excusé"),
}
ENROLMENT_STATUS: Titles = {
    "enrolled": ("Enrolled", "Inscrit"),
    "exited": ("Exited", "Sorti"),
}
CLIENT_KIND: Titles = {
    "named": ("Named", "Nominatif"),
    "anonymous": ("Anonymous", "Anonyme"),
}


@cache
def icare_choices(template: str, field_id: str) -> Titles:
    """An iCARE list as sessions keys it (`choice_keys`), with iCARE's (English) labels."""
    field = next(f for f in catalog.template(template).fields if f.id == field_id)
    if field.values is None:
        return {}
    return {
        key: (label, label)
        for key, label in zip(choice_keys(field.values), field.values, strict=True)
    }


def vocabularies() -> dict[str, Titles]:
    return {
        "session_type": SESSION_TYPES,
        "form_key": SERVICE_FORMS,
        "delivery_mode": DELIVERY,
        "contact_source": CONTACT_SOURCES,
        "referral_status": REFERRAL_STATUS,
        "referral_kind": REFERRAL_KIND,
        "task_priority": TASK_PRIORITY,
        "attendance": ATTENDANCE,
        "enrolment_status": ENROLMENT_STATUS,
        "client_kind": CLIENT_KIND,
        "training_status": icare_choices("lt_client_exit", "training_status_id"),
        "exit_reason": icare_choices("lt_client_exit", "exit_course_reason_id"),
    }


def title(vocabulary: str, value: str, lang: str) -> str:
    found = vocabularies()[vocabulary].get(value)
    if found is None:
        return value
    return found[1] if lang == "fr" else found[0]
