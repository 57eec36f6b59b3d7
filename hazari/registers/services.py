"""What can be worked out from the registers without writing anything."""

from django.db.models import Count, Q

from hazari.orgunits.models import School
from hazari.registers.models import Gender, Student

# The enrolment count each gender of the student register goes to.
COUNT_OF_GENDER = {Gender.BOY: "boys", Gender.GIRL: "girls", Gender.THIRD_GENDER: "third_gender"}


def enrolment_from_students(*, school: School) -> dict[int, dict[str, int]]:
    """Enrolment counts derived from the school's active students:
    {class_no: {"boys": n, "girls": n, "third_gender": n}}, for the classes that have any.
    One grouped query on the (school, class_no) index; nothing is written."""
    columns = list(COUNT_OF_GENDER.values())
    rows = (
        Student.objects.of_school(school)
        .values("class_no")
        .annotate(
            **{
                column: Count("pk", filter=Q(gender=gender))
                for gender, column in COUNT_OF_GENDER.items()
            }
        )
        .values_list("class_no", *columns)
        .order_by("class_no")
    )
    return {class_no: dict(zip(columns, counts, strict=True)) for class_no, *counts in rows}
