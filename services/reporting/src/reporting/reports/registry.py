"""The report catalog, as data. A report names a fact (what it counts, `facts.py`), the
measures shown as its totals and columns, and the breakdowns shown as its tables.

Adding a report is one `Report(...)` entry below; the criteria it accepts follow from
its fact (a fact about clients takes the additional options: gender, immigration
status, age group, language, country of birth, target group).
"""

from dataclasses import dataclass

from reporting.reports.facts import FACTS, Fact

# Criteria of every report (the Report Criteria page).
DATE_CRITERIA = ("date_from", "date_to")
# Additional options: filters on the client's profile.
CLIENT_OPTIONS = (
    "gender",
    "immigration_status",
    "age_group",
    "language",
    "country_of_birth",
    "target_group",
)


@dataclass(frozen=True)
class Report:
    key: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    fact: str
    measures: tuple[str, ...]
    breakdowns: tuple[str, ...]

    @property
    def source(self) -> Fact:
        return FACTS[self.fact]

    @property
    def criteria(self) -> tuple[str, ...]:
        """The criteria this report takes, in the order of the criteria page."""
        fact = self.source
        names = list(DATE_CRITERIA)
        if fact.program is not None:
            names.append("program_id")
            if fact.by_agreement:
                names.append("agreement_id")
        if fact.funder_ids is not None:
            names.append("funder_id")
        if fact.worker is not None:
            names.append("worker_id")
        if fact.has_clients:
            names += CLIENT_OPTIONS
        return tuple(names)


