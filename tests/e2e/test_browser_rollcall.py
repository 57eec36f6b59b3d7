"""The student-wise roll call in the phone app (issue 15), in Chromium at 360×640.

School A's rules say "students" and its register has 40 children in each of classes 1–5 (20
boys, 20 girls): today's screen lists each class's children, everyone present, and a tap marks
one absent. The taps are counted as the phone sees them: three children absent is three taps
and the save, nothing more. The capture goes offline into the outbox, survives a reload, goes
up when the network is back, and the server's counts are the marks'. A correction reopens the
saved marks and asks for the reason; with late and left early allowed a tap goes round them.
"""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from hazari.attendance.models import Capture, ClassPresence, DayRecord, RuleSet, Version
from hazari.attendance.tests.conftest import DAY, school_a_ready  # noqa: F401 (a fixture)
from hazari.registers.models import PastStay, Student
from tests.e2e.test_browser_app import (
    SLOW_MS,
    assert_fits_a_phone,
    go_offline,
    go_online,
    log_in,
    network_fails,  # noqa: F401 (a fixture)
    open_app,
    outbox,
    status,
)

pytestmark = pytest.mark.browser

NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10, 30)))
BOYS = ["आरव", "विवान", "अर्जुन", "रोहित", "सुनील", "मनोज", "दीपक", "राहुल", "अमन", "करण"]
GIRLS = ["अनन्या", "प्रिया", "सीमा", "पूजा", "नेहा", "काजल", "रीना", "सोनम", "ज्योति", "आरती"]
SURNAMES = ["वर्मा", "साहू", "पटेल", "यादव"]


