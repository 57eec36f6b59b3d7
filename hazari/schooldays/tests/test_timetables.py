"""Seasonal start times (morning schools in summer): entered, refused, resolved, and judged."""

import datetime

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.urls import reverse

from hazari.api.tests.helpers import app_client, capture_body, iso, upload
from hazari.attendance.tests.conftest import school_a_ready  # noqa: F401 (a fixture)
from hazari.schooldays import services
from hazari.schooldays.models import Timetable
from hazari.schooldays.tests.helpers import D
from hazari.schooldays.timetables import start_time_on

SUMMER = ("2026-07-13", "2026-07-25")  # around the tests' Wednesday, 15 July 2026
MORNING = datetime.time(7, 30)


@pytest.fixture
def w(school_a_ready):  # noqa: F811
    with time_machine.travel("2026-07-15 07:40 +0530", tick=False):
        yield school_a_ready


def add(actor, unit, *, start=SUMMER[0], end=SUMMER[1], starts_at=MORNING, reason="Summer"):
    return services.timetable_add(
        actor=actor, unit=unit, start=D(start), end=D(end), starts_at=starts_at, reason=reason
    )


def codes(excinfo) -> dict[str, list[str]]:
    return {f: [e.code for e in errors] for f, errors in excinfo.value.error_dict.items()}


def test_a_districts_season_sets_its_schools_start_inside_its_dates_only(w):
    add(w.dinesh, w.district_a)
    assert start_time_on(w.school_a, D("2026-07-15")) == MORNING
    assert start_time_on(w.school_a, D("2026-07-25")) == MORNING
    assert start_time_on(w.school_a, D("2026-07-26")) == datetime.time(10, 0)  # its own
    assert start_time_on(w.school_a, D("2026-07-12")) == datetime.time(10, 0)
    assert start_time_on(w.school_d, D("2026-07-15")) == datetime.time(10, 0)  # other district


def test_the_nearest_units_season_wins(w):
    add(w.dinesh, w.district_a)
    add(w.chetan, w.school_a.unit, starts_at=datetime.time(8, 0), reason="Shared building")
    assert start_time_on(w.school_a, D("2026-07-15")) == datetime.time(8, 0)
    assert start_time_on(w.school_b, D("2026-07-15")) == MORNING


def test_a_morning_school_is_on_time_at_a_quarter_to_eight(w):
    client = app_client(w.asha)
    before = upload(client, [capture_body(w, when="07:39")], sent_at=iso(hhmm="07:40"))
    assert before.json()["receipts"][0]["code"] == "not_open_yet"  # a 10:00 school
    add(w.dinesh, w.district_a)
    receipt = upload(client, [capture_body(w, when="07:39")], sent_at=iso(hhmm="07:40"))
    assert receipt.json()["receipts"][0]["code"] == "on_time"


def test_the_phone_gets_each_days_start(w):
    add(w.dinesh, w.district_a, start="2026-07-16")
    body = app_client(w.asha).get("/api/v1/sync/bootstrap").json()
    starts = {d["date"]: d["start_time"] for d in body["calendar"]}
    assert starts["2026-07-15"] == "10:00" and starts["2026-07-16"] == "07:30"


def test_what_is_refused_is_named_by_field(w):
    with pytest.raises(ValidationError) as e:
        add(w.dinesh, w.district_a, starts_at=datetime.time(0, 30), reason=" ")
    assert codes(e) == {"starts_at": ["out_of_range"], "reason": ["required"]}
    with pytest.raises(ValidationError) as e:
        add(w.dinesh, w.district_a, start="2026-07-20", end="2026-07-19")
    assert codes(e) == {"end": ["end_before_start"]}
    # 16:30 leaves no on-time hour before entry closes at 17:00.
    with pytest.raises(ValidationError) as e:
        add(w.dinesh, w.district_a, starts_at=datetime.time(16, 30))
    assert codes(e) == {"starts_at": ["out_of_range"]}
    add(w.dinesh, w.district_a)
    with pytest.raises(ValidationError) as e:
        add(w.dinesh, w.district_a, start="2026-07-25", end="2026-07-30")
    assert codes(e) == {NON_FIELD_ERRORS: ["overlap"]}
    assert Timetable.objects.count() == 1


def test_who_may_enter_and_remove(w):
    with pytest.raises(PermissionDenied):
        add(w.asha, w.school_a.unit)  # head masters do not edit the calendar
    with pytest.raises(PermissionDenied):
        add(w.chetan, w.district_a)  # above his cluster
    season = add(w.dinesh, w.district_a)
    with pytest.raises(PermissionDenied):
        services.timetable_remove(actor=w.chetan, timetable=season)
    services.timetable_remove(actor=w.dinesh, timetable=season)
    assert not Timetable.objects.exists()
    assert Timetable.history.filter(history_type="-").get().history_user == w.dinesh


def test_the_calendar_page_enters_lists_and_removes_a_season(w, client):
    client.force_login(w.dinesh)
    url = reverse("calendar_timetable_add", args=[w.district_a.pk])
    bad = client.post(url, {"start": "2026-07-13", "end": "2026-07-25", "starts_at": "7.30"})
    assert bad.status_code == 200 and not Timetable.objects.exists()
    assert "starts_at" in bad.context["timetable_form"].errors
    response = client.post(
        url,
        {"start": "2026-07-13", "end": "2026-07-25", "starts_at": "07:30", "reason": "Summer"},
    )
    assert response.status_code == 302
    page = client.get(reverse("calendar_unit", args=[w.school_a.pk]))
    assert b'data-testid="timetables"' in page.content and b"07:30" in page.content
    season = Timetable.objects.get()
    client.post(reverse("timetable_remove", args=[season.pk]))
    assert not Timetable.objects.exists()


def test_a_season_outside_the_area_is_not_found(w, client):
    season = add(w.zoya, w.district_b)
    client.force_login(w.dinesh)
    assert client.post(reverse("timetable_remove", args=[season.pk])).status_code == 404
    url = reverse("calendar_timetable_add", args=[w.district_b.pk])
    assert client.post(url, {}).status_code == 404
    assert Timetable.objects.count() == 1
