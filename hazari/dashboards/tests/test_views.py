"""The dashboard pages and their downloads: what they show, for whom, in which language."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from hazari.attendance.models import RuleSet
from hazari.dashboards import keep, pages, refresh, selectors
from hazari.dashboards.models import RefreshState
from hazari.dashboards.periods import Period
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.conftest import NOW
from hazari.imports.tests.helpers import logged_in


@pytest.fixture
def w(dash, clock):
    return dash


def english(user):
    client = logged_in(user)
    client.cookies["django_language"] = "en"
    return client


def page(user, url):
    response = english(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_dashboard_goes_to_the_users_own_unit(w):
    assert (
        english(w.bhavna)
        .get("/dashboard/")["Location"]
        .startswith(f"/dashboard/units/{w.block_x.pk}/")
    )
    assert (
        english(w.asha)
        .get("/dashboard/")["Location"]
        .startswith(f"/dashboard/schools/{w.school_a.pk}/")
    )
    assert english(w.asha).get(f"/dashboard/units/{w.school_a.pk}/").status_code == 302


def test_state_overview_shows_districts_charts_and_how(w):
    html = page(w.sunita, f"/dashboard/units/{w.state.pk}/?period=month&date=2026-07-01")
    assert "July 2026" in html
    assert "Bhopal" in html and "Sehore" in html
    assert html.count("<svg") == 5  # ranking, boys and girls, 30 days, months, by class
    assert "How these figures are computed" in html
    assert "Attendance % = children present ÷ children enrolled" in html
    assert f"/dashboard/units/{w.district_a.pk}/?period=month" in html


def test_cluster_overview_lists_its_schools(w):
    html = page(w.chetan, f"/dashboard/units/{w.cluster_x1.pk}/?period=week&date=2026-07-06")
    assert "GPS Kolar" in html and "GMS Kolar" in html
    assert f"/dashboard/schools/{w.school_a.pk}/?period=week" in html
    assert "GMS Berasia" not in html


def test_hindi_is_the_default(w):
    html = logged_in(w.sunita).get(f"/dashboard/units/{w.state.pk}/").content.decode()
    assert "ये आंकड़े कैसे निकाले जाते हैं" in html


def test_today_lists_whom_to_call(w):
    html = page(w.sunita, f"/dashboard/units/{w.state.pk}/today/")
    # Today (Wed 15 July): C reported, D's attendance is held, A and B sent nothing.
    assert "Bina Rao" in html and "Asha Verma" in html and "Hari Patel" not in html
    assert "GHSS Ashta" in html and "Sent, waiting for review" in html


def test_school_page_shows_classes_and_days(w):
    html = page(w.asha, f"/dashboard/schools/{w.school_a.pk}/?period=week&date=2026-07-06")
    assert "Class by class" in html and "Day by day" in html
    assert "Weekly off" in html  # Sunday 12 July


def test_weak_page_lists_implausible_streaks(w):
    html = page(
        w.dinesh,
        f"/dashboard/units/{w.district_a.pk}/weak/?period=month&date=2026-07-01&threshold=60",
    )
    assert "Reports that look implausible" in html
    assert "GPS Kolar" in html  # the same counts seven days running


def test_every_school_page(w):
    html = page(w.sunita, f"/dashboard/units/{w.state.pk}/schools/?period=month&date=2026-07-01")
    assert all(s.udise_code in html for s in w.schools)


def rows_of_csv(response):
    text = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_and_xlsx_downloads(w):
    client = english(w.dinesh)
    url = f"/dashboard/units/{w.district_a.pk}/export/children.csv?period=month&date=2026-07-01"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of_csv(response)
    assert rows[0][0] == "Name" and {r[0] for r in rows[1:]} == {"Phanda", "Berasia"}
    response = client.get(url.replace(".csv", ".xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Name", "School-days open"]
    assert {sheet.cell(row=r, column=1).value for r in (2, 3)} == {"Phanda", "Berasia"}
    assert client.get(url.replace("children.csv", "nothing.csv")).status_code == 404
    assert client.get(url.replace(".csv", ".pdf")).status_code == 404


def test_downloads_are_safe_against_formulas(w):
    w.school_a.unit.name_en = '=HYPERLINK("http://evil")'
    w.school_a.unit.save()
    client = english(w.chetan)
    url = f"/dashboard/units/{w.cluster_x1.pk}/export/children.csv?period=month&date=2026-07-01"
    names = [r[0] for r in rows_of_csv(client.get(url))[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    response = client.get(url.replace(".csv", ".xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert '\'=HYPERLINK("http://evil")' in values
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, sheet.max_row + 1))


def test_not_reported_download_holds_every_school(w):
    rows = rows_of_csv(
        english(w.sunita).get(f"/dashboard/units/{w.state.pk}/export/not-reported.csv")
    )
    assert len(rows) - 1 == 3  # A, B and D (held)


def test_stale_figures_are_flagged(w):
    RefreshState.objects.update(refreshed_at=NOW - datetime.timedelta(hours=1))
    assert "not being brought up to date" in page(w.sunita, f"/dashboard/units/{w.state.pk}/")


def test_school_export(w):
    response = english(w.asha).get(
        f"/dashboard/schools/{w.school_a.pk}/export/classes.csv?period=week&date=2026-07-06"
    )
    rows = rows_of_csv(response)
    assert rows[0][0] == "Class" and [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]


def test_figures_are_kept_until_the_next_refresh(w, monkeypatch):
    """A page's figures are rendered once per run of the refresher: a capture counts on the
    page after the run that counts it, not before (and the frame stays each user's own)."""
    url = f"/dashboard/units/{w.state.pk}/?period=day&date=2026-07-15"

    def figures(user, url):
        return page(user, url).split('data-testid="summary"')[1]

    built = counted(monkeypatch, pages, "overview")
    before = figures(w.sunita, url)
    # School B reports today (it had sent nothing): nothing changes until the refresher runs.
    scenario.send(w, scenario.Send(1, 9, 0.9, 20, 0, False, "PP"))
    assert figures(w.sunita, url) == before and len(built) == 1
    refresh.refresh(now=NOW)
    assert figures(w.sunita, url) != before and len(built) == 2
    # Another officer who may see it gets the same figures inside his own frame.
    district = f"/dashboard/units/{w.district_a.pk}/?period=day&date=2026-07-15"
    assert figures(w.dinesh, district) == figures(w.sunita, district)
    crumb = f'href="/dashboard/units/{w.state.pk}/'
    assert crumb in page(w.sunita, district).split('data-testid="summary"')[0]
    assert crumb not in page(w.dinesh, district).split('data-testid="summary"')[0]


def counted(monkeypatch, module, name: str) -> list:
    """Each call of module.name, recorded."""
    calls: list = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_today_is_kept_until_the_next_refresh(w, monkeypatch):
    """Today's figures and the list of schools to call, like every page's: built once per
    run of the refresher, for every officer who may open the unit."""
    url = f"/dashboard/units/{w.state.pk}/today/"
    built = counted(monkeypatch, pages, "today_page")

    def waiting(user) -> str:
        html = page(user, url)
        return html.split('data-testid="not-reported">')[1].split("<")[0]

    before = waiting(w.sunita)
    scenario.send(w, scenario.Send(1, 9, 0.9, 20, 0, False, "PP"))  # B reports today
    assert waiting(w.sunita) == before and len(built) == 1
    refresh.refresh(now=NOW)
    assert int(waiting(w.sunita)) == int(before) - 1 and len(built) == 2
    district = f"/dashboard/units/{w.district_a.pk}/today/"
    assert page(w.dinesh, district) and page(w.sunita, district) and len(built) == 3


def test_attendance_by_class_of_an_area(w):
    """A month's attendance class by class for a block: the classes of its schools (A: 1–5,
    B: 6–8), each its children present ÷ its enrolment over the reported days."""
    html = page(w.bhavna, f"/dashboard/units/{w.block_x.pk}/?period=month&date=2026-07-01")
    rows = selectors.by_class(w.block_x, Period.of("month", datetime.date(2026, 7, 1), NOW.date()))
    assert [c.class_no for c in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    for c in rows:
        assert c.attendance is not None and 0 < c.attendance <= 100
    assert 'data-testid="table-by-class"' in html
    week = page(w.bhavna, f"/dashboard/units/{w.block_x.pk}/?period=week&date=2026-07-06")
    assert 'data-testid="by-class-month-only"' in week
    response = english(w.bhavna).get(
        f"/dashboard/units/{w.block_x.pk}/export/by-class.csv?period=month&date=2026-07-01"
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Class,") and len(lines) == 9


def test_while_the_new_figures_are_rendered_others_see_the_last(w, monkeypatch):
    url = f"/dashboard/units/{w.state.pk}/?period=day&date=2026-07-15"

    def figures():
        return page(w.sunita, url).split('data-testid="summary"')[1]

    before = figures()
    scenario.send(w, scenario.Send(1, 9, 0.9, 20, 0, False, "PP"))
    refresh.refresh(now=NOW)
    # Another request of this process is rendering this page's new figures (it holds the
    # flag): this one is shown the last figures, not made to render them too.
    monkeypatch.setattr(keep.PAGES, "add", lambda *args, **kwargs: False)
    assert figures() == before
    monkeypatch.undo()
    assert figures() != before


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_far_away_dates_are_no_error(w, day):
    for url in (f"/dashboard/units/{w.state.pk}/", f"/meals/units/{w.state.pk}/flags/"):
        for kind in ("day", "week", "month"):
            assert english(w.sunita).get(f"{url}?period={kind}&date={day}").status_code == 200


@pytest.fixture
def arrivals(world, clock):
    """Tuesday 14 July, day 8: A on time; B saved in time on the phone and received three
    hours later; C and D received the next morning, after Tuesday's cut-off: C's held for
    review (the default), D's accepted as late (its cluster's rule). Wednesday 15 July
    ("today", 15:00): B again saved in time and received after the window."""
    scenario.prepare(world)
    RuleSet.objects.create(unit=world.cluster_z1, after_close="late")
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    scenario.send(world, scenario.Send(0, 8, 0.8, 20, 0, False, "PP"))
    scenario.send(world, scenario.Send(1, 8, 0.8, 20, 0, False, "PP", hours=3))
    scenario.send(world, scenario.Send(2, 8, 0.8, 20, 1, False, "PP"))
    scenario.send(world, scenario.Send(3, 8, 0.8, 20, 1, False, "PP"))
    scenario.send(world, scenario.Send(1, 9, 0.8, 20, 0, False, "PP", hours=3))
    refresh.refresh(now=NOW)
    return world


def test_officers_see_how_the_reports_arrived(arrivals):
    w = arrivals
    assert w.school_d.unit.parent_id == w.cluster_z1.pk
    tuesday = Period.of("day", datetime.date(2026, 7, 14), datetime.date(2026, 7, 14))
    now, _before = selectors.totals(w.state, tuesday, tuesday.before())
    assert (now.reported, now.on_time, now.late, now.held) == (3, 1, 2, 1)
    assert (now.late_offline, now.after_close, now.after_close_held) == (1, 1, 1)
    html = page(w.sunita, f"/dashboard/units/{w.state.pk}/?period=day&date=2026-07-14")
    assert (
        "On time: 1; late: 2, of which saved in time on the phone and received after the "
        "window: 1, received after the day's cut-off: 1. Received after the cut-off and "
        "waiting for review: 1."
    ) in html
    # Today: B's report counts as late, saved in time on the phone.
    html = page(w.sunita, f"/dashboard/units/{w.state.pk}/today/")
    assert "saved in time on the phone: 1; received after the cut-off: 0" in html
    # Each school's own days say it too.
    week = "?period=week&date=2026-07-13"
    assert "Reported late (saved in time on the phone)" in page(
        w.sunita, f"/dashboard/schools/{w.school_b.pk}/{week}"
    )
    assert "Received after the cut-off, waiting for review" in page(
        w.sunita, f"/dashboard/schools/{w.school_c.pk}/{week}"
    )
    assert "Reported late (received after the cut-off)" in page(
        w.sunita, f"/dashboard/schools/{w.school_d.pk}/{week}"
    )
    # The table one level down, and its download.
    rows = list(
        csv.reader(
            io.StringIO(
                english(w.sunita)
                .get(f"/dashboard/units/{w.state.pk}/export/today-children.csv")
                .content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][4:6] == ["Late, saved in time on the phone", "Received after the cut-off"]
