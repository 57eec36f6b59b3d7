"""Dashboard pages and downloads in the access matrix (see accounts/tests/test_access_matrix.py).

Every page and every table's download, for a unit or a school outside the user's area, must
answer 404. The pages only read, so the snapshot is the rollups and the review queue: a page
must never write.
"""

from hazari.dashboards.models import RefreshState, SchoolDay, Stale, UnitDay

UNIT_TABLES = [
    "children",
    "ranking",
    "boys-girls",
    "trend",
    "months",
    "by-class",
    "today-children",
    "not-reported",
    "schools",
    "weak-units",
    "weak-schools",
    "implausible",
]
SCHOOL_TABLES = ["classes", "days", "trend", "months"]

ENDPOINTS = [
    ("get", "/dashboard/units/{pk}/", "unit", None),
    ("get", "/dashboard/units/{pk}/?period=day", "unit", None),
    ("get", "/dashboard/units/{pk}/today/", "unit", None),
    ("get", "/dashboard/units/{pk}/schools/", "unit", None),
    ("get", "/dashboard/units/{pk}/weak/?period=week", "unit", None),
    *[("get", f"/dashboard/units/{{pk}}/export/{t}.csv", "unit", None) for t in UNIT_TABLES],
    *[("get", f"/dashboard/units/{{pk}}/export/{t}.xlsx", "unit", None) for t in UNIT_TABLES[:3]],
    ("get", "/dashboard/schools/{pk}/", "school", None),
    ("get", "/dashboard/schools/{pk}/?period=day", "school", None),
    *[("get", f"/dashboard/schools/{{pk}}/export/{t}.csv", "school", None) for t in SCHOOL_TABLES],
    ("get", "/dashboard/schools/{pk}/export/classes.xlsx", "school", None),
]


def snapshot():
    return (
        SchoolDay.objects.count(),
        UnitDay.objects.count(),
        Stale.objects.count(),
        list(RefreshState.objects.values_list("refreshed_at", "versions_seen")),
    )
