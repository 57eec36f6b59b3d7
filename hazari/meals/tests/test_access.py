"""Inside the area: every meal page and download of a user's own unit holds only the units and
schools of that area (the access matrix checks that everything outside answers 404)."""

import pytest

from hazari.dashboards.tests.test_access import PERIODS, cells, outsiders
from hazari.imports.tests.helpers import logged_in
from hazari.meals.tests.matrix import FLAG_TABLES, SCHOOL_TABLES, UNIT_TABLES

PEOPLE = ["chetan", "bhavna", "meera", "yash", "dinesh", "zoya", "sunita", "asha", "hari"]


@pytest.fixture
def w(meals, clock):
    return meals


@pytest.mark.parametrize("person", PEOPLE)
def test_own_area_meal_pages_and_downloads_hold_nothing_from_outside(w, person):
    who = getattr(w, person)
    client = logged_in(who)
    client.cookies["django_language"] = "en"
    forbidden = outsiders(w, who)
    unit = who.unit
    is_school = unit.level == 4
    kind = "schools" if is_school else "units"
    pages = [f"/meals/{kind}/{unit.pk}/"] + (
        [] if is_school else [f"/meals/units/{unit.pk}/flags/"]
    )
    for url in pages:
        for period in PERIODS:
            response = client.get(f"{url}?{period}")
            assert response.status_code == 200, (url, period)
            html = response.content.decode()
            leaked = {x for x in forbidden if f">{x}<" in html}
            assert not leaked, (url, period, leaked)
    tables = SCHOOL_TABLES if is_school else UNIT_TABLES + FLAG_TABLES
    for table in tables:
        for fmt in ("csv", "xlsx"):
            for period in PERIODS:
                response = client.get(f"/meals/{kind}/{unit.pk}/export/{table}.{fmt}?{period}")
                assert response.status_code == 200, (table, fmt)
                leaked = forbidden & set(cells(response))
                assert not leaked, (table, fmt, period, leaked)


def test_a_meal_officer_drills_down_to_her_schools_only(w):
    client = logged_in(w.meera)
    assert client.get(f"/meals/schools/{w.school_a.pk}/").status_code == 200
    assert client.get(f"/meals/units/{w.cluster_x1.pk}/flags/").status_code == 200
    for other in (w.school_c, w.school_d):
        assert client.get(f"/meals/schools/{other.pk}/").status_code == 404
        assert client.get(f"/meals/schools/{other.pk}/export/meal-days.csv").status_code == 404
    for unit in (w.block_y, w.district_a, w.state, w.cluster_y1):
        assert client.get(f"/meals/units/{unit.pk}/").status_code == 404
        assert client.get(f"/meals/units/{unit.pk}/export/meal-flags.csv").status_code == 404
