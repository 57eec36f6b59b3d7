"""Registers in the browser: an enrolment import, a staff posting added and ended, a closure."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.models import Closure
from hazari.schooldays.services import session_ensure
from hazari.staff.models import Posting
from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_district_officer_imports_enrolment(page, world, login, shot, tmp_path):
    year = academic_year_of(timezone.localdate())
    csv = tmp_path / "bhopal-enrolment.csv"
    csv.write_text(
        "udise_code,class,boys,girls\n"
        + "".join(f"{world.school_a.udise_code},{c},{10 + c},{11 + c}\n" for c in range(1, 6)),
        encoding="utf-8",
    )
    login(page, world.dinesh.username, PASSWORD)
    page.goto("/imports/")
    page.select_option("select[name=kind]", "enrolment")
    page.select_option("select[name=academic_year]", str(year))
    page.set_input_files("input[name=file]", str(csv))
    shot(page, "upload")
    page.click("main form button[type=submit]")

    expect(page.get_by_test_id("new")).to_have_text("5")
    expect(page.get_by_test_id("rejected")).to_have_text("0")
    assert not Enrolment.objects.exists()  # checked, nothing written yet
    shot(page, "checked")
    page.click("form[action$='/apply/'] button[type=submit]")
    expect(page.locator(".status-applied")).to_be_visible()
    shot(page, "imported")

    page.goto(f"/units/{world.school_a.pk}/")
    expect(page.get_by_test_id("enrolment")).to_contain_text("11")
    shot(page, "school-enrolment")
    assert Enrolment.objects.filter(school=world.school_a).count() == 5


def test_rejected_rows_are_shown_and_downloadable(page, world, login, shot, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "udise_code,class,boys,girls\n99999999999,1,5,5\n23320100101,1,x,5\n", encoding="utf-8"
    )
    login(page, world.dinesh.username, PASSWORD)
    page.goto("/imports/")
    page.select_option("select[name=kind]", "enrolment")
    page.set_input_files("input[name=file]", str(csv))
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("rejected")).to_have_text("2")
    expect(page.locator("form[action$='/apply/']")).to_have_count(0)
    shot(page, "rejected")
    with page.expect_download() as download:
        page.click("a[href$='rejected-rows.csv']")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "unknown_school" in text and "bad_count" in text


def test_ddo_adds_and_ends_a_posting(page, world, login, shot):
    today = timezone.localdate()
    login(page, world.dev.username, PASSWORD)
    page.goto(f"/schools/{world.school_a.pk}/staff/add/")
    page.fill("input[name=employee_code]", "emp4242")
    page.fill("input[name=name]", "Meena Kushwaha")
    page.fill("input[name=designation]", "Primary Teacher")
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("textarea[name=reason]", "Order 12/2026 of the DEO")
    shot(page, "add-form")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("current-postings")).to_contain_text("EMP4242")
    shot(page, "added")

    posting = Posting.objects.get(employee_code="EMP4242")
    page.goto(f"/postings/{posting.pk}/end/")
    page.fill("input[name=end_date]", today.isoformat())
    page.fill("textarea[name=reason]", "Attached to the block office")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("ended-postings")).to_contain_text("Attached to the block office")
    page.goto(f"/schools/{world.school_a.pk}/staff/history/")
    expect(page.locator("main")).to_contain_text("Order 12/2026 of the DEO")
    shot(page, "history")


def test_block_officer_closes_a_school_for_rain(page, world, login, shot):
    session_ensure(start_year=academic_year_of(timezone.localdate()), state=world.state)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    login(page, world.bhavna.username, PASSWORD)
    page.goto(f"/calendar/units/{world.school_a.pk}/")
    form = page.get_by_test_id("closure-form")
    form.locator("input[name=start]").fill(tomorrow.isoformat())
    form.locator("select[name=kind]").select_option("weather")
    form.locator("input[name=reason]").fill("Heavy rain, the nallah is flooded")
    shot(page, "closure-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Heavy rain, the nallah is flooded")
    shot(page, "closed")
    closure = Closure.objects.get()
    assert (closure.unit_id, closure.start, closure.kind) == (
        world.school_a.pk,
        tomorrow,
        "weather",
    )
    assert urlsplit(page.url).path == f"/calendar/units/{world.school_a.pk}/"
