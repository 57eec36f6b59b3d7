"""Staff pages in the access matrix (see accounts/tests/test_access_matrix.py)."""

import datetime

from hazari.accounts import scope
from hazari.orgunits.models import School
from hazari.staff.models import Posting, Source


def _outside_posting(world, who):
    """A current posting at a school outside the user's area: made on demand."""
    school = School.objects.exclude(pk__in=scope.schools_for(who)).order_by("pk").first()
    if school is None:  # the state's people see everything
        return None
    posting, _ = Posting.objects.get_or_create(
        employee_code=f"OUT{school.pk}",
        defaults={
            "name": "Outside Teacher",
            "designation": "Primary Teacher",
            "school": school,
            "start_date": datetime.date(2020, 7, 1),
            "source": Source.HRMIS,
        },
    )
    return posting


# Valid-looking data, so that a missing check would show as a change.
ADD = {
    "employee_code": "EMP9999",
    "name": "Naya Shikshak",
    "designation": "Primary Teacher",
    "mobile": "9876512345",
    "start_date": "2024-07-01",
    "reason": "Order 12/2024",
}
END = {"end_date": "2024-06-30", "reason": "Transferred by order 13/2024"}

ENDPOINTS = [
    ("get", "/schools/{pk}/staff/", "school", None),
    ("get", "/schools/{pk}/staff/history/", "school", None),
    ("get", "/schools/{pk}/staff/add/", "school", None),
    ("post", "/schools/{pk}/staff/add/", "school", ADD),
    ("get", "/postings/{pk}/end/", "posting", None),
    ("post", "/postings/{pk}/end/", "posting", END),
]
TARGETS = {"posting": _outside_posting}


def snapshot():
    return (
        list(
            Posting.objects.order_by("pk").values_list(
                "pk", "employee_code", "school_id", "end_date", "ended_reason"
            )
        ),
        Posting.history.count(),
    )
