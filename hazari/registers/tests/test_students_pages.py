import datetime

import pytest
from django.test import Client

from hazari.registers.models import Gender, Student
from hazari.registers.services import enrolment_from_students


def add(school, student_id: str, class_no: int, gender: str = Gender.GIRL, **extra) -> Student:
    return Student.objects.create(
        student_id=student_id,
        name=extra.pop("name", f"Child {student_id}"),
        gender=gender,
        class_no=class_no,
        school=school,
        **extra,
    )


@pytest.fixture
def students(world):
    add(world.school_a, "1001", 1, Gender.BOY, name="Ravi Kumar", section="A")
    add(
        world.school_a,
        "1002",
        1,
        Gender.GIRL,
        name="Sita Devi",
        date_of_birth=datetime.date(2019, 6, 14),
    )
    add(world.school_a, "1003", 3, Gender.THIRD_GENDER, name="Meera Bai")
    add(world.school_a, "1004", 3, Gender.GIRL, name="Gone Away", is_active=False)
    add(world.school_b, "2001", 6, Gender.BOY, name="Mohan Lal")
    add(world.school_d, "4001", 9, Gender.GIRL, name="Kiran Bala")
    return world


def page(user, school, query: str = ""):
    client = Client()
    client.force_login(user)
    return client.get(f"/schools/{school.pk}/students/{query}")


@pytest.mark.parametrize(
    ("person", "target", "status"),
    [
        ("asha", "school_a", 200),  # head master, her own school
        ("tarun", "school_a", 200),  # a teacher of the school
        ("chetan", "school_a", 200),  # cluster officer
        ("bhavna", "school_a", 200),  # block officer
        ("dinesh", "school_a", 200),  # district officer
        ("sunita", "school_d", 200),  # state officer
        ("asha", "school_b", 404),  # the neighbouring school of the same cluster
        ("hari", "school_a", 404),  # another school's head master
        ("yash", "school_a", 404),  # another block
        ("zoya", "school_a", 404),  # another district
        ("dinesh", "school_d", 404),
    ],
)
def test_a_school_register_is_seen_by_the_school_and_the_officers_above(
    students, person, target, status
):
    assert page(getattr(students, person), getattr(students, target)).status_code == status


@pytest.mark.parametrize("person", ["meera", "dev"])  # mid-day meal officer, DDO
def test_roles_that_do_not_follow_children_up_see_counts_not_names(students, person):
    response = page(getattr(students, person), students.school_a)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="students-by-class"' in body and 'data-testid="names-hidden"' in body
    for name in ("Ravi Kumar", "Sita Devi", "Meera Bai", "<td>1001</td>"):
        assert name not in body
    # The cluster officer, for the same school, sees them.
    assert "Ravi Kumar" in page(students.chetan, students.school_a).content.decode()


def test_anonymous_is_sent_to_log_in(students):
    response = Client().get(f"/schools/{students.school_a.pk}/students/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_page_lists_the_schools_active_students_only(students):
    html = page(students.asha, students.school_a).content.decode()
    assert "Ravi Kumar" in html and "Sita Devi" in html and "Meera Bai" in html
    assert "14-06-2019" in html
    assert "Gone Away" not in html  # inactive
    assert "Mohan Lal" not in html and "Kiran Bala" not in html  # other schools
    assert "छात्रा" in html or "Girl" in html


def test_the_page_filters_by_class_and_pages(students, monkeypatch):
    html = page(students.asha, students.school_a, "?class=3").content.decode()
    assert "Meera Bai" in html and "Ravi Kumar" not in html

    monkeypatch.setattr("hazari.registers.views.STUDENTS_PER_PAGE", 2)
    first = page(students.asha, students.school_a)
    # By class, section (none before A), name.
    assert [s.name for s in first.context["page"]] == ["Sita Devi", "Ravi Kumar"]
    second = page(students.asha, students.school_a, "?page=2")
    assert [s.name for s in second.context["page"]] == ["Meera Bai"]


def test_an_empty_register(world):
    response = page(world.asha, world.school_a)
    assert response.status_code == 200
    assert response.context["by_class"] == []


def test_enrolment_is_derived_from_the_active_students(students):
    assert enrolment_from_students(school=students.school_a) == {
        1: {"boys": 1, "girls": 1, "third_gender": 0},
        3: {"boys": 0, "girls": 0, "third_gender": 1},
    }
    assert enrolment_from_students(school=students.school_c) == {}
    assert not Student.objects.filter(school=students.school_c).exists()


def test_the_page_shows_the_derived_counts(students):
    response = page(students.dinesh, students.school_a)
    assert response.context["by_class"] == [(1, 1, 1, 0, 2), (3, 0, 0, 1, 1)]
