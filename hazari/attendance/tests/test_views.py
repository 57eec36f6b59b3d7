"""The attendance page of a school: the web form for the capture service."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client

from hazari.attendance.models import Capture, DayRecord, Version
from hazari.attendance.tests.conftest import DAY
from hazari.imports.tests.helpers import logged_in
from hazari.schooldays.models import Closure, Kind

# A Wednesday in term, at 10:30 India time: on time for a school that starts at 10:00.
NOW = "2026-07-15 10:30 +0530"


@pytest.fixture
def w(school_a_ready):
    return school_a_ready


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def english(user) -> Client:
    client = logged_in(user)
    client.cookies["django_language"] = "en"
    return client


def url(school, day: datetime.date | None = None) -> str:
    base = f"/schools/{school.pk}/attendance/"
    return f"{base}?date={day.isoformat()}" if day else base


def body(w, *, present=15, reason="", meals="", capture_id=None, **fields) -> dict:
    data = {"capture_id": str(capture_id or uuid.uuid4()), "reason": reason, "meals_served": meals}
    for class_no in range(1, 6):
        data[f"c{class_no}_boys"] = present
        data[f"c{class_no}_girls"] = present
        data[f"c{class_no}_third_gender"] = ""
    data[f"staff_{w.posting_asha.pk}"] = "P"
    data[f"staff_{w.posting_tarun.pk}"] = "L"
    data.update(fields)
    return data


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The form ---------------------------------------------------------------------------------


def test_form_shows_enrolment_staff_and_numeric_fields(w, clock):
    response = english(w.asha).get(url(w.school_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('inputmode="numeric"') >= 15  # 5 classes × 3 genders (+ meals)
    assert 'name="c1_boys"' in page and 'name="c5_third_gender"' in page
    assert "enrolled: 20" in page
    assert "Asha Verma" in page and "Tarun Sahu" in page
    assert f'name="staff_{w.posting_tarun.pk}"' in page
    assert 'name="capture_id"' in page
    assert 'name="meals_served"' in page
    assert 'name="reason"' not in page  # nothing sent yet: no correction
    assert "No attendance has been sent for this day yet." in page
    assert "School day" in page


def test_the_form_is_shown_in_hindi_by_default(w, clock):
    page = logged_in(w.asha).get(url(w.school_a)).content.decode()
    assert 'lang="hi"' in page and 'name="c1_boys"' in page


def test_a_school_without_classes_1_to_8_has_no_meals_field(w, clock):
    page = english(w.arjun).get(url(w.school_d)).content.decode()
    assert 'name="c9_boys"' in page and 'name="meals_served"' not in page


def test_school_page_links_to_attendance_and_nav_has_todays_attendance(w):
    client = english(w.asha)
    page = client.get(f"/units/{w.school_a.pk}/").content.decode()
    assert url(w.school_a) in page
    links = [u for _, u in client.get("/").context["nav"]]
    assert url(w.school_a) in links
    officer_links = [u for _, u in english(w.bhavna).get("/").context["nav"]]
    assert "/attendance/held/" in officer_links
    assert url(w.school_a) not in officer_links


# --- Saving -----------------------------------------------------------------------------------


def test_on_time_entry_is_accepted_and_redirects(w, clock):
    client = english(w.asha)
    response = client.post(url(w.school_a), body(w, meals="100"))
    assert response.status_code == 302 and response["Location"] == url(w.school_a)
    version = Version.objects.get()
    assert (version.number, version.status, version.role, version.device_id) == (
        1,
        "accepted",
        "hm",
        "web",
    )
    assert version.present_boys == 75 and version.meals_served == 100
    assert version.staff.get(posting=w.posting_tarun).status == "L"
    record = DayRecord.objects.get()
    assert record.current == version and record.on_time
    assert any("Received on time." in m for m in shown(response))
    page = client.get(url(w.school_a)).content.decode()
    assert "Attendance saved as version 1." in page
    assert 'data-testid="versions"' in page and "Asha Verma" in page
    assert 'name="reason"' in page  # a correction now needs a reason
    assert "Correct today's attendance" in page


def test_late_entry_is_accepted_as_late(w):
    with time_machine.travel("2026-07-15 12:30 +0530", tick=False):
        response = english(w.tarun).post(url(w.school_a), body(w))
    assert response.status_code == 302
    version = Version.objects.get()
    assert (version.status, version.role) == ("late", "teacher")
    assert not DayRecord.objects.get().on_time
    assert any("late" in m for m in shown(response))


def test_correction_needs_a_reason(w, clock):
    client = english(w.asha)
    client.post(url(w.school_a), body(w))
    clock.shift(datetime.timedelta(minutes=30))
    response = client.post(url(w.school_a), body(w, present=14))
    assert response.status_code == 200
    assert "give the reason for the correction" in response.context["form"].errors["reason"][0]
    assert Version.objects.count() == 1
    # The rejected capture keeps its ID; the form comes back with a new one.
    assert str(response.context["capture_id"]) not in set(
        str(c) for c in Capture.objects.values_list("uuid", flat=True)
    )

    response = client.post(url(w.school_a), body(w, present=14, reason="Class 3 miscounted"))
    assert response.status_code == 302
    record = DayRecord.objects.get()
    assert record.current.number == 2 and record.current.present_boys == 70
    assert record.current.reason == "Class 3 miscounted"
    assert record.on_time  # the first report was on time


def test_correction_form_starts_from_the_current_figures(w, clock):
    client = english(w.asha)
    client.post(url(w.school_a), body(w, present=12, **{f"staff_{w.posting_asha.pk}": "D"}))
    form = client.get(url(w.school_a)).context["form"]
    assert form["c1_boys"].value() == 12
    assert form[f"staff_{w.posting_asha.pk}"].value() == "D"


def test_double_submit_makes_one_record(w, clock):
    client = english(w.asha)
    data = body(w)
    first = client.post(url(w.school_a), data)
    clock.shift(datetime.timedelta(seconds=2))  # the second click comes a moment later
    second = client.post(url(w.school_a), data)
    assert first.status_code == second.status_code == 302
    assert Capture.objects.count() == 1 and Version.objects.count() == 1
    assert any("version 1" in m for m in shown(second))


def test_same_id_with_other_content_changes_nothing(w, clock):
    client = english(w.asha)
    data = body(w)
    client.post(url(w.school_a), data)
    response = client.post(url(w.school_a), {**data, "c1_boys": "3", "reason": "fix"})
    assert response.status_code == 200
    assert any("A different capture was already sent" in m for m in shown(response))
    assert Version.objects.count() == 1 and Version.objects.get().present_boys == 75


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("abc", "Enter a number such as 12."),
        ("-1", "A count cannot be below 0."),
        ("99999999999999999999", "This number is too large."),
        ("", "Enter the number present (0 if none)."),
        ("1.5", "Enter a number such as 12."),
    ],
)
def test_bad_numbers_are_form_errors(w, clock, value, error):
    response = english(w.asha).post(url(w.school_a), body(w, c2_girls=value))
    assert response.status_code == 200
    assert response.context["form"].errors["c2_girls"] == [error]
    assert not Capture.objects.exists()


def test_bad_meals_and_staff_status_are_form_errors(w, clock):
    data = body(w, meals="-5", **{f"staff_{w.posting_tarun.pk}": "X"})
    del data[f"staff_{w.posting_asha.pk}"]
    response = english(w.asha).post(url(w.school_a), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "meals_served",
        f"staff_{w.posting_asha.pk}",
        f"staff_{w.posting_tarun.pk}",
    }
    assert not Capture.objects.exists()


def test_garbage_capture_id_is_not_a_500(w, clock):
    response = english(w.asha).post(url(w.school_a), body(w, capture_id="not-a-uuid"))
    assert response.status_code == 200
    assert "capture_id" in response.context["form"].errors


def test_more_than_enrolled_is_shown_on_its_field(w, clock):
    response = english(w.asha).post(url(w.school_a), body(w, c3_boys="21"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["c3_boys"] == ["Class 3: 21 present but only 20 enrolled."]
    assert any("The entry has mistakes" in m for m in shown(response))
    assert Capture.objects.get().status == "rejected" and not Version.objects.exists()
    page = response.content.decode()
    assert 'value="21"' in page  # the input is kept


def test_receipt_errors_come_in_the_users_language(w, clock):
    response = logged_in(w.asha).post(url(w.school_a), body(w, c3_boys="21"))
    stored = Capture.objects.get().errors
    assert response.context["form"].errors["c3_boys"] == [stored[0]["message_hi"]]


def test_third_gender_above_enrolment_unfolds_its_section(w, clock):
    response = english(w.asha).post(url(w.school_a), body(w, c4_third_gender="1"))
    assert response.context["form"].errors["c4_third_gender"]
    assert response.context["form"].third_gender_open()


def test_meals_above_present_is_shown_on_the_meals_field(w, clock):
    response = english(w.asha).post(url(w.school_a), body(w, present=1, meals="11"))
    assert response.status_code == 200
    assert "Meals served (11)" in response.context["form"].errors["meals_served"][0]
    assert not Version.objects.exists()


def test_meals_not_served_with_a_reason_from_the_form(w, clock):
    client = english(w.asha)
    page = client.get(url(w.school_a)).content.decode()
    assert 'name="meals_reason"' in page and "No food grain" in page
    missing = client.post(url(w.school_a), body(w, meals="0"))
    assert "choose the reason" in missing.context["form"].errors["meals_reason"][0]
    other = client.post(url(w.school_a), body(w, meals="0", meals_reason="other"))
    assert "Write what the reason was" in other.context["form"].errors["meals_note"][0]
    assert not Version.objects.exists()
    response = client.post(url(w.school_a), body(w, meals="", meals_reason="no_cook"))
    assert response.status_code == 302
    version = Version.objects.get()
    assert (version.meals_served, version.meals_not_served) == (0, "no_cook")
    assert "None: No cook" in client.get(url(w.school_a)).content.decode()


# --- Who may enter ----------------------------------------------------------------------------


def test_block_officer_enters_for_a_school_of_her_block(w, clock):
    client = english(w.bhavna)
    page = client.get(url(w.school_a)).content.decode()
    assert "You are entering for this school as Block officer" in page
    assert client.post(url(w.school_a), body(w)).status_code == 302
    version = Version.objects.get()
    assert (version.role, version.submitted_by) == ("block_officer", w.bhavna)
    page = client.get(url(w.school_a)).content.decode()
    assert "Bhavna Singh" in page and "Block officer" in page


@pytest.mark.parametrize(
    ("person", "school"),
    [
        ("yash", "school_a"),  # another block's officer
        ("zoya", "school_a"),  # another district's officer
        ("asha", "school_b"),  # head master of a neighbouring school
        ("hari", "school_a"),
        ("bhavna", "school_c"),  # a school of another block
    ],
)
def test_outside_the_area_is_404_and_changes_nothing(w, clock, person, school):
    client = english(getattr(w, person))
    target = getattr(w, school)
    assert client.get(url(target)).status_code == 404
    assert client.post(url(target), body(w)).status_code == 404
    assert not Capture.objects.exists()


def test_anonymous_is_sent_to_log_in(w):
    response = Client().get(url(w.school_a))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- Days -------------------------------------------------------------------------------------


def test_weekly_off_shows_a_message_and_no_form(w):
    with time_machine.travel("2026-07-19 10:30 +0530", tick=False):  # a Sunday
        client = english(w.asha)
        response = client.get(url(w.school_a))
        page = response.content.decode()
        assert "No attendance is taken on this day: Weekly off." in page
        assert 'data-testid="attendance-form"' not in page
        response = client.post(url(w.school_a), body(w))
    assert response.status_code == 200
    assert any("is not a school day" in m for m in shown(response))
    assert not Version.objects.exists()


def test_holiday_shows_its_reason(w, clock):
    Closure.objects.create(
        unit=w.block_x, start=DAY, end=DAY, kind=Kind.WEATHER, reason="Heavy rain"
    )
    page = english(w.asha).get(url(w.school_a)).content.decode()
    assert "Heavy rain" in page
    assert 'data-testid="attendance-form"' not in page


def test_a_past_day_is_shown_without_the_form(w, clock):
    english(w.asha).post(url(w.school_a), body(w))
    clock.move_to("2026-07-16 11:00 +0530")
    client = english(w.asha)
    response = client.get(url(w.school_a, DAY))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="attendance-form"' not in page
    assert "only on the day itself" in page
    assert 'data-testid="versions"' in page
    # Posting for a past day anyway is answered by the service.
    response = client.post(url(w.school_a, DAY), body(w, reason="late fix"))
    assert response.status_code == 200
    assert any("must be entered on that day" in m for m in shown(response))
    assert Version.objects.count() == 1


@pytest.mark.parametrize("value", ["2026-07-16", "2026-07-01", "15-07-2026", "junk"])
def test_days_that_cannot_be_shown_go_back_to_today(w, clock, value):
    response = english(w.asha).get(f"{url(w.school_a)}?date={value}")
    assert response.status_code == 302 and response["Location"] == url(w.school_a)


def test_after_five_the_form_is_closed(w):
    with time_machine.travel("2026-07-15 17:30 +0530", tick=False):
        client = english(w.asha)
        page = client.get(url(w.school_a)).content.decode()
        assert "Entry for the day closed at 17:00." in page
        assert 'data-testid="attendance-form"' not in page
        response = client.post(url(w.school_a), body(w))
    assert any("closed at 17:00" in m for m in shown(response))
    assert not Version.objects.exists()


def test_before_the_school_opens_the_entry_is_refused(w):
    with time_machine.travel("2026-07-15 09:30 +0530", tick=False):
        response = english(w.asha).post(url(w.school_a), body(w))
    assert response.status_code == 200
    assert any("Entry opens at" in m for m in shown(response))
    assert not Version.objects.exists()


def test_held_entry_is_saved_but_does_not_count(w, clock):
    from hazari.attendance.models import RuleSet

    RuleSet.objects.create(unit=w.state, meals_over_present="held")
    response = english(w.asha).post(url(w.school_a), body(w, present=1, meals="11"))
    assert response.status_code == 302
    assert any("held for an officer's review" in m for m in shown(response))
    version = Version.objects.get()
    assert version.status == "held" and DayRecord.objects.get().current is None
    page = english(w.asha).get(url(w.school_a)).content.decode()
    assert 'data-testid="held-notice"' in page
    assert "/attendance/held/" not in page  # a head master does not review


def test_an_empty_post_is_form_errors_not_a_500(w, clock):
    response = english(w.asha).post(url(w.school_a), {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capture_id" in errors and "c1_boys" in errors and "c1_third_gender" not in errors
    assert not Capture.objects.exists()


def test_a_too_long_reason_is_a_form_error(w, clock):
    response = english(w.asha).post(url(w.school_a), body(w, reason="x" * 301))
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not Capture.objects.exists()
