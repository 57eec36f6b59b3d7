"""Register pages in the access matrix (see accounts/tests/test_access_matrix.py)."""

from hazari.registers.models import Enrolment, Student

# The target kind "school" (a school outside the user's area) is defined centrally.
ENDPOINTS = [
    ("get", "/schools/{pk}/students/", "school", None),
]


def snapshot():
    return (
        list(Student.objects.order_by("pk").values_list("pk", "student_id", "name", "school_id")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "boys", "girls")),
    )
