"""The calendar pages."""

import pytest
import time_machine
from django.test import Client

from hazari.accounts.models import User
from hazari.registers.models import academic_year_of
from hazari.schooldays.models import Closure, Kind, Timetable, WorkingDay
from hazari.schooldays.services import session_ensure
from hazari.schooldays.tests import matrix
from hazari.schooldays.tests.helpers import closure, working_day

TODAY = "2026-07-15"  # a Wednesday


@pytest.fixture
def w(world):
    session_ensure(start_year=2026, state=world.state)
    with time_machine.travel(f"{TODAY} 11:00 +0530", tick=False):
        yield world


def client_for(user, language: str = "hi") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


def page(user, url="/calendar/", language="en") -> str:
    response = client_for(user, language).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_head_master_sees_what_closes_the_school_and_nothing_else(w):
    Closure.objects.create(
        unit=w.state,
        start="2026-08-15",
        end="2026-08-15",
        kind=Kind.STATE_HOLIDAY,
        reason="Independence Day",
    )
    Closure.objects.create(
        unit=w.district_a,
        start="2026-07-20",
        end="2026-07-20",
        kind=Kind.LOCAL_HOLIDAY,
        reason="Bhopal local holiday",
    )
    Closure.objects.create(
        unit=w.school_a.unit,
        start="2026-07-17",
        end="2026-07-17",
        kind=Kind.ELECTION_DUTY,
        reason="Polling station",
    )
    Closure.objects.create(
        unit=w.school_b.unit,
        start="2026-07-17",
        end="2026-07-17",
        kind=Kind.WEATHER,
        reason="Roof leaking",
    )
    Closure.objects.create(
        unit=w.district_b,
        start="2026-07-17",
        end="2026-07-17",
        kind=Kind.LOCAL_HOLIDAY,
        reason="Sehore fair",
    )
    html = page(w.asha)
    assert "Independence Day" in html
    assert "Bhopal local holiday" in html
    assert "Polling station" in html
    assert "Roof leaking" not in html and "Sehore fair" not in html
    # The next two weeks, with the closed days and why.
    assert 'data-testid="upcoming"' in html
    assert "Election duty: Polling station" in html
    assert "Weekly off" in html
    # No forms and no remove buttons for a head master.
    assert "closure-form" not in html and "/remove/" not in html


def test_the_page_is_in_hindi_by_default(w):
    html = page(w.asha, language="hi")
    assert '<html lang="hi">' in html


def test_a_head_master_cannot_post(w):
    c = client_for(w.asha)
    response = c.post(f"/calendar/units/{w.school_a.pk}/", matrix.CLOSURE_DATA)
    assert response.status_code == 403
    response = c.post(
        f"/calendar/units/{w.school_a.pk}/working-days/", {"day": "2026-07-19", "reason": "x"}
    )
    assert response.status_code == 403
    assert not Closure.objects.exists() and not WorkingDay.objects.exists()


