"""The service forms OCMS offers, as versioned data, and which session type allows which.

    from sessions.forms import catalog
    catalog.definition("needs_assessment")             # latest version
    catalog.definition("needs_assessment", version=1)
    catalog.forms_for("direct_service")                # form keys a session type allows
    catalog.icare_mapping("needs_assessment")          # question key -> iCARE field id

Each form is a JSON file `definitions/v<N>/<key>.json`. A file names its title and its
own (OCMS-defined) questions; a form that feeds an iCARE template also names the
template and which of its fields the form does not ask (`icare.exclude`, or only some:
`icare.only`). The questions for the template's fields are derived from
`reference.icare.catalog` at load time: label, required flag, value list (one choice per
exact iCARE label) and conditional rule all come from the template description, so a
new template version is data, not code. `include` adds shared blocks
(`definitions/blocks/<name>.json`, e.g. support services) to forms without a template.

Fields never asked on a form because the session or the client profile holds them:
`SESSION_OR_PROFILE_FIELDS` (the export fills them from there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from forms import Choice, FormDefinition, Label, Question, QuestionType, Rule
from reference.icare import Field, Template
from reference.icare import catalog as icare_catalog
from reference.icare.keys import choice_keys as _choice_keys
from reference.icare.keys import question_key

__all__ = [
    "SESSION_OR_PROFILE_FIELDS",
    "SESSION_TYPES",
    "IcareMapping",
    "UnknownFormError",
    "block",
    "definition",
    "definitions",
    "forms_for",
    "icare_mapping",
    "keys",
    "versions",
]

# Session type -> the form keys it allows (user guide, "Types of Service Forms").
SESSION_TYPES: dict[str, tuple[str, ...]] = {
    "direct_service": (
        "information_orientation",
        "needs_assessment",
        "employment",
        "non_specified",
        "refugee_rap",
        "community_connection",
        "language_assessment",
    ),
    "direct_service_job_development": (
        "jd_needs_assessment",
        "jd_update_progress",
        "jd_job_placement",
        "jd_mentor_match",
        "jd_mentor_update",
    ),
    "direct_service_finance": ("financial_services_outcomes",),
    "language_training": ("lt_course_open", "lt_attendance", "lt_enrolment", "lt_exit"),
    "cc_group_activity": ("cc_group", "cc_attendee"),
    "io_group_activity": ("io_group", "group_attendee"),
    "employment_group_activity": ("employment_group", "group_attendee"),
}

# iCARE fields held by the session (date, place, language of service) or the client
# profile (identifier, date of birth), or by the upload itself (processing details,
# update record id and its reason, written by the iCARE export on an amendment).
SESSION_OR_PROFILE_FIELDS: frozenset[str] = frozenset(
    {
        "processing_details",
        "update_record_id",
        "assessment_update_reason_id",
        "client_validation_type_id",
        "client_validation_id",
        "client_birth_dt",
        "postal_cd",
        "assessment_start_dt",
        "start_dttm",
        "assessment_language_id",
        "service_language_id",
        "service_lang_id",
        "session_service_lang_id",
    }
)
# lt_course_setup's postal code is the course's address, not where a service was received.
_KEEP_IN = {"lt_course_setup": frozenset({"postal_cd"})}


class UnknownFormError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class IcareMapping:
    """How a form's answers map back to an iCARE template's columns."""

    template: str
    template_version: str
    field_ids: dict[str, str]  # question key -> iCARE field id
    values: dict[str, dict[str, str]]  # question key -> choice key -> exact iCARE label


# --- derivation from an iCARE template -----------------------------------------------------


def _question_for(
    f: Field, order: int, choice_maps: dict[str, dict[str, str]], key_of: dict[str, str]
) -> Question:
    key = key_of[f.id]
    settings: dict[str, Any] = {}
    if f.values is not None:
        qtype = QuestionType.SINGLE_CHOICE
        ckeys = _choice_keys(f.values)
        choice_maps[key] = dict(zip(ckeys, f.values, strict=True))
        # Label texts are stripped by forms.Label; the exact label (trailing spaces
        # included) is kept in the mapping for the export.
        settings["choices"] = [
            Choice(key=k, label=Label(en=v.strip() or v))
            for k, v in zip(ckeys, f.values, strict=True)
        ]
    elif f.kind == "date":
        qtype = QuestionType.DATE
    elif f.kind == "integer":
        qtype = QuestionType.NUMBER
        settings.update(integer=True, min_value=0)
        if "percentage" in f.id:
            settings["max_value"] = 100
    elif f.kind == "postal_code":
        qtype, settings["max_length"] = QuestionType.TEXT, 6
    elif f.kind == "phone":
        qtype, settings["max_length"] = QuestionType.TEXT, 12
    else:  # text, email
        qtype = QuestionType.TEXT
    rule = None
    if f.conditional is not None:
        source = key_of[f.conditional.when]
        if f.conditional.present:
            rule = Rule(question=source, answered=True)
        else:
            by_label = {v: k for k, v in choice_maps[source].items()}
            rule = Rule(question=source, equals=by_label[str(f.conditional.equals)])
    return Question(
        key=key,
        type=qtype,
        label=Label(en=f.label.strip()),
        required=f.required,
        order=order,
        visible_when=rule,
        **settings,
    )


def _derive(
    template: Template, form_key: str, only: list[str] | None, exclude: list[str]
) -> tuple[list[Question], IcareMapping]:
    skip = (SESSION_OR_PROFILE_FIELDS - _KEEP_IN.get(template.name, frozenset())) | set(exclude)
    chosen: list[Field] = []
    asked: set[str] = set()
    for f in template.fields:
        if f.id in skip or (only is not None and f.id not in only):
            continue
        # A field whose condition depends on a field not asked here is not asked either.
        if f.conditional is not None and f.conditional.when not in asked:
            continue
        chosen.append(f)
        asked.add(f.id)
    unknown = [i for i in [*(only or ()), *exclude] if not template.has_field(i)]
    if unknown:
        raise ValueError(f"form {form_key}: {template.name} has no fields {unknown}")
    key_of = {f.id: question_key(f.id) for f in chosen}
    choice_maps: dict[str, dict[str, str]] = {}
    questions = [_question_for(f, (n + 1) * 10, choice_maps, key_of) for n, f in enumerate(chosen)]
    mapping = IcareMapping(
        template=template.name,
        template_version=template.version,
        field_ids={key_of[f.id]: f.id for f in chosen},
        values=choice_maps,
    )
    return questions, mapping


# --- loading --------------------------------------------------------------------------------


def _root() -> Traversable:
    return resources.files("sessions.forms").joinpath("definitions")


@cache
def _files() -> dict[str, dict[int, Traversable]]:
    found: dict[str, dict[int, Traversable]] = {}
    for folder in _root().iterdir():
        m = re.fullmatch(r"v(\d+)", folder.name)
        if not (m and folder.is_dir()):
            continue
        for file in folder.iterdir():
            if file.name.endswith(".json"):
                found.setdefault(file.name[: -len(".json")], {})[int(m.group(1))] = file
    return found


@cache
def block(name: str) -> tuple[Question, ...]:
    """A shared question block (`definitions/blocks/<name>.json`), e.g. support services.
    A block taken from an iCARE template has the same keys, choices and rules there as
    in every template form that carries those fields."""
    doc = json.loads(_root().joinpath("blocks", f"{name}.json").read_text(encoding="utf-8"))
    questions, _ = _derive(
        icare_catalog.template(doc["icare_template"], doc.get("template_version")),
        f"block {name}",
        doc["fields"],
        [],
    )
    return tuple(questions)


@cache
def _load(key: str, version: int) -> tuple[FormDefinition, IcareMapping | None]:
    doc = json.loads(_files()[key][version].read_text(encoding="utf-8"))
    if doc.get("key") != key or doc.get("version") != version:
        raise ValueError(
            f"definitions/v{version}/{key}.json names {doc.get('key')} v{doc.get('version')}"
        )
    questions: list[Question] = []
    mapping = None
    if "icare" in doc:
        spec = doc["icare"]
        template = icare_catalog.template(spec["template"], spec.get("template_version"))
        derived, mapping = _derive(template, key, spec.get("only"), spec.get("exclude", []))
        questions += derived
    last = max((q.order for q in questions), default=0)
    for name in doc.get("include", []):
        for q in block(name):
            last += 10
            questions.append(q.model_copy(update={"order": last}))
    for raw in doc.get("questions", []):
        q = Question.model_validate(raw)
        if "order" not in raw:
            last += 10
            q = q.model_copy(update={"order": last})
        questions.append(q)
    form = FormDefinition(
        target=f"service_form.{key}",
        version=version,
        title=Label.model_validate(doc["title"]),
        questions=questions,
    )
    return form, mapping


def keys() -> list[str]:
    """Every form key, in the order of `SESSION_TYPES` (each once)."""
    ordered = list(dict.fromkeys(k for forms in SESSION_TYPES.values() for k in forms))
    return ordered + sorted(set(_files()) - set(ordered))


def versions(key: str) -> list[int]:
    if key not in _files():
        raise UnknownFormError(f"no service form {key!r}; forms: {', '.join(keys())}")
    return sorted(_files()[key])


def definition(key: str, version: int | None = None) -> FormDefinition:
    """One form: the given version, or the latest."""
    return _resolve(key, version)[0]


def icare_mapping(key: str, version: int | None = None) -> IcareMapping | None:
    """Question key -> iCARE field id (and choice key -> exact label) of a form that
    feeds an iCARE template; None for an OCMS-only form."""
    return _resolve(key, version)[1]


def _resolve(key: str, version: int | None) -> tuple[FormDefinition, IcareMapping | None]:
    known = versions(key)
    v = known[-1] if version is None else version
    if v not in known:
        raise UnknownFormError(f"service form {key!r} has no version {v}; versions: {known}")
    return _load(key, v)


def definitions() -> list[FormDefinition]:
    """The latest version of every form."""
    return [definition(k) for k in keys()]


def forms_for(session_type: str) -> tuple[str, ...]:
    try:
        return SESSION_TYPES[session_type]
    except KeyError:
        raise UnknownFormError(
            f"no session type {session_type!r}; types: {', '.join(SESSION_TYPES)}"
        ) from None
