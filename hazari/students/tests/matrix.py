"""The follow-up of students who miss school in the access matrix
(see accounts/tests/test_access_matrix.py).

The list (API and page) and its downloads name children: for a school outside the user's
area they must answer 404 and record nothing. An entry for a school outside the area is
answered 200 with a rejected receipt, as a capture is, so it is not in the matrix:
test_api checks that it stores nothing.
"""

from hazari.students.models import FollowUp, FollowUpEntry, NamedListDownload

TOKEN = {"auth": "token"}

ENDPOINTS = [
    ("get", "/api/v1/students/followups?school_id={pk}", "school", None, TOKEN),
    ("get", "/students/school/{pk}/followup/", "school", None),
    ("get", "/students/school/{pk}/followup/export/followup.csv", "school", None),
    ("get", "/students/school/{pk}/followup/export/followup.xlsx", "school", None),
]


def snapshot():
    return (
        FollowUp.objects.count(),
        FollowUpEntry.objects.count(),
        NamedListDownload.objects.count(),
    )