def register(school, class_no: int, size: int = 40) -> list[Student]:
    """`size` children in the class, half boys and half girls."""
    students = []
    for i in range(size):
        boy = i % 2 == 0
        first = (BOYS if boy else GIRLS)[(i // 2) % 10]
        students.append(
            Student(
                student_id=f"S{school.pk}{class_no:02d}{i:03d}",
                name=f"{first} {SURNAMES[(i // 20) % 4]}",
                gender="M" if boy else "F",
                class_no=class_no,
                school=school,
            )
        )
    return Student.objects.bulk_create(students)


@pytest.fixture
def roll_school(school_a_ready):  # noqa: F811
    """School A taking attendance student-wise, 40 children a class; 10:30 on the server."""
    world = school_a_ready
    RuleSet.objects.create(unit=world.state, roll_call="students")
    world.students = {c: register(world.school_a, c) for c in range(1, 6)}
    with time_machine.travel(NOW, tick=True):
        yield world


def presence(version: Version) -> dict[int, tuple[int, int, int]]:
    return {
        c.class_no: (c.boys, c.girls, c.third_gender)
        for c in ClassPresence.objects.filter(version=version)
    }


def child(page: Page, student: Student):
    return page.locator(f"button.student[data-id='{student.pk}']")


def screen(page: Page, shot, step: str) -> None:
    """The 360×640 screen the head master sees, and the whole page (scrolled to the top
    first: the class tabs stick to the top of the screen, and would show halfway down)."""
    seen = page.screenshot()
    page.evaluate("window.scrollTo(0, 0)")
    path = shot(page, step)
    path.with_name(f"{path.stem}-screen.png").write_bytes(seen)


def count_taps(page: Page) -> None:
    """From now on the page counts every tap (click) anywhere on it, as the phone sees it."""
    page.evaluate(
        """() => {
            window.taps = 0;
            document.addEventListener("click", () => { window.taps += 1; }, true);
        }"""
    )


def test_three_absent_of_forty_is_three_taps_and_the_save(
    new_context,
    network_fails,  # noqa: F811
    roll_school,
    shot,
):
    context = new_context(has_touch=True)
    page = open_app(context)
    log_in(page, roll_school)
    roll = page.get_by_test_id("roll")
    expect(roll.locator("button.student")).to_have_count(40)
    expect(page.locator("[data-testid=capture-form] table.counts")).to_have_count(0)
    expect(page.get_by_test_id("roll-summary")).to_contain_text("40")
    assert_fits_a_phone(page)
    screen(page, shot, "roll-call")

    # Offline from here: the students come from the phone's copy of the bootstrap.
    go_offline(context)
    page.reload()
    expect(roll.locator("button.student")).to_have_count(40)
    count_taps(page)
    class_1 = roll_school.students[1]
    absent = [class_1[2], class_1[9], class_1[24]]  # a boy, a girl, a boy
    for student in absent:
        child(page, student).tap()
    for student in absent:
        expect(child(page, student)).to_have_attribute("data-mark", "A")
    summary = page.get_by_test_id("roll-summary")
    expect(summary).to_contain_text("37")
    expect(summary).to_contain_text("अनुपस्थित: 3")
    expect(summary).to_contain_text("छात्र 18")
    expect(summary).to_contain_text("छात्राएँ 19")
    expect(page.locator(".class-tab[data-class='1'] .tab-count")).to_have_text("37/40")
    expect(page.get_by_test_id("totals")).to_contain_text("197")
    assert_fits_a_phone(page)
    # Scrolled down the list: the class tabs and the counts stay in view.
    child(page, class_1[24]).scroll_into_view_if_needed()
    screen(page, shot, "three-absent")
    page.get_by_test_id("save").tap()
    expect(status(page)).to_have_attribute("data-state", "saved")
    assert page.evaluate("window.taps") == len(absent) + 1
    shot(page, "saved-offline")

    [record] = outbox(page)
    roll_sent = record["payload"]["roll"]
    assert record["payload"]["classes"] == []
    assert sorted(roll_sent["absent"]) == sorted(s.pk for s in absent)
    assert len(roll_sent["present"]) == 197
    assert roll_sent["late"] == roll_sent["left_early"] == []

    page.reload()
    expect(status(page)).to_have_attribute("data-state", "saved")
    go_online(context)
    expect(status(page)).to_have_attribute("data-state", "uploaded", timeout=SLOW_MS)
    expect(page.get_by_test_id("receipt")).to_contain_text("समय पर")
    expect(page.get_by_test_id("status-present")).to_contain_text("197")
    shot(page, "uploaded")

    assert Capture.objects.get().status == "accepted"
    version = DayRecord.objects.get(school=roll_school.school_a, date=DAY).current
    assert presence(version) == {
        1: (18, 19, 0),
        2: (20, 20, 0),
        3: (20, 20, 0),
        4: (20, 20, 0),
        5: (20, 20, 0),
    }


def test_a_class_of_sixty_is_marked_in_well_under_thirty_seconds(new_context, roll_school, shot):
    """A tap per child and no dialog: even every child of a class of 60, one after the other,
    takes a few seconds (Playwright taps as fast as the page answers; a thumb is slower, but
    it is one tap per child whatever the class)."""
    more = Student.objects.bulk_create(
        Student(
            student_id=f"T{i:03d}",
            name=f"{GIRLS[i % 10]} कुशवाहा",
            gender="F" if i % 2 else "M",
            class_no=5,
            school=roll_school.school_a,
        )
        for i in range(20)
    )
    class_5 = roll_school.students[5] + more
    context = new_context(has_touch=True)
    page = open_app(context)
    log_in(page, roll_school)
    page.locator(".class-tab[data-class='5']").tap()
    expect(page.get_by_test_id("roll").locator("button.student")).to_have_count(60)
    started = time.monotonic()
    for student in class_5:
        child(page, student).tap()
    expect(page.get_by_test_id("roll-summary")).to_contain_text("अनुपस्थित: 60")
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    screen(page, shot, "sixty-absent")
    page.get_by_test_id("save").tap()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    assert presence(DayRecord.objects.get().current)[5] == (0, 0, 0)


def test_a_correction_reopens_the_marks_and_asks_for_the_reason(context, roll_school, shot):
    rules = RuleSet.objects.get(unit=roll_school.state)
    rules.mark_late_and_left_early = True
    rules.save()  # saved, not updated: the rules' memo is cleared on save
    page = open_app(context)
    log_in(page, roll_school)
    expect(page.locator(".roll-call .help").first).to_contain_text("देर से")
    class_1, class_3 = roll_school.students[1], roll_school.students[3]
    child(page, class_1[0]).click()
    page.locator(".class-tab[data-class='3']").click()
    expect(page.get_by_test_id("roll").locator("button.student")).to_have_count(40)
    child(page, class_3[1]).click()
    expect(page.locator(".class-tab[data-class='1'] .tab-count")).to_have_text("39/40")
    expect(page.locator(".class-tab[data-class='3'] .tab-count")).to_have_text("39/40")
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    first = DayRecord.objects.get().current
    assert presence(first)[1] == (19, 20, 0) and presence(first)[3] == (20, 19, 0)

    # The correction: the saved marks come back; the boy of class 1 came late after all, the
    # girl of class 3 was there and left early, and one more boy of class 3 is absent.
    page.get_by_test_id("correct").click()
    expect(page.locator(".class-tab[data-class='1'] .tab-count")).to_have_text("39/40")
    page.locator(".class-tab[data-class='1']").click()
    expect(child(page, class_1[0])).to_have_attribute("data-mark", "A")
    child(page, class_1[0]).click()
    expect(child(page, class_1[0])).to_have_attribute("data-mark", "L")
    page.locator(".class-tab[data-class='3']").click()
    child(page, class_3[1]).click()
    child(page, class_3[1]).click()
    expect(child(page, class_3[1])).to_have_attribute("data-mark", "E")
    child(page, class_3[4]).click()
    summary = page.get_by_test_id("roll-summary")
    expect(summary).to_contain_text("देर से: 0")
    expect(summary).to_contain_text("जल्दी गए: 1")
    expect(summary).to_contain_text("अनुपस्थित: 1")
    page.get_by_test_id("save").click()
    expect(page.locator("[data-for=reason]")).to_contain_text("कारण")
    page.fill("#reason", "कक्षा 1 का छात्र देर से आया")
    assert_fits_a_phone(page)
    shot(page, "correction")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("receipt")).to_contain_text("2")
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    shot(page, "corrected")

    record = DayRecord.objects.get()
    assert record.current.number == 2 and record.current.reason.startswith("कक्षा 1")
    # Late and left early count as present.
    assert presence(record.current)[1] == (20, 20, 0)
    assert presence(record.current)[3] == (19, 20, 0)
    latest = max(outbox(page), key=lambda r: r["saved_at"])
    roll = latest["payload"]["roll"]
    assert (roll["late"], roll["left_early"], roll["absent"]) == (
        [class_1[0].pk],
        [class_3[1].pk],
        [class_3[4].pk],
    )


def test_a_child_transferred_out_meanwhile_is_named_and_the_register_refreshed(
    context, roll_school, shot
):
    page = open_app(context)
    log_in(page, roll_school)
    expect(page.locator(".class-tab[data-class='2'] .tab-count")).to_have_text("40/40")
    boots: list[tuple[str, dict]] = []
    page.on(
        "response",
        lambda r: "/sync/bootstrap" in r.url and r.ok and boots.append((r.url, r.json())),
    )
    # After the phone loaded the register, the district records that a girl of class 2 left
    # for school B yesterday.
    gone = roll_school.students[2][5]
    yesterday = DAY - datetime.timedelta(days=1)
    PastStay.objects.create(
        student=gone, school=roll_school.school_a, class_no=2, since=None, until=yesterday
    )
    gone.school, gone.class_no, gone.since = roll_school.school_b, 6, yesterday
    gone.save()
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "rejected")
    errors = status(page).locator(".errorlist li")
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text(f"{gone.name} ({gone.student_id}):")
    # The refusal refreshes the phone's copy of the register: she is off the roll.
    page.locator(".class-tab[data-class='2']").click()
    expect(page.locator(".class-tab[data-class='2'] .tab-count")).to_have_text("39/39")
    expect(child(page, gone)).to_have_count(0)
    # Only class 2 came down again: the phone sent the hashes of the classes it holds.
    url, body = boots[-1]
    assert "have=" in url and body["student_register"]["partial"] is True
    # (her ended stay too: the roll calls of the days before she left may still be offline)
    assert {s["class_no"] for s in body["students"]} == {2} and len(body["students"]) == 40
    assert [s["until"] for s in body["students"] if s["id"] == gone.pk] == [yesterday.isoformat()]
    screen(page, shot, "rejected")
    page.get_by_test_id("save").click()
    expect(status(page)).to_have_attribute("data-state", "uploaded")
    assert presence(DayRecord.objects.get().current)[2] == (20, 19, 0)


