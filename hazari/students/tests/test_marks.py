"""A month's marks as bit sets, against a plain dictionary of days."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hazari.students.marks import Month

JULY = datetime.date(2026, 7, 1)

edits = st.lists(
    st.tuples(st.integers(1, 31), st.sampled_from(["present", "absent", "unmark"])), max_size=60
)


@given(edits=edits)
def test_marks_equal_the_days_marked_last(edits):
    month = Month(JULY)
    truth: dict[datetime.date, bool] = {}
    for d, what in edits:
        day = JULY.replace(day=d)
        if what == "unmark":
            month = month.unmark(day)
            truth.pop(day, None)
        else:
            month = month.mark(day, present=what == "present")
            truth[day] = what == "present"
    assert month.days() == sorted(truth.items())
    assert month.days_marked == len(truth)
    assert month.days_absent == sum(1 for present in truth.values() if not present)
    # Both sets fit a signed 32-bit column.
    assert 0 <= month.marked < 2**31 and 0 <= month.absent < 2**31


def test_marks_must_be_of_the_month_and_consistent():
    with pytest.raises(ValueError):
        Month(JULY).mark(datetime.date(2026, 8, 1), present=True)
    with pytest.raises(ValueError):
        Month(JULY.replace(day=2))
    with pytest.raises(ValueError):
        Month(JULY, marked=0b01, absent=0b10)