REPORTS: tuple[Report, ...] = (
    Report(
        key="clients_served",
        title_en="Clients served",
        title_fr="Clients servis",
        description_en="Unique clients who received a service or attended a group activity.",
        description_fr="Clients uniques ayant reçu un service ou participé à une activité de "
        "groupe.",
        fact="contacts",
        measures=("clients", "contacts"),
        breakdowns=("program", "month", "session_type"),
    ),
    Report(
        key="client_profiles",
        title_en="Clients served by profile",
        title_fr="Clients servis par profil",
        description_en="Unique clients served, by gender, age group, immigration status, "
        "country of birth and official language.",
        description_fr="Clients uniques servis, par genre, groupe d'âge, statut d'immigration, "
        "pays de naissance et langue officielle.",
        fact="contacts",
        measures=("clients",),
        breakdowns=(
            "gender",
            "age_group",
            "immigration_status",
            "immigration_category",
            "country_of_birth",
            "official_language",
        ),
    ),
    Report(
        key="new_registrations",
        title_en="New client registrations",
        title_fr="Nouvelles inscriptions de clients",
        description_en="Client profiles registered in the period (merged profiles once).",
        description_fr="Profils de clients inscrits pendant la période (profils fusionnés une "
        "fois).",
        fact="registrations",
        measures=("clients", "named", "anonymous"),
        breakdowns=("month", "gender", "age_group", "immigration_status", "worker"),
    ),
    Report(
        key="services_by_type",
        title_en="Services by type and form",
        title_fr="Services par type et formulaire",
        description_en="Completed service forms, by session type, form, delivery and month.",
        description_fr="Formulaires de service remplis, par type de séance, formulaire, mode de "
        "prestation et mois.",
        fact="services",
        measures=("services", "clients"),
        breakdowns=("session_type", "form_key", "delivery_mode", "month"),
    ),
    Report(
        key="services_by_worker",
        title_en="Services by worker",
        title_fr="Services par intervenant",
        description_en="Completed service forms and unique clients, per worker and program.",
        description_fr="Formulaires de service remplis et clients uniques, par intervenant et "
        "programme.",
        fact="services",
        measures=("services", "clients"),
        breakdowns=("worker", "program"),
    ),
    Report(
        key="open_drafts",
        title_en="Service forms still in draft",
        title_fr="Formulaires de service encore en brouillon",
        description_en="Service forms saved as drafts and not completed yet, by author, form "
        "and program: the forms that need to be completed.",
        description_fr="Formulaires de service enregistrés en brouillon et pas encore "
        "remplis, par auteur, formulaire et programme : les formulaires à compléter.",
        fact="drafts",
        measures=("drafts", "oldest_days"),
        breakdowns=("worker", "form_key", "program"),
    ),
    Report(
        key="group_activities",
        title_en="Group activities and attendance",
        title_fr="Activités de groupe et participation",
        description_en="Group activities held and their attendance, named and anonymous.",
        description_fr="Activités de groupe tenues et leur participation, nominative et anonyme.",
        fact="groups",
        measures=("activities", "named", "anonymous", "attendance", "attended"),
        breakdowns=("session_type", "program", "month"),
    ),
    Report(
        key="course_enrolments",
        title_en="Language course enrolments",
        title_fr="Inscriptions aux cours de langue",
        description_en="Enrolments in language courses made in the period, and their status.",
        description_fr="Inscriptions aux cours de langue faites pendant la période, et leur "
        "statut.",
        fact="enrolments",
        measures=("enrolments", "clients", "exited"),
        breakdowns=("course", "status", "month"),
    ),
    Report(
        key="course_attendance",
        title_en="Language course attendance",
        title_fr="Présence aux cours de langue",
        description_en="Attendance marks of the classes held in the period, the attendance "
        "rate (present or late, of all marks) and the hours attended.",
        description_fr="Présences notées aux cours tenus pendant la période, le taux de "
        "présence (présent ou en retard, sur toutes les présences notées) et les heures de "
        "présence.",
        fact="attendance",
        measures=("marks", "present", "late", "absent", "excused", "attendance_rate", "hours"),
        breakdowns=("course", "month"),
    ),
    Report(
        key="course_exits",
        title_en="Language course exits by CLB level",
        title_fr="Sorties des cours de langue par niveau NCLC",
        description_en="Exits from language courses in the period: training status, reason "
        "and the CLB levels reached.",
        description_fr="Sorties des cours de langue pendant la période : statut, raison et "
        "niveaux NCLC atteints.",
        fact="exits",
        measures=("exits", "completed", "certificates"),
        breakdowns=(
            "training_status",
            "exit_reason",
            "listening_clb",
            "speaking_clb",
            "reading_clb",
            "writing_clb",
        ),
    ),
    Report(
        key="referrals",
        title_en="Referrals",
        title_fr="Références",
        description_en="Referrals made in the period, by status, partner, need and outcome.",
        description_fr="Références faites pendant la période, par statut, partenaire, besoin "
        "et résultat.",
        fact="referrals",
        measures=("referrals", "clients", "open", "completed", "declined"),
        breakdowns=("status", "kind", "partner", "to_program", "need", "outcome"),
    ),
    Report(
        key="tasks_overdue",
        title_en="Tasks overdue by worker",
        title_fr="Tâches en retard par intervenant",
        description_en="Open tasks past their due date at the end of the period, by the "
        "worker they are assigned to, with the tasks still open then and those done in the "
        "period.",
        description_fr="Tâches ouvertes dont l'échéance est passée à la fin de la période, "
        "par l'intervenant à qui elles sont assignées, avec les tâches encore ouvertes alors "
        "et celles terminées pendant la période.",
        fact="tasks",
        measures=("overdue", "open", "done", "oldest_overdue_days"),
        breakdowns=("worker", "program", "priority"),
    ),
    Report(
        key="support_services",
        title_en="Support services received",
        title_fr="Services de soutien reçus",
        description_en="Support services clients received (childminding, transportation, "
        "disability support, translation, interpretation, crisis counselling).",
        description_fr="Services de soutien reçus par les clients (garde d'enfants, transport, "
        "soutien aux personnes handicapées, traduction, interprétation, counseling de crise).",
        fact="support",
        measures=(
            "clients",
            "childminding",
            "transportation",
            "disability_support",
            "translation",
            "interpretation",
            "crisis_counselling",
        ),
        breakdowns=("program", "month"),
    ),
    Report(
        key="funder_summary",
        title_en="Funder summary",
        title_fr="Sommaire par bailleur de fonds",
        description_en="Services funded under each funding agreement (its programs, its dates, "
        "sessions naming its funder) and the unique clients they served.",
        description_fr="Services financés par chaque accord de financement (ses programmes, ses "
        "dates, les séances qui nomment son bailleur) et les clients uniques servis.",
        fact="service_agreements",
        measures=("services", "clients"),
        breakdowns=("agreement", "program", "month"),
    ),
)

BY_KEY: dict[str, Report] = {r.key: r for r in REPORTS}


def check(reports: tuple[Report, ...] = REPORTS) -> None:
    """Every report names a fact, measures and breakdowns that exist, once each."""
    keys = [r.key for r in reports]
    if len(set(keys)) != len(keys):
        raise ValueError("two reports share a key")
    for report in reports:
        fact = FACTS.get(report.fact)
        if fact is None:
            raise ValueError(f"report {report.key}: no fact {report.fact!r}")
        for measure in report.measures:
            if measure not in fact.measures:
                raise ValueError(f"report {report.key}: no measure {measure!r}")
        for dim in report.breakdowns:
            if dim not in fact.dimensions:
                raise ValueError(f"report {report.key}: no breakdown {dim!r}")
        if not report.measures:
            raise ValueError(f"report {report.key}: nothing to count")


check()
