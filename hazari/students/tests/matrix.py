"""The follow-up of students who miss school in the access matrix
(see accounts/tests/test_access_matrix.py).

The list (API and page) and its downloads name children: for a school outside the user's
area they must answer 404 and record nothing. An entry for a school outside the area is
answered 200 with a rejected receipt, as a capture is, so it is not in the matrix:
test_api checks that it stores nothing.
"""

from hazari.accounts import scope
from hazari.orgunits.models import Level, OrgUnit
from hazari.students.models import Absence, CauseCount, FollowUp, FollowUpEntry, NamedListDownload

TOKEN = {"auth": "token"}
ABSENCE_TABLES = [
    "children",
    "boys-girls",
    "by-class",
    "by-gender",
    "causes-by-month",
    "migration-by-month",
    "causes-by-class",
    "causes-by-gender",
    "causes-by-unit",
]

ENDPOINTS = [
    ("get", "/api/v1/students/followups?school_id={pk}", "school", None, TOKEN),
    ("get", "/students/school/{pk}/followup/", "school", None),
    ("get", "/students/school/{pk}/followup/export/followup.csv", "school", None),
    ("get", "/students/school/{pk}/followup/export/followup.xlsx", "school", None),
    # The officers' pages of absence (counts only) and their downloads.
    ("get", "/absence/units/{pk}/", "unit", None),
    ("get", "/absence/units/{pk}/?period=month", "unit", None),
    ("get", "/absence/units/{pk}/causes/", "unit", None),
    *[("get", f"/absence/units/{{pk}}/export/{t}.csv", "unit", None) for t in ABSENCE_TABLES],
    ("get", "/absence/units/{pk}/export/children.xlsx", "unit", None),
    # A cluster's children by name.
    ("get", "/students/cluster/{pk}/followup/", "cluster", None),
    ("get", "/students/cluster/{pk}/followup/export/followup.csv", "cluster", None),
    ("get", "/students/cluster/{pk}/followup/export/followup.xlsx", "cluster", None),
]


def _outside_cluster(world, who):
    return (
        OrgUnit.objects.filter(level=Level.CLUSTER)
        .exclude(pk__in=scope.units_for(who))
        .order_by("pk")
        .first()
    )


TARGETS = {"cluster": _outside_cluster}


def snapshot():
    return (
        FollowUp.objects.count(),
        FollowUpEntry.objects.count(),
        NamedListDownload.objects.count(),
        Absence.objects.count(),
        CauseCount.objects.count(),
    )
