"""Recording a follow-up entry from a phone: checks, idempotency, opening and closing."""

import dataclasses
import datetime
import uuid

import pytest
from django.utils import timezone

from hazari.students.models import FollowUp, FollowUpEntry
from hazari.students.services import EntryIn, followup_entry_record
from hazari.students.tests.conftest import TODAY

DAY = datetime.timedelta(days=1)


def entry(w, kind="cause", code="illness", *, on=TODAY, note="", **changes) -> EntryIn:
    base = EntryIn(
        uuid=uuid.uuid4(),
        school_id=w.school_a.pk,
        student_id=w.ravi.pk,
        kind=kind,
        code=code,
        note=note,
        on=on,
        captured_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    return dataclasses.replace(base, **changes)


def record(w, data: EntryIn, user=None):
    return followup_entry_record(user=user or w.asha, data=data, received_at=timezone.now())


def nothing_written():
    return not FollowUp.objects.exists() and not FollowUpEntry.objects.exists()


def test_a_first_entry_opens_a_follow_up(w):
    receipt = record(w, entry(w, on=TODAY - 2 * DAY))
    assert (receipt.status, receipt.code, receipt.errors) == ("accepted", "accepted", [])
    assert receipt.message_en == "Recorded." and receipt.message_hi
    fu = FollowUp.objects.get()
    assert (fu.student_id, fu.school_id, fu.opened_on, fu.cause, fu.is_open) == (
        w.ravi.pk,
        w.school_a.pk,
        TODAY - 2 * DAY,
        "illness",
        True,
    )
    e = fu.entries.get()
    assert (e.recorded_by, e.role, e.kind, e.code) == (w.asha, "hm", "cause", "illness")


def test_later_entries_join_the_open_follow_up_and_update_its_state(w):
    record(w, entry(w, on=TODAY - 3 * DAY))
    record(w, entry(w, "cause", "other", note=" works on the farm "), user=w.tarun)
    record(w, entry(w, "action", "home_visit", on=TODAY - DAY))
    record(w, entry(w, "action", "called_parent", on=TODAY - 2 * DAY))  # older: kept in history
    record(w, entry(w, "outcome", "still_absent"), user=w.chetan)
    fu = FollowUp.objects.get()
    assert (fu.cause, fu.cause_note) == ("other", "works on the farm")
    assert (fu.action, fu.action_on) == ("home_visit", TODAY - DAY)
    assert (fu.outcome, fu.outcome_on, fu.is_open) == ("still_absent", TODAY, True)
    assert fu.entries.count() == 5
    assert fu.entries.get(code="still_absent").role == "cluster_officer"


def test_came_back_closes_it_and_a_later_entry_opens_a_new_one(w):
    record(w, entry(w, on=TODAY - 5 * DAY))
    record(w, entry(w, "outcome", "came_back", on=TODAY - 3 * DAY))
    closed = FollowUp.objects.get()
    assert not closed.is_open and closed.outcome_on == TODAY - 3 * DAY
    record(w, entry(w, "cause", "work", on=TODAY))
    reopened = FollowUp.objects.get(is_open=True)
    assert reopened.pk != closed.pk and reopened.opened_on == TODAY
    # The first follow-up and its history are kept as they were.
    assert list(closed.entries.values_list("code", flat=True)) == ["illness", "came_back"]
    assert list(reopened.entries.values_list("code", flat=True)) == ["work"]


def test_a_resend_answers_the_stored_receipt_and_changes_nothing(w):
    data = entry(w)
    first = record(w, data)
    again = record(w, data)
    assert again == first and FollowUpEntry.objects.count() == 1


def test_the_same_uuid_with_other_content_is_a_conflict(w):
    data = entry(w)
    record(w, data)
    receipt = record(w, dataclasses.replace(data, code="work"))
    assert (receipt.status, receipt.code) == ("rejected", "conflict")
    assert FollowUp.objects.get().cause == "illness" and FollowUpEntry.objects.count() == 1


def test_an_officer_of_the_area_may_record(w):
    assert record(w, entry(w), user=w.chetan).status == "accepted"


def test_a_school_outside_the_area(w):
    receipt = record(w, entry(w, school_id=w.school_c.pk, student_id=w.chandu.pk))
    assert (receipt.status, receipt.code) == ("rejected", "school_outside_area")
    assert nothing_written()


def test_a_role_that_enters_no_attendance(w):
    receipt = record(w, entry(w), user=w.meera)  # the mid-day meal officer of block X
    assert (receipt.status, receipt.code) == ("rejected", "not_allowed")
    assert nothing_written()


BAD = [
    ("another school's student", {"student_id": "chandu"}, "student", "not_on_register"),
    ("a student who left", {"student_id": "left"}, "student", "not_on_register"),
    ("no such student", {"student_id": 10**9}, "student", "not_on_register"),
    ("unknown kind", {"kind": "remark"}, "kind", "unknown_kind"),
    ("unknown cause", {"code": "laziness"}, "code", "unknown_code"),
    ("an action as a cause", {"code": "home_visit"}, "code", "unknown_code"),
    ("other without a note", {"code": "other", "note": "  "}, "note", "note_required"),
    ("a note too long", {"note": "x" * 201}, "note", "too_long"),
    ("in the future", {"on": TODAY + DAY}, "on", "in_future"),
    ("before the session", {"on": datetime.date(2026, 3, 31)}, "on", "before_session"),
    (
        "came back without its day",
        {"kind": "outcome", "code": "came_back", "on": None},
        "on",
        "date_required",
    ),
]


@pytest.mark.parametrize(("what", "changes", "field", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_and_nothing_written(w, what, changes, field, code):
    changes = {
        k: getattr(w, v).pk if k == "student_id" and isinstance(v, str) else v
        for k, v in changes.items()
    }
    receipt = record(w, entry(w, **changes))
    assert (receipt.status, receipt.code) == ("rejected", "invalid")
    assert [(e["field"], e["code"]) for e in receipt.errors] == [(field, code)]
    assert all(e["message_hi"] and e["message_en"] for e in receipt.errors)
    assert receipt.errors[0]["message_hi"] != receipt.errors[0]["message_en"]
    assert nothing_written()


def test_a_rejected_entry_may_be_sent_again_corrected_under_its_uuid(w):
    data = entry(w, code="other")
    assert record(w, data).code == "invalid"
    assert record(w, dataclasses.replace(data, note="at the fair")).status == "accepted"


def test_every_mistake_is_named(w):
    receipt = record(w, entry(w, student_id=w.chandu.pk, kind="remark", on=TODAY + DAY))
    assert {e["field"] for e in receipt.errors} == {"student", "kind", "on"}


def test_a_day_left_out_is_the_day_received(w):
    record(w, entry(w, "action", "called_parent", on=None))
    assert FollowUp.objects.get().action_on == TODAY
