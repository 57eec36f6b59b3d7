"""The follow-up of absent children in the phone app (issue 15), in Chromium at 360×640.

School A takes attendance student-wise. Of its register, Ravi was absent on the last three
marked days and Sita on five of the last eight: both are on the school's list to follow up;
Gita came every day and is not. The list comes with the log-in and stays on the phone, so
it opens offline; a cause recorded offline waits in the phone's queue (through a reload),
goes up when the network is back, and the list fetched after it shows the server's state.
An action and the outcome "came back" follow; an entry the server refuses (the child left
the school meanwhile) is shown with its reason in the user's language.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazari.attendance.models import RuleSet
from hazari.attendance.tests.conftest import DAY, school_a_ready  # noqa: F401 (a fixture)
from hazari.registers.models import PastStay, Student
from hazari.students.models import FollowUp, FollowUpEntry
from hazari.students.tests.conftest import marks_of
from tests.e2e.test_browser_app import (
    SLOW_MS,
    assert_fits_a_phone,
    go_offline,
    go_online,
    log_in,
    network_fails,  # noqa: F401 (a fixture)
    open_app,
)

pytestmark = pytest.mark.browser

NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10, 30)))


def pupil(school, sid: str, name: str, gender: str, class_no: int) -> Student:
    return Student.objects.create(
        school=school, student_id=sid, name=name, gender=gender, class_no=class_no
    )


@pytest.fixture
def fu_school(school_a_ready):  # noqa: F811
    """School A, student-wise, with two children on the list; 10:30 on 15 July 2026."""
    world = school_a_ready
    RuleSet.objects.create(unit=world.state, roll_call="students")
    world.ravi = pupil(world.school_a, "S1001", "रवि कुमार", "M", 2)
    Student.objects.filter(pk=world.ravi.pk).update(guardian_mobile="9876543210")
    world.sita = pupil(world.school_a, "S1002", "सीता बाई", "F", 4)
    world.gita = pupil(world.school_a, "S1003", "गीता देवी", "F", 3)
    # Days from 1 July: P present, A absent, '.' not marked (Sundays).
    marks_of(world.ravi, "PPPP.PPPPPPA.AA")
    marks_of(world.sita, "PPPP.PPAAPPA.AA")
    marks_of(world.gita, "PPPP.PPPPPPP.PP")
    with time_machine.travel(NOW, tick=True):
        yield world


def row(page: Page, student: Student):
    return page.locator(f"[data-testid=fu-child][data-id='{student.pk}']")


def entries(page: Page) -> list[dict]:
    """The phone's queue of follow-up entries, from IndexedDB."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("hazari");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const store = open.result.transaction("followups").objectStore("followups");
                const get = store.getAll();
                get.onsuccess = () => { resolve(get.result); open.result.close(); };
                get.onerror = () => reject(get.error);
            };
        })"""
    )


def open_list(page: Page) -> None:
    page.get_by_test_id("open-followup").click()
    expect(page.get_by_test_id("followups")).to_be_visible()


def test_a_cause_recorded_offline_then_an_action_and_the_child_back(
    context,
    network_fails,  # noqa: F811
    fu_school,
    shot,
):
    w = fu_school
    page = open_app(context)
    log_in(page, w)
    # The way in, from today's screen: the tab and the button with the number of children.
    expect(page.get_by_test_id("tab-followup")).to_be_visible()
    expect(page.get_by_test_id("open-followup")).to_contain_text("2")
    assert_fits_a_phone(page)
    shot(page, "today")
    open_list(page)
    expect(page.get_by_test_id("fu-child")).to_have_count(2)
    expect(row(page, w.gita)).to_have_count(0)
    expect(row(page, w.ravi)).to_contain_text("लगातार 3")
    expect(row(page, w.ravi)).to_contain_text("अभी कुछ दर्ज नहीं")
    assert_fits_a_phone(page)
    shot(page, "list")

    # Offline: the list is the phone's copy.
    go_offline(context)
    page.reload()
    expect(row(page, w.ravi)).to_be_visible()
    row(page, w.ravi).click()
    expect(page.get_by_test_id("fu-student")).to_contain_text("रवि कुमार")
    expect(page.get_by_test_id("fu-figures")).to_contain_text("13 में से 3 दिन अनुपस्थित")
    # The head master may call the family from here: the register has the number.
    expect(page.get_by_test_id("fu-call")).to_have_attribute("href", "tel:9876543210")
    assert_fits_a_phone(page)
    shot(page, "child")
    # "Other" needs a note: the phone says so before saving anything.
    page.select_option("#fu-cause-code", "other")
    page.get_by_test_id("fu-save-cause").click()
    expect(page.locator("[data-testid=fu-form-cause] [data-for=note]")).to_contain_text(
        "टिप्पणी में कारण लिखें"
    )
    assert entries(page) == []
    page.select_option("#fu-cause-code", "illness")
    page.get_by_test_id("fu-save-cause").click()
    # Back on the list: the child's row shows the entry saved on the phone.
    expect(page.get_by_test_id("followups")).to_be_visible()
    chip = row(page, w.ravi).get_by_test_id("entry-state")
    expect(chip).to_have_attribute("data-state", "saved")
    expect(row(page, w.ravi)).to_contain_text("बीमारी")
    expect(page.get_by_test_id("to-send")).to_contain_text("1")
    shot(page, "saved-offline")

    # A reload (the app closed and opened again): still there, still waiting.
    page.reload()
    expect(row(page, w.ravi).get_by_test_id("entry-state")).to_have_attribute("data-state", "saved")
    [queued] = entries(page)
    # (Saved, or being tried: the app keeps trying, and each failed try puts it back.)
    assert queued["state"] in ("saved", "sending")
    assert queued["payload"]["student"] == w.ravi.pk
    assert (queued["payload"]["kind"], queued["payload"]["code"]) == ("cause", "illness")
    assert FollowUpEntry.objects.count() == 0

    # The network is back: uploaded, and the list fetched again shows the server's state.
    go_online(context)
    expect(row(page, w.ravi).get_by_test_id("entry-state")).to_have_count(0, timeout=SLOW_MS)
    expect(row(page, w.ravi)).to_contain_text("कारण: बीमारी")
    expect(page.get_by_test_id("to-send")).to_have_count(0)
    assert entries(page)[0]["state"] == "uploaded"
    fu = FollowUp.objects.get(student=w.ravi)
    assert (fu.cause, fu.is_open) == ("illness", True)
    entry = FollowUpEntry.objects.get()
    assert str(entry.uuid) == queued["uuid"]
    assert (entry.kind, entry.code, entry.on) == ("cause", "illness", DAY)
    shot(page, "uploaded")

    # A home visit yesterday. The list cannot be fetched for a while (the server fails):
    # the row shows the entry uploaded, and the child's page the receipt.
    def list_fails(route):
        if route.request.method == "GET":
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route("**/api/v1/students/followups", list_fails)
    row(page, w.ravi).click()
    page.locator("[data-testid=fu-form-action] label.choice", has_text="घर जाकर मिले").click()
    page.fill("#fu-action-on", "2026-07-14")
    assert_fits_a_phone(page)
    page.get_by_test_id("fu-save-action").click()
    expect(row(page, w.ravi)).to_contain_text("कार्य: घर जाकर मिले")
    chip = row(page, w.ravi).get_by_test_id("entry-state")
    expect(chip).to_have_attribute("data-state", "uploaded")
    row(page, w.ravi).click()
    expect(page.get_by_test_id("fu-receipt")).to_have_text("दर्ज हो गया।")
    expect(page.get_by_test_id("fu-current")).to_contain_text("भेज दी गई ✓")
    shot(page, "receipt")
    # The server answers again: the next try fetches the list, with the server's state.
    page.unroute("**/api/v1/students/followups")
    page.get_by_test_id("fu-back").click()
    expect(row(page, w.ravi).get_by_test_id("entry-state")).to_have_count(0, timeout=SLOW_MS)
    expect(row(page, w.ravi)).to_contain_text("कार्य: घर जाकर मिले")
    fu.refresh_from_db()
    assert (fu.action, fu.action_on) == ("home_visit", datetime.date(2026, 7, 14))

    # He came back today: the follow-up is closed.
    row(page, w.ravi).click()
    page.locator("[data-testid=fu-form-outcome] label.choice", has_text="वापस आने लगा").click()
    page.get_by_test_id("fu-save-outcome").click()
    expect(row(page, w.ravi)).to_contain_text("परिणाम: वापस आने लगा")
    expect(row(page, w.ravi).get_by_test_id("entry-state")).to_have_count(0, timeout=SLOW_MS)
    fu.refresh_from_db()
    assert (fu.outcome, fu.outcome_on, fu.is_open) == ("came_back", DAY, False)
    assert FollowUpEntry.objects.count() == 3

    # The child's page: what was done, in the order of the days it happened (the visit was
    # yesterday), with who recorded it.
    row(page, w.ravi).click()
    history = page.get_by_test_id("fu-history").locator("li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("घर जाकर मिले")
    expect(history.nth(1)).to_contain_text("बीमारी")
    expect(history.nth(2)).to_contain_text("वापस आने लगा")
    expect(history.nth(2)).to_contain_text(w.asha.name)
    assert_fits_a_phone(page)
    shot(page, "child-history")


def test_an_entry_for_a_child_who_left_is_refused_with_the_reason(context, fu_school, shot):
    w = fu_school
    page = open_app(context)
    log_in(page, w)
    open_list(page)
    expect(page.get_by_test_id("fu-child")).to_have_count(2)
    # After the phone fetched the list, the district records that Sita left for school B.
    yesterday = DAY - datetime.timedelta(days=1)
    PastStay.objects.create(
        student=w.sita, school=w.school_a, class_no=4, since=None, until=yesterday
    )
    w.sita.school, w.sita.class_no, w.sita.since = w.school_b, 5, yesterday
    w.sita.save()

    row(page, w.sita).click()
    page.select_option("#fu-cause-code", "migration")
    page.get_by_test_id("fu-save-cause").click()
    refused = page.get_by_test_id("fu-refused")
    expect(refused).to_be_visible(timeout=SLOW_MS)
    expect(refused).to_contain_text("सीता बाई")
    expect(refused.locator(".errorlist li")).to_have_text("यह विद्यार्थी इस शाला की पंजी में नहीं है।")
    # The list fetched after the upload no longer has her.
    expect(row(page, w.sita)).to_have_count(0)
    expect(page.get_by_test_id("fu-child")).to_have_count(1)
    assert entries(page)[0]["state"] == "rejected"
    assert FollowUpEntry.objects.count() == 0
    assert_fits_a_phone(page)
    shot(page, "refused")

    # In English, the same reason in English.
    page.get_by_test_id("language").click()
    expect(refused.locator(".errorlist li")).to_have_text(
        "This student is not on the school's register."
    )
    shot(page, "refused-english")
    page.get_by_test_id("fu-dismiss").click()
    expect(refused).to_have_count(0)
    assert entries(page)[0]["dismissed_at"]


def test_a_phone_with_the_older_database_keeps_its_captures(page):
    """IndexedDB version 2 adds the follow-up queue to what a phone already holds: its unsent
    captures stay in the outbox."""
    page.goto("/app/manifest.webmanifest")  # the app's origin, without the app running
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("hazari", 1);
            open.onupgradeneeded = () => {
                const db = open.result;
                db.createObjectStore("meta");
                const outbox = db.createObjectStore("outbox", { keyPath: "uuid" });
                outbox.createIndex("state", "state");
                outbox.createIndex("date", "date");
                outbox.put({ uuid: "u-1", state: "saved", date: "2026-07-15", saved_at: 1 });
            };
            open.onsuccess = () => { open.result.close(); resolve(); };
            open.onerror = () => reject(open.error);
        })"""
    )
    page.goto("/app/")
    expect(page.get_by_test_id("login")).to_be_visible()
    found = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("hazari");
            open.onsuccess = () => {
                const db = open.result;
                const get = db.transaction("outbox").objectStore("outbox").getAll();
                get.onsuccess = () => {
                    resolve({ version: db.version, stores: [...db.objectStoreNames],
                              outbox: get.result.map((r) => r.uuid) });
                    db.close();
                };
            };
            open.onerror = () => reject(open.error);
        })"""
    )
    assert found == {"version": 2, "stores": ["followups", "meta", "outbox"], "outbox": ["u-1"]}


def test_no_follow_up_where_the_school_keeps_no_register(context, school_a_ready):  # noqa: F811
    """A school that reports counts has no register of children: no way to the follow-up."""
    with time_machine.travel(NOW, tick=True):
        page = open_app(context)
        log_in(page, school_a_ready)
        expect(page.locator("[data-testid=capture-form] table.counts")).to_be_visible()
        expect(page.get_by_test_id("tab-followup")).to_have_count(0)
        expect(page.get_by_test_id("open-followup")).to_have_count(0)
