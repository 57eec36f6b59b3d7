import dataclasses
import datetime
import hashlib
import json
import uuid

import pytest

from hazari.attendance.models import Capture, DayRecord, RuleSet, Version
from hazari.attendance.services import CaptureIn, ClassCount, StaffMark, capture_submit
from hazari.attendance.tests.conftest import DAY, at
from hazari.schooldays.services import closure_add


def capture(
    world,
    *,
    present=15,
    when="10:30",
    day=DAY,
    reason="",
    meals=None,
    meals_reason="",
    meals_note="",
    **kw,
):
    return CaptureIn(
        uuid=kw.pop("capture_id", None) or uuid.uuid4(),
        school_id=kw.pop("school_id", world.school_a.pk),
        date=day,
        captured_at=at(when, day),
        classes=kw.pop("classes", None) or [ClassCount(c, present, present) for c in range(1, 6)],
        staff=kw.pop("staff", None)
        or [StaffMark(world.posting_asha.pk, "P"), StaffMark(world.posting_tarun.pk, "L")],
        meals_served=meals,
        reason=reason,
        meals_reason=meals_reason,
        meals_note=meals_note,
    )


def submit(world, data, *, user=None, received="10:31", offset=0):
    return capture_submit(
        user=user or world.asha,
        data=data,
        received_at=at(received, data.date),
        clock_offset=datetime.timedelta(seconds=offset),
        device_id="phone-1",
    )


@pytest.fixture
def w(school_a_ready):
    return school_a_ready


def test_on_time_capture_is_stored_as_version_one(w):
    receipt = submit(w, capture(w))
    assert (receipt.status, receipt.code, receipt.version) == ("accepted", "on_time", 1)
    record = DayRecord.objects.get(school=w.school_a, date=DAY)
    assert record.on_time and record.current.present_boys == 75
    assert record.current.staff.get(posting=w.posting_tarun).status == "L"
    assert "समय" in receipt.message_hi or receipt.message_hi


def test_same_uuid_same_content_returns_the_same_receipt(w):
    data = capture(w)
    first = submit(w, data)
    again = submit(w, data, received="12:00")
    assert again == first
    assert Capture.objects.count() == 1 and Version.objects.count() == 1


def test_same_uuid_other_content_is_a_conflict(w):
    data = capture(w)
    submit(w, data)
    other = capture(w, present=10, capture_id=data.uuid)
    receipt = submit(w, other)
    assert (receipt.status, receipt.code) == ("rejected", "conflict")
    assert Version.objects.get().present_boys == 75


def test_a_resend_is_answered_from_the_stored_receipt_in_one_read(w, django_assert_num_queries):
    # Before any check: a resend days later, after the day's cut-off, is answered with the
    # receipt it got, as is one of a capture that was rejected, and a changed one conflicts.
    data = capture(w)
    first = submit(w, data)
    late = (DAY + datetime.timedelta(days=2)).isoformat()
    with django_assert_num_queries(1):
        again = capture_submit(
            user=w.asha,
            data=data,
            received_at=at("18:00", datetime.date.fromisoformat(late)),
            device_id="phone-1",
        )
    assert again == first
    rejected = capture(w, present=999)
    refused = submit(w, rejected)
    assert refused.code == "invalid"
    with django_assert_num_queries(1):
        assert submit(w, rejected, received="12:00") == refused
    with django_assert_num_queries(1):
        conflict = submit(w, capture(w, present=10, capture_id=data.uuid))
    assert (conflict.status, conflict.code) == ("rejected", "conflict")
    assert Capture.objects.count() == 2 and Version.objects.count() == 1


def test_correction_needs_a_reason_and_makes_version_two(w):
    submit(w, capture(w))
    no_reason = submit(w, capture(w, present=14, when="11:30"), received="11:31")
    assert no_reason.code == "reason_required"
    fixed = submit(
        w, capture(w, present=14, when="11:30", reason="class 3 miscounted"), received="11:31"
    )
    assert (fixed.status, fixed.version) == ("late", 2)
    record = DayRecord.objects.get()
    assert record.current.number == 2 and record.current.present_boys == 70
    assert record.on_time  # the first report was on time
    assert [v.reason for v in record.versions.all()] == ["", "class 3 miscounted"]


def test_correction_after_five_is_rejected(w):
    submit(w, capture(w))
    receipt = submit(w, capture(w, present=14, when="17:00", reason="late fix"), received="17:01")
    assert receipt.code == "day_closed"
    assert DayRecord.objects.get().current.number == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            {"classes": [*(ClassCount(c, 5, 5) for c in range(1, 6)), ClassCount(9, 1, 1)]},
            "classes[5].class_no",
            "unknown_class",
        ),
        (
            {"classes": [ClassCount(c, 21 if c == 3 else 5, 5) for c in range(1, 6)]},
            "classes[2].boys",
            "more_than_enrolled",
        ),
        ({"classes": [ClassCount(c, 5, 5) for c in range(1, 5)]}, "classes", "missing_class"),
        (
            {"classes": [ClassCount(c, -1 if c == 1 else 5, 5) for c in range(1, 6)]},
            "classes[0].boys",
            "negative",
        ),
    ],
)
def test_invalid_content_is_rejected_naming_the_field(w, change, field, code):
    receipt = submit(w, capture(w, **change))
    assert (receipt.status, receipt.code) == ("rejected", "invalid")
    assert (field, code) in [(e["field"], e["code"]) for e in receipt.errors]
    assert not Version.objects.exists()


