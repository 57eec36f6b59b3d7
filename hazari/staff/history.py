"""The audit trail of a school's postings, read from django-simple-history's records: who made
each change, when, what changed (old → new) and why."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from hazari.accounts.models import User
from hazari.orgunits.models import School
from hazari.staff.models import Posting, reason_shown

# The fields a reader cares about, in the order they are shown.
SHOWN = ["employee_code", "name", "designation", "mobile", "start_date", "end_date"]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: User | None
    kind: str  # "+" opened, "~" changed, "-" deleted
    posting_id: int
    employee_code: str
    name: str
    changes: list[FieldChange] = field(default_factory=list)
    why: str = ""
    source: str = ""  # the change reason when it says more than `why` (e.g. which import)


def _label(name: str) -> str:
    return str(getattr(Posting._meta.get_field(name), "verbose_name", name))


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def school_history(school: School) -> list[Entry]:
    """Every change to the school's postings, newest first."""
    records = list(
        Posting.history.filter(school_id=school.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    entries: list[Entry] = []
    for record in records:
        before = previous.get(record.id)
        entry = Entry(
            when=record.history_date,
            who=record.history_user,
            kind=record.history_type,
            posting_id=record.id,
            employee_code=record.employee_code,
            name=record.name,
        )
        if before is None or record.history_type == "+":
            entry.changes = [
                FieldChange(_label(f), "", _shown(getattr(record, f)))
                for f in SHOWN
                if getattr(record, f) not in (None, "")
            ]
            entry.why = reason_shown(record.reason)
        else:
            entry.changes = [
                FieldChange(_label(f), _shown(getattr(before, f)), _shown(getattr(record, f)))
                for f in SHOWN
                if getattr(before, f) != getattr(record, f)
            ]
            if before.end_date is None and record.end_date is not None:
                entry.why = reason_shown(record.ended_reason)
        change_reason = record.history_change_reason or ""
        if not entry.why:
            entry.why = reason_shown(change_reason)
        elif change_reason and reason_shown(change_reason) != entry.why:
            entry.source = change_reason
        previous[record.id] = record
        entries.append(entry)
    entries.reverse()
    return entries