def test_a_block_officer_enters_a_closure_for_a_cluster(w):
    c = client_for(w.bhavna)
    html = page(w.bhavna, f"/calendar/units/{w.cluster_x1.pk}/")
    assert 'data-testid="closure-form"' in html
    response = c.post(
        f"/calendar/units/{w.cluster_x1.pk}/",
        {"start": "2026-07-16", "end": "2026-07-17", "kind": "weather", "reason": "Flood"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/units/{w.cluster_x1.pk}/"
    made = Closure.objects.get()
    assert (made.unit, made.created_by, made.kind, str(made.start), str(made.end)) == (
        w.cluster_x1,
        w.bhavna,
        "weather",
        "2026-07-16",
        "2026-07-17",
    )
    assert "Flood" in page(w.asha)  # the head master of a school in the cluster sees it


def test_an_empty_end_means_one_day_and_typed_dates_work(w):
    c = client_for(w.bhavna)
    response = c.post(
        f"/calendar/units/{w.block_x.pk}/",
        {"start": "17-07-2026", "end": "", "kind": "local_festival", "reason": "Mela"},
    )
    assert response.status_code == 302
    made = Closure.objects.get()
    assert str(made.start) == str(made.end) == "2026-07-17"


@pytest.mark.parametrize(
    ("data", "error_en"),
    [
        (
            {"start": "2026-02-30", "kind": "weather", "reason": "x"},
            "Enter a date such as 26-01-2027.",
        ),
        (
            {"start": "yesterday", "kind": "weather", "reason": "x"},
            "Enter a date such as 26-01-2027.",
        ),
        (
            {"start": "2026-07-20", "end": "2026-07-18", "kind": "weather", "reason": "x"},
            "The last day cannot be before the first day.",
        ),
        ({"start": "2026-07-20", "kind": "picnic", "reason": "x"}, "Select a valid choice."),
        ({"start": "2026-07-20", "kind": "state_holiday", "reason": "x"}, "Select a valid choice."),
        ({"start": "2026-07-20", "kind": "weather", "reason": " "}, "This field is required."),
        (
            {"start": "2026-07-01", "kind": "weather", "reason": "x"},
            "You can change the calendar at most 7 days back.",
        ),
        (
            {"start": "2027-05-01", "kind": "weather", "reason": "x"},
            "No academic session includes 01-05-2027.",
        ),
        (
            {"start": "2026-07-20", "end": "2026-12-20", "kind": "weather", "reason": "x"},
            "One closure lasts at most 60 days.",
        ),
        ({}, "This field is required."),
    ],
)
def test_bad_input_is_a_form_error(w, data, error_en):
    c = client_for(w.bhavna, "en")
    response = c.post(f"/calendar/units/{w.block_x.pk}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert error_en in html
    assert not Closure.objects.exists()


def test_a_duplicate_closure_is_a_form_error(w):
    c = client_for(w.bhavna, "en")
    data = {"start": "2026-07-20", "kind": "weather", "reason": "Rain"}
    assert c.post(f"/calendar/units/{w.block_x.pk}/", data).status_code == 302
    response = c.post(f"/calendar/units/{w.block_x.pk}/", data)
    assert response.status_code == 200
    assert (
        "already has this kind of closure from 20-07-2026 to 20-07-2026"
        in response.content.decode()
    )
    assert Closure.objects.count() == 1


def test_a_state_officer_is_offered_state_holiday_but_a_district_officer_is_not(w):
    assert 'value="state_holiday"' in page(w.sunita, f"/calendar/units/{w.state.pk}/")
    assert 'value="local_holiday"' not in page(w.sunita, f"/calendar/units/{w.state.pk}/")
    html = page(w.dinesh)
    assert 'value="state_holiday"' not in html and 'value="local_holiday"' in html


def test_an_officer_removes_their_closure_but_not_the_states(w):
    mine = closure(w.cluster_x1, "2026-07-20", by=w.bhavna)
    states = closure(w.state, "2026-08-15", kind=Kind.STATE_HOLIDAY, by=w.sunita)
    c = client_for(w.bhavna)
    html = page(w.bhavna)
    assert f"/calendar/closures/{mine.pk}/remove/" in html
    assert f"/calendar/closures/{states.pk}/remove/" not in html
    assert c.post(f"/calendar/closures/{states.pk}/remove/").status_code == 403
    response = c.post(
        f"/calendar/closures/{mine.pk}/remove/", {"next": f"/calendar/units/{w.block_x.pk}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/units/{w.block_x.pk}/"
    assert list(Closure.objects.all()) == [states]


def test_remove_never_redirects_off_site(w):
    mine = closure(w.cluster_x1, "2026-07-20", by=w.bhavna)
    response = client_for(w.bhavna).post(
        f"/calendar/closures/{mine.pk}/remove/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/calendar/"


def test_removing_an_old_closure_is_refused_with_a_message(w):
    old = closure(w.cluster_x1, "2026-07-01", "2026-07-20", by=w.bhavna)
    c = client_for(w.bhavna, "en")
    response = c.post(f"/calendar/closures/{old.pk}/remove/", follow=True)
    assert "can no longer be removed here" in response.content.decode()
    assert Closure.objects.filter(pk=old.pk).exists()


def test_working_day_add_and_remove(w):
    c = client_for(w.bhavna, "en")
    bad = c.post(
        f"/calendar/units/{w.block_x.pk}/working-days/", {"day": "2026-07-18", "reason": "x"}
    )
    assert bad.status_code == 200
    assert "is not the weekly off day" in bad.content.decode()
    ok = c.post(
        f"/calendar/units/{w.block_x.pk}/working-days/", {"day": "2026-07-19", "reason": "Make-up"}
    )
    assert ok.status_code == 302
    made = WorkingDay.objects.get()
    html = page(w.asha)
    assert "Make-up" in html
    assert c.post(f"/calendar/working-days/{made.pk}/remove/").status_code == 302
    assert not WorkingDay.objects.exists()
    assert (
        client_for(w.bhavna).get(f"/calendar/units/{w.block_x.pk}/working-days/").status_code == 405
    )


def test_the_school_page_shows_a_declared_working_day_as_open(w):
    working_day(w.block_x, "2026-07-19")
    html = page(w.asha)
    assert "19-07-2026" in html
    assert html.count("day-open") == 13  # 14 days, one ordinary Sunday (26th) closed


def test_picker_and_code_lead_to_another_units_calendar(w):
    html = page(w.bhavna)
    assert f'<option value="{w.school_a.pk}"' in html  # two levels below a block: schools
    assert f'<option value="{w.school_c.pk}"' not in html
    c = client_for(w.bhavna, "en")
    response = c.get(f"/calendar/?unit={w.school_b.pk}")
    assert response["Location"] == f"/calendar/units/{w.school_b.pk}/"
    response = c.get("/calendar/?code=23320100101")
    assert response["Location"] == f"/calendar/units/{w.school_a.pk}/"
    response = c.get("/calendar/?code=23330100101")  # school D, another district
    assert response.status_code == 200
    assert "No unit with this code in your area." in response.content.decode()
    assert c.get("/calendar/?unit=abc").status_code == 404
    assert c.get(f"/calendar/?unit={w.school_d.pk}").status_code == 404


def test_a_state_officer_picks_from_districts_and_blocks(w):
    html = page(w.sunita)
    assert f'<option value="{w.block_z.pk}"' in html
    assert f'<option value="{w.cluster_z1.pk}"' not in html
    assert 'data-testid="session"' in html and "2026–27" in html


def test_without_a_session_the_page_says_so(world):
    html = page(world.asha)
    assert "No academic session has been set up for today" in html


def test_an_account_without_a_unit_gets_a_page_not_an_error(w):
    root = User.objects.create_superuser("ROOT", "a-long-admin-password", name="Root")
    assert "not attached to any org unit" in page(root)


def test_the_matrix_post_data_works_inside_the_area(world):
    """The access matrix posts this data at units outside the user's area; here, inside, it
    must change something, or the matrix would prove nothing."""
    for day in (matrix.TODAY, matrix.NEXT_SUNDAY):
        session_ensure(start_year=academic_year_of(day), state=world.state)
    c = client_for(world.bhavna)
    response = c.post(f"/calendar/units/{world.school_a.pk}/", matrix.CLOSURE_DATA)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = c.post(f"/calendar/units/{world.school_a.pk}/working-days/", matrix.WORKING_DAY_DATA)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Closure.objects.count() == WorkingDay.objects.count() == 1
    assert c.post(f"/calendar/closures/{Closure.objects.get().pk}/remove/").status_code == 302
    assert (
        c.post(f"/calendar/working-days/{WorkingDay.objects.get().pk}/remove/").status_code == 302
    )
    assert not Closure.objects.exists() and not WorkingDay.objects.exists()
    response = c.post(f"/calendar/units/{world.school_a.pk}/timetables/", matrix.TIMETABLE_DATA)
    assert response.status_code == 302, response.content.decode()[:2000]
    season = Timetable.objects.get()
    assert c.post(f"/calendar/timetables/{season.pk}/remove/").status_code == 302
    assert not Timetable.objects.exists()


def test_the_matrix_targets_are_outside(world):
    for person in ("asha", "chetan", "bhavna", "dinesh", "zoya"):
        who = getattr(world, person)
        for kind, target in matrix.TARGETS.items():
            found = target(world, who)
            unit = getattr(found, "unit", found)
            assert not who.unit.contains(unit), (person, kind)
