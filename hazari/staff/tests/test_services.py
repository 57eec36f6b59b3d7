import datetime
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation

from hazari.staff.models import Posting, Source
from hazari.staff.services import posting_add, posting_end
from hazari.staff.tests.helpers import make_posting

D = datetime.date


def add(actor, school, **fields):
    data: dict[str, Any] = {
        "employee_code": " emp7001 ",
        "name": "Ravi  Kumar",
        "designation": "Primary Teacher",
        "mobile": "+91 98765 12345",
        "start_date": D(2024, 7, 1),
        "reason": "Order 12/2024 of the DEO",
    }
    data.update(fields)
    return posting_add(actor=actor, school=school, **data)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_add_opens_a_posting_and_records_who_and_why(world):
    posting = add(world.dev, world.school_a)
    posting.refresh_from_db()
    assert (posting.employee_code, posting.name, posting.mobile) == (
        "EMP7001",
        "Ravi Kumar",
        "9876512345",
    )
    assert (posting.source, posting.created_by, posting.end_date) == (
        Source.MANUAL,
        world.dev,
        None,
    )
    record = posting.history.get()
    assert (record.history_type, record.history_user) == ("+", world.dev)
    assert record.history_change_reason == "Order 12/2024 of the DEO"


@pytest.mark.parametrize("actor", ["dev", "bhavna", "dinesh", "arjun"])
def test_managers_of_the_area_may_add(world, actor):
    add(getattr(world, actor), world.school_a)
    assert Posting.objects.at(world.school_a).current().count() == 1


@pytest.mark.parametrize(
    ("actor", "school"),
    [
        ("asha", "school_a"),  # head master of the school
        ("tarun", "school_a"),  # teacher
        ("chetan", "school_a"),  # cluster officer: sees, does not change
        ("sunita", "school_a"),  # state officer: sees, does not change
        ("yash", "school_a"),  # block officer of another block
        ("dev", "school_c"),  # DDO, school outside his block
        ("zoya", "school_a"),  # another district
    ],
)
def test_others_may_not_add(world, actor, school):
    with pytest.raises(PermissionError):
        add(getattr(world, actor), getattr(world, school))
    assert not Posting.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"employee_code": "x!"}, "employee_code"),
        ({"name": "  "}, "name"),
        ({"designation": ""}, "designation"),
        ({"mobile": "12345"}, "mobile"),
        ({"reason": "  "}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"start_date": timezone.localdate() + datetime.timedelta(days=1)}, "start_date"),
        ({"start_date": D(1900, 1, 1)}, "start_date"),
    ],
)
def test_add_validates_every_field(world, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        add(world.dev, world.school_a, **fields)
    assert list(errors_of(excinfo)) == [field]
    assert not Posting.objects.exists()


@translation.override("en")
def test_add_refuses_a_second_current_posting(world):
    make_posting(world.school_a, "EMP7001")
    with pytest.raises(ValidationError) as excinfo:
        add(world.dev, world.school_a)
    assert "already posted at this school" in errors_of(excinfo)["employee_code"][0]

    # Posted elsewhere in the DDO's area: the school is named.
    with pytest.raises(ValidationError) as excinfo:
        add(world.dev, world.school_b)
    assert str(world.school_a) in errors_of(excinfo)["employee_code"][0]
    assert Posting.objects.count() == 1


@translation.override("en")
def test_a_posting_outside_the_area_is_not_named(world):
    make_posting(world.school_c, "EMP7001")  # block Y
    with pytest.raises(ValidationError) as excinfo:
        add(world.dev, world.school_a)
    message = errors_of(excinfo)["employee_code"][0]
    assert "outside your area" in message
    assert world.school_c.udise_code not in message
    assert "Berasia" not in message


def test_add_refuses_to_overlap_an_earlier_posting(world):
    make_posting(world.school_b, "EMP7001", start=D(2020, 7, 1), end_date=D(2024, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        add(world.dev, world.school_a, start_date=D(2024, 6, 30))
    assert list(errors_of(excinfo)) == ["start_date"]
    add(world.dev, world.school_a, start_date=D(2024, 7, 1))
    assert Posting.objects.current().get().school == world.school_a


def test_end_closes_the_posting_with_a_reason(world):
    posting = make_posting(world.school_a, start=D(2021, 7, 1))
    posting_end(actor=world.bhavna, posting=posting, end_date=D(2024, 6, 30), reason="Retired")
    posting.refresh_from_db()
    assert (posting.end_date, posting.ended_reason) == (D(2024, 6, 30), "Retired")
    record = posting.history.latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        world.bhavna,
        "Retired",
    )
    assert not Posting.objects.current().exists()


def test_end_on_the_first_day_and_today_are_allowed(world):
    first = make_posting(world.school_a, "EMP7001", start=D(2024, 7, 1))
    posting_end(actor=world.dev, posting=first, end_date=D(2024, 7, 1), reason="Wrong school")
    today = make_posting(world.school_a, "EMP7002", start=D(2024, 7, 1))
    posting_end(actor=world.dev, posting=today, end_date=timezone.localdate(), reason="Died")
    assert not Posting.objects.current().exists()


@pytest.mark.parametrize(
    ("end_date", "reason", "field"),
    [
        (D(2021, 6, 30), "Retired", "end_date"),
        (timezone.localdate() + datetime.timedelta(days=1), "Retired", "end_date"),
        (D(2024, 6, 30), " ", "reason"),
    ],
)
def test_end_validates(world, end_date, reason, field):
    posting = make_posting(world.school_a, start=D(2021, 7, 1))
    with pytest.raises(ValidationError) as excinfo:
        posting_end(actor=world.dev, posting=posting, end_date=end_date, reason=reason)
    assert list(errors_of(excinfo)) == [field]
    posting.refresh_from_db()
    assert posting.end_date is None
    assert posting.history.count() == 1


def test_a_posting_ends_once(world):
    posting = make_posting(world.school_a, start=D(2021, 7, 1))
    posting_end(actor=world.dev, posting=posting, end_date=D(2024, 6, 30), reason="Retired")
    with pytest.raises(ValidationError) as excinfo:
        posting_end(actor=world.dev, posting=posting, end_date=D(2024, 5, 31), reason="Again")
    assert list(errors_of(excinfo)) == [NON_FIELD_ERRORS]
    posting.refresh_from_db()
    assert posting.end_date == D(2024, 6, 30)


@pytest.mark.parametrize("actor", ["asha", "tarun", "chetan", "sunita", "yash", "zoya"])
def test_others_may_not_end(world, actor):
    posting = make_posting(world.school_a)
    with pytest.raises(PermissionError):
        posting_end(
            actor=getattr(world, actor), posting=posting, end_date=D(2024, 6, 30), reason="x"
        )
    posting.refresh_from_db()
    assert posting.end_date is None


def test_transfer_by_hand_end_then_add(world):
    old = make_posting(world.school_a, start=D(2021, 7, 1))
    posting_end(actor=world.dev, posting=old, end_date=D(2024, 6, 30), reason="Order 5")
    new = add(world.dev, world.school_b, start_date=D(2024, 7, 1), reason="Order 5")
    assert [
        p.school for p in Posting.objects.filter(employee_code="EMP7001").on(D(2024, 6, 30))
    ] == [world.school_a]
    assert list(Posting.objects.on(D(2024, 7, 1))) == [new]