def test_the_roll_call_in_english(context, roll_school, shot):
    page = open_app(context)
    log_in(page, roll_school)
    page.get_by_test_id("language").click()
    expect(page.locator(".roll-call legend")).to_have_text("Roll call")
    child(page, roll_school.students[1][3]).click()
    expect(page.get_by_test_id("roll-summary")).to_contain_text("Absent: 1")
    assert_fits_a_phone(page)
    screen(page, shot, "english")


def test_the_roll_of_a_day_from_the_stays_on_the_register(page):
    """The phone's own reckoning (rollcall.js), on a made-up bootstrap: who is on the roll of
    a day, each child once, and the capture's lists."""
    page.goto("/app/")
    result = page.evaluate(
        """async () => {
            const rc = await import("/static/app/js/rollcall.js");
            const s = (id, class_no, since, until, gender = "M") => ({
                id, student_id: `S${id}`, name: `N${id}`, gender, class_no, section: "",
                since, until,
            });
            const boot = {
                school: { classes: [1, 2, 3] },
                roll_call: { mode: "students", late_and_left_early: false },
                students: [
                    s(1, 1, null, null),
                    s(2, 1, "2026-07-16", null),           // joins tomorrow
                    s(3, 2, null, "2026-07-14"),           // left yesterday
                    s(4, 2, "2025-04-01", "2026-07-15"),   // moved from class 2 today...
                    s(4, 1, "2026-07-15", null),           // ...to class 1
                    s(5, 2, null, null, "F"),
                    s(6, 2, "2026-07-15", null, "T"),      // joined today
                    s(7, 3, null, "2026-07-15"),           // a stay ending today and the
                    s(7, 1, null, null),                   // current one: the current counts
                ],
            };
            const roll = rc.rollOn(boot, "2026-07-15");
            const byClass = Object.fromEntries([...roll].map(([c, l]) => [c, l.map((x) => x.id)]));
            // A late mark the rules no longer allow counts as present.
            const marks = { 5: "A", 6: "L" };
            return {
                byClass,
                lists: rc.rollOf(boot, "2026-07-15", marks),
                tally: rc.tally(boot, roll.get(2), marks),
                back: rc.marksFrom({ present: [1], absent: [4], late: [5], left_early: [6] }),
            };
        }"""
    )
    assert result["byClass"] == {"1": [1, 4, 7], "2": [5, 6], "3": []}
    assert result["lists"] == {
        "present": [1, 4, 7, 6],
        "absent": [5],
        "late": [],
        "left_early": [],
    }
    assert result["tally"] == {
        "roll": 2,
        "present": 1,
        "absent": 1,
        "late": 0,
        "left_early": 0,
        "boys": 0,
        "girls": 0,
        "third_gender": 1,
    }
    assert result["back"] == {"4": "A", "5": "L", "6": "E"}
