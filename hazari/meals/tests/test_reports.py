"""The mid-day meal reports: figures, reasons, flags, the school's page and the downloads."""

import csv
import io

import pytest
from django.db.models import F
from openpyxl import load_workbook

from hazari.attendance.models import Status, Version
from hazari.dashboards import refresh
from hazari.dashboards import selectors as dash
from hazari.dashboards.models import RefreshState
from hazari.dashboards.periods import Period
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.test_views import english, page
from hazari.imports.tests.helpers import logged_in
from hazari.meals import selectors
from hazari.meals.flags import Limits
from hazari.meals.tests.conftest import NOW

WEEK = "period=week&date=2026-07-06"


@pytest.fixture
def w(meals, clock):
    return meals


def week():
    return Period.of("week", NOW.date().replace(day=6), NOW.date())


def counted_versions(schools):
    """The versions the reports count (current, accepted or late), straight from the tables."""
    return Version.objects.filter(
        record__school__in=schools,
        record__current=F("pk"),
        status__in=[Status.ACCEPTED, Status.LATE],
    )


def test_figures_of_the_state_equal_the_reports_sent(w):
    state, period = w.state, week()
    now, _before = dash.totals(state, period, period.before())
    versions = counted_versions(w.schools).filter(record__date__range=(period.start, period.end))
    meal_schools = [w.school_a, w.school_b, w.school_c]
    fed = versions.filter(record__school__in=meal_schools)
    assert now.meal_present == sum(v.present_meal_classes for v in fed)
    assert now.meals_served == sum(v.meals_served or 0 for v in fed)
    assert now.meals_short == now.meal_present - now.meals_served
    # A: six days, B: six, C: five counted (Saturday's is held); D serves no meals.
    assert now.meal_days == 17
    assert now.not_served_no_grain == 3 and now.not_served_local_holiday == 1
    assert now.meal_days_not_served == 4
    assert now.meal_days_served == 13
    assert now.meal_days_fed_all == 6  # school B
    assert now.meal_days_no_attendance == 1  # school C's held Saturday


def test_state_page_shows_districts_reasons_charts_and_how(w):
    html = page(w.sunita, f"/meals/units/{w.state.pk}/?{WEEK}")
    assert "Bhopal" in html and "Sehore" in html
    assert "No food grain" in html and "Local holiday" in html
    assert html.count("<svg") == 4  # ranking, reasons, 30 days, months
    assert "Beneficiaries = children present in classes 1–8" in html
    assert f"/meals/units/{w.district_a.pk}/?period=week" in html


def test_exceptions_are_counted_per_unit_below(w):
    # A (runs of no meal), B (meals equal to enrolment day after day) in Bhopal, block X;
    # C (meals without attendance) in Bhopal, block Y.
    found = selectors.exceptions_by_child(w.state, week(), Limits())
    assert found == {w.district_a.pk: 3}
    assert selectors.exceptions_by_child(w.district_a, week(), Limits()) == {
        w.block_x.pk: 2,
        w.block_y.pk: 1,
    }
    html = page(w.bhavna, f"/meals/units/{w.block_x.pk}/?{WEEK}")
    assert '<span class="tile-value" data-testid="exceptions">2</span>' in html


def test_flags_page_lists_each_flag(w):
    html = page(w.sunita, f"/meals/units/{w.state.pk}/flags/?{WEEK}")
    assert '<span data-testid="flagged-count">3</span>' in html
    assert "No meal, days in a row" in html
    assert "Meals equal to enrolment day after day" in html
    assert "Meals without attendance" in html
    assert "GHSS Ashta" not in html


def test_flag_limits_can_be_chosen(w):
    # Six days of meals equal to enrolment are not a flag when seven are asked for; four days
    # without a meal in the week are one when four in a month are asked for.
    strict = Limits(run_days=4, month_days=4, same_days=7)
    found = {f.school_id for f in selectors.flagged(w.state, week(), strict)}
    assert found == {w.school_a.pk, w.school_c.pk}
    codes = {f.code for f in selectors.flags_of([w.school_a.pk], week(), strict)[w.school_a.pk]}
    assert codes == {"not_served", "not_served_month"}
    html = page(w.sunita, f"/meals/units/{w.state.pk}/flags/?{WEEK}&same_days=7&run_days=4")
    assert '<span data-testid="flagged-count">2</span>' in html


@pytest.mark.parametrize("bad", ["run_days=abc", "same_days=-4", "month_days=99999", "date=x"])
def test_bad_limits_and_dates_are_ignored_not_an_error(w, bad):
    response = english(w.sunita).get(f"/meals/units/{w.state.pk}/flags/?{bad}")
    assert response.status_code == 200


