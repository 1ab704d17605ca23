"""`InvalidFields`: several refused values in one 422, each named (the handler of every
`DomainError` answers it in the one error shape, see test_kit_errors)."""

from kit.errors import DomainError, InvalidFields


def test_every_refused_field_is_named_in_one_422() -> None:
    fields = [
        {"field": "answers.start_dt", "message": "required", "type": "missing"},
        {"field": "follow_ups.0.client_id", "message": "not a client of this session"},
    ]
    error = InvalidFields("the answers do not fit the form", fields=fields)
    assert isinstance(error, DomainError)
    assert (error.status_code, error.code) == (422, "invalid")
    assert (error.message, error.fields) == ("the answers do not fit the form", fields)
    assert InvalidFields("x", code="invalid_definition").code == "invalid_definition"
