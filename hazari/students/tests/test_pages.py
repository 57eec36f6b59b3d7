"""The officers' pages of absence: the figures of the rollups, one level down, causes; counts
only above a cluster; a cluster's children by name, with every download recorded."""

import csv
import datetime
import io

import pytest
import time_machine
from django.test import Client

from hazari.attendance.tests.conftest import school_a_ready  # noqa: F401 (a fixture)
from hazari.orgunits.models import School
from hazari.students import rollup
from hazari.students.models import Absence, KeptStanding, MarkMonth, NamedListDownload
from hazari.students.selectors import followup_lists
from hazari.students.tests.matrix import ABSENCE_TABLES
from hazari.students.tests.worlds import session_of_marks


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-07-15 18:00 +0530", tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock, school_a_ready):  # noqa: F811
    w = session_of_marks(school_a_ready)
    rollup.rebuild()
    return w


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def names(w) -> list[str]:
    return [child.name for child in w.children]


def test_the_state_sees_its_districts_chronic_absence_and_no_child(w):
    client = client_of(w.sunita)
    page = client.get(f"/absence/units/{w.state.pk}/").content.decode()
    session = Absence.objects.filter(unit=w.state, session=True)
    students = sum(a.students for a in session)
    chronic = sum(a.chronic for a in session)
    assert students == len(w.children) and chronic > 0
    assert f'data-testid="students">{students}<' in page
    assert f'data-testid="chronic">{chronic} (' in page
    assert "Bhopal" in page and 'data-testid="table-children"' in page
    for name in names(w):
        assert name not in page


@pytest.mark.parametrize("level", ["state", "district_a", "block_x"])
def test_pages_and_downloads_above_a_cluster_carry_no_childs_name(w, level):
    client = client_of(w.sunita)
    unit = getattr(w, level)
    shown = [
        client.get(f"/absence/units/{unit.pk}/").content.decode(),
        client.get(f"/absence/units/{unit.pk}/?period=month&date=2026-07-01").content.decode(),
        client.get(f"/absence/units/{unit.pk}/causes/").content.decode(),
    ]
    for table in ABSENCE_TABLES:
        response = client.get(f"/absence/units/{unit.pk}/export/{table}.csv")
        if response.status_code == 200:
            shown.append(response.content.decode())
    assert len(shown) > 6
    for text in shown:
        for name in names(w):
            assert name not in text
    # Nor can an officer above a cluster open a named list of their area that way.
    assert client.get(f"/students/cluster/{unit.pk}/followup/").status_code == 404


def test_the_causes_show_the_months_they_were_recorded_for(w):
    client = client_of(w.dinesh)
    response = client.get(f"/absence/units/{w.district_a.pk}/export/causes-by-month.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Cause", "Apr 2026", "May 2026", "Jun 2026", "Jul 2026", "Total"]
    by_cause = {row[0]: [int(n) for n in row[1:]] for row in rows[1:]}
    # The fixture records causes on 3 June and 3 July, for twelve children.
    assert sum(counts[2] for counts in by_cause.values()) == 12
    assert all(counts[0] == counts[1] == 0 for counts in by_cause.values())
    page = client.get(f"/absence/units/{w.district_a.pk}/causes/").content.decode()
    assert "Seasonal migration with the family" in page