def test_school_page_shows_days_reasons_and_flags(w):
    html = page(w.asha, f"/meals/schools/{w.school_a.pk}/?{WEEK}")
    assert "Day by day" in html and "No food grain" in html and "Local holiday" in html
    assert "No meal, days in a row" in html
    # The head master's own school only.
    assert english(w.asha).get(f"/meals/schools/{w.school_b.pk}/").status_code == 404


def test_meal_officer_sees_the_block_but_not_another(w):
    assert english(w.meera).get("/meals/")["Location"].startswith(f"/meals/units/{w.block_x.pk}/")
    html = page(w.meera, f"/meals/units/{w.block_x.pk}/?{WEEK}")
    assert "Phanda cluster 1" in html
    assert english(w.meera).get(f"/meals/units/{w.block_y.pk}/").status_code == 404
    assert english(w.meera).get(f"/meals/schools/{w.school_c.pk}/").status_code == 404


def test_downloads_hold_the_tables_made_safe(w):
    client = english(w.sunita)
    response = client.get(f"/meals/units/{w.state.pk}/export/meal-reasons.csv?{WEEK}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Reason", "Days not served", "Share of the days not served %"]
    assert rows[1] == ["No food grain", "3", "75.0"]
    response = client.get(f"/meals/units/{w.state.pk}/export/meal-flags.xlsx?{WEEK}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][4] == "Flag"
    assert {r[1] for r in values[1:]} == {"23320100101", "23320100201", "23320200101"}
    response = client.get(f"/meals/schools/{w.school_a.pk}/export/meal-days.csv?{WEEK}")
    assert response.status_code == 200 and "No food grain" in response.content.decode()
    assert client.get(f"/meals/units/{w.state.pk}/export/nothing.csv").status_code == 404
    assert client.get(f"/meals/units/{w.state.pk}/export/meal-reasons.pdf").status_code == 404


def test_hindi_is_the_default(w):
    html = logged_in(w.sunita).get(f"/meals/units/{w.state.pk}/?{WEEK}").content.decode()
    assert "मध्याह्न भोजन" in html and "लाभार्थी" in html and "भोजन क्यों नहीं परोसा गया" in html


@pytest.fixture
def unrecorded(world, clock):
    """Monday 6 July: A and B record their meals (everyone present is fed), C reports its
    attendance without a meal figure (not yet, or never)."""
    scenario.prepare(world)
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    scenario.send(world, scenario.Send(0, 0, 0.8, 20, 0, False, "PP", "fed"))
    scenario.send(world, scenario.Send(1, 0, 0.9, 20, 0, False, "PP", "fed"))
    scenario.send(world, scenario.Send(2, 0, 0.7, 20, 0, False, "PP", "none"))
    refresh.refresh(now=NOW)
    return world


def test_a_day_without_a_meal_figure_is_not_a_day_nobody_ate(unrecorded):
    w = unrecorded
    monday = Period.of("day", scenario.START, scenario.START)
    now, _before = dash.totals(w.state, monday, monday.before())
    fed = counted_versions([w.school_a, w.school_b]).filter(record__date=scenario.START)
    blank = counted_versions([w.school_c]).get(record__date=scenario.START)
    # The meals are compared with the children of the days that have a meal figure: every
    # child present was fed, nobody is missing a meal.
    assert now.meal_present_recorded == sum(v.present_meal_classes for v in fed)
    assert now.meals_served == now.meal_present_recorded
    assert now.meals_share == 100.0 and now.meals_short == 0
    assert now.meal_days_served_share == 100.0
    # The day without one is counted apart, with its children.
    assert now.meal_days_unrecorded == 1
    assert now.meal_present_unrecorded == blank.present_meal_classes > 0
    # And it is a flag: a school that never records its meals is one to ask.
    found = selectors.flagged(w.state, monday, Limits())
    assert [f.school_id for f in found] == [w.school_c.pk]
    html = page(w.sunita, f"/meals/units/{w.state.pk}/?period=day&date=2026-07-06")
    assert '<span class="tile-value" data-testid="exceptions">1</span>' in html
    assert '<span class="tile-value" data-testid="days-not-recorded">1</span>' in html
    assert '<span class="tile-value" data-testid="meals-served">' in html
    flags = page(w.sunita, f"/meals/units/{w.state.pk}/flags/?period=day&date=2026-07-06")
    assert '<span data-testid="flagged-count">1</span>' in flags and "Meals not recorded" in flags
