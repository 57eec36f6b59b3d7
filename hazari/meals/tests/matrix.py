"""Mid-day meal pages and downloads in the access matrix (accounts/tests/test_access_matrix.py):
for a unit or school outside the user's area, every one answers 404, and none writes."""

from hazari.dashboards.models import RefreshState, SchoolDay, UnitDay

UNIT_TABLES = ["meal-children", "meal-ranking", "meal-reasons", "meal-trend", "meal-months"]
FLAG_TABLES = ["meal-flags"]
SCHOOL_TABLES = ["meal-days", "meal-school-flags", "meal-trend", "meal-months"]

ENDPOINTS = [
    ("get", "/meals/units/{pk}/", "unit", None),
    ("get", "/meals/units/{pk}/?period=day", "unit", None),
    ("get", "/meals/units/{pk}/flags/?period=week&run_days=2", "unit", None),
    *[("get", f"/meals/units/{{pk}}/export/{t}.csv", "unit", None) for t in UNIT_TABLES],
    *[("get", f"/meals/units/{{pk}}/export/{t}.xlsx", "unit", None) for t in FLAG_TABLES],
    ("get", "/meals/units/{pk}/export/meal-flags.csv", "unit", None),
    ("get", "/meals/schools/{pk}/", "school", None),
    ("get", "/meals/schools/{pk}/?period=week", "school", None),
    *[("get", f"/meals/schools/{{pk}}/export/{t}.csv", "school", None) for t in SCHOOL_TABLES],
    ("get", "/meals/schools/{pk}/export/meal-days.xlsx", "school", None),
]


def snapshot():
    return (
        SchoolDay.objects.count(),
        UnitDay.objects.count(),
        list(RefreshState.objects.values_list("refreshed_at", "versions_seen")),
    )