def test_a_cluster_officer_sees_the_children_by_name_and_downloads_are_recorded(w):
    client = client_of(w.chetan)
    page = client.get(f"/students/cluster/{w.cluster_x1.pk}/followup/").content.decode()
    in_cluster = [c.name for c in w.children if c.school_id == w.school_a.pk]
    elsewhere = [c.name for c in w.children if c.school_id == w.school_c.pk]
    assert any(name in page for name in in_cluster)
    assert not any(name in page for name in elsewhere)
    assert "GPS Kolar" in page
    response = client.get(f"/students/cluster/{w.cluster_x1.pk}/followup/export/followup.csv")
    assert response.status_code == 200
    (download,) = NamedListDownload.objects.all()
    assert (download.user, download.unit, download.what, download.file_format) == (
        w.chetan,
        w.cluster_x1,
        "followup",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert download.rows == len(rows) - 1 > 0


def test_a_school_page_of_absence_links_to_its_named_list(w):
    client = client_of(w.asha)
    page = client.get(f"/absence/units/{w.school_a.pk}/").content.decode()
    assert f'href="/students/school/{w.school_a.pk}/followup/"' in page
    assert 'data-testid="table-by-class"' in page


def test_an_officer_of_another_district_gets_404(w):
    client = client_of(w.zoya)
    assert client.get(f"/absence/units/{w.district_a.pk}/").status_code == 404
    assert client.get(f"/students/cluster/{w.cluster_x1.pk}/followup/").status_code == 404


@pytest.mark.parametrize("person", ["meera", "dev"])
def test_the_meal_officer_and_the_ddo_see_counts_but_no_names(w, person):
    # Inside their area, but their work is meals or staff: no child's name for them.
    client = client_of(getattr(w, person))
    page = client.get(f"/absence/units/{w.block_x.pk}/").content.decode()
    assert 'data-testid="absence-summary"' in page
    assert 'data-testid="tab-named"' not in page
    assert client.get(f"/students/school/{w.school_a.pk}/followup/").status_code == 403
    assert client.get(f"/students/cluster/{w.cluster_x1.pk}/followup/").status_code == 403
    export = f"/students/school/{w.school_a.pk}/followup/export/followup.csv"
    assert client.get(export).status_code == 403
    assert not NamedListDownload.objects.exists()


def test_the_named_list_link_follows_the_viewers_role(w):
    # The kept head of the cluster's page is not shared between roles that differ in this.
    url = f"/absence/units/{w.cluster_x1.pk}/"
    assert 'data-testid="tab-named"' in client_of(w.chetan).get(url).content.decode()
    assert 'data-testid="tab-named"' not in client_of(w.meera).get(url).content.decode()
    assert 'data-testid="tab-named"' in client_of(w.chetan).get(url).content.decode()


def test_a_clusters_list_is_its_schools_lists_as_the_figures_last_worked_them_out(w):
    schools = list(School.objects.filter(unit__cluster=w.cluster_x1).select_related("unit"))
    today = datetime.date(2026, 7, 15)

    def lists(kept):
        found = followup_lists(schools, today=today, kept=kept)
        return {
            school: [(r.student.pk, r.standing, r.follow_up) for r in rows]
            for school, rows in found.items()
        }

    assert KeptStanding.objects.exists()
    assert lists(kept=True) == lists(kept=False) != {s.pk: [] for s in schools}
    # A child absent for three more days: on the school's own list at once, on the cluster's
    # once the figures are worked out again.
    child = next(c for c in w.children if c.school_id == w.school_a.pk
                 and c.pk not in {pk for pk, _s, _f in lists(kept=False)[w.school_a.pk]})  # fmt: skip
    row = MarkMonth.objects.get(student=child, month="2026-07-01")
    last = [d for d in range(31) if row.marked >> d & 1][-3:]  # the last three marked days
    three = sum(1 << d for d in last)
    MarkMonth.objects.filter(pk=row.pk).update(absent=row.absent | three)
    assert child.pk in {pk for pk, _s, _f in lists(kept=False)[w.school_a.pk]}
    assert child.pk not in {pk for pk, _s, _f in lists(kept=True)[w.school_a.pk]}
    rollup.recompute([w.school_a.pk], today=today)
    assert lists(kept=True) == lists(kept=False)
    page = client_of(w.chetan).get(f"/students/cluster/{w.cluster_x1.pk}/followup/")
    assert child.name in page.content.decode()
    assert 'data-testid="as-of"' in page.content.decode()
