"""The head masters' phone app (/app/) in Chromium: online and offline capture, a failing
server, a double tap, a wrong phone clock, the history, the log-out warning.

The server's clock is set with time-machine (it ticks on from a Wednesday in term, 10:30 in
India, inside the on-time window); the phone's clock with Playwright's clock, at the same
time unless the test wants it wrong. Offline means every request blocked: the page's
(context.set_offline) and the service worker's (context.route, which set_offline does not
cover). Every screen is saved at 360×640, in Hindi, under test-artifacts/screenshots/.
"""

import datetime
import json
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from hazari.attendance.models import Capture, DayRecord, Version
from hazari.attendance.tests.conftest import DAY, school_a_ready  # noqa: F401 (a fixture)
from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser

NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10, 30)))
SLOW_MS = 30_000  # waits that include the app's own retry (4 s, with jitter, then 8 s)


@pytest.fixture
def school(school_a_ready):  # noqa: F811
    """School A ready for attendance; the server's clock at 10:30 on Wednesday 15 July 2026."""
    with time_machine.travel(NOW, tick=True):
        yield school_a_ready


NETWORK_ERRORS = re.compile(
    r"net::ERR_(INTERNET_DISCONNECTED|CONNECTION_REFUSED|FAILED)|status of 5\d\d"
)


@pytest.fixture
def network_fails(context, console):
    """For tests that cut the network or fail the server: the browser logs each failed
    request as a console error, which is what the test wants. Any other error still fails."""
    yield
    console.errors[:] = [e for e in console.errors if not NETWORK_ERRORS.search(e)]


def open_app(context: BrowserContext, *, phone_clock: datetime.datetime | None = None) -> Page:
    page = context.new_page()
    page.clock.install(time=phone_clock or timezone.now())
    page.goto("/app/")
    return page


def log_in(page: Page, world, shot=None, *, form: bool = True) -> None:
    expect(page.get_by_test_id("login")).to_be_visible()
    if shot:
        shot(page, "login")
    page.fill("#user-id", world.asha.username)
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login] button[type=submit]")
    expect(page.get_by_test_id("today")).to_be_visible()
    if form:
        expect(page.get_by_test_id("capture-form")).to_be_visible()
    # The service worker has the app's files: from here on it opens without a network.
    expect(page.get_by_test_id("offline-ready")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def fill_capture(page: Page, present: int = 15) -> None:
    fields = page.locator("[data-testid=capture-form] table input.count")
    expect(fields.first).to_be_visible()  # all() does not wait for the form to be drawn
    for field in fields.all():
        field.fill(str(present))


def status(page: Page):
    return page.get_by_test_id("capture-status")


def go_offline(context: BrowserContext) -> None:
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def go_online(context: BrowserContext) -> None:
    context.unroute("**/*")
    # The stray favicon request stays away from Django (see conftest.new_context).
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    context.set_offline(False)


def upload_posts(page: Page) -> list:
    """Every upload the page sends, with the UUIDs in it."""
    sent: list = []

    def on_request(request):
        if request.url.endswith("/api/v1/sync/captures") and request.method == "POST":
            sent.append([c["uuid"] for c in json.loads(request.post_data or "{}")["captures"]])

    page.on("request", on_request)
    return sent


def assert_fits_a_phone(page: Page) -> None:
    """Nothing wider than the 360 px screen, and every touch target at least 44 px high."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                "button, a, input:not([type=radio]), textarea, select, label.choice span")]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim() || el.name || el.tagName,
                          el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)"""
    )
    assert small == []


def test_online_capture_is_uploaded_with_its_receipt(context, school, shot):
    page = open_app(context)
    log_in(page, school, shot)
    expect(page.get_by_test_id("window")).to_contain_text("11:00")
    shot(page, "today")
    fill_capture(page)
    page.locator("[name=meals]").fill("60")
    page.locator("[data-testid=staff] label.choice", has_text="अवकाश पर").nth(1).click()
    expect(page.get_by_test_id("totals")).to_contain_text("150")
    assert_fits_a_phone(page)
    shot(page, "filled")
    page.get_by_test_id("save").click()

    expect(status(page)).to_have_attribute("data-state", "uploaded")
    expect(page.get_by_test_id("receipt")).to_contain_text("समय पर")
    shot(page, "uploaded")
    capture = Capture.objects.get()
    assert capture.status == "accepted"
    record = DayRecord.objects.get(school=school.school_a, date=DAY)
    assert record.current.present_boys == 75 and record.current.meals_served == 60
    assert {s.posting_id: s.status for s in record.current.staff.all()} == {
        school.posting_asha.pk: "P",
        school.posting_tarun.pk: "L",
    }


