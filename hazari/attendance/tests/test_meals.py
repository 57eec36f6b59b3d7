"""Mid-day meals (PM POSHAN) in the day's capture: served, or not served and why."""

import dataclasses

import pytest

from hazari.attendance.checks import SchoolDay, check_content
from hazari.attendance.models import RuleSet, Version
from hazari.attendance.services import ClassCount, StaffMark
from hazari.attendance.tests.test_capture import capture, submit
from hazari.orgunits.models import School, school_facts


@pytest.fixture
def w(school_a_ready):
    return school_a_ready


def errors(receipt) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in receipt.errors}


def test_meals_served_are_stored_with_the_version(w):
    receipt = submit(w, capture(w, present=10, meals=95))
    assert receipt.status == "accepted"
    version = Version.objects.get()
    assert (version.meals_served, version.meals_not_served, version.meals_note) == (95, "", "")
    # The beneficiaries: children present in classes 1–8 (all of school A's 1–5).
    assert version.present_meal_classes == 10 * 2 * 5


def test_not_served_is_stored_as_no_meals_with_the_reason(w):
    receipt = submit(w, capture(w, meals=None, meals_reason="no_grain"))
    assert receipt.status == "accepted"
    version = Version.objects.get()
    assert (version.meals_served, version.meals_not_served) == (0, "no_grain")


def test_other_needs_a_note(w):
    missing = submit(w, capture(w, meals=0, meals_reason="other"))
    assert (missing.status, missing.code) == ("rejected", "invalid")
    assert errors(missing) == {("meals_note", "note_missing")}
    receipt = submit(w, capture(w, meals=0, meals_reason="other", meals_note="Cook-cum-helper ill"))
    assert receipt.status == "accepted"
    assert Version.objects.get().meals_note == "Cook-cum-helper ill"


@pytest.mark.parametrize(
    ("meals", "why", "note", "expected"),
    [
        (0, "", "", ("meals_reason", "reason_missing")),
        (40, "no_cook", "", ("meals_reason", "reason_with_meals")),
        (0, "rain", "", ("meals_reason", "bad_reason")),
        (-1, "", "", ("meals_served", "negative")),
        (0, "other", "x" * 201, ("meals_note", "too_long")),
    ],
)
def test_bad_meal_entries_are_rejected_naming_the_field(w, meals, why, note, expected):
    receipt = submit(w, capture(w, meals=meals, meals_reason=why, meals_note=note))
    assert (receipt.status, receipt.code) == ("rejected", "invalid")
    assert expected in errors(receipt)
    assert all(e["message_hi"] and e["message_en"] for e in receipt.errors)
    assert not Version.objects.exists()


def test_meals_without_attendance_are_rejected(w):
    # Nobody present in classes 1–8, yet meals: more meals than children, whatever the count.
    receipt = submit(w, capture(w, present=0, meals=5))
    assert (receipt.status, receipt.code) == ("rejected", "meals_over_present")
    assert "0" in receipt.message_en


def test_the_state_may_hold_meals_above_present_for_review_instead(w, world):
    RuleSet.objects.create(unit=world.state, meals_over_present="held")
    receipt = submit(w, capture(w, present=1, meals=11))
    assert (receipt.status, receipt.code) == ("held", "meals_over_present")


def test_a_school_without_classes_1_to_8_sends_no_meal_figures(world):
    school = School.objects.get(pk=world.school_d.pk)  # classes 9–12
    facts = school_facts(school.pk)
    assert facts is not None and min(facts.classes) >= 9
    day = SchoolDay(enrolled={c: (10, 10, 0) for c in facts.classes}, posted=frozenset({7}))
    base = capture(
        world,
        school_id=school.pk,
        classes=[ClassCount(c, 5, 5) for c in facts.classes],
        staff=[StaffMark(7, "P")],
    )
    for data in (
        dataclasses.replace(base, meals_served=0),
        dataclasses.replace(base, meals_reason="no_cook"),
    ):
        problems = check_content(school=facts, day=day, data=data)
        assert [(p.field, p.code) for p in problems] == [("meals_served", "no_meal_classes")]
    assert check_content(school=facts, day=day, data=base) == []
