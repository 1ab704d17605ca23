"""What an export sends: pure decisions on built records and the ledger's last word on
each of them.

A record goes to iCARE once. After that it goes again only as an update (Update Record
ID = iCARE's id of it, and a reason), when what iCARE would see of it changed. A record
iCARE rejected goes again once it changed (fixed); unchanged, it would only be rejected
again. A record iCARE would reject is held back, and so are the services of a client
whose profile is neither in iCARE nor in this export (iCARE rejects those).
"""

from collections import Counter
from dataclasses import dataclass, field

from icare.records import mapping
from icare.records.building import BuiltRecord, Key
from reference.icare.checks import errors

# Why a record is not in an export.
NOT_READY = "not_ready"  # iCARE would reject it: see the readiness report
CLIENT_NOT_SENT = "client_not_sent"  # its client's profile is not in iCARE yet
COURSE_NOT_SENT = "course_not_sent"  # its course's setup is not in iCARE yet
STILL_REJECTED = "still_rejected"  # rejected by iCARE and unchanged since
ICARE_ID_MISSING = "icare_id_missing"  # changed since sent; iCARE's id of it not recorded
PROFILE_CHANGED = "profile_changed"  # Client Profile rows cannot be updated by upload


@dataclass(frozen=True)
class Previous:
    """The ledger's latest entry of a record, and iCARE's id of the record if known."""

    content_hash: str
    status: str  # sent | accepted | rejected
    icare_record_id: str | None
    message: str | None = None  # iCARE's, when it rejected the record


@dataclass(frozen=True)
class Planned:
    record: BuiltRecord
    action: str  # new | update
    update_record_id: str | None = None
    update_reason: str | None = None

    def row(self) -> dict[str, str | None]:
        cells = dict(self.record.cells)
        if self.action == "update":
            cells[mapping.UPDATE_RECORD_ID] = self.update_record_id
            cells[mapping.UPDATE_REASON] = self.update_reason
        return cells


@dataclass
class TemplatePlan:
    new: int = 0
    updates: int = 0
    unchanged: int = 0
    held_back: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "new": self.new,
            "updates": self.updates,
            "unchanged": self.unchanged,
            "held_back": dict(self.held_back),
        }


@dataclass
class Plan:
    send: list[Planned] = field(default_factory=list)
    templates: dict[str, TemplatePlan] = field(default_factory=dict)

    def of(self, template: str) -> TemplatePlan:
        return self.templates.setdefault(template, TemplatePlan())

    @property
    def held_back(self) -> int:
        return sum(sum(t.held_back.values()) for t in self.templates.values())

    @property
    def updates(self) -> int:
        return sum(1 for p in self.send if p.action == "update")


def plan_export(records: list[BuiltRecord], previous: dict[Key, Previous]) -> Plan:
    """`records` in upload order (Client Profile first)."""
    plan = Plan()
    sending: set[Key] = set()
    for record in records:
        counts = plan.of(record.template)
        key = (record.template, record.record_id)
        prev = previous.get(key)
        if errors(record.problems):
            counts.held_back[NOT_READY] += 1
            continue
        missing = [
            required
            for required in record.requires
            if required not in sending
            and (required not in previous or previous[required].status == "rejected")
        ]
        if missing:
            first = missing[0][0]
            counts.held_back[
                CLIENT_NOT_SENT if first == mapping.CLIENT_PROFILE else COURSE_NOT_SENT
            ] += 1
            continue
        planned: Planned | None = None
        if prev is None:
            planned = Planned(record, "new")
        elif prev.content_hash == record.content_hash:
            if prev.status == "rejected":
                counts.held_back[STILL_REJECTED] += 1
            else:
                counts.unchanged += 1
        elif record.template == mapping.CLIENT_PROFILE:
            if prev.status == "rejected":
                planned = Planned(record, "new")  # never in iCARE: sent again, fixed
            else:
                counts.held_back[PROFILE_CHANGED] += 1
        elif prev.icare_record_id:
            correcting = prev.status == "rejected"
            planned = Planned(
                record,
                "update",
                update_record_id=prev.icare_record_id,
                update_reason=mapping.update_reason_label(record.template, correcting),
            )
        elif prev.status == "rejected":
            planned = Planned(record, "new")
        else:
            counts.held_back[ICARE_ID_MISSING] += 1
        if planned is None:
            continue
        plan.send.append(planned)
        if planned.action == "new":
            counts.new += 1
        else:
            counts.updates += 1
        sending.add(key)
    return plan
