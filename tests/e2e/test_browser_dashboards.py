"""The dashboards in the browser: a block officer drills down from her block to a school's
classes, the state officer reads the charts and downloads a table, a cluster officer checks
today's reports on his phone. Each page is saved as a screenshot."""

import csv
import io
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from hazari.dashboards.tests.conftest import NOW, dash  # noqa: F401 (a fixture)
from hazari.testing import PASSWORD
from tests.e2e.test_browser_layout import DESKTOP, sideways_overflow, small_targets

pytestmark = pytest.mark.browser


@pytest.fixture
def w(dash):  # noqa: F811
    # The live server and the test share the clock: Wednesday 15 July 2026, 15:00, running.
    with time_machine.travel(NOW, tick=True):
        yield dash


def test_block_officer_drills_down_to_a_schools_classes(new_context, w, login, shot):
    page = new_context(viewport=DESKTOP, locale="en-IN").new_page()
    login(page, w.bhavna.username, PASSWORD)
    page.get_by_role("link", name="डैशबोर्ड").first.click()
    expect(page.get_by_test_id("summary")).to_be_visible()
    expect(page.get_by_test_id("period-label")).to_contain_text("2026")
    shot(page, "block-month")
    page.select_option("#period-kind", "week")
    page.fill("#period-date", "2026-07-06")
    page.get_by_test_id("period-form").locator("button").click()
    expect(page.get_by_test_id("table-children")).to_contain_text("फंदा संकुल 1")
    shot(page, "block-week")
    page.get_by_test_id("table-children").get_by_role("link", name="फंदा संकुल 1").click()
    expect(page.get_by_test_id("table-children")).to_contain_text("शा.प्रा.शा. कोलार")
    shot(page, "cluster-week")
    page.get_by_test_id("table-children").get_by_role("link", name="शा.प्रा.शा. कोलार").click()
    expect(page.get_by_test_id("table-classes")).to_be_visible()
    expect(page.get_by_test_id("table-days")).to_contain_text("साप्ताहिक अवकाश")  # Sunday
    shot(page, "school-week")
    # Another block's school is not there for her.
    response = page.goto(f"/dashboard/schools/{w.school_c.pk}/")
    assert response is not None and response.status == 404


def test_state_officer_reads_the_charts_and_downloads_a_table(new_context, w, login, shot):
    page = new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    login(page, w.sunita.username, PASSWORD)
    page.goto(f"/dashboard/units/{w.state.pk}/?period=month&date=2026-07-01")
    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(5)
    for i in range(5):
        assert charts.nth(i).locator(":scope > title").text_content()
    expect(page.locator("#how")).to_contain_text("उपस्थिति %")
    shot(page, "state-month")
    with page.expect_download() as download:
        page.get_by_test_id("csv-children").click()
    rows = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert {r[0] for r in rows[1:]} == {"भोपाल", "सीहोर"}
    page.goto(f"/dashboard/units/{w.state.pk}/weak/?period=month&date=2026-07-01")
    expect(page.get_by_test_id("table-implausible")).to_contain_text("शा.प्रा.शा. कोलार")
    shot(page, "state-weak")
    page.goto(f"/dashboard/units/{w.state.pk}/schools/?period=month&date=2026-07-01")
    expect(page.get_by_test_id("table-schools").locator("tbody tr")).to_have_count(4)
    shot(page, "state-schools")


def test_cluster_officer_checks_today_on_his_phone(page, w, login, shot):
    login(page, w.chetan.username, PASSWORD)
    page.goto(f"/dashboard/units/{w.cluster_x1.pk}/today/")
    expect(page.get_by_test_id("schools")).to_have_text("2")
    expect(page.get_by_test_id("not-reported")).to_have_text("2")
    expect(page.get_by_test_id("table-not-reported")).to_contain_text("Bina Rao")
    shot(page, "cluster-today-phone")
    assert sideways_overflow(page) <= 0
    assert not small_targets(page), small_targets(page)
    page.goto(f"/dashboard/units/{w.cluster_x1.pk}/")
    assert sideways_overflow(page) <= 0
    shot(page, "cluster-month-phone")


def test_head_master_sees_her_school_in_english(page, w, login, shot):
    login(page, w.asha.username, PASSWORD)
    page.select_option("#language-select", "en")
    page.locator("form.language button").click()
    page.goto("/dashboard/")
    expect(page.locator("h1")).to_contain_text("GPS Kolar")
    expect(page.locator("#how")).to_contain_text("Attendance % = children present")
    shot(page, "hm-school-english")
