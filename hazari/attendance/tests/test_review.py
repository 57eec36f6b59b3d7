"""Held attendance and the officers' review of it: approving and dismissing."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import translation

from hazari.attendance import review
from hazari.attendance.models import DayRecord, Review, Version
from hazari.attendance.services import CaptureIn, ClassCount, StaffMark, capture_submit
from hazari.attendance.tests.conftest import DAY, at
from hazari.imports.tests.helpers import logged_in
from hazari.registers.models import Enrolment
from hazari.staff.models import Posting


@pytest.fixture
def w(school_a_ready):
    # School C (classes 1–8, another block) ready too, for the area tests.
    for class_no in range(1, 9):
        Enrolment.objects.create(
            school=school_a_ready.school_c,
            academic_year=2026,
            class_no=class_no,
            boys=10,
            girls=10,
        )
    school_a_ready.posting_hari = Posting.objects.create(
        employee_code="EMP0003",
        name="Hari Patel",
        designation="Head Master",
        school=school_a_ready.school_c,
        start_date=datetime.date(2020, 7, 1),
        source="hrmis",
    )
    return school_a_ready


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-07-15 15:00 +0530", tick=False) as traveller:
        yield traveller


def english(user):
    client = logged_in(user)
    client.cookies["django_language"] = "en"
    return client


def send(w, *, school=None, user=None, when="10:30", offset=0, present=15, reason=""):
    """A capture from a phone; an offset of hours is a wrong clock, and is held."""
    school = school or w.school_a
    if school == w.school_a:
        classes = [ClassCount(c, present, present) for c in range(1, 6)]
        staff = [StaffMark(w.posting_asha.pk, "P"), StaffMark(w.posting_tarun.pk, "P")]
    else:
        classes = [ClassCount(c, present % 10, present % 10) for c in range(1, 9)]
        staff = [StaffMark(w.posting_hari.pk, "P")]
    receipt = capture_submit(
        user=user or (w.asha if school == w.school_a else w.hari),
        data=CaptureIn(
            uuid=uuid.uuid4(),
            school_id=school.pk,
            date=DAY,
            captured_at=at(when) - datetime.timedelta(seconds=offset),
            classes=classes,
            staff=staff,
            reason=reason,
        ),
        received_at=at(when),
        clock_offset=datetime.timedelta(seconds=offset),
        device_id="phone-1",
    )
    return receipt


def held(w, **kw) -> Version:
    receipt = send(w, offset=2 * 3600, **kw)
    assert receipt.status == "held"
    return Version.objects.get(record__school=kw.get("school", w.school_a), number=receipt.version)


def approve(client, version, note="Checked with the head master on the phone"):
    return client.post(f"/attendance/versions/{version.pk}/approve/", {"note": note})


def dismiss(client, version, note="The head master says the phone's date was wrong"):
    return client.post(f"/attendance/versions/{version.pk}/dismiss/", {"note": note})


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The list ---------------------------------------------------------------------------------


def test_held_list_shows_the_areas_held_versions(w):
    a = held(w)
    c = held(w, school=w.school_c)
    send(w, when="10:40")  # accepted: not listed

    def listed(person):
        response = english(getattr(w, person)).get("/attendance/held/")
        assert response.status_code == 200
        return [row["version"].pk for row in response.context["rows"]]

    assert listed("chetan") == [a.pk]
    assert listed("bhavna") == [a.pk]
    assert listed("yash") == [c.pk]
    assert listed("zoya") == []
    assert sorted(listed("dinesh")) == sorted([a.pk, c.pk])
    assert sorted(listed("sunita")) == sorted([a.pk, c.pk])


def test_held_list_shows_who_device_and_clock(w):
    held(w)
    page = english(w.bhavna).get("/attendance/held/").content.decode()
    assert "GPS Kolar" in page and "15-07-2026" in page
    assert "Asha Verma" in page and "phone-1" in page
    assert "120 minutes" in page
    assert "The phone&#x27;s clock is wrong by 120 minutes" in page
    assert f"/schools/{w.school_a.pk}/attendance/?date=2026-07-15" not in page  # today's page
    assert f'href="/schools/{w.school_a.pk}/attendance/"' in page


@pytest.mark.parametrize("person", ["asha", "tarun", "hari", "dev"])
def test_school_staff_and_ddo_may_not_review(w, person):
    version = held(w)
    client = english(getattr(w, person))
    assert client.get("/attendance/held/").status_code == 403
    status = approve(client, version).status_code
    # Inside the area: 403; a school outside the user's area stays unknown: 404.
    assert status == (404 if person == "hari" else 403)
    assert DayRecord.objects.get(school=w.school_a).current is None


def test_officer_of_another_area_gets_404(w):
    version = held(w)
    for person in ("yash", "zoya"):
        assert approve(english(getattr(w, person)), version).status_code == 404
    assert Version.objects.get(pk=version.pk).reviewed_by is None


def test_approve_is_post_only(w):
    version = held(w)
    assert english(w.chetan).get(f"/attendance/versions/{version.pk}/approve/").status_code == 405


# --- Approving --------------------------------------------------------------------------------


def test_cluster_officer_approves_a_held_first_report(w):
    version = held(w)
    record = DayRecord.objects.get()
    assert record.current is None
    page = english(w.asha).get(f"/schools/{w.school_a.pk}/attendance/").content.decode()
    assert 'data-testid="held-notice"' in page

    response = approve(english(w.chetan), version)
    assert response.status_code == 302 and response["Location"] == "/attendance/held/"
    assert any("is now the attendance of GPS Kolar for 15-07-2026" in m for m in shown(response))
    record.refresh_from_db()
    version.refresh_from_db()
    assert record.current == version
    assert (version.reviewed_by, version.reviewed_at) == (w.chetan, at("15:00"))
    assert record.first_reported_at == version.captured_at
    # The server-corrected capture time, 10:30, was within the on-time window.
    assert record.on_time
    assert version.review == Review.APPROVED
    assert version.review_note == "Checked with the head master on the phone"
    assert english(w.chetan).get("/attendance/held/").context["rows"] == []
    page = english(w.asha).get(f"/schools/{w.school_a.pk}/attendance/").content.decode()
    assert "Approved by" in page and "Chetan Rai" in page
    assert "Checked with the head master on the phone" in page


def test_approved_late_capture_does_not_count_as_on_time(w):
    version = held(w, when="12:30")
    review.version_approve(actor=w.bhavna, version=version, note="ok")
    record = DayRecord.objects.get()
    assert record.current == version and not record.on_time


def test_approving_a_held_correction_keeps_the_first_report(w):
    first = send(w)
    assert first.status == "accepted"
    correction = held(w, when="11:30", present=14, reason="Recount")
    record = DayRecord.objects.get()
    assert record.current.number == 1
    review.version_approve(actor=w.dinesh, version=correction, note="Recount confirmed")
    record.refresh_from_db()
    assert record.current == correction and record.current.present_boys == 70
    assert record.on_time and record.first_reported_at == at("10:30")


def test_a_note_is_required(w):
    version = held(w)
    response = approve(english(w.chetan), version, note="   ")
    assert any("Write a note on your decision." in m for m in shown(response))
    assert DayRecord.objects.get().current is None
    with pytest.raises(ValidationError):
        review.version_approve(actor=w.chetan, version=version, note="")


def test_a_newer_accepted_version_cannot_be_replaced(w):
    old = held(w)
    send(w, when="11:00")  # accepted; no reason needed, nothing was current
    response = approve(english(w.chetan), old)
    assert any("A newer version (2)" in m for m in shown(response))
    record = DayRecord.objects.get()
    assert record.current.number == 2
    assert Version.objects.get(pk=old.pk).reviewed_by is None


def test_a_version_is_reviewed_once(w):
    version = held(w)
    review.version_approve(actor=w.chetan, version=version, note="ok")
    with translation.override("en"), pytest.raises(ValidationError, match="already been reviewed"):
        review.version_approve(actor=w.bhavna, version=version, note="again")


def test_nobody_reviews_their_own_entry(w):
    version = held(w, user=w.bhavna)
    assert version.role == "block_officer"
    response = approve(english(w.bhavna), version)
    assert any("You cannot review your own entry." in m for m in shown(response))
    assert DayRecord.objects.get().current is None
    page = english(w.bhavna).get("/attendance/held/").content.decode()
    assert "another officer must review it" in page
    review.version_approve(actor=w.dinesh, version=version, note="ok")


def test_an_accepted_version_cannot_be_approved(w):
    send(w)
    version = Version.objects.get()
    with translation.override("en"), pytest.raises(ValidationError, match="Only a version held"):
        review.version_approve(actor=w.chetan, version=version, note="ok")


def test_the_service_checks_the_actor_too(w):
    version = held(w)
    for person in ("asha", "dev", "yash"):
        with pytest.raises(PermissionError):
            review.version_approve(actor=getattr(w, person), version=version, note="ok")
    assert DayRecord.objects.get().current is None


def test_versions_for_follows_the_area(w):
    a = held(w)
    c = held(w, school=w.school_c)
    assert list(review.versions_for(w.bhavna)) == [a]
    assert set(review.versions_for(w.dinesh)) == {a, c}
    assert list(review.versions_for(w.asha)) == [a]
    assert list(review.versions_for(w.zoya)) == []


def test_a_too_long_note_is_refused(w):
    version = held(w)
    response = approve(english(w.chetan), version, note="x" * 301)
    assert response.status_code == 302
    assert Version.objects.get(pk=version.pk).reviewed_by is None


def test_the_note_is_stored_stripped_on_approve(w):
    version = held(w)
    review.version_approve(actor=w.bhavna, version=version, note="  Spoke to the school  ")
    version.refresh_from_db()
    assert (version.review, version.review_note) == (Review.APPROVED, "Spoke to the school")


# --- Dismissing -------------------------------------------------------------------------------


def test_cluster_officer_dismisses_a_held_first_report(w):
    version = held(w)
    response = dismiss(english(w.chetan), version)
    assert response.status_code == 302 and response["Location"] == "/attendance/held/"
    assert any("Version 1 of GPS Kolar for 15-07-2026 is dismissed" in m for m in shown(response))
    version.refresh_from_db()
    assert version.review == Review.DISMISSED
    assert version.review_note == "The head master says the phone's date was wrong"
    assert (version.reviewed_by, version.reviewed_at) == (w.chetan, at("15:00"))
    assert version.status == "held"  # the verdict at receipt is kept
    record = DayRecord.objects.get()
    assert record.current is None
    assert record.first_reported_at is None and not record.on_time
    assert english(w.chetan).get("/attendance/held/").context["rows"] == []

    page = english(w.asha).get(f"/schools/{w.school_a.pk}/attendance/").content.decode()
    assert 'data-testid="held-notice"' not in page
    assert "Dismissed by" in page and "Chetan Rai" in page and "Approved by" not in page
    assert "The head master says the phone&#x27;s date was wrong" in page


def test_dismissing_a_held_correction_keeps_the_current_version(w):
    send(w)
    correction = held(w, when="11:30", present=14, reason="Recount")
    review.version_dismiss(actor=w.dinesh, version=correction, note="Recount not confirmed")
    record = DayRecord.objects.get()
    assert record.current.number == 1 and record.current.present_boys == 75
    assert record.on_time and record.first_reported_at == at("10:30")
    correction.refresh_from_db()
    assert (correction.review, correction.review_note) == (
        Review.DISMISSED,
        "Recount not confirmed",
    )


def test_a_held_version_overtaken_by_a_newer_one_can_be_dismissed(w):
    old = held(w)
    send(w, when="11:00")
    response = dismiss(english(w.chetan), old)
    assert not any("A newer version" in m for m in shown(response))
    assert Version.objects.get(pk=old.pk).review == Review.DISMISSED
    assert DayRecord.objects.get().current.number == 2


def test_a_dismissed_version_cannot_be_approved_nor_dismissed_again(w):
    version = held(w)
    review.version_dismiss(actor=w.chetan, version=version, note="no")
    with translation.override("en"), pytest.raises(ValidationError, match="already been reviewed"):
        review.version_approve(actor=w.bhavna, version=version, note="yes")
    with translation.override("en"), pytest.raises(ValidationError, match="already been reviewed"):
        review.version_dismiss(actor=w.bhavna, version=version, note="again")
    version.refresh_from_db()
    assert (version.review, version.reviewed_by) == (Review.DISMISSED, w.chetan)
    assert DayRecord.objects.get().current is None


def test_an_approved_version_cannot_be_dismissed(w):
    version = held(w)
    review.version_approve(actor=w.chetan, version=version, note="ok")
    response = dismiss(english(w.bhavna), version)
    assert any("already been reviewed" in m for m in shown(response))
    version.refresh_from_db()
    assert (version.review, version.review_note) == (Review.APPROVED, "ok")
    assert DayRecord.objects.get().current == version


def test_dismiss_needs_a_note(w):
    version = held(w)
    response = dismiss(english(w.chetan), version, note="   ")
    assert any("Write a note on your decision." in m for m in shown(response))
    assert dismiss(english(w.chetan), version, note="x" * 301).status_code == 302
    with pytest.raises(ValidationError):
        review.version_dismiss(actor=w.chetan, version=version, note="")
    assert Version.objects.get(pk=version.pk).review == ""


def test_an_accepted_version_cannot_be_dismissed(w):
    send(w)
    version = Version.objects.get()
    with translation.override("en"), pytest.raises(ValidationError, match="Only a version held"):
        review.version_dismiss(actor=w.chetan, version=version, note="no")
    assert DayRecord.objects.get().current == version


def test_dismiss_is_post_only(w):
    version = held(w)
    assert english(w.chetan).get(f"/attendance/versions/{version.pk}/dismiss/").status_code == 405


@pytest.mark.parametrize("person", ["asha", "tarun", "hari", "dev"])
def test_school_staff_and_ddo_may_not_dismiss(w, person):
    version = held(w)
    status = dismiss(english(getattr(w, person)), version).status_code
    # Inside the area: 403; a school outside the user's area stays unknown: 404.
    assert status == (404 if person == "hari" else 403)
    assert Version.objects.get(pk=version.pk).review == ""


def test_officer_of_another_area_may_not_dismiss(w):
    version = held(w)
    for person in ("yash", "zoya"):
        assert dismiss(english(getattr(w, person)), version).status_code == 404
    assert Version.objects.get(pk=version.pk).reviewed_by is None


def test_nobody_dismisses_their_own_entry(w):
    version = held(w, user=w.bhavna)
    response = dismiss(english(w.bhavna), version)
    assert any("You cannot review your own entry." in m for m in shown(response))
    assert Version.objects.get(pk=version.pk).review == ""
    with translation.override("en"), pytest.raises(ValidationError, match="your own entry"):
        review.version_dismiss(actor=w.bhavna, version=version, note="mine")
    review.version_dismiss(actor=w.dinesh, version=version, note="not hers to judge")


def test_the_dismiss_service_checks_the_actor_too(w):
    version = held(w)
    for person in ("asha", "dev", "yash"):
        with pytest.raises(PermissionError):
            review.version_dismiss(actor=getattr(w, person), version=version, note="no")
    assert Version.objects.get(pk=version.pk).review == ""


def test_the_held_list_offers_dismiss_beside_approve(w):
    version = held(w)
    page = english(w.chetan).get("/attendance/held/").content.decode()
    assert f'action="/attendance/versions/{version.pk}/approve/"' in page
    assert f'formaction="/attendance/versions/{version.pk}/dismiss/"' in page
    assert ">Dismiss</button>" in page