def test_staff_must_be_posted_on_that_day(w, world):
    from hazari.staff.models import Posting

    other = Posting.objects.create(
        employee_code="EMP7777",
        name="Elsewhere",
        designation="T",
        school=world.school_c,
        start_date=datetime.date(2020, 1, 1),
        source="hrmis",
    )
    staff = [StaffMark(w.posting_asha.pk, "P"), StaffMark(other.pk, "P")]
    receipt = submit(w, capture(w, staff=staff))
    codes = {e["code"] for e in receipt.errors}
    assert {"not_posted", "missing_staff"} <= codes


def test_meals_above_present_in_classes_1_to_8_are_rejected(w):
    receipt = submit(w, capture(w, present=1, meals=11))
    assert (receipt.status, receipt.code) == ("rejected", "meals_over_present")
    assert submit(w, capture(w, present=1, meals=10)).status == "accepted"


def test_head_master_cannot_enter_for_another_school(w, world):
    receipt = submit(w, capture(w, school_id=world.school_b.pk))
    assert (receipt.status, receipt.code) == ("rejected", "school_outside_area")
    assert not Capture.objects.exists()


def test_block_officer_enters_for_a_school_of_her_block_and_not_another(w, world):
    ok = submit(w, capture(w), user=world.bhavna)
    assert ok.status == "accepted"
    assert Version.objects.get().role == "block_officer"
    other = submit(w, capture(w, school_id=world.school_c.pk), user=world.bhavna)
    assert other.code == "school_outside_area"


def test_holiday_is_not_a_school_day(w, world):
    sunday = datetime.date(2026, 7, 19)
    receipt = submit(w, capture(w, day=sunday))
    assert receipt.code == "not_school_day"


def test_wrong_clock_is_held_and_does_not_become_current(w):
    receipt = submit(w, capture(w), offset=2 * 3600)
    assert (receipt.status, receipt.version) == ("held", 1)
    assert DayRecord.objects.get().current is None


def test_rejected_capture_keeps_its_receipt(w):
    data = capture(w, when="17:30")
    first = submit(w, data, received="17:31")
    assert first.code == "day_closed"
    assert submit(w, data, received="17:40") == first


def test_a_closure_entered_after_the_day_was_looked_up_applies_at_once(w, world):
    # The first capture loads the day's calendar into the process (hazari.lib.memo)…
    assert submit(w, capture(w, school_id=world.school_a.pk)).status == "accepted"
    # …and a closure entered afterwards clears it: the next capture sees the closure.
    closure_add(
        actor=None,  # DAY is months back: past an officer's 7 days
        unit=world.block_x,
        start=DAY,
        end=DAY,
        kind="weather",
        reason="Flood",
    )
    receipt = submit(w, capture(w, reason="again"))
    assert (receipt.status, receipt.code) == ("rejected", "not_school_day")


def test_a_rule_override_saved_applies_at_once(w, world):
    assert submit(w, capture(w, when="11:30"), received="11:31").code == "late"
    RuleSet.objects.create(unit=world.block_x, on_time_minutes=120)
    receipt = submit(w, capture(w, when="11:40", reason="corrected"), received="11:41")
    assert (receipt.code, receipt.version) == ("on_time", 2)


def test_a_first_capture_takes_few_statements(w, django_assert_max_num_queries):
    submit(w, capture(w))  # loads the day's calendar and the rule overrides
    other = capture(w, day=DAY - datetime.timedelta(days=1))  # a new school-day
    # the UUID looked up (a resend?), school, enrolment + postings, then in a transaction: day
    # record, version, class rows, staff rows, the record's current version, the capture
    # (with savepoints on SQLite and PostgreSQL alike: the atomic block may be nested in a
    # test's transaction) — and the calendar of that other day (three queries, once a process).
    with django_assert_max_num_queries(14):
        receipt = submit(w, other, received="10:31")
    assert receipt.status in ("accepted", "late", "rejected")


def test_the_content_hash_is_the_one_stored_captures_were_given(w):
    # Stored captures keep the hash of their content; a resend after an upgrade must match.
    data = capture(w, meals=40, reason="x")
    body = dataclasses.asdict(data)
    # Fields added since (meals not served, the roll call) were not there: left out when empty.
    del body["meals_reason"], body["meals_note"], body["roll"]
    body["classes"] = sorted(body["classes"], key=lambda c: c["class_no"])
    body["staff"] = sorted(body["staff"], key=lambda s: s["posting_id"])
    raw = json.dumps(body, default=str, sort_keys=True, separators=(",", ":"))
    assert data.content_hash() == hashlib.sha256(raw.encode()).hexdigest()
    reordered = dataclasses.replace(data, classes=data.classes[::-1], staff=data.staff[::-1])
    assert reordered.content_hash() == data.content_hash()
    not_served = dataclasses.replace(data, meals_served=0, meals_reason="no_cook")
    assert not_served.content_hash() != dataclasses.replace(data, meals_served=0).content_hash()
