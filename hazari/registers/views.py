from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from hazari.accounts import scope
from hazari.accounts.roles import may_see_children_by_name
from hazari.lib.http import AuthedRequest
from hazari.registers.models import Student
from hazari.registers.services import enrolment_from_students

STUDENTS_PER_PAGE = 100


@login_required
def school_students(request: AuthedRequest, pk: int) -> HttpResponse:
    """A school's student register: for the school's own staff and the officers above it;
    anyone else gets 404 from the access layer. Only the roles that act on children by name
    see the names (roles.may_see_children_by_name): a mid-day meal officer or a DDO sees the
    counts by class."""
    school = scope.school_for(request.user, pk)
    named = may_see_children_by_name(request.user)
    students = Student.objects.of_school(school).order_by("class_no", "section", "name", "pk")
    class_no = request.GET.get("class", "")
    if class_no.isdigit():
        students = students.filter(class_no=int(class_no))
    counts = enrolment_from_students(school=school)
    ctx = {
        "school": school,
        "unit": school.unit,
        "page": Paginator(students, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
        if named
        else None,
        "names_hidden": not named,
        "class_no": int(class_no) if class_no.isdigit() else None,
        "by_class": [
            (c, n["boys"], n["girls"], n["third_gender"], sum(n.values()))
            for c, n in counts.items()
        ],
    }
    return render(request, "registers/students.html", ctx)
