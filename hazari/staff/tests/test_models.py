import datetime

import pytest
from django.db import IntegrityError, transaction

from hazari.staff.models import Posting, normalize_mobile
from hazari.staff.tests.helpers import make_posting

D = datetime.date


def test_one_open_posting_per_employee_is_enforced_by_the_database(world):
    make_posting(world.school_a, "EMP7001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_posting(world.school_b, "EMP7001")
    # Ended postings do not count: a history of postings is fine.
    make_posting(world.school_c, "EMP7002", start=D(2015, 7, 1), end_date=D(2019, 6, 30))
    make_posting(world.school_a, "EMP7002", start=D(2019, 7, 1), end_date=D(2021, 6, 30))
    make_posting(world.school_b, "EMP7002", start=D(2021, 7, 1))
    assert Posting.objects.filter(employee_code="EMP7002").count() == 3


def test_a_posting_cannot_end_before_it_starts(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_posting(world.school_a, start=D(2021, 7, 1), end_date=D(2021, 6, 30))


def test_current_at_and_on(world):
    ravi = make_posting(world.school_a, "EMP7001", start=D(2020, 7, 1), end_date=D(2023, 3, 31))
    sita = make_posting(world.school_a, "EMP7002", start=D(2023, 4, 1))
    mohan = make_posting(world.school_b, "EMP7003", start=D(2019, 1, 1))
    assert set(Posting.objects.current()) == {sita, mohan}
    assert set(Posting.objects.at(world.school_a)) == {ravi, sita}
    at_a = Posting.objects.at(world.school_a)
    assert list(at_a.on(D(2020, 6, 30))) == []
    assert list(at_a.on(D(2020, 7, 1))) == [ravi]
    assert list(at_a.on(D(2023, 3, 31))) == [ravi]  # the end date is the last day there
    assert list(at_a.on(D(2023, 4, 1))) == [sita]
    assert list(at_a.on(D(2030, 1, 1))) == [sita]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9876500002", "9876500002"),
        ("+91 98765 00002", "9876500002"),
        ("919876500002", "9876500002"),
        ("09876500002", "9876500002"),
        ("98765-00002", "9876500002"),
        ("12345", "12345"),
    ],
)
def test_mobile_numbers_are_normalised(typed, expected):
    assert normalize_mobile(typed) == expected