def test_no_meal_today_is_sent_with_its_reason(context, school, shot):
    page = open_app(context)
    log_in(page, school, shot)
    fill_capture(page)
    page.locator("[name=meals]").fill("0")
    page.get_by_test_id("save").click()
    # Checked on the phone as on the server: 0 meals needs a reason.
    expect(page.locator('[data-for="meals_reason"]')).to_contain_text("कारण चुनें")
    page.locator("[name=meals_reason]").select_option("other")
    page.get_by_test_id("save").click()
    expect(page.locator('[data-for="meals_note"]')).not_to_be_empty()
    page.locator("[name=meals_note]").fill("गैस सिलेंडर खत्म")
    assert_fits_a_phone(page)
    shot(page, "no-meal")
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    version = DayRecord.objects.get(school=school.school_a, date=DAY).current
    assert (version.meals_served, version.meals_not_served, version.meals_note) == (
        0,
        "other",
        "गैस सिलेंडर खत्म",
    )


def outbox(page: Page) -> list[dict]:
    """The app's outbox, read from the phone's IndexedDB."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("hazari");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const get = open.result.transaction("outbox").objectStore("outbox").getAll();
                get.onsuccess = () => { resolve(get.result); open.result.close(); };
                get.onerror = () => reject(get.error);
            };
        })"""
    )


def successful_uploads(page: Page) -> list[list[str]]:
    """The UUIDs of every upload the server answered, one list per request."""
    done: list[list[str]] = []

    def on_response(response):
        request = response.request
        upload = request.method == "POST" and request.url.endswith("/api/v1/sync/captures")
        if upload and response.status == 200:
            done.append([c["uuid"] for c in json.loads(request.post_data or "{}")["captures"]])

    page.on("response", on_response)
    return done


def test_offline_capture_survives_reload_and_restart_and_is_uploaded_once(
    context, network_fails, school, shot
):
    page = open_app(context)
    log_in(page, school)
    uploads = successful_uploads(page)

    go_offline(context)
    page.reload()  # the service worker answers: the app opens without a network
    expect(page.get_by_test_id("capture-form")).to_be_visible()
    expect(page.get_by_test_id("network")).to_contain_text("ऑफ़लाइन")
    shot(page, "offline-today")
    fill_capture(page, 12)
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "saved")
    expect(page.get_by_test_id("to-send")).to_contain_text("1")
    shot(page, "saved-on-phone")

    page.reload()
    expect(status(page)).to_have_attribute("data-state", "saved")
    # Closed and opened again, as after the phone restarts (the same browser profile).
    page.close()
    page = context.new_page()
    uploads = successful_uploads(page)
    page.goto("/app/")
    expect(status(page)).to_have_attribute("data-state", "saved")
    [record] = outbox(page)
    assert record["state"] in ("saved", "sending")  # a retry may be under way
    # Whether the server has it yet is not asserted: Playwright's emulated offline state lets
    # a request through now and then around a page's close (about one run in four on this
    # machine), which no offline phone does. What matters is asserted below: after the
    # reconnection the phone has its receipt, and the server one capture and one version.

    go_online(context)
    expect(status(page)).to_have_attribute("data-state", "uploaded", timeout=SLOW_MS)
    expect(page.get_by_test_id("to-send")).to_have_count(0)
    shot(page, "uploaded-after-reconnect")
    assert uploads == [[record["uuid"]]]
    assert Capture.objects.get().uuid.hex == record["uuid"].replace("-", "")
    assert Version.objects.count() == 1
    assert DayRecord.objects.get().current.present_girls == 60


def test_the_app_opens_offline_after_the_browser_restarts(browser, live_server, school, tmp_path):
    """A real restart: the browser's profile on disk, the browser closed and started again
    with the network off. The service worker and the outbox come back from the disk."""
    options = {
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        "base_url": live_server.url,
        "viewport": {"width": 360, "height": 640},
        "locale": "hi-IN",
    }
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(profile, **options)
    try:
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        page = open_app(context)
        log_in(page, school)
        go_offline(context)
        fill_capture(page)
        page.get_by_test_id("save").click()
        expect(status(page)).to_have_attribute("data-state", "saved")
        # Close the page while still offline: closing the context lifts the emulated
        # offline state first, and the page's "online" handler would upload the capture.
        page.close()
    finally:
        context.close()

    context = browser.browser_type.launch_persistent_context(profile, **options)
    try:
        go_offline(context)
        page = open_app(context)
        expect(status(page)).to_have_attribute("data-state", "saved")
        expect(page.get_by_test_id("network")).to_contain_text("ऑफ़लाइन")
        # Whether the server has it yet is not asserted: closing the first browser lifts its
        # emulated offline state, and now and then the upload got through before it closed
        # (its receipt lost with the browser), which no offline phone does. The phone kept
        # it, and after reconnecting the server has it once.
        go_online(context)
        expect(status(page)).to_have_attribute("data-state", "uploaded", timeout=SLOW_MS)
        assert Capture.objects.count() == 1
        assert Version.objects.count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("failure", ["500", "down"])
