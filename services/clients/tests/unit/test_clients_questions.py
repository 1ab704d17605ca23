"""The questions service's own logic, with the repository replaced by a dict: merging
answer patches, draft status, what counts as changed, and version rules."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clients.profiles.models import Client
from clients.questions import repository as repo
from clients.questions import service
from clients.questions.models import ClientAnswerSet, ClientQuestionSet
from clients.questions.schemas import AnswersIn, QuestionSetIn
from forms import QuestionSet
from kit.auth import Principal, Role
from kit.errors import Conflict

AGENCY = uuid.uuid4()
ADMIN = Principal(user_id=uuid.uuid4(), agency_id=AGENCY, role=Role.AGENCY_ADMIN)
WORKER = Principal(user_id=uuid.uuid4(), agency_id=AGENCY, role=Role.CASEWORKER)

QUESTIONS: list[dict[str, Any]] = [
    {"key": "size", "type": "number", "label": {"en": "Size"}, "integer": True},
    {"key": "ok", "type": "yes_no", "label": {"en": "OK?"}, "required": True},
    {"key": "why", "type": "text", "label": {"en": "Why?"}, "required": True,
     "visible_when": {"question": "ok", "equals": False}},
]  # fmt: skip


class FakeStore:
    """The repository functions the service calls, over plain lists."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sets: list[ClientQuestionSet] = []
        self.answers: dict[uuid.UUID, ClientAnswerSet] = {}

        async def current_set(_: Any, agency_id: uuid.UUID, target: str) -> Any:
            mine = [s for s in self.sets if s.agency_id == agency_id and s.target == target]
            return max(mine, key=lambda s: s.version, default=None)

        async def add_set(_: Any, row: ClientQuestionSet) -> None:
            self.sets.append(row)

        async def answers_exist(_: Any, agency_id: uuid.UUID, target: str) -> bool:
            return any(a.agency_id == agency_id and a.answers for a in self.answers.values())

        async def answers_of(_: Any, agency_id: uuid.UUID, client_id: uuid.UUID, t: str) -> Any:
            return self.answers.get(client_id)

        async def save_answers(_: Any, row: ClientAnswerSet) -> None:
            self.answers[row.client_id] = row

        for name, fn in (
            ("current_set", current_set),
            ("add_set", add_set),
            ("answers_exist", answers_exist),
            ("answers_of", answers_of),
            ("save_answers", save_answers),
        ):
            monkeypatch.setattr(repo, name, fn)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    return FakeStore(monkeypatch)


def client(kind: str = "named", consent: str = "given") -> Client:
    now = datetime.now(UTC)
    return Client(
        id=uuid.uuid4(), agency_id=AGENCY, kind=kind, consent_status=consent,
        created_at=now, created_by=WORKER.user_id, updated_at=now, updated_by=WORKER.user_id,
    )  # fmt: skip


DB: Any = None  # the fake repository never touches it


async def test_the_first_definition_is_version_one_and_a_repeat_is_not_a_new_one(
    store: FakeStore,
) -> None:
    first = await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    assert first.version == 1 and [q["key"] for q in first.spec["questions"]] == [
        "size",
        "ok",
        "why",
    ]
    again = await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    assert again.version == 1 and len(store.sets) == 1


async def test_a_definition_error_names_its_path(store: FakeStore) -> None:
    bad = [{**QUESTIONS[0], "max_value": 1, "min_value": 2}]
    with pytest.raises(service.DefinitionInvalid) as raised:
        await service.define(DB, ADMIN, QuestionSetIn(questions=bad))
    assert [f["field"] for f in raised.value.fields] == ["questions[0].max_value"]
    assert raised.value.status_code == 422


async def test_breaking_changes_are_free_until_someone_answers(store: FakeStore) -> None:
    await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    assert (await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS[1:]))).version == 2
    await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    await service.save_answers(DB, WORKER, client(), AnswersIn(values={"size": 3}))
    with pytest.raises(Conflict) as raised:
        await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS[1:]))
    assert raised.value.code == "incompatible_change"
    assert [f["message"] for f in raised.value.fields] == [
        "question 'size' was removed: retire it instead"
    ]


async def test_answer_patches_merge_and_name_what_changed(store: FakeStore) -> None:
    await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    who = client()
    changed = await service.save_answers(DB, WORKER, who, AnswersIn(values={"size": "2"}))
    assert changed == {"answers.size"}
    assert store.answers[who.id].answers == {"size": 2} and store.answers[who.id].draft is True
    # The same value again changes nothing; a new one only itself.
    assert await service.save_answers(DB, WORKER, who, AnswersIn(values={"size": 2.0})) == set()
    changed = await service.save_answers(
        DB, WORKER, who, AnswersIn(values={"ok": False, "why": "later"}, draft=False)
    )
    assert changed == {"answers", "answers.ok", "answers.why"}
    read = await service.answers_of(DB, who)
    assert read.values == {"size": 2, "ok": False, "why": "later"}
    assert read.draft is False and read.missing == [] and read.version == 1
    # Answering `ok` yes hides `why`: its answer must go in the same save.
    with pytest.raises(service.AnswersRefused) as raised:
        await service.save_answers(DB, WORKER, who, AnswersIn(values={"ok": True}))
    assert [(f["field"], f["type"]) for f in raised.value.fields] == [("answers.why", "not_asked")]
    changed = await service.save_answers(
        DB, WORKER, who, AnswersIn(values={"ok": True, "why": None})
    )
    assert changed == {"answers.ok", "answers.why"}


async def test_missing_lists_required_questions_shown_given_the_answers(store: FakeStore) -> None:
    question_set = QuestionSet.model_validate({"target": "client_profile", "questions": QUESTIONS})
    assert service._missing(question_set, {}) == ["ok"]
    assert service._missing(question_set, {"ok": False}) == ["why"]
    assert service._missing(question_set, {"ok": True}) == []


async def test_no_questions_defined_means_every_answer_is_unknown(store: FakeStore) -> None:
    out = await service.current(DB, WORKER)
    assert out.version == 0 and out.spec == {"target": "client_profile", "version": 0,
                                             "questions": []}  # fmt: skip
    with pytest.raises(service.AnswersRefused) as raised:
        await service.save_answers(DB, WORKER, client(), AnswersIn(values={"size": 1}))
    assert [f["type"] for f in raised.value.fields] == ["unknown_question"]


async def test_anonymous_and_restricted_profiles_take_no_answers(store: FakeStore) -> None:
    await service.define(DB, ADMIN, QuestionSetIn(questions=QUESTIONS))
    with pytest.raises(service.AnswersRefused):
        await service.save_answers(
            DB, WORKER, client("anonymous", "none"), AnswersIn(values={"size": 1})
        )
    with pytest.raises(Conflict):
        await service.save_answers(
            DB, WORKER, client(consent="withdrawn"), AnswersIn(values={"size": 1})
        )
