"""The events of a service form: the session and the form, whole."""

from contracts.sessions import DraftSaved, ServiceFormRecord, ServiceRecorded, SessionRecord
from sessions.forms.models import ServiceForm
from sessions.forms.service.outputs import form_out
from sessions.records import models as records
from sessions.records.service import out


def session_record(session: records.SessionRecord) -> SessionRecord:
    return SessionRecord.model_validate(out(session).model_dump())


def form_record(form: ServiceForm) -> ServiceFormRecord:
    return ServiceFormRecord.model_validate(form_out(form).model_dump())


def service_recorded(session: records.SessionRecord, form: ServiceForm) -> ServiceRecorded:
    return ServiceRecorded(
        agency_id=session.agency_id, session=session_record(session), form=form_record(form)
    )


def draft_saved(session: records.SessionRecord, form: ServiceForm) -> DraftSaved:
    return DraftSaved(
        agency_id=session.agency_id, session=session_record(session), form=form_record(form)
    )