def test_failed_upload_stays_queued_until_the_server_recovers(
    context, network_fails, school, shot, failure
):
    page = open_app(context)
    log_in(page, school)
    attempts: list[str] = []

    def fail(route):
        attempts.append(route.request.url)
        if failure == "500":
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")
        else:
            route.abort("connectionrefused")

    context.route("**/api/v1/sync/captures", fail)
    fill_capture(page)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("retry")).to_be_visible()
    expect(status(page)).to_have_attribute("data-state", "saved")
    shot(page, "queued")
    # Retried with backoff while the server keeps failing: 4 s, then 8 s (±20 %).
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=20)
    while len(attempts) < 2 and datetime.datetime.now() < deadline:
        page.wait_for_timeout(250)
    assert len(attempts) >= 2
    assert not Capture.objects.exists()
    assert outbox(page)[0]["state"] == "saved"

    context.unroute("**/api/v1/sync/captures")
    expect(status(page)).to_have_attribute("data-state", "uploaded", timeout=SLOW_MS)
    assert Capture.objects.count() == 1 and Version.objects.count() == 1


def test_two_taps_on_save_make_one_record(context, school):
    page = open_app(context)
    log_in(page, school)
    uploads = successful_uploads(page)
    fill_capture(page)
    page.get_by_test_id("save").dblclick()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    # Two submits in the same instant, as a fast double tap can make them.
    assert len(outbox(page)) == 1
    assert Capture.objects.count() == 1 and Version.objects.count() == 1
    assert len(uploads) == 1
    # The outbox itself refuses a second record with the same UUID.
    [record] = outbox(page)
    added_again = page.evaluate(
        """async (record) => {
            const outbox = await import("/static/app/js/outbox.js");
            return outbox.add(record);
        }""",
        record,
    )
    assert added_again is False
    assert len(outbox(page)) == 1


def test_form_submitted_twice_at_once_saves_once(context, school):
    page = open_app(context)
    log_in(page, school)
    fill_capture(page)
    page.evaluate(
        """() => {
            const form = document.querySelector("[data-testid=capture-form]");
            form.requestSubmit();
            form.requestSubmit();
        }"""
    )
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    assert len(outbox(page)) == 1
    assert Capture.objects.count() == 1


def test_wrong_phone_clock_is_warned_and_flagged_as_the_server_decides(context, school, shot):
    page = open_app(context, phone_clock=timezone.now() - datetime.timedelta(hours=2))
    log_in(page, school)
    warning = page.get_by_test_id("clock-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("120 मिनट")
    # The day and the window follow the server's time, not the phone's 08:30.
    expect(page.get_by_test_id("window")).to_contain_text("11:00")
    shot(page, "clock-warning")
    fill_capture(page)
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "held")
    expect(page.get_by_test_id("receipt")).to_contain_text("घड़ी")
    shot(page, "held")
    capture = Capture.objects.get()
    assert (capture.status, capture.code) == ("held", "wrong_clock")
    assert capture.date == DAY
    assert DayRecord.objects.get().current is None  # held: it does not count yet


def test_rejected_capture_shows_why_and_the_form_again(context, school, shot):
    page = open_app(context)
    log_in(page, school)
    # The district corrects class 1's enrolment down after the phone loaded it.
    from hazari.registers.models import Enrolment

    Enrolment.objects.filter(school=school.school_a, class_no=1).update(boys=10)
    fill_capture(page, 15)
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "rejected")
    expect(status(page).locator(".errorlist")).to_contain_text("10")
    expect(page.get_by_test_id("capture-form")).to_be_visible()
    # The phone's copy of the enrolment is refreshed, and the form shows the mistake.
    expect(page.locator("[data-for='1_boys']")).to_contain_text("10")
    shot(page, "rejected")
    assert not DayRecord.objects.filter(current__isnull=False).exists()


