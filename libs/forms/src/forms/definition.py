"""The definition model: questions, their choices and rules, versioned sets of them.

An agency's questions on the client profile and a funder's service form are the same
thing, a versioned list of `Question`s; only who defines them differs. Definitions are
data (stored as JSON by the owning service, served as JSON to the web app), so rules
are data too, never code.

A definition that does not hold together is refused at construction with a pydantic
`ValidationError` whose locations name the part (`field_errors` turns them into
`questions[2].choices`).
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from forms.values import (
    CHOICE_TYPES,
    LONG_TEXT_MAX_LENGTH,
    Problem,
    QuestionType,
    normalise_rule_value,
)

# Stable keys: answers are stored under them and reports group by them, so they are
# slugs that never change once used (labels may change freely).
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# Choice keys may start with a digit: funder value lists (iCARE LOV ids) are numeric.
ChoiceKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]
# What a set is attached to: `client_profile`, a service-form key such as
# `direct_service.needs_assessment`.
Target = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.:-]{0,99}$")]
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _json_number(value: Decimal) -> int | float:
    # Limits travel to the web app as JSON numbers, not the strings pydantic would emit.
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    PlainSerializer(_json_number, return_type=int | float, when_used="json"),
]
# What a rule may compare with; strict members so that JSON `1.0` is not read as `true`.
RuleValue = StrictBool | StrictInt | Number | StrictStr

_MODEL = ConfigDict(frozen=True, extra="forbid")

# Which settings each type takes; any other one set on a question is refused.
_SETTINGS: dict[QuestionType, frozenset[str]] = {
    QuestionType.TEXT: frozenset({"max_length"}),
    QuestionType.LONG_TEXT: frozenset({"max_length"}),
    QuestionType.NUMBER: frozenset({"min_value", "max_value", "integer"}),
    QuestionType.DATE: frozenset({"min_date", "max_date"}),
    QuestionType.YES_NO: frozenset(),
    QuestionType.SINGLE_CHOICE: frozenset({"choices"}),
    QuestionType.MULTIPLE_CHOICE: frozenset({"choices", "min_selections", "max_selections"}),
}
_TYPED_SETTINGS = frozenset().union(*_SETTINGS.values())

_Loc = tuple[str | int, ...]


def _refuse(title: str, problems: Sequence[tuple[_Loc, str, str]]) -> None:
    """Raise every problem at once, each at its own location (pydantic prefixes the
    location of the enclosing model, so a nested problem reads questions[2].choices)."""
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(type=PydanticCustomError(type_, message), loc=loc, input=None)
                for loc, type_, message in problems
            ],
        )


class Label(BaseModel):
    """A text shown to people, in English and French. French may be missing (an agency
    working in English only); the English text is shown in its place."""

    model_config = _MODEL
    en: _Text
    fr: _Text | None = None

    def text(self, lang: str) -> str:
        return self.fr if lang == "fr" and self.fr else self.en


class Choice(BaseModel):
    model_config = _MODEL
    key: ChoiceKey
    label: Label
    # Not offered on new answers; records that hold it stay valid and readable.
    retired: bool = False


class Rule(BaseModel):
    """`visible_when`: the question is shown (and required, if it is) only when the
    answer to an earlier `question` equals a value, is one of values, or is answered.
    For a multiple choice source, "equals k" holds when k is among the selected."""

    model_config = _MODEL
    question: Key
    equals: RuleValue | None = None
    one_of: list[RuleValue] | None = Field(default=None, min_length=1)
    answered: Literal[True] | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> Self:
        given = [n for n in ("equals", "one_of", "answered") if getattr(self, n) is not None]
        if len(given) != 1:
            _refuse(
                "Rule",
                [((), "invalid_rule", "give exactly one of equals, one_of, answered")],
            )
        return self


class Question(BaseModel):
    model_config = _MODEL
    key: Key
    type: QuestionType
    label: Label
    help: Label | None = None
    required: bool = False
    # Display order; ties keep their place in the list.
    order: int = 0
    # Not asked on new answers; answers already given stay valid and readable.
    retired: bool = False
    visible_when: Rule | None = None
    # Type settings (only those of the question's type may be set).
    choices: list[Choice] | None = None
    min_value: Number | None = None
    max_value: Number | None = None
    integer: bool = False
    min_date: date | None = None
    max_date: date | None = None
    min_selections: int | None = Field(default=None, ge=0)
    max_selections: int | None = Field(default=None, ge=1)
    max_length: int | None = Field(default=None, ge=1, le=LONG_TEXT_MAX_LENGTH)

    @model_validator(mode="after")
    def _settings_fit_type(self) -> Self:
        problems: list[tuple[_Loc, str, str]] = []
        allowed = _SETTINGS[self.type]
        for name in sorted(_TYPED_SETTINGS - allowed):
            value = getattr(self, name)
            if value is not None and value is not False:
                problems.append(((name,), "not_applicable", f"does not apply to {self.type}"))
        if self.type in CHOICE_TYPES:
            if not self.choices:
                problems.append((("choices",), "missing_choices", f"{self.type} needs choices"))
            seen: set[str] = set()
            for i, choice in enumerate(self.choices or ()):
                if choice.key in seen:
                    problems.append(
                        (("choices", i, "key"), "duplicate_key", f"'{choice.key}' is repeated")
                    )
                seen.add(choice.key)
        for low, high in (
            ("min_value", "max_value"),
            ("min_date", "max_date"),
            ("min_selections", "max_selections"),
        ):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                problems.append(((high,), "invalid_range", f"is less than {low}"))
        if (
            self.max_selections is not None
            and self.choices
            and self.max_selections > len(self.choices)
        ):
            problems.append(
                (("max_selections",), "invalid_range", "is more than the number of choices")
            )
        _refuse("Question", problems)
        return self


class QuestionSet(BaseModel):
    """The questions attached to one target, at one version. A change is a new version
    (see `forms.evolution`); answers record the version they were given under."""

    model_config = _MODEL
    target: Target
    version: int = Field(default=1, ge=1)
    questions: list[Question] = Field(default_factory=list, max_length=500)

    @property
    def ordered(self) -> list[Question]:
        """Every question in display order (retired ones included)."""
        return [q for _, q in sorted(enumerate(self.questions), key=lambda p: (p[1].order, p[0]))]

    @property
    def active(self) -> list[Question]:
        """The questions asked on new answers, in display order."""
        return [q for q in self.ordered if not q.retired]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @model_validator(mode="after")
    def _holds_together(self) -> Self:
        problems: list[tuple[_Loc, str, str]] = []
        index: dict[str, int] = {}
        for i, q in enumerate(self.questions):
            if q.key in index:
                problems.append(
                    (("questions", i, "key"), "duplicate_key", f"'{q.key}' is repeated")
                )
            index.setdefault(q.key, i)
        position = {id(q): n for n, q in enumerate(self.ordered)}
        for i, q in enumerate(self.questions):
            if q.visible_when is not None:
                problems += self._rule_problems(i, q, q.visible_when, index, position)
        _refuse(type(self).__name__, problems)
        return self

    def _rule_problems(
        self, i: int, q: Question, rule: Rule, index: dict[str, int], position: dict[int, int]
    ) -> list[tuple[_Loc, str, str]]:
        at: _Loc = ("questions", i, "visible_when")
        if rule.question not in index:
            return [((*at, "question"), "unknown_question", f"no question '{rule.question}'")]
        source = self.questions[index[rule.question]]
        # Rules look back only: a question depends on questions shown before it. This
        # also makes cycles impossible (a cycle needs a rule that looks forward), and
        # lets answers be checked in one pass in display order.
        if position[id(source)] >= position[id(q)]:
            return [((*at, "question"), "rule_order", "must refer to an earlier question")]
        if source.retired and not q.retired:
            return [((*at, "question"), "retired_question", f"'{source.key}' is retired")]
        values: list[tuple[_Loc, object]] = []
        if rule.equals is not None:
            values.append(((*at, "equals"), rule.equals))
        for n, value in enumerate(rule.one_of or ()):
            values.append(((*at, "one_of", n), value))
        problems: list[tuple[_Loc, str, str]] = []
        for loc, raw in values:
            try:
                normalise_rule_value(source, raw)
            except Problem as p:
                problems.append((loc, p.type, f"not a possible answer of '{source.key}': {p}"))
        return problems


class FormDefinition(QuestionSet):
    """A service form (Needs Assessment, Course Exit ...): a question set with a title.
    Its value lists come from the caller (iCARE's lists for funder forms)."""

    title: Label


def field_path(loc: Sequence[str | int]) -> str:
    """`("questions", 2, "choices")` -> `questions[2].choices`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A refused definition as the `{field, message, type}` items of the OCMS error shape."""
    return [
        {"field": field_path(e["loc"]), "message": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
