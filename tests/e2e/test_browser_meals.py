"""The mid-day meal reports in the browser: the block's meal officer goes from her home page to
the block's meals, the flags (with limits of her own) and a school's days, and downloads the
flags; the state officer reads the state's meals in English; a cluster officer on his phone.
Each page is saved as a screenshot."""

import csv
import io
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from hazari.meals.tests.conftest import NOW, meals  # noqa: F401 (a fixture)
from hazari.testing import PASSWORD
from tests.e2e.test_browser_layout import DESKTOP, sideways_overflow, small_targets

pytestmark = pytest.mark.browser
WEEK = "period=week&date=2026-07-06"


@pytest.fixture
def w(meals):  # noqa: F811
    with time_machine.travel(NOW, tick=True):
        yield meals


def test_meal_officer_follows_the_flags_to_a_school(new_context, w, login, shot):
    page = new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    login(page, w.meera.username, PASSWORD)
    page.get_by_test_id("reports").get_by_role("link", name="मध्याह्न भोजन").click()
    expect(page.get_by_test_id("meal-summary")).to_be_visible()
    page.select_option("#period-kind", "week")
    page.fill("#period-date", "2026-07-06")
    page.get_by_test_id("period-form").locator("button").click()
    expect(page.get_by_test_id("table-meal-children")).to_contain_text("फंदा संकुल 1")
    expect(page.get_by_test_id("exceptions")).to_have_text("2")
    expect(page.get_by_test_id("table-meal-reasons")).to_contain_text("खाद्यान्न")
    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(4)
    shot(page, "meals-block-week")

    page.get_by_test_id("tab-meal-flags").click()
    expect(page.get_by_test_id("flagged-count")).to_have_text("2")
    expect(page.get_by_test_id("table-meal-flags")).to_contain_text("लगातार कई दिन भोजन नहीं")
    expect(page.get_by_test_id("table-meal-flags")).to_contain_text("रोज़-रोज़ भोजन नामांकन के बराबर")
    shot(page, "meals-block-flags")
    # Seven days of meals equal to enrolment, not five: school B's six are no longer a flag.
    page.fill("#same-days", "7")
    page.get_by_test_id("period-form").locator("button").click()
    expect(page.get_by_test_id("flagged-count")).to_have_text("1")
    shot(page, "meals-block-flags-strict")
    with page.expect_download() as download:
        page.get_by_test_id("csv-meal-flags").click()
    rows = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert {r[1] for r in rows[1:]} == {"23320100101"}

    page.get_by_test_id("table-meal-flags").get_by_role("link").first.click()
    expect(page.get_by_test_id("table-meal-days")).to_contain_text("खाद्यान्न")
    expect(page.get_by_test_id("table-meal-school-flags")).to_be_visible()
    shot(page, "meals-school-week")
    # Another block's school is not there for her.
    response = page.goto(f"/meals/schools/{w.school_c.pk}/")
    assert response is not None and response.status == 404


def test_state_officer_reads_the_meals_in_english(new_context, w, login, shot):
    page = new_context(viewport=DESKTOP).new_page()
    login(page, w.sunita.username, PASSWORD)
    page.select_option("#language-select", "en")
    page.locator("form.language button").click()
    page.goto(f"/meals/units/{w.state.pk}/?{WEEK}")
    expect(page.get_by_test_id("table-meal-children")).to_contain_text("Bhopal")
    expect(page.get_by_test_id("exceptions")).to_have_text("3")
    expect(page.locator("#how")).to_contain_text("Beneficiaries = children present")
    shot(page, "meals-state-week-english")
    page.goto(f"/meals/units/{w.state.pk}/flags/?{WEEK}")
    expect(page.get_by_test_id("table-meal-flags")).to_contain_text("Meals without attendance")
    shot(page, "meals-state-flags-english")


def test_cluster_officer_reads_the_meals_on_his_phone(page, w, login, shot):
    login(page, w.chetan.username, PASSWORD)
    page.goto(f"/meals/units/{w.cluster_x1.pk}/?{WEEK}")
    expect(page.get_by_test_id("table-meal-children")).to_contain_text("शा.प्रा.शा. कोलार")
    assert sideways_overflow(page) <= 0
    assert not small_targets(page), small_targets(page)
    shot(page, "meals-cluster-week-phone")