def test_correction_needs_a_reason(context, school, shot):
    page = open_app(context)
    log_in(page, school)
    fill_capture(page)
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    page.get_by_test_id("correct").click()
    page.locator("[data-testid=capture-form] table input.count").first.fill("14")
    page.get_by_test_id("save").click()
    expect(page.locator("[data-for=reason]")).to_be_visible()
    shot(page, "correction")
    page.fill("#reason", "कक्षा 1 का एक छात्र देर से आया")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("receipt")).to_contain_text("2")
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    record = DayRecord.objects.get()
    assert record.current.number == 2 and record.current.reason.startswith("कक्षा 1")


def test_no_entry_after_the_day_closes(new_context, school_a_ready, shot):  # noqa: F811
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(17, 5))), tick=True
    ):
        page = open_app(new_context())
        page.fill("#user-id", school_a_ready.asha.username)
        page.fill("#password", PASSWORD)
        page.click("[data-testid=login] button[type=submit]")
        expect(page.get_by_test_id("window")).to_contain_text("17:00")
        expect(page.get_by_test_id("capture-form")).to_have_count(0)
        shot(page, "day-closed")


def test_history_shows_each_of_the_last_30_days(context, school, shot):
    from hazari.api.tests.helpers import capture_body
    from hazari.attendance.services import CaptureIn, ClassCount, StaffMark, capture_submit
    from hazari.attendance.tests.conftest import at

    def submit(day, hhmm):
        body = capture_body(school, day=day, when=hhmm)
        capture_submit(
            user=school.asha,
            data=CaptureIn(
                uuid=body["uuid"],
                school_id=body["school_id"],
                date=day,
                captured_at=at(hhmm, day),
                classes=[ClassCount(**c) for c in body["classes"]],
                staff=[StaffMark(**s) for s in body["staff"]],
            ),
            received_at=at(hhmm, day),
        )

    submit(DAY - datetime.timedelta(days=1), "10:20")  # Tuesday, on time
    submit(DAY - datetime.timedelta(days=2), "12:30")  # Monday, late
    page = open_app(context)
    log_in(page, school)
    page.click("nav.tabs a[href='#history']")
    days = page.locator("[data-testid=history] li.day")
    expect(days).to_have_count(30)
    expect(days.nth(0)).to_have_attribute("data-state", "not-yet")
    expect(days.nth(1)).to_have_attribute("data-state", "on-time")
    expect(days.nth(2)).to_have_attribute("data-state", "late")
    expect(days.nth(3)).to_have_attribute("data-state", "closed")  # Sunday
    expect(days.nth(3)).to_contain_text("साप्ताहिक")
    expect(days.nth(4)).to_have_attribute("data-state", "not-sent")  # Saturday
    assert_fits_a_phone(page)
    shot(page, "history")

    page.click("nav.tabs a[href='#today']")
    fill_capture(page)
    # The upload fetches the history again: the tab is opened once it has come (a click
    # while the screen was being redrawn by the upload's receipt was seen to be lost in CI).
    with page.expect_response(lambda r: "/app/history" in r.url and r.ok):
        page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    page.click("nav.tabs a[href='#history']")
    expect(page.get_by_test_id("history")).to_be_visible()
    expect(days.nth(0)).to_have_attribute("data-state", "on-time")


def test_log_out_warns_while_captures_are_unsent(context, network_fails, school, shot):
    page = open_app(context)
    log_in(page, school)
    go_offline(context)
    fill_capture(page)
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "saved")

    page.get_by_test_id("logout").click()
    dialog = page.get_by_test_id("logout-warning")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("एक प्रविष्टि")
    shot(page, "logout-warning")
    page.get_by_test_id("logout-stay").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("capture-status")).to_be_visible()

    page.get_by_test_id("logout").click()
    page.get_by_test_id("logout-anyway").click()
    expect(page.get_by_test_id("login")).to_be_visible()
    assert [r["state"] for r in outbox(page)] == ["saved"]  # kept on the phone

    go_online(context)
    log_in(page, school, form=False)
    expect(page.get_by_test_id("capture-status")).to_have_attribute("data-state", "uploaded")
    assert Capture.objects.count() == 1


def test_switch_to_english_and_back(context, school, shot):
    page = open_app(context)
    log_in(page, school)
    page.get_by_test_id("language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Today's attendance")
    shot(page, "english")
    page.reload()  # the choice is kept on the phone
    expect(page.locator("h1")).to_have_text("Today's attendance")
    page.get_by_test_id("language").click()
    expect(page.locator("h1")).to_have_text("आज की उपस्थिति")
