"""Inside the area: every page and download of an officer's own unit holds only the units and
schools of that area (the access matrix checks that everything outside answers 404)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from hazari.accounts import scope
from hazari.dashboards.tests.matrix import SCHOOL_TABLES, UNIT_TABLES
from hazari.imports.tests.helpers import logged_in
from hazari.orgunits.models import OrgUnit

PEOPLE = ["chetan", "bhavna", "yash", "dinesh", "zoya", "sunita", "asha", "hari"]
PERIODS = [
    "period=month&date=2026-07-01",
    "period=week&date=2026-07-06",
    "period=day&date=2026-07-15",
]


@pytest.fixture
def w(dash, clock):
    return dash


def outsiders(world, who) -> set[str]:
    """Names (both languages) and codes of the units outside the person's area, other than
    those above it (a school's block is named beside it, as the home page names them)."""
    inside = set(scope.units_for(who).values_list("pk", flat=True)) | set(who.unit.ancestor_ids())
    words = set()
    for u in OrgUnit.objects.exclude(pk__in=inside):
        words |= {u.name_en, u.name_hi, u.code}
    return words


def cells(response) -> list[str]:
    if response["Content-Type"].startswith("text/csv"):
        return [c for row in csv.reader(io.StringIO(response.content.decode()[1:])) for c in row]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("person", PEOPLE)
def test_own_area_pages_and_downloads_hold_nothing_from_outside(w, person):
    who = getattr(w, person)
    client = logged_in(who)
    client.cookies["django_language"] = "en"
    forbidden = outsiders(w, who)
    unit = who.unit
    is_school = unit.level == 4
    pages = (
        [f"/dashboard/schools/{unit.pk}/"]
        if is_school
        else [f"/dashboard/units/{unit.pk}/{tail}" for tail in ("", "today/", "schools/", "weak/")]
    )
    for url in pages:
        for period in PERIODS:
            html = client.get(f"{url}?{period}").content.decode()
            leaked = {x for x in forbidden if f">{x}<" in html}
            assert not leaked, (url, period, leaked)
    tables = SCHOOL_TABLES if is_school else UNIT_TABLES
    base = f"/dashboard/{'schools' if is_school else 'units'}/{unit.pk}/export"
    for table in tables:
        for fmt in ("csv", "xlsx"):
            for period in PERIODS:
                response = client.get(f"{base}/{table}.{fmt}?{period}")
                assert response.status_code == 200, (table, fmt)
                leaked = forbidden & set(cells(response))
                assert not leaked, (table, fmt, period, leaked)


def test_a_block_officer_drills_down_to_her_schools_only(w):
    client = logged_in(w.bhavna)
    assert client.get(f"/dashboard/schools/{w.school_a.pk}/").status_code == 200
    assert client.get(f"/dashboard/units/{w.cluster_x1.pk}/").status_code == 200
    for other in (w.school_c, w.school_d):
        assert client.get(f"/dashboard/schools/{other.pk}/").status_code == 404
    for unit in (w.block_y, w.district_a, w.state, w.cluster_y1):
        assert client.get(f"/dashboard/units/{unit.pk}/").status_code == 404
        assert client.get(f"/dashboard/units/{unit.pk}/export/schools.csv").status_code == 404
